import { sql } from 'kysely';
import type { Db, SiteRole } from '../db/database';

/** Member rows, sessions and sign-ins: SQL only. */

export function findUserByKey(db: Db, nameKey: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'password_hash']).where('name_key', '=', nameKey).executeTakeFirst();
}

/** A member's row with their password hash, by id. */
export function findUserById(db: Db, userId: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'password_hash']).where('id', '=', userId).executeTakeFirst();
}

export function insertUser(db: Db, user: { name: string; nameKey: string; nameSkeleton?: string; passwordHash: string; role: SiteRole }) {
  return db
    .insertInto('users')
    .values({ name: user.name, name_key: user.nameKey, name_skeleton: user.nameSkeleton, password_hash: user.passwordHash, role: user.role })
    // A concurrent registration of the same name loses here instead of raising.
    .onConflict((oc) => oc.column('name_key').doNothing())
    .returning(['id', 'name', 'role'])
    .executeTakeFirst();
}

export function setUserRole(db: Db, userId: string, role: SiteRole) {
  return db.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

/** Replaces a member's password hash. */
export function setPasswordHash(db: Db, userId: string, passwordHash: string) {
  return db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Stores a new session: the token's hash, never the token. */
export function insertSession(db: Db, session: { tokenHash: Buffer; userId: string; expiresAt: Date; address: string; userAgent: string }) {
  return db
    .insertInto('sessions')
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      expires_at: session.expiresAt,
      address: session.address,
      user_agent: session.userAgent,
    })
    .execute();
}

/** The session's member, with whether the session is still valid and whether it was seen lately. */
export function findSession(db: Db, tokenHash: Buffer, seenWithinSeconds: number) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id',
      'users.name',
      'users.role',
      sql<boolean>`sessions.expires_at > now()`.as('valid'),
      sql<boolean>`sessions.last_seen_at > now() - make_interval(secs => ${seenWithinSeconds})`.as('seen_lately'),
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Marks a session as used now (its "last seen"). */
export function touchSession(db: Db, tokenHash: Buffer) {
  return db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('token_hash', '=', tokenHash).execute();
}

/** A member's unexpired sessions, the most recently used first. */
export function listSessions(db: Db, userId: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'token_hash', 'created_at', 'last_seen_at', 'address', 'user_agent'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('last_seen_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function deleteSession(db: Db, tokenHash: Buffer) {
  return db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Deletes one of a member's sessions; the number deleted (0 when it is not theirs). */
export async function deleteMemberSession(db: Db, userId: string, sessionId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes every session of a member, except the one with `keepTokenHash` when given. */
export function deleteMemberSessions(db: Db, userId: string, keepTokenHash?: Buffer) {
  return db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .$if(keepTokenHash !== undefined, (q) => q.where('token_hash', '!=', keepTokenHash!))
    .execute();
}

export function deleteExpiredSessions(db: Db) {
  return db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now() - interval '7 days'`).execute();
}

/** Records one successful sign-in. */
export function insertSignIn(
  db: Db,
  signIn: { userId: string; address: string; addressKey: string; userAgent: string; deviceHash: Buffer | null },
) {
  return db
    .insertInto('sign_ins')
    .values({
      user_id: signIn.userId,
      address: signIn.address,
      address_key: signIn.addressKey,
      user_agent: signIn.userAgent,
      device_hash: signIn.deviceHash,
    })
    .execute();
}

/** Whether the member signed in from this address (or with this device cookie) within `days`. */
export async function hasSignedInFrom(db: Db, userId: string, addressKey: string, deviceHash: Buffer | null, days: number) {
  const row = await db
    .selectFrom('sign_ins')
    .select('id')
    .where('user_id', '=', userId)
    .where('at', '>', sql<Date>`now() - make_interval(days => ${days})`)
    .where((eb) => eb.or([eb('address_key', '=', addressKey), ...(deviceHash ? [eb('device_hash', '=', deviceHash)] : [])]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A member's latest sign-ins, newest first. */
export function listSignIns(db: Db, userId: string, limit: number) {
  return db
    .selectFrom('sign_ins')
    .select(['address', 'user_agent', 'at'])
    .where('user_id', '=', userId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Deletes sign-ins older than `days` (their retention). */
export function deleteOldSignIns(db: Db, days: number) {
  return db.deleteFrom('sign_ins').where('at', '<', sql<Date>`now() - make_interval(days => ${days})`).execute();
}

export function findMemberByName(db: Db, nameKey: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'created_at']).where('name_key', '=', nameKey).executeTakeFirst();
}
