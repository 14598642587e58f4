import { sql } from 'kysely';
import type { Db } from '../db/database';
import { builtOnce, preparedQuery } from '../db/prepared';
import { anyPostId, withAuthor } from './posts.repository';

/**
 * The SQL of the API's pages through a thread (posts.paging.ts): every page is one range of the
 * (thread_id, path) index (posts_thread_path_idx), read in display order from a cursor and cut at
 * `limit` rows, however big the thread.
 */

/** A post of a page, with its path as `key` (the next cursor, and where its subtree lies). */
function pageOf(db: Db, threadId: string, after: string[], bodies: boolean) {
  return withAuthor(db.selectFrom('posts'), bodies)
    .select('posts.path as key')
    .where('posts.thread_id', '=', threadId)
    .where('posts.path', '>', sql<string[]>`${after}::bigint[]`);
}

/** Up to `limit` posts of a thread after path `after` and before path `before`, in display order. */
export function findPathRange(db: Db, threadId: string, after: string[], before: string[], limit: number, bodies: boolean) {
  return preparedQuery(db, 'path_range', pathRangeQuery(db, { threadId, after, before, limit }, bodies));
}

const pathRangeQuery = builtOnce((db: Db, v: { threadId: string; after: string[]; before: string[]; limit: number }, bodies: boolean) =>
  pageOf(db, v.threadId, v.after, bodies)
    .where('posts.path', '<', sql<string[]>`${v.before}::bigint[]`)
    .orderBy('posts.path')
    .limit(v.limit),
);

/**
 * Up to `limit` lines of a thread page's window (posts.windows.ts): the posts from path `from`
 * (itself included when `inclusive`) up to `before`, no deeper than `maxDepth`, in display order,
 * without bodies. Still one range of (thread_id, path): the deeper posts are skipped in the index.
 */
export function findWindowLines(
  db: Db,
  threadId: string,
  range: { from: string[]; inclusive: boolean; before: string[] },
  maxDepth: number,
  limit: number,
) {
  const values = { threadId, from: range.from, before: range.before, maxDepth, limit };
  return preparedQuery(db, 'window_lines', windowLinesQuery(db, values, range.inclusive));
}

const windowLinesQuery = builtOnce(
  (db: Db, v: { threadId: string; from: string[]; before: string[]; maxDepth: number; limit: number }, inclusive: boolean) =>
    withAuthor(db.selectFrom('posts'), false)
      .select('posts.path as key')
      .where('posts.thread_id', '=', v.threadId)
      .where('posts.path', inclusive ? '>=' : '>', sql<string[]>`${v.from}::bigint[]`)
      .where('posts.path', '<', sql<string[]>`${v.before}::bigint[]`)
      .where('posts.depth', '<=', v.maxDepth)
      .orderBy('posts.path')
      .limit(v.limit),
);

/**
 * How many posts no deeper than `maxDepth` lie between paths `after` and `before` (both
 * excluded), counted up to `cap`: at most `cap` index entries are read however far apart they are.
 */
export async function countLinesBetween(db: Db, threadId: string, after: string[], before: string[], maxDepth: number, cap: number) {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('posts')
        .select('id')
        .where('thread_id', '=', threadId)
        .where('path', '>', sql<string[]>`${after}::bigint[]`)
        .where('path', '<', sql<string[]>`${before}::bigint[]`)
        .where('depth', '<=', maxDepth)
        .limit(cap)
        .as('p'),
    )
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The posts with these ids as lines (no bodies): the ancestors a window shows for context. */
export async function findLines(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return (await db.executeQuery(linesQuery(db, { ids }))).rows;
}

const linesQuery = builtOnce((db: Db, v: { ids: string[] }) =>
  withAuthor(db.selectFrom('posts'), false).select('posts.path as key').where('posts.id', '=', anyPostId(v.ids)),
);

/**
 * Up to `limit` follow-ups of a thread with an id above `since`, after path `after`, in display
 * order. PostgreSQL either walks the thread's path range keeping the new ones, or takes the new
 * ones by id (posts_thread_id_idx) and sorts them, whichever its statistics say is cheaper.
 */
export function findNewSince(db: Db, threadId: string, since: string, after: string[], limit: number, bodies: boolean) {
  return pageOf(db, threadId, after, bodies).where('posts.id', '>', since).orderBy('posts.path').limit(limit).execute();
}

/** True when the post with a cursor's last id is in that thread at exactly that path. */
export async function isPostAt(db: Db, threadId: string, path: string[]): Promise<boolean> {
  const row = await db
    .selectFrom('posts')
    .select('id')
    .where('id', '=', path[path.length - 1]!)
    .where('thread_id', '=', threadId)
    .where('path', '=', sql<string[]>`${path}::bigint[]`)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * How many posts of a thread lie in each range of paths [from, to): one index-only range count
 * per range. The ranges a caller gives are disjoint, so together they read each entry at most once.
 */
export async function countPathRanges(db: Db, threadId: string, ranges: { from: string[]; to: string[] }[]): Promise<number[]> {
  if (ranges.length === 0) return [];
  // A correlated count over unnest() of the bounds, sent as two parameters (array literals, one a
  // range): the builder has no words for either.
  const literal = (path: string[]) => `{${path.join(',')}}`;
  const { rows } = await sql<{ i: number; n: number }>`
    select r.i::int, (select count(*)::int from posts p
                      where p.thread_id = ${threadId} and p.path >= r.lo::bigint[] and p.path < r.hi::bigint[]) as n
    from unnest(${ranges.map((r) => literal(r.from))}::text[], ${ranges.map((r) => literal(r.to))}::text[])
      with ordinality as r(lo, hi, i)`.execute(db);
  const counts = new Array<number>(ranges.length).fill(0);
  for (const row of rows) counts[row.i - 1] = row.n;
  return counts;
}

/** A thread's events after seq `after` up to seq `upTo`, in order: what changed since a window was rendered (posts.windows.cache.ts). */
export async function findEventsBetween(db: Db, threadId: string, after: number, upTo: number) {
  return (await db.executeQuery(eventsBetweenQuery(db, { threadId, after: String(after), upTo: String(upTo) }))).rows;
}

const eventsBetweenQuery = builtOnce((db: Db, v: { threadId: string; after: string; upTo: string }) =>
  db
    .selectFrom('thread_events')
    .select(['seq', 'kind', 'post_id'])
    .where('thread_id', '=', v.threadId)
    .where('seq', '>', v.after)
    .where('seq', '<=', v.upTo)
    .orderBy('seq'),
);
