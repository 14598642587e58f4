import { type Kysely, sql } from 'kysely';
import type { Database, Db } from '../db/database';
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
 * to hash-join them. The follow-ups are a range scan of posts_hot_idx (created_at, with thread,
 * author and board included), so their cost follows the follow-ups read, not the size of the
 * forum; the threads, roots and starters are then read once per thread.
 *
 * A week's list reads only what was written since the week's closed part (closeHotDays below,
 * hot_closed), when there is one: the earlier days come summed up per thread, and a member who
 * replied on an earlier day and again today is counted once by probing hot_closed_pairs for
 * today's pairs. Without a closed part (Monday, a fresh install, the job not run yet) the whole
 * window is read from the posts: the same list, only slower.
 */
export async function findHotThreads(
  db: Db,
  window: { unit: HotUnit; timeZone: string; boardId?: string; keep: number },
): Promise<{ since: Date; until: Date; threads: HotRow[] }> {
  const { rows: bounds } = await sql<{ since: Date; until: Date; closed_until: Date | null }>`
    select local_start at time zone ${window.timeZone} as since,
      (local_start + ${`1 ${window.unit}`}::interval) at time zone ${window.timeZone} as until,
      (select c.until from hot_closed c where c.since = local_start at time zone ${window.timeZone}) as closed_until
    from (select date_trunc(${window.unit}, now() at time zone ${window.timeZone}) as local_start) s`.execute(db);
  const { since, until } = bounds[0]!;
  const closedUntil = window.unit === 'week' ? bounds[0]!.closed_until : null;
  const closed = closedUntil !== null && closedUntil > since;
  const board = (column: string) => (window.boardId === undefined ? sql`` : sql`and ${sql.ref(column)} = ${window.boardId}`);
  const { rows } = await sql<HotRow>`
    with pairs as materialized (
      select p.thread_id, p.author_id, max(p.created_at) as last_at
      from posts p
      where p.parent_id is not null and p.deleted_at is null
        and p.created_at >= ${closed ? closedUntil : since}
        ${board('p.board_id')}
      group by p.thread_id, p.author_id
    ),
    parts as (
      ${
        closed
          ? sql`
      -- A pair already counted in the closed part adds its time, not a member.
      select l.thread_id, (not exists (
          select 1 from hot_closed_pairs c where c.since = ${since} and c.thread_id = l.thread_id and c.author_id = l.author_id
        ))::int as members, l.last_at, false as starter
      from pairs l
      union all
      select c.thread_id, c.members, c.last_at, c.starter
      from hot_closed_threads c
      where c.since = ${since} ${board('c.board_id')}`
          : sql`
      select thread_id, 1 as members, last_at, false as starter from pairs`
      }
    ),
    per_thread as (
      select thread_id, sum(members)::int as members, max(last_at) as last_at, bool_or(starter) as closed_starter
      from parts
      group by thread_id
    ),
    scored as (
      -- The starter is among the thread's members when they were in the closed part, or when
      -- (thread, starter) is one of the pairs read (a hash join: pairs is unique on them). Cheaper
      -- than collecting each thread's members.
      select pt.thread_id, t.board_id, t.read_count, t.reply_count, pt.last_at,
        root.title, root.variant, root.revision, root.author_id,
        (pt.closed_starter or s.thread_id is not null) as starter,
        pt.members - (pt.closed_starter or s.thread_id is not null)::int as others
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

/** What closeHotDays did: the week it summed up and to where, or why it did nothing. */
export type HotClosing =
  { closed: true; since: Date; until: Date; threads: number; pairs: number } | { closed: false; reason: 'monday' | 'fresh' };

/**
 * Sums up the days of the current week that have ended (in `timeZone`), for findHotThreads:
 * each thread's distinct repliers among the follow-ups written from Monday to the start of today
 * (not deleted; held ones are not posts), whether its starter is among them, its latest such
 * follow-up, and the (thread, member) pairs themselves. Done again when the day has turned since
 * the last time, or when the last time is older than `maxAge` (a follow-up deleted, restored or
 * approved on an earlier day is reflected then); otherwise nothing is done ('fresh'). Older
 * weeks' rows are deleted. One transaction: a list reads the old summary or the new, never half.
 */
export async function closeHotDays(db: Kysely<Database>, timeZone: string, maxAge: string): Promise<HotClosing> {
  return db.transaction().execute(async (tx) => {
    const { rows: bounds } = await sql<{ since: Date; today: Date; fresh: boolean }>`
      select w at time zone ${timeZone} as since, d at time zone ${timeZone} as today,
        exists (select 1 from hot_closed c where c.since = w at time zone ${timeZone} and c.until = d at time zone ${timeZone}
          and c.computed_at > now() - ${maxAge}::interval) as fresh
      from (select date_trunc('week', now() at time zone ${timeZone}) as w, date_trunc('day', now() at time zone ${timeZone}) as d) s`.execute(
      tx,
    );
    const { since, today, fresh } = bounds[0]!;
    if (fresh) return { closed: false, reason: 'fresh' };
    // Serializes two runs (a job run and the CLI): the second waits, then replaces.
    await sql`lock table hot_closed in exclusive mode`.execute(tx);
    for (const table of ['hot_closed_pairs', 'hot_closed_threads', 'hot_closed']) await sql`delete from ${sql.table(table)}`.execute(tx);
    if (today.getTime() <= since.getTime()) return { closed: false, reason: 'monday' };
    const pairs = await sql`
      insert into hot_closed_pairs (since, thread_id, author_id)
      select distinct ${since}::timestamptz, p.thread_id, p.author_id
      from posts p
      where p.parent_id is not null and p.deleted_at is null and p.created_at >= ${since} and p.created_at < ${today}`.execute(tx);
    const threads = await sql`
      insert into hot_closed_threads (since, thread_id, board_id, members, starter, last_at)
      select ${since}::timestamptz, p.thread_id, min(t.board_id), count(distinct p.author_id),
        bool_or(p.author_id = root.author_id), max(p.created_at)
      from posts p
      join threads t on t.thread_id = p.thread_id
      join posts root on root.id = p.thread_id
      where p.parent_id is not null and p.deleted_at is null and p.created_at >= ${since} and p.created_at < ${today}
      group by p.thread_id`.execute(tx);
    await sql`insert into hot_closed (since, until) values (${since}, ${today})`.execute(tx);
    return { closed: true, since, until: today, threads: Number(threads.numAffectedRows ?? 0), pairs: Number(pairs.numAffectedRows ?? 0) };
  });
}
