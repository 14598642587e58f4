import { sql } from 'kysely';
import type { Db } from '../db/database';
import { builtOnce, preparedQuery } from '../db/prepared';
import { unreadCountsOf } from '../db/unread.counts';

// Sessions: SQL only.

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

/**
 * The session's member, with whether the session is still valid, whether it was seen lately, and
 * whether the member was seen today (in `timeZone`); with `unread`, the member's unread counts too
 * (for a page's header), in the same query. A deleted account has no sessions left; one that
 * slipped through is not found either.
 */
export async function findSession(db: Db, tokenHash: Buffer, seenWithinSeconds: number, timeZone: string, unread = false) {
  return (await preparedQuery(db, 'session', sessionQuery(db, { tokenHash, seenWithinSeconds, timeZone }, unread)))[0];
}

const sessionQuery = builtOnce((db: Db, v: { tokenHash: Buffer; seenWithinSeconds: number; timeZone: string }, unread: boolean) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id',
      'users.name',
      'users.role',
      'users.created_at',
      'users.trust',
      'users.time_zone',
      sql<boolean>`sessions.expires_at > now()`.as('valid'),
      sql<boolean>`sessions.last_seen_at > now() - make_interval(secs => ${v.seenWithinSeconds})`.as('seen_lately'),
      sql<boolean>`coalesce(users.last_seen_on = (now() at time zone ${v.timeZone})::date, false)`.as('seen_today'),
    ])
    .$if(unread, (qb) => qb.select(unreadCountsOf(sql.ref('users.id')).as('unread')))
    .where('sessions.token_hash', '=', v.tokenHash)
    .where('users.deleted_at', 'is', null),
);

/** Records that the member was seen today (in `timeZone`): users.last_seen_on, a day and no time. */
export function markSeenToday(db: Db, userId: string, timeZone: string) {
  return db
    .updateTable('users')
    .set({ last_seen_on: sql<string>`(now() at time zone ${timeZone})::date` })
    .where('id', '=', userId)
    .execute();
}

/** The member's unexpired sessions among the given token hashes. */
export function findLiveSessions(db: Db, memberId: string, tokenHashes: readonly Buffer[]) {
  return db
    .selectFrom('sessions')
    .select('token_hash')
    .where('user_id', '=', memberId)
    .where('token_hash', 'in', tokenHashes)
    .where('expires_at', '>', sql<Date>`now()`)
    .execute();
}

/** Marks a session as used now (its "last seen"). */
export function touchSession(db: Db, tokenHash: Buffer) {
  return db
    .updateTable('sessions')
    .set({ last_seen_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .execute();
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

/** Deletes the session with this token hash. */
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

/** Deletes sessions that expired over a week ago. */
export function deleteExpiredSessions(db: Db) {
  return db
    .deleteFrom('sessions')
    .where('expires_at', '<', sql<Date>`now() - interval '7 days'`)
    .execute();
}
