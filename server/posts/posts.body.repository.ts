import { sql } from 'kysely';
import type { Db } from '../db/database';

/** Bodies rendered again from their sources (posts:resanitize, posts.body.ts resanitizeAll). SQL only. */

/** A batch of post bodies after `afterId`, for re-sanitizing. */
export function findBodies(db: Db, afterId: string, limit: number) {
  return (
    db
      .selectFrom('posts')
      .select(['id', 'title', 'body', 'format', 'variant'])
      // A null source: the body is its own (HTML stored before formats).
      .select(sql<string>`coalesce(posts.source, posts.body)`.as('source'))
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute()
  );
}

/** Replaces a body rendered again from its source only if it is still `previous` (an edit committed meanwhile wins). */
export async function updateBodyIfUnchanged(
  db: Db,
  id: string,
  previous: string,
  c: { body: string; bytes: number; source: string; contentHash: string },
): Promise<{ thread_id: string; board_id: string } | undefined> {
  return db
    .updateTable('posts')
    .set({ body: c.body, bytes: c.bytes, source: c.source, content_hash: c.contentHash })
    .where('id', '=', id)
    .where('body', '=', previous)
    .returning(['thread_id', 'board_id'])
    .executeTakeFirst();
}

export async function countPosts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
