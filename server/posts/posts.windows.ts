import type { Kysely } from 'kysely';
import type { Database, Db } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import { notFound } from '../errors';
import { NO_RULES, type Rules, can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import { badCursor, decodeCursor, encodeCursor } from './posts.cursor';
import type { KnownViewer } from './posts.etag';
import { isMuted } from './posts.notices';
import { comparePaths, countRanges, pathAfterSubtree } from './posts.paging';
import * as pages from './posts.paging.repository';
import * as repo from './posts.repository';
import { findWindowHead } from './posts.windows.repository';
import { type Post, toPost, toPostsWithCounts, toThreadState, tombstone } from './posts.model';
import { type PostHead, permissionsFor } from './posts.permissions';

/**
 * The windows of a thread page (`/t/:id`): however big the thread, a page shows a bounded run of
 * its follow-ups in display order, and a "more" link continues from the last one's path (a
 * keyset cursor, never an OFFSET), so the windows of a thread read as one list: every post that
 * existed when the first window was served comes exactly once (paths never change; deleted posts
 * keep their place). Follow-ups nested deeper than the depth cap below the page's post are not in
 * its windows: the line at the cap links to its own page ("continue this thread"), which windows
 * the same way. A window that begins in the middle of the tree repeats the ancestors of its first
 * line above it (context), so the reader knows what it answers.
 */

/** What a window page asks for. */
export interface WindowRequest {
  /** The window after this cursor (a previous window's nextCursor); none for the first. */
  after?: string;
  /** The window that holds this post, a follow-up under the page's post; none for the first. */
  at?: string;
  /** Lines in a window. */
  size: number;
  /** Levels nested below the page's post. */
  depthCap: number;
  rules?: Rules;
  /**
   * Asked once the thread's version, the viewer's rights and the window's start are known: true
   * when the caller already holds the window's lines (rendered), which then are not read.
   */
  cached?: (version: WindowVersion, tx: Db) => boolean | Promise<boolean>;
  /**
   * The viewer as the page's version read them just before (posts.etag.ts): not read again when
   * they are of the post's board and thread (and whether they muted it was read).
   */
  known?: KnownViewer;
}

/** What a window's lines depend on: any change to the thread raises its seq. */
export interface WindowVersion {
  seq: number;
  threadId: string;
  /** The thread's board: its conversion-rules version (the glossaries) is in the window's key. */
  boardId: string;
  seesDeleted: boolean;
  /** Where the window starts: '' for the first, else the first line's path ('=') or the path it follows ('>'). */
  start: string;
}

/** A post's page with one window of its follow-ups. */
export interface PostWindow extends PostHead {
  /** The post's ancestors, the root first (none for a root): the path up to the root. */
  ancestors: Post[];
  /** Ancestors of the window's first line below the post, shown above it (none for the first window). */
  context: Post[];
  /** The window's lines in display order, each with its whole subtree counted. Empty when `cached` said so. */
  lines: Post[];
  /** The first window (no context; the page's "more" links start here). */
  first: boolean;
  /** The cursor of the next window; null when this one ends the post's subtree. */
  nextCursor: string | null;
  version: WindowVersion;
}

/** A window, or the page to go to instead: `at` lies deeper than this page nests. */
export type WindowAnswer = { window: PostWindow } | { deeperPage: string };

export async function getPostWindow(
  db: Kysely<Database>,
  id: string,
  viewer: Member | null,
  request: WindowRequest,
): Promise<WindowAnswer> {
  // One snapshot for every read: the post, its thread's seq and the lines agree, so a page's seq
  // never claims a change the page does not show (live updates start from it).
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (tx) => {
      const head = isId(id) ? await findWindowHead(tx, id) : undefined;
      if (!head) throw notFound('PostNotFound', `There is no post ${id}.`, { params: { id } });
      const { row, state, board } = head;
      const maxDepth = row.depth + request.depthCap;
      const known = request.known;
      const reuse = known && known.boardId === row.board_id && known.threadId === row.thread_id && (!viewer || known.muted !== null);
      const [root, actor, muted, ancestorRows, start] = await Promise.all([
        row.parent_id === null ? Promise.resolve(row) : repo.findPost(tx, row.thread_id),
        reuse ? known.actor : actorOn(tx, viewer, row.board_id),
        reuse ? known.muted : viewer ? isMuted(tx, viewer.id, row.thread_id) : null,
        pages.findLines(tx, row.path.slice(0, -1)),
        windowStart(tx, row, request, maxDepth),
      ]);
      if ('deeperPage' in start) return start;
      if (!state) throw notFound('PostNotFound', `Thread ${row.thread_id} has no state row; it cannot be shown.`, { params: { id } });
      const thread = toThreadState(state);
      const seesDeleted = can(actor, 'seeDeleted', null);
      const visible = seesDeleted ? (p: Post) => p : tombstone;
      const version = { seq: thread.seq, threadId: row.thread_id, boardId: row.board_id, seesDeleted, start: start.key };
      const end = pathAfterSubtree(row.path);
      const read = !((await request.cached?.(version, tx)) ?? false);
      const rows = read
        ? await pages.findWindowLines(
            tx,
            row.thread_id,
            { from: start.from, inclusive: start.inclusive, before: end },
            maxDepth,
            request.size + 1,
          )
        : [];
      const more = rows.length > request.size;
      const window = rows.slice(0, request.size);
      const [lines, context] = read
        ? await Promise.all([countedLines(tx, row.thread_id, window, maxDepth, more), contextOf(tx, row.path, window)])
        : [[], []];
      const post = visible(toPost(row, row.parent_id === null ? thread.replyCount : 0));
      const byId = new Map(ancestorRows.map((r) => [r.id, r]));
      return {
        window: {
          post,
          thread,
          root: visible(root ? toPost(root) : post),
          board,
          can: permissionsFor(actor, post, thread, request.rules ?? NO_RULES, board),
          muted,
          ancestors: row.path.slice(0, -1).flatMap((a) => (byId.has(a) ? [visible(toPost(byId.get(a)!))] : [])),
          context: context.map(visible),
          lines: lines.map(visible),
          first: start.key === '',
          nextCursor: more ? encodeCursor('window', window[window.length - 1]!.key) : null,
          version,
        },
      };
    });
}

