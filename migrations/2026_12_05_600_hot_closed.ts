import { type Kysely, sql } from 'kysely';

/**
 * Hot threads (十大, server/posts/posts.hot.ts) this week without reading the whole week's
 * follow-ups on every computation: the days of the week that have ended ("closed") are summed up
 * once by a job (posts.hot.closed.ts, `hot:close`), and a list only adds the follow-ups written
 * since (today's). The reply transaction is untouched: nothing here is written by it.
 *
 * - hot_closed: one row per window summed up: the window's start (`since`, Monday midnight in
 *   TZ_DISPLAY), where the summed part ends (`until`, the start of the day the job ran on) and
 *   when it was computed. A list uses the row whose `since` is its own window's; without one (a
 *   fresh install, or on Monday) it reads the window from the posts as before.
 * - hot_closed_threads: per thread, the distinct members who replied in the summed days (the
 *   starter among them), whether the starter did, and the latest such follow-up.
 * - hot_closed_pairs: the (thread, member) pairs of the summed days, so a member replying again
 *   today is not counted twice: a list probes it for today's pairs only (its primary key).
 *
 * Rows of older windows are deleted by the job. Locked threads and deleted roots are still
 * decided when a list is computed, from threads and posts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table hot_closed (
      since timestamptz primary key,
      until timestamptz not null,
      computed_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table hot_closed_threads (
      since timestamptz not null,
      thread_id bigint not null,
      board_id bigint not null,
      members integer not null,
      starter boolean not null,
      last_at timestamptz not null,
      primary key (since, thread_id)
    )`.execute(db);
  await sql`
    create table hot_closed_pairs (
      since timestamptz not null,
      thread_id bigint not null,
      author_id bigint not null,
      primary key (since, thread_id, author_id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists hot_closed_pairs`.execute(db);
  await sql`drop table if exists hot_closed_threads`.execute(db);
  await sql`drop table if exists hot_closed`.execute(db);
}
