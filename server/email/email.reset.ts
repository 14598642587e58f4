import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { addressKey } from '../limits/limiter';
import { setPasswordHash } from '../members/members.repository';
import { checkName } from '../members/names';
import { checkNewPassword, hashPassword } from '../members/passwords';
import { deleteMemberSessions } from '../sessions/sessions.repository';
import { consumeToken, createToken, peekToken, revokeTokens } from '../tokens/tokens.service';
import type { Variant } from '../variants';
import * as repo from './email.repository';
import { type EmailDeps, invalidLink } from './email.service';
import { RESET_MINUTES, mailLink, resetMail } from './email.messages';

/**
 * "Forgot password": a link sent to the member's verified address sets a new password. The answer
 * to a request is the same, and comes as fast, whether or not a member matches: it is given once
 * the limits are counted, and finding the member, making the token and sending the email happen
 * after it, out of the request.
 */

/** A login as typed, the way the limit counts it (the same for "Name", " name " and "NAME"). */
const loginKey = (login: string) => login.normalize('NFKC').trim().toLowerCase();

/**
 * Asks for a reset link for `login` (a member name or a verified address). Counts the limits (per
 * address, per login as typed, whether it exists or not), then answers; the returned promise is
 * the work done after the answer (it never rejects: a failure is logged).
 */
export async function forgotPassword(
  deps: EmailDeps,
  login: string,
  from: { address: string; variant: Variant | undefined },
): Promise<{ done: Promise<void> }> {
  await deps.limiter.consume('password-reset:address', addressKey(from.address));
  await deps.limiter.consume('password-reset:login', loginKey(login));
  const done = sendResetLink(deps, login, from.variant).catch((error: unknown) => {
    deps.log.warn({ err: { message: (error as Error).message } }, 'password reset: the link could not be sent');
  });
  return { done };
}

async function sendResetLink(deps: EmailDeps, login: string, variant: Variant | undefined): Promise<void> {
  const member = await findResettable(deps.db, login);
  if (!member?.email) return;
  const token = await deps.db.transaction().execute(async (tx) => {
    // Only the newest link works: an older email lying around opens nothing.
    await revokeTokens(tx, member.id, 'reset-password');
    return createToken(tx, { userId: member.id, purpose: 'reset-password', ttlSeconds: RESET_MINUTES * 60 });
  });
  // The member's own script if they chose one on an email page; else the asker's.
  const script = member.mail_variant ?? variant;
  const url = mailLink(deps.mailer.publicUrl, script, `/password/reset?token=${token}`);
  await deps.mailer.send(resetMail({ to: member.email, name: member.name, variant: script, site: deps.siteName }, url));
}

function findResettable(db: Kysely<Database>, login: string) {
  const typed = login.trim();
  if (typed.includes('@')) return repo.findResettableByEmail(db, typed);
  const name = checkName(typed);
  return name.ok ? repo.findResettableByName(db, name.key) : Promise.resolve(undefined);
}

/** Whether a reset link is still good (the page shows its form only then). */
export async function checkResetLink(db: Kysely<Database>, token: unknown): Promise<void> {
  if (!(await peekToken(db, token, 'reset-password'))) throw invalidLink('reset-password');
}

/**
 * Sets a new password through a reset link: the password checked like a new member's, the link
 * used (once: a second use, or a link past its hour, is refused), every session of the member
 * ended, and every other reset link withdrawn, all in one transaction. The password is hashed
 * before the transaction (argon2 never holds a connection), after a first look at the link.
 */
export async function resetPassword(db: Kysely<Database>, input: { token: string; password: string }): Promise<void> {
  checkNewPassword(input.password, 'password');
  await checkResetLink(db, input.token);
  const passwordHash = await hashPassword(input.password);
  await db.transaction().execute(async (tx) => {
    const used = await consumeToken(tx, input.token, 'reset-password');
    if (!used) throw invalidLink('reset-password');
    await setPasswordHash(tx, used.userId, passwordHash);
    await deleteMemberSessions(tx, used.userId);
    await revokeTokens(tx, used.userId, 'reset-password');
  });
}
