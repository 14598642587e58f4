import type { Kysely } from 'kysely';
import type { Database, Db } from '../db/database';
import type { Member } from '../db/member';
import { isId } from '../db/ids';
import { notFound } from '../errors';
import { type Actor, can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import type { KnownViewer } from './posts.etag';
import { type CursorWalk, badCursor, decodeCursor, encodeCursor } from './posts.cursor';
import * as pages from './posts.paging.repository';
import * as repo from './posts.repository';
import { findWindowHead } from './posts.windows.repository';
import { type Post, type ThreadState, toPost, toPostsWithCounts, toThreadState, tombstone } from './posts.model';

/**
 * The API's walks through big threads, a bounded page at a time (docs/api.md, "Walking a
 * thread"): a post's subtree, and a thread's follow-ups newer than a post id. Each page is one
 * index range from an opaque cursor (posts.cursor.ts); the subtree counts of its posts are counted
 * in ranges of the same index, each entry read at most once, never by loading the thread.
 */

/** The largest page, and the one given when none is asked for. */
export const PAGE_MAX = 1000;

export interface PageOptions {
  /** How many follow-ups, 1 to PAGE_MAX. */
  limit: number;
  /** The nextCursor of the previous page; none for the first. */
  cursor?: string;
  /** Fetch the follow-ups' bodies; without them each has body ''. */
  bodies: boolean;
}

/** A page of a post's subtree: the post, its thread's state, the follow-ups, and the cursor of the next page. */
export interface SubtreePage {
  post: Post;
  thread: ThreadState;
  replies: Post[];
  /** null on the last page. */
  nextCursor: string | null;
  /** Who read it: the viewer on the post's board (null for a reader who is not logged in). */
  actor: Actor | null;
}

/** A page of a thread's follow-ups newer than a post id. */
export interface NewPage {
  thread: ThreadState;
  replies: Post[];
  nextCursor: string | null;
}

/**
 * A page of a post's subtree in display order: the follow-ups after the cursor, `limit` at most.
 * Posts that existed when the first page was read come exactly once over the walk whatever is
 * written meanwhile (paths never change and posts are never removed; deleted ones keep their place).
 */
export async function getSubtreePage(
  db: Kysely<Database>,
  id: string,
  viewer: Member | null,
  options: PageOptions,
  /** The viewer as the answer's version read them just before (posts.etag.ts): not read again when of the post's board. */
  known?: KnownViewer,
): Promise<SubtreePage> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (tx) => {
      // The post and its thread's state in one statement, as a window's head.
      const head = isId(id) ? await findWindowHead(tx, id) : undefined;
      if (!head?.state) throw notFound('PostNotFound', `There is no post ${id}.`, { params: { id } });
      const { row, state } = head;
      const end = pathAfterSubtree(row.path);
      const after = options.cursor ? await cursorPath(tx, 'subtree', options.cursor, row.thread_id, row.path) : row.path;
      const reuse = known !== undefined && known.boardId === row.board_id;
      const [actor, rows] = await Promise.all([
        reuse ? known.actor : actorOn(tx, viewer, row.board_id),
        pages.findPathRange(tx, row.thread_id, after, end, options.limit + 1, options.bodies),
      ]);
      const { replies, keys, more } = await countedPage(tx, row.thread_id, rows, options.limit);
      // The post's own count: the page when it holds the whole subtree, the thread's counter for a
      // root, else one count of its range.
      const whole = !options.cursor && !more;
      const count = whole
        ? replies.length
        : row.parent_id === null
          ? state.reply_count
          : (await pages.countPathRanges(tx, row.thread_id, [{ from: row.path, to: end }]))[0]! - 1;
      const visible = can(actor, 'seeDeleted', null) ? (p: Post) => p : tombstone;
      return {
        post: visible(toPost(row, count)),
        thread: toThreadState(state),
        replies: replies.map(visible),
        nextCursor: more ? encodeCursor('subtree', keys[keys.length - 1]!) : null,
        actor,
      };
    });
}

/**
 * A page of a thread's follow-ups with an id above `since` (ids are given in write order, so
 * these are the ones written after it), in display order from the cursor.
 */
