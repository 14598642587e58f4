import { type Kysely, sql } from 'kysely';

/**
 * Hot threads (十大, server/posts/posts.hot.ts): today's and this week's threads ranked by the
 * distinct members replying in the window. The list reads the follow-ups written since the start
 * of the window, and only what it needs of them: this partial index holds every follow-up that is
 * not deleted by when it was written, with its thread, author and board beside it, so the window
 * is one index-only range scan (no heap visits once vacuum has marked the pages visible). Held
 * posts are in held_posts and never here; a deleted follow-up leaves the index, a restored one
 * comes back. The reply transaction stays as it was: one more index entry, at the index's right
 * edge (created_at only grows), and no table of counts to keep.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index posts_hot_idx on posts (created_at) include (thread_id, author_id, board_id)
    where parent_id is not null and deleted_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists posts_hot_idx`.execute(db);
}
