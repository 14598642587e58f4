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
  const rows = wanted.map((n) => ({
    member_id: n.memberId,
    kind: n.kind,
    actor_id: n.actorId,
    thread_id: n.threadId ?? null,
    post_id: n.postId ?? null,
    // An object, not a string: the whole list goes out as one jsonb value (a string here would be
    // stored as a jsonb string, not as the object).
    data: n.data ?? {},
    moderation: MODERATION_KINDS.has(n.kind),
  }));
  // One statement writes the rows and announces each (sent on commit, as announceToMembers does,
  // in the payload parseMemberAnnouncement reads): a reply's transaction pays one round trip for
  // its notifications, however many (docs/performance.md, "Notifications").
  const { rows: written } = await sql<{ id: string; member_id: string }>`
    with written as (
      insert into notifications (member_id, kind, actor_id, thread_id, post_id, data)
      select n.member_id, n.kind, n.actor_id, n.thread_id, n.post_id, n.data
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as n(member_id bigint, kind text, actor_id bigint, thread_id bigint, post_id bigint, data jsonb, moderation boolean)
      join users u on u.id = n.member_id and u.deleted_at is null
      where (n.moderation or coalesce((u.notify_prefs ->> n.kind)::boolean, true))
        and (n.moderation or n.actor_id is null or not exists (
          select 1 from ignores i where i.member_id = n.member_id and i.ignored_id = n.actor_id))
      on conflict do nothing
      returning id, member_id)
    select id, member_id, pg_notify(${MEMBER_EVENTS_CHANNEL}, json_build_object('m', member_id::text, 'k', 'notification', 'i', id::text)::text)
    from written`.execute(tx);
  return written.map((w) => String(w.id));
}
