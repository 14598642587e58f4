import { type Kysely, sql } from 'kysely';

/**
 * The filters and orders of a thread (/t/:id?by=op, ?by=<name>, /t/:id/latest, and their API):
 *
 * - posts_thread_author_path_idx: one author's posts in a thread in display order, a page at a
 *   time after a path (keyset): one short range, however long the thread and however much the
 *   author wrote elsewhere (posts_author_idx would read all of the author's posts on the site).
 *
 * A thread's posts newest first, a page at a time before an id (keyset), read posts_thread_id_idx
 * (thread_id, id), made by 2026_12_02_060_api_paging for the API's new follow-ups.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index posts_thread_author_path_idx on posts (thread_id, author_id, path)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index posts_thread_author_path_idx`.execute(db);
}
