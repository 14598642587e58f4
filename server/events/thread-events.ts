import { type Transaction, sql } from 'kysely';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { type ThreadEventKind, isThreadEventKind } from '../db/thread-events.kinds';
import { countEventPublished } from '../metrics/metrics';

/**
 * Thread events. Every change to a thread (a post written, edited, deleted or restored; the thread
 * locked, pinned or featured) is numbered in its thread and logged in thread_events by the
 * transaction that makes the change, and announced to every app process when that transaction
 * commits. Live delivery, catch-up after a reconnect and cache keys all read this log.
 */

/** The PostgreSQL channel that carries "thread T of board B has event S of kind K" to every app process. */
export const THREAD_EVENTS_CHANNEL = 'gentie_thread_events';

/** A change to record: the thread (its root's id), its board, what happened, and to which post (the root, for thread changes). */
export interface ThreadEventInput {
  threadId: string;
  boardId: string;
  kind: ThreadEventKind;
  postId: string;
}

/** What a notification on THREAD_EVENTS_CHANNEL carries. */
export interface Announcement {
  threadId: string;
  boardId: string;
  seq: number;
  kind: ThreadEventKind;
  /**
   * The post changed (the root, for thread changes), so what is kept of posts can be checked again
   * one by one (caches.ts SearchHits). Undefined when heard from a process older than it: then
   * which post changed is unknown.
   */
  postId?: string;
}

/**
 * Records a change to a thread inside the transaction that makes it: takes the thread's next seq,
 * writes the thread_events row and announces it. Returns the seq.
 *
 * Taking the seq updates the threads row, which stays locked until commit: concurrent changes to
 * one thread get consecutive seqs in commit order, so a reader who sees seq n+2 after n knows it
 * missed n+1. PostgreSQL delivers the NOTIFY only when (and if) the transaction commits, to every
 * listening process, even if the writing process dies right after committing.
 */
export async function recordThreadEvent(tx: Transaction<Database>, e: ThreadEventInput): Promise<number> {
  const { seq } = await tx
    .updateTable('threads')
    .set({ seq: sql<string>`seq + 1` })
    .where('thread_id', '=', e.threadId)
    .returning('seq')
    .executeTakeFirstOrThrow();
  const announcement = { threadId: e.threadId, boardId: e.boardId, seq: Number(seq), kind: e.kind, postId: e.postId };
  // The row and its NOTIFY in one round trip: the insert is a CTE the pg_notify reads from.
  await tx
    .with('event', (db) =>
      db.insertInto('thread_events').values({ thread_id: e.threadId, seq, kind: e.kind, post_id: e.postId }).returning('seq'),
    )
    .selectFrom('event')
    .select((eb) => eb.fn('pg_notify', [eb.val(THREAD_EVENTS_CHANNEL), eb.val(formatAnnouncement(announcement))]).as('notified'))
    .execute();
  return announcement.seq;
}

/**
 * A change to how an author's posts show (their name or site role: every post carries its author's),
 * recorded in the transaction that makes it: an event for each of their posts, post:edit for a
 * live one and post:delete again for a deleted one, whose tombstone names its author too. Each
 * thread's version moves on, so its windows, its kept pages and API answers and its ETags are made
 * anew, and live readers get each post as it is now. Returns how many posts were announced.
 */
