import { sql } from 'kysely';
import type { Db } from '../db/database';
import { UNREAD_CAP, type UnreadCounts } from '../db/unread';

/**
 * A member's unread 悄悄話 and notifications in one round trip. Each count reads at most
 * UNREAD_CAP rows of a partial index of unread rows (messages_unread_idx, notifications_unread_idx),
 * so it costs the same for a member with ten years of history as for a new one.
 */
export async function unreadCounts(db: Db, memberId: string): Promise<UnreadCounts> {
  const { rows } = await sql<{ messages: number; notifications: number }>`
    select
      (select count(*)::int from (
         select 1 from messages where recipient_id = ${memberId} and read_at is null and recipient_deleted_at is null
         limit ${UNREAD_CAP}) m) as messages,
      (select count(*)::int from (
         select 1 from notifications where member_id = ${memberId} and read_at is null
         limit ${UNREAD_CAP}) n) as notifications`.execute(db);
  return rows[0]!;
}
