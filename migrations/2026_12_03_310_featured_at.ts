import { type Kysely, sql } from 'kysely';

/**
 * When each thread was featured (加精), for the board's 精華區 (`/b/:slug/featured`), which lists
 * them newest first. Set when a moderator features a thread, cleared when they unfeature it.
 * Threads featured before this column existed take the time of their latest 'feature' entry in the
 * moderation log, else of their latest thread:feature event, else their last activity. Kept to the
 * millisecond, so the page cursor (a JavaScript Date) names a thread's place exactly.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('threads').addColumn('featured_at', 'timestamptz').execute();
  await sql`
    update threads t set featured_at = date_trunc('milliseconds', coalesce(
      (select max(l.created_at) from moderation_log l where l.post_id = t.thread_id and l.action = 'feature'),
      (select max(e.at) from thread_events e where e.thread_id = t.thread_id and e.kind = 'thread:feature'),
      t.last_activity_at))
    where t.featured`.execute(db);
  // The 精華區 is a keyset walk of one board's featured threads: (featured_at, thread_id) descending.
  await sql`create index threads_featured_idx on threads (board_id, featured_at desc, thread_id desc) where featured`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists threads_featured_idx`.execute(db);
  await db.schema.alterTable('threads').dropColumn('featured_at').execute();
}
