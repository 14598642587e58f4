import { type RawBuilder, sql } from 'kysely';
import { UNREAD_CAP } from './unread';

/**
 * A member's unread 悄悄話 and notifications as two expressions for any select: each reads at
 * most UNREAD_CAP rows of a partial index of unread rows (messages_unread_idx,
 * notifications_unread_idx), so it costs the same for a member with ten years of history as for a
 * new one. `memberId` is a value or a column (sql.ref('users.id')): the session lookup of every
 * member page reads them in its own query, with no round trip of their own.
 */
export function unreadCountExpressions(memberId: RawBuilder<unknown>): { messages: RawBuilder<number>; notifications: RawBuilder<number> } {
  return {
    messages: sql<number>`(select count(*)::int from (
       select 1 from messages where recipient_id = ${memberId} and read_at is null and recipient_deleted_at is null
       limit ${UNREAD_CAP}) m)`,
    notifications: sql<number>`(select count(*)::int from (
       select 1 from notifications where member_id = ${memberId} and read_at is null
       limit ${UNREAD_CAP}) n)`,
  };
}