export async function getNewPage(
  db: Kysely<Database>,
  threadId: string,
  since: string,
  viewer: Member | null,
  options: PageOptions,
): Promise<NewPage> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (tx) => {
      const state = isId(threadId) ? await repo.findThreadState(tx, threadId) : undefined;
      if (!state) throw notFound('PostNotFound', `There is no thread ${threadId}.`, { params: { id: threadId } });
      const after = options.cursor ? await cursorPath(tx, 'new', options.cursor, threadId, [threadId]) : [threadId];
      const [actor, rows] = await Promise.all([
        actorOn(tx, viewer, state.board_id),
        pages.findNewSince(tx, threadId, since, after, options.limit + 1, options.bodies),
      ]);
      const more = rows.length > options.limit;
      const page = rows.slice(0, options.limit);
      // The posts are scattered over the thread: each one's subtree is counted in the index.
      const counts = await countRanges(
        tx,
        threadId,
        page.map((r) => ({ from: r.key, to: pathAfterSubtree(r.key) })),
      );
      const visible = can(actor, 'seeDeleted', null) ? (p: Post) => p : tombstone;
      return {
        thread: toThreadState(state),
        replies: page.map((r, i) => visible(toPost(r, counts[i]! - 1))),
        nextCursor: more ? encodeCursor('new', page[page.length - 1]!.key) : null,
      };
    });
}

/**
 * The path a cursor names, checked: a path strictly inside `within` (the walk's post or thread)
 * where a post of the thread is. Anything else is refused as a cursor this walk never gave.
 */
async function cursorPath(tx: Db, walk: CursorWalk, cursor: string, threadId: string, within: string[]): Promise<string[]> {
  const path = decodeCursor(walk, cursor);
  const inside = path.length > within.length && within.every((id, i) => path[i] === id);
  if (!inside || !(await pages.isPostAt(tx, threadId, path))) throw badCursor();
  return path;
}

type PageRow = repo.PostWithAuthorRow & { key: string[] };

/**
 * A page's posts with their subtree counts: counted within the page, and for the posts whose
 * subtree goes on past the page's end (the last post and its ancestors on the page), in the index.
 */
async function countedPage(tx: Db, threadId: string, rows: PageRow[], limit: number) {
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const replies = toPostsWithCounts(page);
  const keys = page.map((r) => r.key);
  if (more) {
    const last = keys[keys.length - 1]!;
    const open = replies.flatMap((p, i) => (i + p.replyCount + 1 === page.length ? [i] : []));
    const beyond = await countRanges(
      tx,
      threadId,
      open.map((i) => ({ from: last, to: pathAfterSubtree(keys[i]!) })),
    );
    // Each range starts at the last post itself, counted once already.
    open.forEach((i, j) => (replies[i]!.replyCount += beyond[j]! - 1));
  }
  return { replies, keys, more };
}

/**
 * How many posts of a thread lie in each range [from, to) of paths. Ranges may overlap (nested
 * subtrees): they are cut at every bound into disjoint pieces, each counted once, and each range
 * adds up its pieces, so no index entry is read twice.
 */
export async function countRanges(tx: Db, threadId: string, ranges: { from: string[]; to: string[] }[]): Promise<number[]> {
  if (ranges.length === 0) return [];
  const bounds = uniqueSorted(ranges.flatMap((r) => [r.from, r.to]));
  const at = new Map(bounds.map((b, i) => [b.join(','), i]));
  const start = ranges.map((r) => at.get(r.from.join(','))!);
  const stop = ranges.map((r) => at.get(r.to.join(','))!);
  // Pieces between consecutive bounds that some range covers.
  const cover = new Array<number>(bounds.length).fill(0);
  start.forEach((s, i) => {
    cover[s]!++;
    cover[stop[i]!]!--;
  });
  const pieces: number[] = [];
  for (let j = 0, depth = 0; j < bounds.length - 1; j++) if ((depth += cover[j]!) > 0) pieces.push(j);
  const counted = await pages.countPathRanges(
    tx,
    threadId,
    pieces.map((j) => ({ from: bounds[j]!, to: bounds[j + 1]! })),
  );
  const prefix = new Array<number>(bounds.length).fill(0);
  pieces.forEach((j, k) => (prefix[j + 1] = counted[k]!));
  for (let j = 1; j < bounds.length; j++) prefix[j]! += prefix[j - 1]!;
  return ranges.map((_, i) => prefix[stop[i]!]! - prefix[start[i]!]!);
}

/** The first path after every path of a subtree: its post's next sibling's (last id + 1). */
export function pathAfterSubtree(path: readonly string[]): string[] {
  return [...path.slice(0, -1), String(BigInt(path[path.length - 1]!) + 1n)];
}

/** Compares paths as ORDER BY path does: id by id as numbers, a prefix first. */
export function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = BigInt(a[i]!);
    const y = BigInt(b[i]!);
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function uniqueSorted(paths: string[][]): string[][] {
  const sorted = [...paths].sort(comparePaths);
  return sorted.filter((p, i) => i === 0 || comparePaths(sorted[i - 1]!, p) !== 0);
}
