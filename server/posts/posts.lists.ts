import type { Kysely } from 'kysely';
import { type Board, getBoard } from '../boards/boards.service';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { type Actor, can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import * as repo from './posts.lists.repository';
import type { PostWithAuthorRow } from './posts.repository';
import { type HeldPost, ownHeld } from './posts.held';
import { countQueue } from './posts.held.repository';
import { newCounts } from './posts.seen';
import type { PositionSource } from './posts.seen.repository';
import { type Post, type ThreadState, toPost, toPostsWithCounts, tombstone, toThreadState } from './posts.model';

/** Lists of posts: a board's index of threads (a member's threads and follow-ups are people/'s). */

/** One thread on a board index: its root, its state and its first follow-ups. */
export interface IndexThread {
  root: Post;
  state: ThreadState;
  replies: Post[];
  /**
   * Its posts new to the reader since their last visit, up to NEW_COUNT_CAP (posts.seen.ts); null
   * when the reader never opened it (or no reader was given).
   */
  newCount: number | null;
}

/** A page of a board's threads, as the board's page and its API show it. */
export interface BoardIndex {
  board: Board;
  threads: IndexThread[];
  page: number;
  pages: number;
  /** Threads on the board (in the featured list only, when `featured`). */
  total: number;
  actor: Actor | null;
  /** The viewer moderates the board: deleted posts are shown, not tombstones. */
  canModerate: boolean;
  featured: boolean;
  /** The viewer's own threads on the board waiting for review (posts.held.ts); only they see them. */
  heldThreads: HeldPost[];
  /** For the board's moderators: how many posts wait in its queue (up to QUEUE_COUNT_CAP); else null. */
  queueCount: number | null;
  /**
   * Follow-up trees the caller had already rendered, by thread id (posts.index.cache.ts): those
   * threads' `replies` were not read and are empty.
   */
  trees?: ReadonlyMap<string, { html: string; count: number }>;
}

/** A board page counts its queue up to this many ("99+"). */
export const QUEUE_COUNT_CAP = 100;

/** Follow-up lines under each thread on a board index unless INDEX_TREE_LINES says otherwise. */
export const DEFAULT_INDEX_TREE_LINES = 50;

/**
 * A page of a board's threads (pinned first, then latest activity), each with the first
 * `treeLines` lines of its follow-up tree (the rest behind the thread's link). Follow-ups are lines
 * (no bodies); roots have their bodies only with `rootBodies` (the API). With a `reader`, each
 * thread they opened says how many of its posts are new to them. Threads whose tree the caller
 * has at their current seq (`kept`, told whether the viewer sees deleted posts) come with no
 * follow-ups: their lines are not read.
 */
export async function getBoardIndex(
  db: Kysely<Database>,
  slug: string,
  page: number,
  viewer: Member | null = null,
  featured = false,
  {
    rootBodies = false,
    treeLines = DEFAULT_INDEX_TREE_LINES,
    reader = null,
    kept,
  }: {
    rootBodies?: boolean;
    treeLines?: number;
    reader?: PositionSource | null;
    kept?: (thread: { threadId: string; seq: number; boardId: string; seesDeleted: boolean }) => boolean;
  } = {},
): Promise<BoardIndex> {
  const board = await getBoard(db, slug);
  const actor = await actorOn(db, viewer, board.id);
  const canModerate = can(actor, 'seeDeleted', null);
  const visible = canModerate ? (p: Post) => p : tombstone;
  const [rows, total, heldThreads, queueCount] = await Promise.all([
    repo.findBoardThreads(db, board.id, page, featured, rootBodies),
    repo.countBoardThreads(db, board.id, featured),
    ownHeld(db, viewer, board.id),
    canModerate ? countQueue(db, board.id, QUEUE_COUNT_CAP) : null,
  ]);
  const threadIds = rows.map((r) => r.id);
  const unread = kept
    ? rows.filter((r) => !kept({ threadId: r.id, seq: Number(r.seq), boardId: board.id, seesDeleted: canModerate })).map((r) => r.id)
    : threadIds;
  const [replyRows, news] = await Promise.all([repo.findIndexReplies(db, unread, treeLines), newCounts(db, reader, threadIds)]);
  const byThread = new Map<string, PostWithAuthorRow[]>();
  for (const r of replyRows) {
    const list = byThread.get(r.thread_id) ?? [];
    list.push(r);
    byThread.set(r.thread_id, list);
  }
  const threads: IndexThread[] = rows.map((r) => ({
    root: visible(toPost(r, r.reply_count)),
    state: toThreadState({ ...r, thread_id: r.id }),
    replies: toPostsWithCounts(byThread.get(r.id) ?? []).map(visible),
    newCount: news.get(r.id) ?? null,
  }));
  return {
    board,
    threads,
    page,
    pages: Math.max(1, Math.ceil(total / repo.THREADS_PER_PAGE)),
    total,
    actor,
    canModerate,
    featured,
    heldThreads,
    queueCount,
  };
}

/** Threads a page of the 精華區 shows. */
export const FEATURED_PER_PAGE = 30;

/** A page of a board's 精華區 (`/b/:slug/featured`): its featured threads, the most recently featured first. */
export interface FeaturedIndex {
  board: Board;
  threads: (IndexThread & { featuredAt: Date })[];
  /** The `after` of the next page, or null on the last. */
  next: string | null;
  /** Whether this is a later page (it links back to the first). */
  later: boolean;
}

/** The cursor of the page after a thread: when it was featured (milliseconds) and its id. */
const featuredCursor = (at: Date, threadId: string) => `${at.getTime()}_${threadId}`;

/** The place a cursor names, or null when it is not one this list hands out (the reader is given the first page). */
export function parseFeaturedCursor(text: string): repo.FeaturedAfter | null {
  const m = /^(\d{1,15})_([1-9]\d{0,17})$/.exec(text);
  return m ? { featuredAt: new Date(Number(m[1])), threadId: m[2]! } : null;
}

/**
 * A page of a board's featured threads after `after` (a keyset: never an OFFSET), as lines (no
 * follow-up trees: the 精華區 is a list to choose from). Deleted roots are tombstones but for the
 * board's moderators, as on the board's page.
 */
export async function getFeaturedIndex(
  db: Kysely<Database>,
  slug: string,
  after: repo.FeaturedAfter | null,
  viewer: Member | null = null,
  reader: PositionSource | null = null,
): Promise<FeaturedIndex> {
  const board = await getBoard(db, slug);
  const actor = await actorOn(db, viewer, board.id);
  const visible = can(actor, 'seeDeleted', null) ? (p: Post) => p : tombstone;
  const rows = await repo.findFeaturedThreads(db, board.id, after, FEATURED_PER_PAGE);
  const shown = rows.slice(0, FEATURED_PER_PAGE);
  const news = await newCounts(
    db,
    reader,
    shown.map((r) => r.id),
  );
  const last = shown[shown.length - 1];
  return {
    board,
    threads: shown.map((r) => ({
      root: visible(toPost(r, r.reply_count)),
      state: toThreadState({ ...r, thread_id: r.id }),
      replies: [],
      newCount: news.get(r.id) ?? null,
      featuredAt: r.featured_at!,
    })),
    next: rows.length > FEATURED_PER_PAGE && last ? featuredCursor(last.featured_at!, last.id) : null,
    later: after !== null,
  };
}
