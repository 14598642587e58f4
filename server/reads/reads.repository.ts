import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, Db } from '../db/database';

/** A view to count, as the recorder flushes it: the post read, who read it (a keyed hash) and when. */
export interface CountedView {
  postId: string;
  /** The reader's member id when logged in: a thread starter's own views are not counted. */
  memberId: string | null;
  /** HMAC of the reader under the site's read key (reads.recorder.ts readerOf). */
  reader: Buffer;
  readAt: Date;
}

/**
 * Flushes from every process are serialized by this transaction-level advisory lock (64 bits of a
 * hash of its name, as the job runner makes its keys). Each flush bumps many threads rows; two at
 * once could take the same rows in different orders and deadlock. A flush is a few milliseconds
 * every half minute per process, so waiting for another costs nothing that matters.
 */
const FLUSH_LOCK = createHash('sha256').update('gentie:reads:flush').digest().readBigInt64BE(0).toString();

/**
 * The PostgreSQL channel that carries "thread T's read count is now N" to every app process, sent
 * by the flush that changes it when it commits: a process that serves a thread's page from memory
 * (caches.ts ThreadStates) learns that the page's "(N 次閱讀)" changed.
 */
export const THREAD_READS_CHANNEL = 'gentie_thread_reads';

/** Pairs per notification: well under the 8,000 bytes a NOTIFY payload may hold. */
const READS_PER_NOTIFY = 200;

/** A thread's read count as a THREAD_READS_CHANNEL notification carries it. */
export interface ReadCountHeard {
  threadId: string;
  readCount: number;
}

/** Reads a notification on THREAD_READS_CHANNEL: the threads and their new counts (none for anything else). */
export function parseReadCounts(payload: string): ReadCountHeard[] {
  try {
    const pairs = JSON.parse(payload) as unknown;
    if (!Array.isArray(pairs)) return [];
    return pairs.flatMap((p: unknown) =>
      Array.isArray(p) && typeof p[0] === 'string' && /^\d{1,19}$/.test(p[0]) && Number.isSafeInteger(p[1])
        ? [{ threadId: p[0], readCount: p[1] as number }]
        : [],
    );
  } catch {
    return [];
  }
}

/** The key readers are hashed with (made by the migration, the same for every process). */
export async function findReadKey(db: Db): Promise<Buffer> {
  const row = await db.selectFrom('read_key').select('key').executeTakeFirstOrThrow();
  return row.key;
}

/**
 * Counts a batch of views in one transaction and returns how many were counted. A view counts
 * when its reader was not counted on its thread within the hour before it (thread_views, across
 * every process) and is not the thread's starter; views of several posts of one thread by one
 * reader are one read. Only the views that counted are added to threads.read_count, in the same
 * transaction: counts stay exact however often a batch is retried or processes race. Answers how
 * many were counted and each thread's count now (announced to every process on commit too).
 */
export async function countViews(
  db: Kysely<Database>,
  views: CountedView[],
): Promise<{ counted: number; counts: { threadId: string; readCount: number }[] }> {
  if (views.length === 0) return { counted: 0, counts: [] };
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${FLUSH_LOCK}::bigint)`.execute(tx);
    // kysely cannot say this: unnest of several arrays (one round trip for the whole batch), a
    // DISTINCT ON feeding an upsert whose WHERE decides what counts, and the counts bumped from
    // the upsert's RETURNING. ON CONFLICT ... DO UPDATE may touch a row only once per statement,
    // which the DISTINCT ON guarantees.
    const { rows } = await sql<{ counted: number; counts: [string, number][] }>`
      with viewed as (
        select * from unnest(
          ${views.map((v) => v.postId)}::bigint[],
          ${views.map((v) => v.memberId)}::bigint[],
          ${views.map((v) => v.reader)}::bytea[],
          ${views.map((v) => v.readAt)}::timestamptz[]
        ) as v(post_id, member_id, reader, read_at)
      ),
      reads as (
        select distinct on (p.thread_id, v.reader) p.thread_id, v.reader, v.read_at
        from viewed v
        join posts p on p.id = v.post_id
        join posts root on root.id = p.thread_id
        where v.member_id is distinct from root.author_id
        order by p.thread_id, v.reader, v.read_at
      ),
      counted as (
        insert into thread_views as r (thread_id, reader, read_at)
        select thread_id, reader, read_at from reads
        on conflict (thread_id, reader) do update set read_at = excluded.read_at
          where r.read_at <= excluded.read_at - interval '1 hour'
        returning r.thread_id
      ),
      bumped as (
        update threads t set read_count = t.read_count + c.n
        from (select thread_id, count(*) as n from counted group by thread_id) c
        where t.thread_id = c.thread_id
        returning c.n, t.thread_id, t.read_count
      )
      select coalesce(sum(n), 0)::int as counted,
        coalesce(json_agg(json_build_array(thread_id::text, read_count)), '[]'::json) as counts
      from bumped`.execute(tx);
    // Announced on commit, to every process, in bounded payloads.
    const counts = rows[0]!.counts;
    const payloads: string[] = [];
    for (let i = 0; i < counts.length; i += READS_PER_NOTIFY) payloads.push(JSON.stringify(counts.slice(i, i + READS_PER_NOTIFY)));
    if (payloads.length) await sql`select pg_notify(${THREAD_READS_CHANNEL}, p) from unnest(${payloads}::text[]) as p`.execute(tx);
    return { counted: rows[0]!.counted, counts: counts.map(([threadId, readCount]) => ({ threadId, readCount })) };
  });
}

/**
 * Forgets who read what more than two hours ago (an hourly job): only the last hour decides
 * whether a view counts; the second hour leaves room for views a flush retried late.
 */
export async function pruneReads(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('thread_views')
    .where('read_at', '<', sql<Date>`now() - interval '2 hours'`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
