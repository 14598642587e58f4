import { sql } from 'kysely';
import type { Db } from '../db/database';
import { isId } from '../db/ids';

/**
 * Member events: something new for one member (a 悄悄話 addressed to them, a notification),
 * announced to every app process when the transaction that wrote it commits, so the member's open
 * pages hear of it on whichever process holds their socket.
 *
 * Any session LISTENing on the database sees these payloads, so they carry ids only: which member,
 * what kind, which row. The process that holds the member's sockets reads the row back with the
 * party check (the message's recipient, the notification's member) before it sends anything.
 */

/** The PostgreSQL channel that carries "member M has a new K, row I" to every app process. */
export const MEMBER_EVENTS_CHANNEL = 'gentie_member_events';

/**
 * What a member can be told of live: a new 悄悄話 or notification (row `id`), or that their unread
 * counts changed because they read something in another tab (`id` is the member's own).
 */
export type MemberEventKind = 'message' | 'notification' | 'unread';

/** What a notification on MEMBER_EVENTS_CHANNEL carries. */
export interface MemberAnnouncement {
  memberId: string;
  kind: MemberEventKind;
  /** The row's id (messages.id, notifications.id). */
  id: string;
}

/**
 * Announces new rows to their members inside the transaction that writes them: PostgreSQL sends
 * the NOTIFY only when (and if) it commits, to every listening process. One statement for any
 * number of rows.
 */
export async function announceToMembers(tx: Db, announcements: readonly MemberAnnouncement[]): Promise<void> {
  if (announcements.length === 0) return;
  const payloads = announcements.map(formatMemberAnnouncement);
  await sql`select pg_notify(${MEMBER_EVENTS_CHANNEL}, p) from unnest(${payloads}::text[]) as p`.execute(tx);
}

// Short keys: a NOTIFY payload is limited to 8000 bytes and is read by every process.
function formatMemberAnnouncement(a: MemberAnnouncement): string {
  return JSON.stringify({ m: a.memberId, k: a.kind, i: a.id });
}

/** Reads a notification on MEMBER_EVENTS_CHANNEL; undefined for anything that is not one. */
export function parseMemberAnnouncement(payload: string): MemberAnnouncement | undefined {
  try {
    const p = JSON.parse(payload) as { m?: unknown; k?: unknown; i?: unknown };
    if (
      typeof p.m === 'string' &&
      isId(p.m) &&
      (p.k === 'message' || p.k === 'notification' || p.k === 'unread') &&
      typeof p.i === 'string' &&
      isId(p.i)
    ) {
      return { memberId: p.m, kind: p.k, id: p.i };
    }
  } catch {
    // not ours
  }
  return undefined;
}

/**
 * Tells the member's open pages that their unread counts changed (they read or deleted something):
 * every tab's header then shows the new counts. Inside a transaction, on its commit.
 */
export function announceUnreadChanged(db: Db, memberId: string): Promise<void> {
  return announceToMembers(db, [{ memberId, kind: 'unread', id: memberId }]);
}

/**
 * Tells the moderators of a board, and every admin, that its review queue changed (a post was
 * held, approved or rejected): their open pages' headers show the new count of posts waiting
 * (an 'unread' event: the counts are read again on delivery). Inside the transaction, on its commit.
 */
export async function announceQueueChanged(db: Db, boardId: string): Promise<void> {
  await sql`select pg_notify(${MEMBER_EVENTS_CHANNEL}, json_build_object('m', w.id::text, 'k', 'unread', 'i', w.id::text)::text)
    from (select user_id as id from board_moderators where board_id = ${boardId}
          union select id from users where role = 'admin' and deleted_at is null) w`.execute(db);
}
