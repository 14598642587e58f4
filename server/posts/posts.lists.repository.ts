import { sql } from 'kysely';
import type { Db } from '../db/database';
import { builtOnce, preparedQuery } from '../db/prepared';
import { type PostWithAuthorRow, withAuthor } from './posts.repository';

/** Lists of threads and posts: a board's pages and its 精華區, an index's first follow-ups, a member's posts. SQL only. */

export const THREADS_PER_PAGE = 20;

/** What a list of threads (a board's page, its 精華區) shows of each thread's row beside its root post. */
const THREAD_LIST_COLUMNS = [
  'threads.reply_count',
  'threads.last_activity_at',
  'threads.locked',
  'threads.pinned',
  'threads.featured',
  'threads.seq',
  'threads.read_count',
] as const;

/** A page of a board's threads: pinned first, then by latest activity (bodies only when asked for). */
export function findBoardThreads(db: Db, boardId: string, page: number, featured = false, bodies = false) {
  return preparedQuery(db, 'board_threads', boardThreadsQuery(db, { boardId, offset: (page - 1) * THREADS_PER_PAGE }, featured, bodies));
}

const boardThreadsQuery = builtOnce((db: Db, v: { boardId: string; offset: number }, featured: boolean, bodies: boolean) =>
  withAuthor(db.selectFrom('posts'), bodies)
    .innerJoin('threads', 'threads.thread_id', 'posts.id')
    .select(THREAD_LIST_COLUMNS)
    .where('threads.board_id', '=', v.boardId)
    .$if(featured, (qb) => qb.where('threads.featured', '=', true))
    .orderBy('threads.pinned', 'desc')
    .orderBy('threads.last_activity_at', 'desc')
    .orderBy('threads.thread_id', 'desc')
    .limit(THREADS_PER_PAGE)
    .offset(v.offset),
);

/** A place in a board's 精華區: the last thread a page showed, by when it was featured. */
export interface FeaturedAfter {
  featuredAt: Date;
  threadId: string;
}

/**
 * A page of a board's featured threads, the most recently featured first, after `after` (a keyset
 * on (featured_at, thread_id): threads_featured_idx, never an OFFSET). One more than `limit` is
 * asked for, so the caller knows whether there is a next page.
 */
export function findFeaturedThreads(db: Db, boardId: string, after: FeaturedAfter | null, limit: number) {
  return withAuthor(db.selectFrom('posts'), false)
    .innerJoin('threads', 'threads.thread_id', 'posts.id')
    .select([...THREAD_LIST_COLUMNS, 'threads.featured_at'])
    .where('threads.board_id', '=', boardId)
    .where('threads.featured', '=', true)
    .$if(after !== null, (qb) =>
      qb.where(sql<boolean>`(threads.featured_at, threads.thread_id) < (${after!.featuredAt}, ${after!.threadId}::bigint)`),
    )
    .orderBy('threads.featured_at', 'desc')
    .orderBy('threads.thread_id', 'desc')
    .limit(limit + 1)
    .execute();
}

export async function countBoardThreads(db: Db, boardId: string, featured = false): Promise<number> {
  const { rows } = await db.executeQuery(boardThreadCountQuery(db, { boardId }, featured));
  return Number(rows[0]!.n);
}

const boardThreadCountQuery = builtOnce((db: Db, v: { boardId: string }, featured: boolean) =>
  db
    .selectFrom('threads')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('board_id', '=', v.boardId)
    .$if(featured, (qb) => qb.where('featured', '=', true)),
);

/**
 * The first `perThread` follow-ups of each thread, in display order, one bounded range scan per
 * thread. An index shows them as lines: their bodies are left out ('').
 */
export async function findIndexReplies(db: Db, threadIds: string[], perThread: number) {
  if (threadIds.length === 0 || perThread === 0) return [];
  // kysely cannot express a lateral join over unnest(); this is one bounded index scan per thread.
  const query = sql<PostWithAuthorRow>`
    select r.* from unnest(${threadIds}::bigint[]) as t(id)
    cross join lateral (
      select p.id, p.board_id, p.thread_id, p.parent_id, p.path, p.depth, p.title, '' as body, p.bytes,
             p.variant, p.created_at, p.edited_at, p.edited_role, p.revision, p.deleted_at, p.deleted_role,
             p.deleted_by, p.deleted_reason, p.edit_reason, p.author_id,
             a.name as author_name, a.role as author_role, e.name as editor_name
      from posts p
      join users a on a.id = p.author_id
      left join users e on e.id = p.edited_by
      where p.thread_id = t.id and p.depth > 0
      order by p.path
      limit ${perThread}
    ) r`.compile(db);
  return preparedQuery(db, 'index_replies', query);
}

/** Which of a member's posts a list shows: the threads they started, or their follow-ups. */
export type MemberPostList = 'threads' | 'replies';

/**
 * A page of a member's posts that are not deleted, newest first, as lines (no bodies): those
 * before `before` (an id: keyset paging, so page 1,000 costs what page 1 does). One range of a
 * partial index (posts_author_threads_idx or posts_author_replies_idx).
 */
export function findMemberPosts(db: Db, authorId: string, list: MemberPostList, limit: number, before?: string) {
  return withAuthor(db.selectFrom('posts'), false)
    .where('posts.author_id', '=', authorId)
    .where('posts.parent_id', list === 'threads' ? 'is' : 'is not', null)
    .where('posts.deleted_at', 'is', null)
    .$if(before !== undefined, (qb) => qb.where('posts.id', '<', before!))
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * How many posts of a list a member has (not deleted), counted up to `cap`: at most `cap` entries
 * of the list's partial index are read, however much the member wrote.
 */
export async function countMemberPosts(db: Db, authorId: string, list: MemberPostList, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('posts')
        .select('id')
        .where('author_id', '=', authorId)
        .where('parent_id', list === 'threads' ? 'is' : 'is not', null)
        .where('deleted_at', 'is', null)
        .limit(cap)
        .as('p'),
    )
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The ids of the `limit` threads with the latest activity on boards that are not archived: what readers open first. */
export async function findRecentThreadIds(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('threads')
    .innerJoin('boards', 'boards.id', 'threads.board_id')
    .select('threads.thread_id')
    .where('boards.archived_at', 'is', null)
    .orderBy('threads.last_activity_at', 'desc')
    .orderBy('threads.thread_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.thread_id);
}
