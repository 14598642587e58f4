import { type Kysely, sql } from 'kysely';
import type { Database } from '../server/db/database';
import type { Member } from '../server/members/members.service';
import { createThread } from '../server/posts/posts.service';
import { guessFormat, renderBody } from '../server/text/formats';
import { detectVariant } from '../server/text/convert';
import { utf8Bytes } from '../server/text/bytes';
import { checkTitle } from '../server/text/title';
import { type PlannedReply, cjkTitle, cjkText, type Random } from './shape';
import { unpaced } from '../server/limits/paced';

/** A seeded thread: its post ids in write order (the root first) and what it looks like. */
export interface SeededThread {
  rootId: string;
  /** Every post id of the thread, the root first, then follow-ups in the order they were written. */
  ids: string[];
  replies: number;
  maxDepth: number;
  titleOnly: number;
  seconds: number;
}

const BATCH = 500;
/** Seconds between two follow-ups of a seeded thread (the root is backdated to make room). */
const SPACING_S = 37;

/**
 * Writes a thread: the root through the service (createThread: post, threads row, event 1), then
 * the planned follow-ups with bulk SQL in one transaction, exactly as the service would store
 * them: sanitized body and its byte size, path = parent's path || id, depth = cardinality(path)-1,
 * ids taken from the posts sequence in write order, one `post:new` thread_events row per reply
 * (seq 2..n+1), and threads.reply_count = n, seq = n+1.
 */
export async function seedThread(
  db: Kysely<Database>,
  opts: { boardSlug: string; authors: Member[]; plan: PlannedReply[]; random: Random; onProgress: (done: number) => void },
): Promise<SeededThread> {
  const started = performance.now();
  const { authors, plan } = opts;
  const root = await createThread(
    db,
    authors[0]!,
    opts.boardSlug,
    {
      title: cjkTitle(opts.random),
      body: cjkText(1500, opts.random),
    },
    unpaced,
  );
  const n = plan.length;
  const t0 = Date.now() - (n + 1) * SPACING_S * 1000;
  const at = (i: number) => new Date(t0 + i * SPACING_S * 1000);

  const ids = await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('posts')
      .set({ created_at: at(0) })
      .where('id', '=', root.id)
      .execute();
    await tx
      .updateTable('thread_events')
      .set({ at: at(0) })
      .where('thread_id', '=', root.id)
      .execute();
    const { rows } = await sql<{ id: string }>`
      select nextval(pg_get_serial_sequence('posts', 'id'))::text as id from generate_series(1, ${n}::int)`.execute(tx);
    const replyIds = rows.map((r) => r.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const ids = [root.id, ...replyIds];
    const paths: string[][] = [[root.id]];
    for (let start = 0; start < n; start += BATCH) {
      const values = plan.slice(start, start + BATCH).map((p, k) => {
        const i = start + k + 1; // index in the thread: 0 is the root
        const path = [...paths[p.parent]!, ids[i]!];
        paths[i] = path;
        const format = guessFormat(p.body);
        const { html: body, source } = renderBody(format, p.body);
        const title = checkTitle(p.title);
        if (!title.ok) throw new Error(`generated title refused: ${title.reason}`);
        return {
          id: ids[i]!,
          board_id: root.boardId,
          thread_id: root.id,
          parent_id: ids[p.parent]!,
          path: sql<string[]>`${path}::bigint[]`,
          depth: path.length - 1,
          author_id: authors[p.author]!.id,
          title: title.title,
          body,
          bytes: utf8Bytes(source),
          format,
          source,
          variant: detectVariant(`${title.title}\n${body.replace(/<[^>]*>/g, ' ')}`),
          created_at: at(i),
        };
      });
      await tx.insertInto('posts').values(values).execute();
      await tx
        .insertInto('thread_events')
        .values(values.map((v, k) => ({ thread_id: root.id, seq: start + k + 2, kind: 'post:new', post_id: v.id, at: v.created_at })))
        .execute();
      opts.onProgress(Math.min(n, start + BATCH));
    }
    await tx
      .updateTable('threads')
      .set({ reply_count: n, seq: n + 1, last_activity_at: at(n) })
      .where('thread_id', '=', root.id)
      .execute();
    return ids;
  });

  return {
    rootId: root.id,
    ids,
    replies: n,
    maxDepth: Math.max(0, ...plan.map((p) => p.depth)),
    titleOnly: plan.filter((p) => p.body === '').length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** What the database says about a thread: counters, events and tree invariants. */
export interface ThreadCheck {
  posts: number;
  replyCount: number;
  seq: number;
  events: number;
  /** Event seqs are exactly 1..seq: no gap, no duplicate. */
  seqContiguous: boolean;
  /** In seq order, post ids only grow (ids follow commit order). */
  idsInSeqOrder: boolean;
  /** Every post's path is its parent's path plus its own id, and depth matches. */
  treeConsistent: boolean;
}

/** Reads a thread's counters and checks its invariants in SQL. */
export async function checkThread(db: Kysely<Database>, threadId: string): Promise<ThreadCheck> {
  const { rows } = await sql<{
    posts: string;
    reply_count: number;
    seq: string;
    events: string;
    min_seq: string | null;
    max_seq: string | null;
    out_of_order: string;
    bad_paths: string;
  }>`
    select
      (select count(*) from posts where thread_id = t.thread_id) as posts,
      t.reply_count,
      t.seq,
      (select count(*) from thread_events where thread_id = t.thread_id) as events,
      (select min(seq) from thread_events where thread_id = t.thread_id) as min_seq,
      (select max(seq) from thread_events where thread_id = t.thread_id) as max_seq,
      (select count(*) from (
         select post_id < lag(post_id) over (order by seq) as down from thread_events where thread_id = t.thread_id
       ) e where e.down) as out_of_order,
      (select count(*) from posts c left join posts p on p.id = c.parent_id
        where c.thread_id = t.thread_id
          and (c.path[cardinality(c.path)] <> c.id
               or c.depth <> cardinality(c.path) - 1
               or (c.parent_id is null and c.path <> array[c.id])
               or (c.parent_id is not null and (p.id is null or c.path <> p.path || c.id)))) as bad_paths
    from threads t where t.thread_id = ${threadId}`.execute(db);
  const r = rows[0];
  if (!r) throw new Error(`thread ${threadId} not found`);
  const events = Number(r.events);
  const seq = Number(r.seq);
  return {
    posts: Number(r.posts),
    replyCount: r.reply_count,
    seq,
    events,
    seqContiguous: Number(r.min_seq) === 1 && Number(r.max_seq) === seq && events === seq,
    idsInSeqOrder: Number(r.out_of_order) === 0,
    treeConsistent: Number(r.bad_paths) === 0,
  };
}