export async function recordAuthorChange(tx: Transaction<Database>, authorId: string): Promise<number> {
  const written = await tx
    .selectFrom('posts')
    .select(['id', 'thread_id', 'board_id', 'deleted_at'])
    .where('author_id', '=', authorId)
    .orderBy('id')
    .execute();
  if (written.length === 0) return 0;
  // A member may have written tens of thousands of posts: the events are written in a fixed number
  // of statements, not two per post (recordThreadEvent), and every thread row they lock is held
  // for that much less. The threads locked in order first, as two such changes may cross; as the
  // UPDATE would lock them (no key update), so rows that only refer to a thread are not held up.
  const perThread = new Map<string, number>();
  for (const p of written) perThread.set(p.thread_id, (perThread.get(p.thread_id) ?? 0) + 1);
  const threadIds = [...perThread.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  await sql`select 1 from threads where thread_id = any(${threadIds}::bigint[]) order by thread_id for no key update`.execute(tx);
  const moved = await sql<{ thread_id: string; seq: string }>`
    update threads t set seq = t.seq + c.n
    from unnest(${threadIds}::bigint[], ${threadIds.map((t) => perThread.get(t)!)}::integer[]) as c(thread_id, n)
    where t.thread_id = c.thread_id
    returning t.thread_id::text, t.seq::text`.execute(tx);
  // A post whose thread has no row: the data is not what the app writes. Nothing is announced.
  if (moved.rows.length !== threadIds.length)
    throw new Error(`recordAuthorChange: ${threadIds.length - moved.rows.length} threads not found`);
  // Each thread's events take the seqs after its old one, in post order, as one by one would.
  const last = new Map(moved.rows.map((r) => [r.thread_id, Number(r.seq) - perThread.get(r.thread_id)!]));
  const events = written.map((p) => {
    const seq = last.get(p.thread_id)! + 1;
    last.set(p.thread_id, seq);
    const kind: ThreadEventKind = p.deleted_at === null ? 'post:edit' : 'post:delete';
    return { threadId: p.thread_id, boardId: p.board_id, seq, kind, postId: p.id };
  });
  // The rows and their NOTIFYs in one statement (a data-modifying CTE runs whether read or not),
  // the NOTIFYs in the events' order.
  await sql`
    with written as (
      insert into thread_events (thread_id, seq, kind, post_id)
      select * from unnest(${events.map((e) => e.threadId)}::bigint[], ${events.map((e) => e.seq)}::bigint[],
        ${events.map((e) => e.kind)}::text[], ${events.map((e) => e.postId)}::bigint[])
    )
    select pg_notify(${THREAD_EVENTS_CHANNEL}, payload)
    from unnest(${events.map(formatAnnouncement)}::text[]) with ordinality as a(payload, n)
    order by n`.execute(tx);
  return written.length;
}

/** Who in this process hears of the thread events it writes, as they are written. */
const writtenHere = new Set<(a: Announcement) => void>();

/**
 * Hears every thread event this process writes, as the statement is made (before its commit, and
 * also for one that rolls back), ahead of its NOTIFY coming back over LISTEN: what this process
 * knows of a thread's version (caches.ts ThreadStates) is then never behind its own writes. Only
 * for what may safely run early: raising a version to come. Returns the way to stop hearing.
 */
export function onThreadEventWritten(listener: (a: Announcement) => void): () => void {
  writtenHere.add(listener);
  return () => writtenHere.delete(listener);
}

/**
 * The NOTIFY payload of an announcement, for a statement that logs an event whose seq it took
 * itself (posts.write.repository insertReply): recordThreadEvent's row and announcement, in one
 * statement with the change.
 */
// Short keys: a NOTIFY payload is limited to 8000 bytes and is read by every process.
export function formatAnnouncement(a: Announcement & { postId: string }): string {
  for (const listener of writtenHere) listener(a);
  countEventPublished(a.kind);
  return JSON.stringify({ t: a.threadId, b: a.boardId, s: a.seq, k: a.kind, p: a.postId });
}

/** Reads a notification on THREAD_EVENTS_CHANNEL; undefined for anything that is not one. */
export function parseAnnouncement(payload: string): Announcement | undefined {
  try {
    const p = JSON.parse(payload) as { t?: unknown; b?: unknown; s?: unknown; k?: unknown; p?: unknown };
    if (
      typeof p.t === 'string' &&
      isId(p.t) &&
      typeof p.b === 'string' &&
      isId(p.b) &&
      Number.isSafeInteger(p.s) &&
      isThreadEventKind(p.k)
    ) {
      const postId = typeof p.p === 'string' && isId(p.p) ? p.p : undefined;
      return { threadId: p.t, boardId: p.b, seq: p.s as number, kind: p.k, ...(postId ? { postId } : {}) };
    }
  } catch {
    // not ours
  }
  return undefined;
}
