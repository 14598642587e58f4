import { sql } from 'kysely';
import type { Db } from '../db/database';
import { builtOnce, preparedQuery } from '../db/prepared';
import { withAuthor } from './posts.repository';

/** A thread's events and the new posts on boards, as live delivery reads them (realtime/). SQL only. */

/**
 * Up to `limit` events of a thread after `since`, in seq order, with the thread's state and what
 * the events weigh so far: the running sum of their posts' body bytes (thread events carry no
 * body). No body is read: the caller decides how many events fit, then reads their posts.
 */
export function findEventsSince(db: Db, threadId: string, since: number, limit: number) {
  return preparedQuery(db, 'events_since', eventsSinceQuery(db, { threadId, since: String(since), limit }));
}

const eventsSinceQuery = builtOnce((db: Db, v: { threadId: string; since: string; limit: number }) =>
  db
    .selectFrom('thread_events as event')
    .innerJoin('posts', 'posts.id', 'event.post_id')
    .innerJoin('threads', 'threads.thread_id', 'event.thread_id')
    .select(['event.seq', 'event.kind', 'event.post_id', 'event.at', 'threads.locked', 'threads.pinned', 'threads.featured'])
    // A window function: the builder has no words for it.
    .select(
      sql<string>`sum(case when event.kind like 'thread:%' then 0 else posts.bytes end) over (order by event.seq)`.as('bytes_through'),
    )
    .where('event.thread_id', '=', v.threadId)
    .where('event.seq', '>', v.since)
    .orderBy('event.seq')
    .limit(v.limit),
);

/**
 * The threads and follow-ups written on these boards since `since` (the newest `limit`, newest
 * first), each with its post:new event's seq and its post as it is now. Threads are narrowed by
 * their last activity, which the transaction writing a post sets to the same now() as its event.
 */
export function findNewPostsOnBoards(db: Db, boardIds: string[], since: Date, limit: number) {
  return withAuthor(db.selectFrom('posts'))
    .innerJoin('threads', 'threads.thread_id', 'posts.thread_id')
    .innerJoin('thread_events as event', (j) =>
      j.onRef('event.thread_id', '=', 'threads.thread_id').onRef('event.post_id', '=', 'posts.id'),
    )
    .select(['event.seq', 'event.kind'])
    .where('threads.board_id', 'in', boardIds)
    .where('threads.last_activity_at', '>=', since)
    .where('event.at', '>=', since)
    .where('event.kind', '=', 'post:new')
    .$narrowType<{ kind: 'post:new' }>()
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .execute();
}
