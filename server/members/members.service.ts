import type { Kysely } from 'kysely';
import type { Database, MemberTrust, SiteRole } from '../db/database';
import type { Member } from '../db/member';
import { AppError, validationFailed } from '../errors';
import { createGate } from '../limits/gate';
import { type LimitedAction, type Limiter, addressKey } from '../limits/limiter';
import * as sessions from '../sessions/sessions.repository';
import { SESSION_DAYS, hashToken, isToken, newToken } from '../sessions/sessions.service';
import * as repo from './members.repository';
import { checkName, checkNewName } from './names';
import { claimName } from './names.service';
import { HASHING_CONCURRENCY, PASSWORD_MAX, checkNewPassword, hashPassword, verifyPassword } from './passwords';
import { countLoginFailure } from '../metrics/metrics';

export type { Member };

/** Where a sign-in comes from: what the sessions list and the "known address" check keep. */
export interface SignInContext {
  /** The client's address as express sees it (TRUST_PROXY decides whether X-Forwarded-For counts). */
  address: string;
  /** The User-Agent header as sent; shortened before it is stored. */
  userAgent: string;
  /** The browser's device cookie, if it sent one: proof it signed in before. */
  device: string | undefined;
}

/** Sign-ins are kept this long; an address or browser signed in from within it is "known". */
export const SIGN_IN_RETENTION_DAYS = 90;
const USER_AGENT_MAX = 200;

/**
 * Logins, registrations and password changes under way at once. Each holds a pooled connection
 * only for its short queries, never across a hash; still, hundreds at once would queue their
 * queries ahead of every reader's. Twice the hashing slots keeps argon2 busy while others query.
 */
export const ACCOUNT_WORK_CONCURRENCY = HASHING_CONCURRENCY * 2;
/** Account operations waiting their turn before new ones are refused with 503 ServerBusy. */
export const ACCOUNT_WORK_QUEUE_MAX = 1000;
const accountWork = createGate(ACCOUNT_WORK_CONCURRENCY, ACCOUNT_WORK_QUEUE_MAX);

// Printable and short: it is shown back to the member, never interpreted.
const shortUserAgent = (ua: string) => ua.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, USER_AGENT_MAX);

const invalidCredentials = () => new AppError(401, 'InvalidCredentials', 'Wrong name or password.', { params: { which: 'login' } });
const nameTaken = (name: string) =>
  new AppError(409, 'NameTaken', `The name ${name} is taken; choose another.`, { params: { what: 'member', name } });

/** Checks a new member's name and password (400 with the reason). */
function checkNewMember(input: { username: string; password: string }) {
  const name = checkNewName(input.username);
  if (!name.ok) throw validationFailed('username', name.invalid, name.reason);
  checkNewPassword(input.password);
  return name;
}

async function insertMember(
  db: Kysely<Database>,
  name: { name: string; key: string; skeleton: string },
  password: string,
  role: SiteRole,
): Promise<Member> {
  // Checked first so a taken name costs no hash (and no registration quota); the insert still
  // settles a race between two registrations of one name, and claimName one between lookalikes.
  if (await repo.findUserByKey(db, name.key)) throw nameTaken(name.name);
  const passwordHash = await hashPassword(password);
  const user = await claimName(db, name, (tx) =>
    repo.insertUser(tx, { name: name.name, nameKey: name.key, nameSkeleton: name.skeleton, passwordHash, role }),
  );
  if (!user) throw nameTaken(name.name);
  return user;
}

/**
 * Creates a member, as the operator's CLI and the demo do: no rate limit. Refuses invalid names,
 * weak passwords, names already taken (in any case) and lookalikes of them.
 */
export async function createMember(db: Kysely<Database>, input: { username: string; password: string; role?: SiteRole }): Promise<Member> {
  const name = checkNewMember(input);
  return insertMember(db, name, input.password, input.role ?? 'member');
}

/**
 * Registers a member from the site: as createMember, limited per address. Only accounts actually
 * created count; a refused name or password does not.
 */
