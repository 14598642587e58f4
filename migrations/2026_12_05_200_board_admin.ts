import { type Kysely, sql } from 'kysely';

/**
 * Boards as the admin console runs them (issue 17): a position to order them by on `/` and in
 * the console (ties, and boards from before, fall back to creation order), and archived_at: an
 * archived board is read-only (no new threads, follow-ups or edits) and left out of the site-wide
 * lists (`/`, the site's hot list, site-wide search and feeds), while its pages stay readable.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table boards add column position integer not null default 0, add column archived_at timestamptz`.execute(db);
  // Boards keep the order they had: their creation order.
  await sql`update boards set position = id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table boards drop column position, drop column archived_at`.execute(db);
}
