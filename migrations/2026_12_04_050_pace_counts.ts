import { type Kysely, sql } from 'kysely';
import { up as createRateLimitsPace } from './2026_12_03_250_rate_limits_pace';

/**
 * The paced actions' counts get a table of their own, one row per action and member or address
 * holding both windows (burst and sustained), instead of one rate_limits row per window: a paced
 * follow-up then counts two rows, not four, inside its own first statement (issue 14's target:
 * the limits add at most 10% to a follow-up; docs/performance.md, "Posting limits").
 *
 * - Each row keeps the caps it was last counted against, so the statement that counts it answers
 *   which windows are over their cap without a join (a changed setting applies at the next count).
 * - pace_counts is UNLOGGED like rate_limits (migration 2026_12_03_250, which says what that gives
 *   up): counts that live minutes to a day, written on every paced action.
 * - pace_counts_spend(): the windows of a paced action spent all at once, for actions paced in a
 *   statement of their own: each row's two windows get a point (a window that has ended starts
 *   again at 1); when any is then over its cap, every point is taken back before the transaction
 *   ends, so no other request sees a refused attempt's points. Answers when each full window ends.
 *   A reply spends the same in its first statement instead (limits/limiter.ts spending), where a
 *   refusal rolls the whole transaction back.
 *
 * rate_limits stays for the limits kept by rate-limiter-flexible (sign-in, registration, …);
 * its paced rows are left to the hourly prune, and every paced window starts afresh once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create unlogged table pace_counts (
      key varchar(255) primary key,
      burst_points integer not null,
      burst_expire bigint not null,
      burst_cap bigint not null,
      sustained_points integer not null,
      sustained_expire bigint not null,
      sustained_cap bigint not null
    )`.execute(db);
  await sql`
    create function pace_counts_spend(
      p_keys varchar[], p_burst_ms bigint[], p_burst_caps bigint[], p_sustained_ms bigint[], p_sustained_caps bigint[], p_now bigint)
    returns table (full_expire bigint)
    language plpgsql as $$
    begin
      -- Callers sort the keys, so two requests sharing some (an address) lock them in one order.
      return query
        with spent as (
          insert into pace_counts as c (key, burst_points, burst_expire, burst_cap, sustained_points, sustained_expire, sustained_cap)
          select w.key, 1, p_now + w.burst_ms, w.burst_cap, 1, p_now + w.sustained_ms, w.sustained_cap
          from unnest(p_keys, p_burst_ms, p_burst_caps, p_sustained_ms, p_sustained_caps)
            as w(key, burst_ms, burst_cap, sustained_ms, sustained_cap)
          order by w.key
          on conflict (key) do update set
            burst_points = case when c.burst_expire <= p_now then 1 else c.burst_points + 1 end,
            burst_expire = case when c.burst_expire <= p_now then excluded.burst_expire else c.burst_expire end,
            burst_cap = excluded.burst_cap,
            sustained_points = case when c.sustained_expire <= p_now then 1 else c.sustained_points + 1 end,
            sustained_expire = case when c.sustained_expire <= p_now then excluded.sustained_expire else c.sustained_expire end,
            sustained_cap = excluded.sustained_cap
          returning greatest(
            case when c.burst_points > c.burst_cap then c.burst_expire end,
            case when c.sustained_points > c.sustained_cap then c.sustained_expire end) as expire
        )
        select s.expire from spent s where s.expire is not null;
      if found then
        update pace_counts set burst_points = burst_points - 1, sustained_points = sustained_points - 1 where key = any(p_keys);
      end if;
    end $$`.execute(db);
  await sql`drop function rate_limits_pace(varchar[], bigint[], bigint[], bigint)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function pace_counts_spend(varchar[], bigint[], bigint[], bigint[], bigint[], bigint)`.execute(db);
  await sql`drop table pace_counts`.execute(db);
  // rate_limits is still unlogged: 250's up only makes it so again and brings its function back.
  await createRateLimitsPace(db);
}
