import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { UnreadCounts } from '../db/unread';
import { unreadCountsOf } from '../db/unread.counts';

/**
 * A member's unread 悄悄話 and notifications in one round trip, bounded (db/unread.counts.ts).
 * Pages get theirs with the session lookup instead (sessions/sessions.cookies.ts); this serves
 * live events and the API.
 */
export async function unreadCounts(db: Db, memberId: string): Promise<UnreadCounts> {
  const { rows } = await sql<{ unread: UnreadCounts }>`select ${unreadCountsOf(sql`${memberId}`)} as unread`.execute(db);
  return rows[0]!.unread;
}
