import type { Kysely } from 'kysely';

/**
 * A thread's posts by id: `GET /api/threads/:id/new?since=` (the follow-ups written after a post)
 * takes them from here when they are few, instead of walking the whole thread's
 * (thread_id, path) range to find them. Pages of a subtree use posts_thread_path_idx (002).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('posts_thread_id_idx').on('posts').columns(['thread_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('posts_thread_id_idx').execute();
}
