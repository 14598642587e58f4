import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { SourceVariant } from '../variants';

/** Hot threads (十大): the one query that ranks a window's threads (posts.hot.ts). SQL only. */

/** The calendar unit a hot list covers, as PostgreSQL's date_trunc names it. */
export type HotUnit = 'day' | 'week';

/** A thread of a hot list as the query returns it (one row per thread kept). */
export interface HotRow {
  thread_id: string;
  board_id: string;
  board_slug: string;
  board_name: string;
  /** Distinct members other than the starter with a follow-up in the window. */
  others: number;
  /** Whether the starter has a follow-up in the window. */
  starter: boolean;
  read_count: string;
  reply_count: number;
  last_reply_at: Date;
  title: string;
  variant: SourceVariant;
  revision: number;
  author_id: string;
  author_name: string;
}

/**
 * The hottest threads with a follow-up since the start of the current `unit` (a day, or a week
 * from Monday) in `timeZone`: at most `keep` per board, ranked within each and returned in the
 * site's order (heat, then reads, then the latest follow-up). Heat is the number of distinct
 * members other than the starter who replied in the window, plus a quarter for the starter: one
 * member's repeated follow-ups count once, however many. Follow-ups deleted, or held for review
 * (they are in held_posts, never in posts), do not count; locked threads and threads whose root
 * is deleted are left out, and so are archived boards' threads when every board is asked for
 * (the site's list is made from that computation; a board's own list asked for by boardId keeps them).
 *
 * Two statements, and raw SQL: kysely's builder cannot say the window's bounds from date_trunc
 * in a time zone, the two-level grouping (member, then thread) that makes repeats count once, or
 * the per-board row_number. The bounds come first, on their own (PostgreSQL's time zone rules, one
 * short round trip), so that the ranking is planned with the window's start as a value: planned
 * with it unknown, PostgreSQL guessed a third of all follow-ups and read every thread and member
 * to hash-join them. The window is a range scan of posts_hot_idx (created_at, with thread, author
 * and board included), so its cost follows the follow-ups written in the window, not the size of
 * the forum; the threads, roots and starters are then read once per thread.
 */
export async function findHotThreads(
  db: Db,
  window: { unit: HotUnit; timeZone: string; boardId?: string; keep: number },
): Promise<{ since: Date; until: Date; threads: HotRow[] }> {
  const { rows: bounds } = await sql<{ since: Date; until: Date }>`
    select local_start at time zone ${window.timeZone} as since,
      (local_start + ${`1 ${window.unit}`}::interval) at time zone ${window.timeZone} as until
    from (select date_trunc(${window.unit}, now() at time zone ${window.timeZone}) as local_start) s`.execute(db);
  const { since, until } = bounds[0]!;
  const { rows } = await sql<HotRow>`
    with pairs as materialized (
      select p.thread_id, p.author_id, max(p.created_at) as last_at
      from posts p
      where p.parent_id is not null and p.deleted_at is null
        and p.created_at >= ${since}
        ${window.boardId === undefined ? sql`` : sql`and p.board_id = ${window.boardId}`}
      group by p.thread_id, p.author_id
    ),
    per_thread as (
      select thread_id, count(*)::int as members, max(last_at) as last_at
      from pairs
      group by thread_id
    ),
    scored as (
      -- The starter is among the thread's members when (thread, starter) is one of the pairs (a
      -- hash join: pairs is unique on them). Cheaper than collecting each thread's members.
      select pt.thread_id, t.board_id, t.read_count, t.reply_count, pt.last_at,
        root.title, root.variant, root.revision, root.author_id,
        s.thread_id is not null as starter,
        pt.members - (s.thread_id is not null)::int as others
      from per_thread pt
      join threads t on t.thread_id = pt.thread_id
      join posts root on root.id = pt.thread_id
      left join pairs s on s.thread_id = pt.thread_id and s.author_id = root.author_id
      where not t.locked and root.deleted_at is null
    ),
    ranked as (
      -- Heat in quarters: 4 for each other member, 1 for the starter.
      select s.*, s.others * 4 + s.starter::int as heat4,
        row_number() over (
          partition by s.board_id order by s.others * 4 + s.starter::int desc, s.read_count desc, s.last_at desc, s.thread_id desc
        ) as board_rank
      from scored s
    )
    select r.thread_id, r.board_id, b.slug as board_slug, b.name as board_name, r.others, r.starter,
      r.read_count, r.reply_count, r.last_at as last_reply_at, r.title, r.variant, r.revision,
      r.author_id,
      -- Looked up for the threads kept only (a join would hash every member).
      (select u.name from users u where u.id = r.author_id) as author_name
    from ranked r
    join boards b on b.id = r.board_id
    where r.board_rank <= ${window.keep}
      ${window.boardId === undefined ? sql`and b.archived_at is null` : sql``}
    order by r.heat4 desc, r.read_count desc, r.last_at desc, r.thread_id desc`.execute(db);
  return { since, until, threads: rows };
}
