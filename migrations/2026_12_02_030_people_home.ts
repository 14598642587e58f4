import { type Kysely, sql } from 'kysely';

/**
 * A member's home page (/u/:name) lists their threads and their follow-ups, newest first, a page
 * at a time (keyset: id < the last one shown), and shows how many of each they wrote (counted up
 * to a cap). One partial index per list, holding only the posts that list shows (not deleted),
 * makes each page and each count one short index-only range, whatever the member's history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index posts_author_threads_idx on posts (author_id, id) where parent_id is null and deleted_at is null`.execute(db);
  await sql`create index posts_author_replies_idx on posts (author_id, id) where parent_id is not null and deleted_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index posts_author_replies_idx`.execute(db);
  await sql`drop index posts_author_threads_idx`.execute(db);
}
