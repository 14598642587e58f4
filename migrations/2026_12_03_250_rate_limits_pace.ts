import { type Kysely, sql } from 'kysely';

/**
 * The shared limiter's table made cheaper to write on every paced action (issue 14's target:
 * the limits add at most 10% to a follow-up; docs/performance.md, "Posting limits").
 *
 * - rate_limits becomes UNLOGGED: its rows are counts that live minutes to a day, written on every
 *   post and login try. Without WAL, a statement that only touches it commits without waiting for
 *   a flush to disk. What is given up: after a crash of PostgreSQL (not a clean restart) the table
 *   starts empty, so every window starts afresh; and a streaming replica does not have it. Every
 *   process still shares the one table, so the limits hold across processes as before.
 * - rate_limits_pace(): a paced action's windows spent all at once, in one statement and one
 *   transaction: each key's point is added (a window that has ended starts again at 1, as
 *   rate-limiter-flexible's own upsert does), and when any window is then over its cap every
 *   point is taken back before the transaction ends, so no other request ever sees a refused
 *   attempt's points. Answers the full windows (none: allowed). A PL/pgSQL function, so its
 *   statements are planned once per connection rather than on every call.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set unlogged`.execute(db);
  await sql`
    create function rate_limits_pace(p_keys varchar[], p_ms bigint[], p_caps bigint[], p_now bigint)
    returns table (full_key varchar, full_expire bigint)
    language plpgsql as $$
    begin
      -- Callers sort the keys, so two requests sharing some (an address) lock them in one order.
      return query
        with spent as (
          insert into rate_limits as r (key, points, expire)
          select w.key, 1, p_now + w.ms from unnest(p_keys, p_ms) as w(key, ms) order by w.key
          on conflict (key) do update set
            points = case when r.expire <= p_now then 1 else r.points + 1 end,
            expire = case when r.expire <= p_now then excluded.expire else r.expire end
          returning r.key, r.points, r.expire
        )
        select s.key, s.expire from spent s join unnest(p_keys, p_caps) as c(key, cap) on c.key = s.key
        where s.points > c.cap;
      if found then
        update rate_limits set points = points - 1 where key = any(p_keys);
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function rate_limits_pace(varchar[], bigint[], bigint[], bigint)`.execute(db);
  await sql`alter table rate_limits set logged`.execute(db);
}
