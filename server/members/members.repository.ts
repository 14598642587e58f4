import { sql } from 'kysely';
import type { Db, SiteRole } from '../db/database';

/** Member rows and sessions: SQL only. */

export function findUserByKey(db: Db, nameKey: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'password_hash']).where('name_key', '=', nameKey).executeTakeFirst();
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

export function insertSession(db: Db, tokenHash: Buffer, userId: string, expiresAt: Date) {
  return db.insertInto('sessions').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt }).execute();
}

/** The session's member, with whether the session is still valid. */
export function findSession(db: Db, tokenHash: Buffer) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.name', 'users.role', sql<boolean>`sessions.expires_at > now()`.as('valid')])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function deleteSession(db: Db, tokenHash: Buffer) {
  return db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export function deleteExpiredSessions(db: Db) {
  return db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now() - interval '7 days'`).execute();
}

export function insertLoginFailure(db: Db, nameKey: string, address: string) {
  return db.insertInto('login_failures').values({ name_key: nameKey, address }).execute();
}

/** Failures within the window for this name and for this address, and the oldest of them. */
export async function countLoginFailures(db: Db, nameKey: string, address: string, windowSeconds: number) {
  const since = sql<Date>`now() - make_interval(secs => ${windowSeconds})`;
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('login_failures').select(eb.fn.countAll<string>().as('n')).where('name_key', '=', nameKey).where('at', '>', since).as('by_name'),
      eb.selectFrom('login_failures').select(eb.fn.countAll<string>().as('n')).where('address', '=', address).where('at', '>', since).as('by_address'),
    ])
    .executeTakeFirstOrThrow();
  return { byName: Number(row.by_name), byAddress: Number(row.by_address) };
}

export function clearLoginFailures(db: Db, nameKey: string) {
  return db.deleteFrom('login_failures').where('name_key', '=', nameKey).execute();
}

export function findMemberByName(db: Db, nameKey: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'created_at']).where('name_key', '=', nameKey).executeTakeFirst();
}

export function deleteOldLoginFailures(db: Db) {
  return db.deleteFrom('login_failures').where('at', '<', sql<Date>`now() - interval '1 day'`).execute();
}
