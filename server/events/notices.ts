import { type Transaction, sql } from 'kysely';
import type { Database, NotificationKind } from '../db/database';
import { MEMBER_EVENTS_CHANNEL } from './member-events';

/**
 * Writing notifications. Every notification is written by the transaction that makes the change
 * it is about (a reply, a mention, a moderator's edit, a ban…), so it exists exactly when the
 * change does: a reply that commits has its notifications, a reply that rolls back has none, and
 * no process crash in between can lose one. The same transaction announces each to its member
 * (ids only) on commit, for live delivery.
 */

/** One notification to write. */
export interface Notice {
  memberId: string;
  kind: NotificationKind;
  /** Who did it; null for the system. No notice is written for one's own actions. */
  actorId: string | null;
  threadId?: string | null;
  postId?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Moderation notices: these reach the member even if they ignore the moderator who acted, and
 * cannot be turned off in the member's preferences.
 */
export const MODERATION_KINDS: ReadonlySet<NotificationKind> = new Set(['post-edited', 'post-deleted', 'banned', 'report-handled']);

/**
 * Writes the notices inside `tx` and announces them, in one statement whatever their number.
 * Dropped: notices to the actor themselves, to members who ignore the actor (except moderation
 * notices), to members who turned the kind off (except moderation), to deleted accounts, and a
 * second mention of the same member in the same post (notifications_mention_once). Returns the
 * ids written.
 */
export async function notify(tx: Transaction<Database>, notices: readonly Notice[]): Promise<string[]> {
  const wanted = notices.filter((n) => n.memberId !== n.actorId);
  if (wanted.length === 0) return [];
  // One call writes the rows and announces each (sent on commit, as announceToMembers does, in
  // the payload parseMemberAnnouncement reads); gentie_notify (migration 2026_12_02_050) keeps its
  // plan per connection. A reply's transaction pays one round trip for its notifications, however
  // many (docs/performance.md, "Notifications").
  const column = <T>(pick: (n: Notice) => T) => wanted.map(pick);
  const { rows: written } = await sql<{ id: string; member_id: string }>`
    select id, member_id from gentie_notify(
      ${MEMBER_EVENTS_CHANNEL},
      ${column((n) => n.memberId)}::bigint[],
      ${column((n) => n.kind)}::text[],
      ${column((n) => n.actorId)}::bigint[],
      ${column((n) => n.threadId ?? null)}::bigint[],
      ${column((n) => n.postId ?? null)}::bigint[],
      ${column((n) => JSON.stringify(n.data ?? {}))}::jsonb[],
      ${column((n) => MODERATION_KINDS.has(n.kind))}::boolean[])`.execute(tx);
  return written.map((w) => String(w.id));
}
