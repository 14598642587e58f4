import { type Kysely, sql } from 'kysely';

/**
 * Duplicates and slow mode (issue 14, "Duplicates and floods").
 *
 * - posts.content_hash: a hash of the post's normalized title and text (server/text/fingerprint.ts),
 *   so "the same post again" is one index lookup inside the write, not a comparison of bodies.
 *   Null for posts written before it (they never count as duplicates).
 * - posts_author_content_idx: (author_id, content_hash, created_at), the lookup a reply or a new
 *   thread makes; partial, so old posts without a hash take no room in it.
 * - threads.slow_mode_seconds: one follow-up per N seconds per member in the thread (0: off), set
 *   by its board's moderators. On the row the reply already locks and reads, so it costs no query.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('posts').addColumn('content_hash', 'text').execute();
  await sql`create index posts_author_content_idx on posts (author_id, content_hash, created_at) where content_hash is not null`.execute(
    db,
  );
  await db.schema
    .alterTable('threads')
    .addColumn('slow_mode_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('threads').dropColumn('slow_mode_seconds').execute();
  await sql`drop index posts_author_content_idx`.execute(db);
  await db.schema.alterTable('posts').dropColumn('content_hash').execute();
}