export async function registerMember(
  db: Kysely<Database>,
  limiter: Limiter,
  input: { username: string; password: string },
  from: SignInContext,
): Promise<Member> {
  const name = checkNewMember(input);
  const key = addressKey(from.address);
  return accountWork(async () => {
    await limiter.consume('register:address', key);
    try {
      return await insertMember(db, name, input.password, 'member');
    } catch (error) {
      await limiter.reward('register:address', key);
      throw error;
    }
  });
}

/**
 * Opens a session for a member and records the sign-in. Returns the cookie's token (only its hash
 * is stored) and the browser's device token (the one it sent, or a new one).
 */
export async function openSession(
  db: Kysely<Database>,
  member: Member,
  from: SignInContext,
): Promise<{ token: string; expiresAt: Date; device: string }> {
  const token = newToken();
  const device = from.device !== undefined && isToken(from.device) ? from.device : newToken();
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86400_000);
  const userAgent = shortUserAgent(from.userAgent);
  // An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d; members know it as a.b.c.d.
  const address = from.address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  await db.transaction().execute(async (tx) => {
    await sessions.insertSession(tx, { tokenHash: hashToken(token), userId: member.id, expiresAt, address, userAgent });
    await repo.insertSignIn(tx, {
      userId: member.id,
      address,
      addressKey: addressKey(address),
      userAgent,
      deviceHash: hashToken(device),
    });
  });
  return { token, expiresAt, device };
}

/** Spends a point of each action in turn; when one refuses, gives back those already spent. */
async function spendAll(limiter: Limiter, spends: [LimitedAction, string][]): Promise<[LimitedAction, string][]> {
  const spent: [LimitedAction, string][] = [];
  try {
    for (const [action, key] of spends) {
      await limiter.consume(action, key);
      spent.push([action, key]);
    }
    return spent;
  } catch (error) {
    await giveBack(limiter, spent);
    throw error;
  }
}

const giveBack = (limiter: Limiter, spent: [LimitedAction, string][]) =>
  Promise.all(spent.map(([action, key]) => limiter.reward(action, key)));

const isRefusal = (error: unknown) => error instanceof AppError && error.status === 429;

/**
 * Checks a name and password. Unknown names and wrong passwords get the same answer in about the
 * same time. Each try spends a point per (name, address) and per address, given back when the
 * password was right; tries from an address or browser the member never signed in from also
 * spend the name's points, and past those the name is slowed to one such try every 30 seconds —
 * never locked: the member still gets in from where they signed in before, or from the browser
 * where they are signed in.
 *
 * No database connection is held while the password is checked: argon2 waits its turn in the
 * hashing queue (passwords.ts) between short queries.
 */
export async function logIn(
  db: Kysely<Database>,
  limiter: Limiter,
  input: { username: string; password: string },
  from: SignInContext & { signedInAs: string | undefined },
): Promise<Member> {
  return accountWork(() => checkLogIn(db, limiter, input, from)).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'InvalidCredentials') countLoginFailure('credentials');
    else if (isRefusal(error)) countLoginFailure('limited');
    throw error;
  });
}

