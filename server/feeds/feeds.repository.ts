import type { Db } from '../db/database';
import type { SourceVariant } from '../variants';

/**
 * What the Atom feeds read: SQL only. Each list is one bounded range of an index that exists for
 * the pages already, newest first, deleted posts left out (held posts are not posts: they are
 * never here). Bodies are read whole but only their head is ever used (text/excerpt.ts).
 */

/** A post as a feed entry shows it: its text, its times, its author's name and its board. */
export interface FeedPostRow {
  id: string;
  thread_id: string;
  board_id: string;
  title: string;
  body: string;
  variant: SourceVariant;
  revision: number;
  created_at: Date;
  edited_at: Date | null;
  author_name: string;
  board_slug: string;
  board_name: string;
}

/** posts with their author and board, the columns FeedPostRow names. */
const feedPosts = (db: Db) =>
  db
    .selectFrom('posts')
    .innerJoin('users as author', 'author.id', 'posts.author_id')
    .innerJoin('boards', 'boards.id', 'posts.board_id')
    .select([
      'posts.id',
      'posts.thread_id',
      'posts.board_id',
      'posts.title',
      'posts.body',
      'posts.variant',
      'posts.revision',
      'posts.created_at',
      'posts.edited_at',
      'author.name as author_name',
      'boards.slug as board_slug',
      'boards.name as board_name',
    ])
    .where('posts.deleted_at', 'is', null);

/**
 * The newest threads (on one board, or on every board not archived), by id: the threads' primary key read
 * backwards, and each root found by its own.
 */
export function findNewThreads(db: Db, boardId: string | null, limit: number): Promise<FeedPostRow[]> {
  return (
    feedPosts(db)
      .innerJoin('threads', 'threads.thread_id', 'posts.id')
      .$if(boardId !== null, (qb) => qb.where('threads.board_id', '=', boardId!))
      // The site's feed leaves archived boards out; a board's own feed still serves.
      .$if(boardId === null, (qb) => qb.where('boards.archived_at', 'is', null))
      .orderBy('threads.thread_id', 'desc')
      .limit(limit)
      .execute()
  );
}

/**
 * A thread's newest follow-ups, by id: posts_thread_id_idx (thread_id, id) read backwards. The
 * root (the thread's oldest post) is left out here rather than in the query: a condition on
 * parent_id would let the planner think few rows match and sort the whole thread instead.
 */
export async function findNewFollowUps(db: Db, threadId: string, limit: number): Promise<FeedPostRow[]> {
  const rows = await feedPosts(db)
    .where('posts.thread_id', '=', threadId)
    .orderBy('posts.id', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.filter((r) => r.id !== threadId).slice(0, limit);
}

/** A member's newest threads, by id: posts_author_threads_idx (author_id, id), roots not deleted. */
export function findMemberThreads(db: Db, authorId: string, limit: number): Promise<FeedPostRow[]> {
  return feedPosts(db)
    .where('posts.author_id', '=', authorId)
    .where('posts.parent_id', 'is', null)
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .execute();
}

/** The roots among these ids that are not deleted (any order): the threads of a list made elsewhere. */
export function findThreadRoots(db: Db, ids: string[]): Promise<FeedPostRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return feedPosts(db).where('posts.id', 'in', ids).where('posts.parent_id', 'is', null).execute();
}

/** A thread's root as its feed names it (deleted or not, root or not: the service decides). */
export function findFeedRoot(db: Db, id: string) {
  return db
    .selectFrom('posts')
    .innerJoin('boards', 'boards.id', 'posts.board_id')
    .select([
      'posts.id',
      'posts.parent_id',
      'posts.title',
      'posts.variant',
      'posts.revision',
      'posts.board_id',
      'posts.created_at',
      'posts.deleted_at',
      'boards.slug as board_slug',
      'boards.name as board_name',
    ])
    .where('posts.id', '=', id)
    .executeTakeFirst();
}

/** When a board was made: an empty board's feed has been unchanged since. */
export async function boardCreatedAt(db: Db, boardId: string): Promise<Date> {
  const row = await db.selectFrom('boards').select('created_at').where('id', '=', boardId).executeTakeFirstOrThrow();
  return row.created_at;
}
