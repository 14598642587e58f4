import type { Kysely } from 'kysely';

/**
 * How far each member has read each thread they opened (issue 13, "what's new since my last
 * visit"): the highest post id they were shown. Post ids are taken in the order posts are written
 * (a reply takes its id while it holds its thread's row lock), so the thread's new follow-ups are
 * exactly its posts with a higher id: one range of posts_thread_id_idx (thread_id, id).
 *
 * One row per member and thread opened, written at most once per visit and only when the thread
 * has grown since (posts/posts.seen.ts). Anonymous readers keep the same in a cookie instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('thread_reads')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('thread_id', 'bigint', (c) => c.notNull().references('threads.thread_id').onDelete('cascade'))
    .addColumn('seen_post_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('thread_reads_pkey', ['user_id', 'thread_id'])
    .execute();
  // For the foreign key to threads: without it, removing a thread would read the whole table.
  await db.schema.createIndex('thread_reads_thread_idx').on('thread_reads').column('thread_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('thread_reads').execute();
}
