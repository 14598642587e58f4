import { type RawBuilder, type Transaction, sql } from 'kysely';
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
export const MODERATION_KINDS: ReadonlySet<NotificationKind> = new Set([
  'post-edited',
  'post-deleted',
  'banned',
  'report-handled',
  'post-approved',
  'post-rejected',
]);

/**
 * The notices as one SQL expression (how many were written), for a statement the transaction runs
 * anyway: a reply writes its notifications in the same round trip as the post
 * (posts.write.repository insertPost). Undefined when there is nothing to write. What is dropped is as
 * for notify.
 */
export function notifyExpression(notices: readonly Notice[]): RawBuilder<number> | undefined {
  const wanted = notices.filter((n) => n.memberId !== n.actorId);
  if (wanted.length === 0) return undefined;
  // gentie_notify (migration 2026_12_02_050) writes the rows and queues a NOTIFY for each (sent on
  // commit, in the payload parseMemberAnnouncement reads); as PL/pgSQL its plan is kept per
  // connection (docs/performance.md, "Notifications").
  const column = <T>(pick: (n: Notice) => T) => wanted.map(pick);
  return sql<number>`(select count(*)::int from gentie_notify(
      ${MEMBER_EVENTS_CHANNEL},
      ${column((n) => n.memberId)}::bigint[],
      ${column((n) => n.kind)}::text[],
      ${column((n) => n.actorId)}::bigint[],
      ${column((n) => n.threadId ?? null)}::bigint[],
      ${column((n) => n.postId ?? null)}::bigint[],
      ${column((n) => JSON.stringify(n.data ?? {}))}::jsonb[],
      ${column((n) => MODERATION_KINDS.has(n.kind))}::boolean[]))`;
}

/**
 * Writes the notices inside `tx` and announces them, in one statement whatever their number.
 * Dropped: notices to the actor themselves, to members who ignore the actor (except moderation
 * notices), to members who turned the kind off (except moderation), to deleted accounts, and a
 * second mention of the same member in the same post (notifications_mention_once). Returns how
 * many were written.
 */
export async function notify(tx: Transaction<Database>, notices: readonly Notice[]): Promise<number> {
  const expression = notifyExpression(notices);
  if (!expression) return 0;
  const { rows } = await sql<{ written: number }>`select ${expression} as written`.execute(tx);
  return rows[0]!.written;
}