async function checkLogIn(
  db: Kysely<Database>,
  limiter: Limiter,
  input: { username: string; password: string },
  from: SignInContext & { signedInAs: string | undefined },
): Promise<Member> {
  const name = checkName(input.username);
  const nameKey = name.ok ? name.key : input.username.normalize('NFKC').toLowerCase();
  const address = addressKey(from.address);
  const user = name.ok && input.password.length <= PASSWORD_MAX ? await repo.findUserByKey(db, nameKey) : undefined;
  // Asked for unknown names too, so the answer takes the same path either way.
  const deviceHash = from.device !== undefined && isToken(from.device) ? hashToken(from.device) : null;
  const known = await repo.hasSignedInFrom(db, user?.id ?? '0', address, deviceHash, SIGN_IN_RETENTION_DAYS);
  const trusted = user !== undefined && (known || from.signedInAs === user.id);

  const spent = await spendAll(limiter, [
    ['login:name-address', `${nameKey}|${address}`],
    ['login:address', address],
  ]);
  if (!trusted) {
    try {
      spent.push(...(await spendAll(limiter, [['login:name', nameKey]])));
    } catch (error) {
      if (!isRefusal(error)) {
        await giveBack(limiter, spent);
        throw error;
      }
      try {
        spent.push(...(await spendAll(limiter, [['login:name-slow', nameKey]])));
      } catch (slowed) {
        // Nothing was tried: the address keeps its points.
        await giveBack(limiter, spent);
        throw slowed;
      }
    }
  }

  const ok = await verifyPassword(user?.password_hash, input.password.slice(0, PASSWORD_MAX)).catch(async (error: unknown) => {
    await giveBack(limiter, spent);
    throw error;
  });
  // A deleted account keeps its row (and its name) but never signs in again: the same answer as a
  // wrong password, after the same work.
  if (!ok || !user || user.deleted_at) throw invalidCredentials();
  await giveBack(limiter, spent);
  return { id: user.id, name: user.name, role: user.role };
}

/**
 * Changes the member's password after checking the current one (limited per member, so a stolen
 * session cannot guess it), and ends every other session.
 */
export async function changePassword(
  db: Kysely<Database>,
  limiter: Limiter,
  member: Member,
  currentToken: string | undefined,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  checkNewPassword(input.newPassword, 'newPassword');
  if (input.newPassword === input.currentPassword) {
    throw validationFailed('newPassword', { kind: 'samePassword' }, 'newPassword: is the same as the current password.');
  }
  await accountWork(() => replacePassword(db, limiter, member, currentToken, input));
}

async function replacePassword(
  db: Kysely<Database>,
  limiter: Limiter,
  member: Member,
  currentToken: string | undefined,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  await limiter.consume('password:member', member.id);
  const user = await repo.findUserById(db, member.id);
  const ok = input.currentPassword.length <= PASSWORD_MAX && (await verifyPassword(user?.password_hash, input.currentPassword));
  if (!ok || !user) {
    throw new AppError(403, 'InvalidCredentials', 'currentPassword: is not your password.', { params: { which: 'currentPassword' } });
  }
  await limiter.reward('password:member', member.id);
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (tx) => {
    await repo.setPasswordHash(tx, member.id, passwordHash);
    const keep = currentToken && isToken(currentToken) ? hashToken(currentToken) : undefined;
    await sessions.deleteMemberSessions(tx, member.id, keep);
  });
}

/** The member's latest sign-ins (address, browser, time), newest first. */
export async function listSignIns(db: Kysely<Database>, member: Member, limit = 20) {
  const rows = await repo.listSignIns(db, member.id, limit);
  return rows.map((r) => ({ address: r.address, userAgent: r.user_agent, at: r.at }));
}

/** A member by name (any case), or undefined. */
export async function findMember(db: Kysely<Database>, name: string) {
  const key = checkName(name);
  return key.ok ? repo.findMemberByName(db, key.key) : undefined;
}

/**
 * Settles by hand whether a member is new (an admin's decision, `member:trust`): 'trusted' is never
 * new, 'untrusted' always, 'auto' goes back to the thresholds (limits/new-member.ts).
 */
export async function setTrust(db: Kysely<Database>, name: string, trust: MemberTrust): Promise<{ name: string; trust: MemberTrust }> {
  const key = checkName(name);
  const row = key.ok ? await repo.findUserByKey(db, key.key) : undefined;
  if (!row) throw new AppError(404, 'MemberNotFound', `There is no member "${name}".`, { params: { name } });
  await db.updateTable('users').set({ trust }).where('id', '=', row.id).execute();
  return { name: row.name, trust };
}

/** Deletes sessions expired for a week and sign-ins past their retention (run hourly). */
export async function pruneExpired(db: Kysely<Database>): Promise<void> {
  await sessions.deleteExpiredSessions(db);
  await repo.deleteOldSignIns(db, SIGN_IN_RETENTION_DAYS);
}
