import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { AppError, validationFailed } from '../errors';
import type { Limiter } from '../limits/limiter';
import type { Logger } from '../log';
import type { Mailer } from '../mail/mail.transport';
import { consumeToken, createToken, newestLiveToken, peekToken, revokeTokens } from '../tokens/tokens.service';
import type { Variant } from '../variants';
import * as repo from './email.repository';
import { VERIFY_HOURS, mailLink, verificationMail } from './email.messages';

/**
 * A member's email address: adding or changing it (a link sent to it verifies it; the verified
 * address in use stays until the new one is verified), removing it, and the digest choice. The
 * address waiting to be verified lives only in its token's data: users.email holds verified
 * addresses alone, and an address typed wrong costs nothing.
 */

/** What email needs from the app. */
export interface EmailDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  limiter: Limiter;
  log: Logger;
  /** The site's name now (site.name, live), for the emails' subjects. */
  siteName?: (variant: Variant | undefined) => string;
}

/** A member's email settings, as their page and the API show them. */
export interface EmailState {
  /** The verified address, or null. */
  email: string | null;
  /** The address a verification link was sent to and not yet opened (the newest live one). */
  pending: string | null;
  /** Whether the daily digest is on. */
  digest: boolean;
}

const EMAIL_MAX = 254;
// Deliberately loose (one @, a dot in the domain, no spaces or brackets): the link sent to it is the real check.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(?:\.[^\s@<>()[\]\\,;:".]+)+$/u;
// Controls, zero-width and text-direction characters (an address is shown back on pages).
const HIDDEN = /[\p{Cc}\p{Cf}]/u;

/** An email address as typed, trimmed; a 400 naming `field` when it is not one. */
export function checkEmail(input: string, field = 'email'): string {
  const email = input.trim();
  if (email.length > EMAIL_MAX || HIDDEN.test(email) || !EMAIL.test(email)) {
    throw validationFailed(field, { kind: 'email' }, `${field}: is not an email address (name@example.org).`);
  }
  return email;
}

/** The refusal of a link that is unknown, expired or already used. */
export const invalidLink = (purpose: 'verify-email' | 'reset-password' | 'unsubscribe') =>
  new AppError(400, 'TokenInvalid', 'This link is unknown, expired or already used.', { params: { purpose } });

const notLoggedIn = () => new AppError(401, 'NotLoggedIn', 'Log in first.');

/** The member's address, pending address and digest choice. */
export async function emailState(db: Kysely<Database>, member: Member): Promise<EmailState> {
  const [row, pending] = await Promise.all([repo.findEmailState(db, member.id), newestLiveToken(db, member.id, 'verify-email')]);
  if (!row) throw notLoggedIn();
  const verified = row.email_verified_at !== null ? row.email : null;
  const pendingEmail = typeof pending?.data.email === 'string' ? pending.data.email : null;
  return { email: verified, pending: pendingEmail, digest: row.digest && verified !== null };
}

/**
 * Sends a verification link to `input` (limited per member). Earlier links stop working: only the
 * newest address waits. An address already verified by this member needs nothing ('verified');
 * one verified by another account is refused only when its link is opened, so that this page tells
 * nobody which addresses are in use. The email goes out before the answer: an SMTP failure is a 503
 * and the link is withdrawn.
 */
export async function requestVerification(
  deps: EmailDeps,
  member: Member,
  input: string,
  variant: Variant | undefined,
): Promise<'sent' | 'verified'> {
  const email = checkEmail(input);
  const row = await repo.findEmailState(deps.db, member.id);
  if (!row) throw notLoggedIn();
  if (row.email_verified_at !== null && row.email?.toLowerCase() === email.toLowerCase()) return 'verified';
  await deps.limiter.consume('email:verify', member.id);
  const token = await deps.db.transaction().execute(async (tx) => {
    await revokeTokens(tx, member.id, 'verify-email');
    if (variant) await repo.setMailVariant(tx, member.id, variant);
    return createToken(tx, { userId: member.id, purpose: 'verify-email', data: { email }, ttlSeconds: VERIFY_HOURS * 3600 });
  });
  const url = mailLink(deps.mailer.publicUrl, variant ?? row.mail_variant, `/settings/email/verify?token=${token}`);
  try {
    await deps.mailer.send(verificationMail({ to: email, name: row.name, variant: variant ?? row.mail_variant, site: deps.siteName }, url));
  } catch {
    await revokeTokens(deps.db, member.id, 'verify-email');
    throw new AppError(503, 'MailUnavailable', 'The email could not be sent; try again later.', { retryAfter: 60 });
  }
  return 'sent';
}

/**
 * Opens a verification link: the address in it becomes the member's verified address. Needs no
 * session (the link may be opened in another browser). An address another account verified in the
 * meantime is a 409, and the link stays usable.
 */
export async function verifyEmail(db: Kysely<Database>, token: unknown): Promise<{ name: string; email: string }> {
  try {
    return await db.transaction().execute(async (tx) => {
      const used = await consumeToken(tx, token, 'verify-email');
      const email = typeof used?.data.email === 'string' ? used.data.email : undefined;
      const user = used && email ? await repo.setVerifiedEmail(tx, used.userId, email) : undefined;
      if (!used || !email || !user) {
        throw invalidLink('verify-email');
      }
      return { name: user.name, email };
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new AppError(409, 'EmailTaken', 'This address is verified by another account.');
    }
    throw error;
  }
}

/** Forgets the member's address (verified or waiting) and turns the digest off. */
export async function removeEmail(db: Kysely<Database>, member: Member): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await repo.clearEmail(tx, member.id);
    await revokeTokens(tx, member.id, 'verify-email');
  });
}

/** Turns the daily digest on (a verified address needed: 409 otherwise) or off. */
export async function setDigest(db: Kysely<Database>, member: Member, on: boolean, variant: Variant | undefined): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const changed = await repo.setDigest(tx, member.id, on);
    if (changed === 0 && on) throw new AppError(409, 'EmailNotVerified', 'Add and verify an email address first.');
    if (variant) await repo.setMailVariant(tx, member.id, variant);
  });
}

/** Opens an unsubscribe link (from a digest): the digest stops. */
export async function unsubscribe(db: Kysely<Database>, token: unknown): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const used = await consumeToken(tx, token, 'unsubscribe');
    if (!used) throw invalidLink('unsubscribe');
    await repo.unsubscribeDigest(tx, used.userId);
  });
}

/** Whether an unsubscribe link is still good (its page shows the button only then). */
export async function checkUnsubscribeLink(db: Kysely<Database>, token: unknown): Promise<void> {
  if (!(await peekToken(db, token, 'unsubscribe'))) throw invalidLink('unsubscribe');
}
