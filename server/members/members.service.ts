import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, SiteRole } from '../db/database';
import { AppError } from '../errors';
import * as repo from './members.repository';
import { checkName, checkNewName } from './names';
import { claimName } from './names.service';
import { PASSWORD_MAX, PASSWORD_MIN, hashPassword, verifyPassword } from './passwords';

/** A member as the rest of the application sees them. */
export interface Member {
  id: string;
  name: string;
  role: SiteRole;
}

export const SESSION_DAYS = 30;
/** Failed logins allowed per name and per address within the window before logins are refused. */
export const MAX_FAILURES_PER_NAME = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;
export const FAILURE_WINDOW_SECONDS = 15 * 60;

const hashToken = (token: string) => createHash('sha256').update(token).digest();

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new AppError(400, 'ValidationFailed', `A password is ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.`);
  }
}

/** Creates a member. Refuses invalid names and passwords, names already taken (in any case) and lookalikes of them. */
export async function createMember(
  db: Kysely<Database>,
  input: { username: string; password: string; role?: SiteRole },
): Promise<Member> {
  const name = checkNewName(input.username);
  if (!name.ok) throw new AppError(400, 'ValidationFailed', name.reason);
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const user = await claimName(db, name, (tx) =>
    repo.insertUser(tx, { name: name.name, nameKey: name.key, nameSkeleton: name.skeleton, passwordHash, role: input.role ?? 'member' }),
  );
  if (!user) throw new AppError(409, 'NameTaken', `The name ${name.name} is taken; choose another.`);
  return user;
}

/** Opens a session for a member; returns the cookie's token (only its hash is stored). */
export async function openSession(db: Kysely<Database>, member: Member): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86400_000);
  await repo.insertSession(db, hashToken(token), member.id, expiresAt);
  return { token, expiresAt };
}

/**
 * Checks a name and password. Unknown names and wrong passwords get the same answer in the same
 * time; after too many failures for a name or from an address, logins are refused for a while.
 */
export async function logIn(
  db: Kysely<Database>,
  input: { username: string; password: string; address: string },
): Promise<Member> {
  const key = checkName(input.username);
  const nameKey = key.ok ? key.key : input.username.toLowerCase();
  // Attempts on one name take turns (an advisory lock for the transaction): parallel guesses
  // cannot all pass the count before any failure is written.
  const outcome = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`gentie:login:${nameKey}`}))`.execute(tx);
    const failures = await repo.countLoginFailures(tx, nameKey, input.address, FAILURE_WINDOW_SECONDS);
    if (failures.byName >= MAX_FAILURES_PER_NAME || failures.byAddress >= MAX_FAILURES_PER_ADDRESS) return 'throttled' as const;
    const user = key.ok && input.password.length <= PASSWORD_MAX ? await repo.findUserByKey(tx, nameKey) : undefined;
    const ok = await verifyPassword(user?.password_hash, input.password.slice(0, PASSWORD_MAX));
    if (!ok || !user) {
      await repo.insertLoginFailure(tx, nameKey, input.address);
      return 'wrong' as const;
    }
    await repo.clearLoginFailures(tx, nameKey);
    return { id: user.id, name: user.name, role: user.role };
  });
  if (outcome === 'throttled') {
    throw new AppError(429, 'TooManyAttempts', 'Too many failed logins. Wait 15 minutes and try again.', FAILURE_WINDOW_SECONDS);
  }
  if (outcome === 'wrong') throw new AppError(401, 'InvalidCredentials', 'Wrong name or password.');
  return outcome;
}

/** The member a session token belongs to; 'expired' for a known but expired session. */
export async function memberForToken(db: Kysely<Database>, token: string): Promise<Member | 'expired' | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await repo.findSession(db, hashToken(token));
  if (!row) return null;
  if (!row.valid) return 'expired';
  return { id: row.id, name: row.name, role: row.role };
}

/** Ends a session: the token stops working at once. */
export async function logOut(db: Kysely<Database>, token: string): Promise<void> {
  await repo.deleteSession(db, hashToken(token));
}

/** A member by name (any case), or undefined. */
export async function findMember(db: Kysely<Database>, name: string) {
  const key = checkName(name);
  return key.ok ? repo.findMemberByName(db, key.key) : undefined;
}

/** Deletes sessions expired for a week and login failures older than a day (run hourly). */
export async function pruneExpired(db: Kysely<Database>): Promise<void> {
  await repo.deleteExpiredSessions(db);
  await repo.deleteOldLoginFailures(db);
}
