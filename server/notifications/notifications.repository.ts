import { sql } from 'kysely';
import type { Db, NotificationKind, SiteRole } from '../db/database';
import type { SourceVariant } from '../variants';

/** Notifications and muted threads: SQL only. */

/** A notification with what its text needs: the actor, the post and the thread's root. */
export interface NotificationListRow {
  id: string;
  kind: NotificationKind;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
  thread_id: string | null;
  post_id: string | null;
  actor_name: string | null;
  actor_role: SiteRole | null;
  post_title: string | null;
  post_variant: SourceVariant | null;
  post_revision: number | null;
  post_board_id: string | null;
  post_deleted: boolean | null;
  root_title: string | null;
  root_variant: SourceVariant | null;
  root_revision: number | null;
  root_board_id: string | null;
  root_deleted: boolean | null;
  /**
   * The board the notice is about, whose glossary its texts are shown by (null: the site's): a
   * ban's board (its data names it by slug, for the link), a rejected post's (by id), else the post's.
   */
  board_id: string | null;
}

function listQuery(db: Db, memberId: string) {
  return db
    .selectFrom('notifications as n')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .leftJoin('posts as p', 'p.id', 'n.post_id')
    .leftJoin('posts as r', 'r.id', 'n.thread_id')
    .select([
      'n.id',
      'n.kind',
      'n.data',
      'n.created_at',
      'n.read_at',
      'n.thread_id',
      'n.post_id',
      'a.name as actor_name',
      'a.role as actor_role',
      'p.title as post_title',
      'p.variant as post_variant',
      'p.revision as post_revision',
      'p.board_id as post_board_id',
      sql<boolean | null>`p.deleted_at is not null`.as('post_deleted'),
      'r.title as root_title',
      'r.variant as root_variant',
      'r.revision as root_revision',
      'r.board_id as root_board_id',
      sql<boolean | null>`r.deleted_at is not null`.as('root_deleted'),
      sql<string | null>`case n.kind
        when 'banned' then (select bd.id::text from boards bd where bd.slug = n.data->>'board')
        when 'post-rejected' then n.data->>'board'
        else coalesce(p.board_id, r.board_id)::text end`.as('board_id'),
    ])
    .where('n.member_id', '=', memberId);
}

/**
 * A page of the member's notifications, newest first, after the keyset `before` (an id: the
 * page's rows are those with smaller ids). One range scan of notifications_member_idx.
 */
export function findPage(db: Db, memberId: string, before: string | undefined, limit: number): Promise<NotificationListRow[]> {
  return listQuery(db, memberId)
    .$if(before !== undefined, (qb) => qb.where('n.id', '<', before!))
    .orderBy('n.id', 'desc')
    .limit(limit)
    .execute();
}

/** One notification of the member's (undefined when there is none, or it is someone else's). */
export function findOne(db: Db, memberId: string, id: string): Promise<NotificationListRow | undefined> {
  return listQuery(db, memberId).where('n.id', '=', id).executeTakeFirst();
}

/** Marks the member's notifications read: these ids (those that are theirs), or all. Returns how many changed. */
export async function markRead(db: Db, memberId: string, ids?: readonly string[]): Promise<number> {
  const rows = await db
    .updateTable('notifications')
    .set({ read_at: sql<Date>`now()` })
    .where('member_id', '=', memberId)
    .where('read_at', 'is', null)
    .$if(ids !== undefined, (qb) => qb.where('id', 'in', ids!))
    .returning('id')
    .execute();
  return rows.length;
}

/** Which of these ids are the member's notifications. */
export async function ownIds(db: Db, memberId: string, ids: readonly string[]): Promise<string[]> {
  const rows = await db.selectFrom('notifications').select('id').where('member_id', '=', memberId).where('id', 'in', ids).execute();
  return rows.map((r) => String(r.id));
}

/** The thread's root (a thread is named by its root's id), or undefined. */
export function findThreadRoot(db: Db, threadId: string) {
  return db.selectFrom('posts').select(['id', 'thread_id']).where('id', '=', threadId).executeTakeFirst();
}

/** Mutes a thread for a member (muting it twice changes nothing). */
export async function mute(db: Db, memberId: string, threadId: string): Promise<void> {
  await db
    .insertInto('thread_mutes')
    .values({ member_id: memberId, thread_id: threadId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function unmute(db: Db, memberId: string, threadId: string): Promise<void> {
  await db.deleteFrom('thread_mutes').where('member_id', '=', memberId).where('thread_id', '=', threadId).execute();
}
