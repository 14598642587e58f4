import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { Variant } from '../variants';

// Email addresses, the digest preference and what the digest reads: SQL only.

/** A member's address, its state and digest choice. */
export function findEmailState(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'email_verified_at', 'digest', 'mail_variant'])
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** The member with this name key, if they have a verified address (for a password reset). */
export function findResettableByName(db: Db, nameKey: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'mail_variant'])
    .where('name_key', '=', nameKey)
    .where('email_verified_at', 'is not', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** The member who verified this address (any case), for a password reset. */
export function findResettableByEmail(db: Db, email: string) {
  return (
    db
      .selectFrom('users')
      .select(['id', 'name', 'email', 'mail_variant'])
      // lower(email) is what users_email_verified_idx indexes.
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .where('email_verified_at', 'is not', null)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
  );
}

/** Makes `email` the member's verified address (users_email_verified_idx refuses one verified by another account). */
export function setVerifiedEmail(db: Db, userId: string, email: string) {
  return db
    .updateTable('users')
    .set({ email, email_verified_at: sql`now()` })
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .returning(['id', 'name'])
    .executeTakeFirst();
}

/** Forgets the member's address and turns the digest off. */
export function clearEmail(db: Db, userId: string) {
  return db.updateTable('users').set({ email: null, email_verified_at: null, digest: false }).where('id', '=', userId).execute();
}

/** Turns the member's digest on or off (on only with a verified address); the number of rows changed. */
export async function setDigest(db: Db, userId: string, digest: boolean): Promise<number> {
  const result = await db
    .updateTable('users')
    .set({ digest })
    .where('id', '=', userId)
    .$if(digest, (q) => q.where('email_verified_at', 'is not', null))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Remembers the script the member's emails are written in. */
export function setMailVariant(db: Db, userId: string, variant: Variant) {
  return db.updateTable('users').set({ mail_variant: variant }).where('id', '=', userId).execute();
}

/**
 * Up to `limit` members after `afterId` (by id) whose digest is due: chosen, a verified address,
 * not deleted, and no digest looked at within `hours`.
 */
export function findDigestsDue(db: Db, afterId: string, hours: number, limit: number) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'mail_variant', 'digest_sent_at', sql<Date>`date_trunc('milliseconds', now())`.as('now')])
    .where('digest', '=', true)
    .where('email_verified_at', 'is not', null)
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([eb('digest_sent_at', 'is', null), eb('digest_sent_at', '<=', sql<Date>`now() - make_interval(hours => ${hours})`)]),
    )
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * A time column at the precision of the times compared with it: JavaScript's Date keeps
 * milliseconds and PostgreSQL microseconds, so `until` (now() of findDigestsDue) and `since` (the
 * last digest's `until`) are whole milliseconds, and so is what they are compared with. A
 * notification written in the same millisecond as the cut is in this digest and not the next.
 */
const msOf = (column: string) => sql<Date>`date_trunc('milliseconds', ${sql.ref(column)})`;

/**
 * The member's unread notifications created after `since` (null: any) and up to `until`, newest
 * first, at most `limit`, with the actor's name and the thread's title as written. Reads the
 * notifications table directly (kind, actor, thread, post, created_at, read_at): what a digest
 * lists, whatever the notifications page does with them.
 */
export function findUnreadForDigest(db: Db, memberId: string, since: Date | null, until: Date, limit: number) {
  return db
    .selectFrom('notifications as n')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .leftJoin('posts as t', 't.id', 'n.thread_id')
    .select(['n.id', 'n.kind', 'n.thread_id', 'n.post_id', 'n.created_at', 'a.name as actor', 't.title', 't.variant', 't.board_id'])
    .where('n.member_id', '=', memberId)
    .where('n.read_at', 'is', null)
    .$if(since !== null, (q) => q.where(msOf('n.created_at'), '>', since!))
    .where(msOf('n.created_at'), '<=', until)
    .orderBy('n.id', 'desc')
    .limit(limit)
    .execute();
}

/** How many notifications findUnreadForDigest would list without a limit, counted up to `cap`. */
export async function countUnreadForDigest(db: Db, memberId: string, since: Date | null, until: Date, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('notifications')
        .select('id')
        .where('member_id', '=', memberId)
        .where('read_at', 'is', null)
        .$if(since !== null, (q) => q.where(msOf('created_at'), '>', since!))
        .where(msOf('created_at'), '<=', until)
        .limit(cap)
        .as('u'),
    )
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Records that the member's digest covered everything up to `at`. */
export function markDigestSent(db: Db, memberId: string, at: Date) {
  return db.updateTable('users').set({ digest_sent_at: at }).where('id', '=', memberId).execute();
}

/** Turns the digest off (an unsubscribe link). */
export function unsubscribeDigest(db: Db, memberId: string) {
  return db.updateTable('users').set({ digest: false }).where('id', '=', memberId).execute();
}
