import { sql } from 'kysely';
import type { Db } from '../db/database';
import { withAuthor } from './posts.repository';

/**
 * The filters and orders of a thread: SQL only. Each list is one bounded range of an index
 * (migrations/2026_12_02_070_thread_filters.ts), paged by keyset, never by OFFSET.
 */

/**
 * Up to `limit` posts one member wrote in a thread, in display order (path), after `afterPath`
 * when given: a range of posts_thread_author_path_idx. Without `bodies`, bodies and paths are ''
 * and [] (lines need neither).
 */
export function findAuthorPosts(
  db: Db,
  threadId: string,
  authorId: string,
  afterPath: string[] | undefined,
  limit: number,
  bodies: boolean,
) {
  return withAuthor(db.selectFrom('posts'), bodies)
    .where('posts.thread_id', '=', threadId)
    .where('posts.author_id', '=', authorId)
    .$if(afterPath !== undefined, (qb) => qb.where('posts.path', '>', sql<string[]>`${afterPath}::bigint[]`))
    .orderBy('posts.path')
    .limit(limit)
    .execute();
}

/**
 * Up to `limit` follow-ups of a thread, newest first (ids are assigned in commit order within a
 * thread: posts.write.repository findReplyContext), before the id `before` when given: a range of
 * posts_thread_id_idx read backwards.
 */
export function findLatestReplies(db: Db, threadId: string, before: string | undefined, limit: number, bodies: boolean) {
  return withAuthor(db.selectFrom('posts'), bodies)
    .where('posts.thread_id', '=', threadId)
    .where('posts.parent_id', 'is not', null)
    .$if(before !== undefined, (qb) => qb.where('posts.id', '<', before!))
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .execute();
}

/** The path of post `id` when it belongs to the thread (a keyset cursor), else undefined. */
export async function findPathInThread(db: Db, threadId: string, id: string): Promise<string[] | undefined> {
  const row = await db.selectFrom('posts').select('path').where('id', '=', id).where('thread_id', '=', threadId).executeTakeFirst();
  return row?.path;
}

/** The posts with these ids as lines (no bodies, no paths): the lines a page's posts answer. */
export function findLines(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return withAuthor(db.selectFrom('posts'), false).where('posts.id', 'in', ids).execute();
}
