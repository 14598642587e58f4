import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database';
import { builtOnce } from '../db/prepared';

/**
 * The SQL of readers' positions in threads (posts.seen.ts). A position is the highest post id the
 * reader was shown; a thread's follow-ups beyond it are one range of posts_thread_id_idx
 * (thread_id, id), counted up to a cap so a thread of 100,000 new follow-ups costs what one of 100
 * does. Kysely has no words for lateral joins over unnest() or for scalar subqueries in a select
 * list built on one: these statements are raw SQL.
 */

/**
 * Whose positions a statement reads: a member's rows of thread_reads, or the threads and seqs an
 * anonymous reader's cookie holds (a seq stands for the newest post written up to it, see
 * `cookieSource`).
 */
export type PositionSource = { memberId: string } | { threads: string[]; seqs: string[] };

/**
 * The positions as a relation (thread_id, seen_post_id). A cookie keeps the seq of the thread
 * version it was shown, which needs no database read to write; here it becomes that version's
 * newest post: the last post:new event at or before it, one backward probe of thread_events' key.
 */
function positions(source: PositionSource): RawBuilder<unknown> {
  if ('memberId' in source) {
    return sql`(select thread_id, seen_post_id from thread_reads where user_id = ${source.memberId})`;
  }
  return sql`(
    select c.thread_id, e.post_id as seen_post_id
    from unnest(${source.threads}::bigint[], ${source.seqs}::bigint[]) as c(thread_id, seq)
    cross join lateral (
      select post_id from thread_events
      where thread_id = c.thread_id and seq <= c.seq and kind = 'post:new'
      order by seq desc limit 1
    ) e)`;
}

/** Follow-ups of thread `thread` with an id above `seen` (SQL expressions), counted up to `cap`. */
const newCount = (thread: RawBuilder<unknown>, seen: RawBuilder<unknown>, cap: number) =>
  sql<number>`(select count(*)::int from (
    select 1 from posts n where n.thread_id = ${thread} and n.id > ${seen} limit ${cap}) capped)`;

/**
 * A reader's position in the thread `thread` (an SQL expression), for the statement that reads a
 * page's version (posts.etag.ts): the positions as a relation to join on the thread as `seen`; the
 * position (null: the reader never opened the thread); the thread's follow-ups beyond it, up to
 * `cap` (0 when never opened); and the thread's newest post id now. Three index probes.
 */
export function positionOf(source: PositionSource, thread: RawBuilder<unknown>, cap: number) {
  return {
    relation: positions(source),
    seenPostId: sql<string | null>`seen.seen_post_id`,
    newCount: sql<number>`case when seen.seen_post_id is null then 0 else ${newCount(thread, sql`seen.seen_post_id`, cap)} end`,
    lastPostId: sql<string>`(select max(l.id) from posts l where l.thread_id = ${thread})`,
  };
}

/**
 * Records that a member was shown thread `threadId` up to post `seenPostId`. A position only ever
 * moves forward (greatest): a page served before another one that recorded more, but finishing
 * after it, does not take the member back.
 */
export async function recordPosition(db: Db, memberId: string, threadId: string, seenPostId: string): Promise<void> {
  await db.executeQuery(recordPositionQuery(db, { memberId, threadId, seenPostId }));
}

const recordPositionQuery = builtOnce((db: Db, v: { memberId: string; threadId: string; seenPostId: string }) =>
  db
    .insertInto('thread_reads')
    .values({ user_id: v.memberId, thread_id: v.threadId, seen_post_id: v.seenPostId })
    .onConflict((oc) =>
      oc.columns(['user_id', 'thread_id']).doUpdateSet({
        seen_post_id: sql<string>`greatest(thread_reads.seen_post_id, excluded.seen_post_id)`,
      }),
    ),
);

/**
 * For each of `threadIds` the reader has a position in, how many of its posts are newer, up to
 * `cap`: one statement for a whole board page, one bounded range of posts_thread_id_idx per
 * thread. Threads the reader never opened are not in the answer.
 */
export async function countNew(db: Db, source: PositionSource, threadIds: string[], cap: number) {
  const result = await sql<{ thread_id: string; new_count: number }>`
    select r.thread_id, ${newCount(sql`r.thread_id`, sql`r.seen_post_id`, cap)} as new_count
    from ${positions(source)} r
    where r.thread_id = any(${threadIds}::bigint[])`.execute(db);
  return result.rows;
}

/**
 * The first follow-up in display order of thread `threadId` written after `seenPostId` and up to
 * `lastPostId` (what the page knew of), at most `maxDepth` deep (in the root page's windows), not
 * deleted and not by `memberId` (a reader's own posts are never new to them). One range of
 * posts_thread_id_idx (thread_id, id), its rows sorted by path: the cost is the number of new
 * follow-ups, which the caller only pays when none of them is in the first window.
 */
export async function findFirstNew(
  db: Db,
  where: { threadId: string; seenPostId: string; lastPostId: string; maxDepth: number; memberId: string | null },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('posts')
    .select('id')
    .where('thread_id', '=', where.threadId)
    .where('id', '>', where.seenPostId)
    .where('id', '<=', where.lastPostId)
    .where('depth', '<=', where.maxDepth)
    .where('deleted_at', 'is', null)
    .$if(where.memberId !== null, (q) => q.where('author_id', '<>', where.memberId!))
    .orderBy('path')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