type PostRow = repo.PostWithAuthorRow;
type LineRow = PostRow & { key: string[] };

/** Where a window starts, checked: a cursor or a post that is not under this page's post is refused. */
async function windowStart(
  tx: Db,
  row: PostRow,
  request: WindowRequest,
  maxDepth: number,
): Promise<{ from: string[]; inclusive: boolean; key: string } | { deeperPage: string }> {
  const first = { from: row.path, inclusive: false, key: '' };
  if (request.after !== undefined) {
    const path = decodeCursor('window', request.after);
    if (!isInside(path, row.path) || path.length - 1 > maxDepth || !(await pages.isPostAt(tx, row.thread_id, path))) throw badCursor();
    return { from: path, inclusive: false, key: `>${path.join(',')}` };
  }
  if (request.at === undefined || request.at === row.id) return first;
  const target = isId(request.at) ? await repo.findPost(tx, request.at) : undefined;
  if (!target || target.thread_id !== row.thread_id || !isInside(target.path, row.path)) {
    throw notFound('PostNotFound', `There is no post ${request.at} under post ${row.id}.`, { params: { id: request.at } });
  }
  // Nested deeper than this page shows: the page of an ancestor a few levels above it shows it.
  if (target.depth > maxDepth) return { deeperPage: target.path[Math.max(row.depth, target.depth - Math.floor(request.depthCap / 2))]! };
  // In the first window: that is the window that holds it (a bounded count, never past one window).
  const before = await pages.countLinesBetween(tx, row.thread_id, row.path, target.path, maxDepth, request.size);
  if (before < request.size) return first;
  return { from: target.path, inclusive: true, key: `=${target.path.join(',')}` };
}

/** `path` lies strictly inside the subtree at `of`. */
const isInside = (path: readonly string[], of: readonly string[]) => path.length > of.length && of.every((id, i) => path[i] === id);

/**
 * A window's lines with their whole subtrees counted ("23 條跟帖"): within the window first; then
 * in the index, the hidden follow-ups under lines at the depth cap and, when more windows follow,
 * the part of each open subtree beyond the window's end. Each index entry is read at most once.
 */
async function countedLines(tx: Db, threadId: string, rows: LineRow[], maxDepth: number, more: boolean): Promise<Post[]> {
  const lines = toPostsWithCounts(rows);
  if (rows.length === 0) return lines;
  const last = rows[rows.length - 1]!;
  const capped = rows.flatMap((r, i) => (r.depth === maxDepth ? [i] : []));
  // Lines whose subtree goes on past the window: the last line's ancestors in the window (and the
  // last line itself when it is not at the cap: its follow-ups are the next window's).
  const open = more
    ? lines.flatMap((p, i) => (i + p.replyCount + 1 === rows.length && (i < rows.length - 1 || last.depth < maxDepth) ? [i] : []))
    : [];
  // Past the window's end: from the next path after the last line (after its hidden subtree when it is at the cap).
  const beyondFrom = last.depth === maxDepth ? pathAfterSubtree(last.key) : nextPath(last.key);
  const counts = await countRanges(tx, threadId, [
    ...capped.map((i) => ({ from: nextPath(rows[i]!.key), to: pathAfterSubtree(rows[i]!.key) })),
    ...open.map((i) => ({ from: beyondFrom, to: pathAfterSubtree(rows[i]!.key) })),
  ]);
  // A capped line's hidden follow-ups count for it and for every line above it in the window.
  capped.forEach((i, k) => {
    const hidden = counts[k]!;
    if (hidden === 0) return;
    for (let j = i, depth = rows[i]!.depth + 1; j >= 0; j--) {
      if (rows[j]!.depth < depth) {
        lines[j]!.replyCount += hidden;
        depth = rows[j]!.depth;
      }
    }
  });
  open.forEach((i, k) => (lines[i]!.replyCount += counts[capped.length + k]!));
  return lines;
}

/** The smallest path after `path` in display order: its first possible child. */
const nextPath = (path: readonly string[]) => [...path, '0'];

/** The ancestors of a window's first line below the page's post, shallowest first (none when it answers the post). */
async function contextOf(tx: Db, postPath: string[], rows: LineRow[]): Promise<Post[]> {
  const firstPath = rows[0]?.key;
  if (!firstPath || firstPath.length <= postPath.length + 1) return [];
  const found = await pages.findLines(tx, firstPath.slice(postPath.length, -1));
  return found.sort((a, b) => comparePaths(a.key, b.key)).map((r) => toPost(r));
}
