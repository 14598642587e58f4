import { type RawBuilder, sql } from 'kysely';
import { UNREAD_CAP, type UnreadCounts } from './unread';

/**
 * A member's unread 悄悄話 and notifications as one expression for any select, `{messages,
 * notifications, held?}` (held: the posts waiting in the review queues they moderate).
 * gentie_unread_counts (migration 2026_12_02_050) reads at most UNREAD_CAP rows of each partial index of unread rows (messages_unread_idx, notifications_unread_idx), so it costs
 * the same for a member with ten years of history as for a new one, and as a PL/pgSQL function its
 * plan is kept per connection. `memberId` is a value or a column (sql.ref('users.id')): the session
 * lookup of every member page reads the counts in its own query, with no round trip of their own.
 */
export function unreadCountsOf(memberId: RawBuilder<unknown>): RawBuilder<UnreadCounts> {
  // gentie_held_count (migration 2026_12_03_240) is null for a member who moderates nothing: the
  // key is then left out, and their header shows no queue.
  return sql<UnreadCounts>`(select json_strip_nulls(json_build_object('messages', c.messages, 'notifications', c.notifications,
    'held', gentie_held_count(${memberId}, ${UNREAD_CAP}))) from gentie_unread_counts(${memberId}, ${UNREAD_CAP}) c)`;
}
