import type { Kysely } from 'kysely';
import type { TextCache } from '../caches';
import type { Database, Db, NotificationKind, ReportResolution, SiteRole } from '../db/database';
import { announceUnreadChanged } from '../events/member-events';
import type { Member } from '../db/member';
import { isId } from '../db/ids';
import { AppError, notFound } from '../errors';
import { unreadCounts } from '../members/unread.repository';
import { type Convertible, localizedTitles, shownName, shownOn, textIn } from '../text/localize';
import type { Variant } from '../variants';
import type { Messages } from '../views/messages';
import type { NoticeWords } from '../views/messages.notifications';
import { dateTime } from '../views/time';
import { postInThread } from '../posts/posts.paths';
import * as repo from './notifications.repository';

/**
 * A member's notifications: the list (newest first, a page at a time by keyset), reading one (it
 * is marked read), marking them read, and muting threads. Every read and change is of the
 * member's own notifications only: another member's id looks exactly like a missing one (404).
 * The notifications themselves are written where the change happens (posts/posts.notices.ts,
 * moderation), in its transaction.
 */

/** Notifications on one page of `/notifications` and of the API. */
export const NOTIFICATIONS_PER_PAGE = 30;
/** The most ids one "mark read" may name. */
export const MARK_READ_MAX = 200;

/** A notification as the page, the API and the live event show it, in the reader's words and script. */
export interface NotificationView {
  id: string;
  kind: NotificationKind;
  actor: { name: string; role: SiteRole } | null;
  threadId: string | null;
  postId: string | null;
  /** The thread's title in the reader's variant (null when the notice is about no thread). */
  title: string | null;
  /** What happened, one line of plain text in the reader's words. */
  text: string;
  /** Where it points: the follow-up in its thread, the post, the board (a path, unprefixed). */
  url: string;
  createdAt: Date;
  readAt: Date | null;
}

/** How to word notifications for one reader. */
export interface Wording {
  t: Messages;
  variant: Variant | undefined;
  timeZone: string;
  /** The app's conversion cache (titles, by their boards' glossaries: text/localize.ts). */
  conversions: TextCache;
}

/** Where a notification points (a path on this site, without the reader's prefix). */
function targetOf(row: repo.NotificationListRow): string {
  switch (row.kind) {
    case 'reply':
    case 'thread-reply':
    case 'mention':
    case 'quote':
      return row.thread_id ? postInThread(row.thread_id, row.post_id ?? row.thread_id) : '/';
    case 'followed-thread':
      return `/t/${row.thread_id}`;
    case 'post-approved':
      return row.thread_id && row.post_id ? postInThread(row.thread_id, row.post_id) : '/';
    case 'post-rejected': {
      // The held post's own page: its author reads what they wrote, and why it was rejected.
      const held = row.data.held;
      return typeof held === 'string' ? `/held/${held}` : '/';
    }
    case 'banned': {
      const board = row.data.board;
      return typeof board === 'string' ? `/b/${encodeURIComponent(board)}` : '/';
    }
    default:
      return row.post_id ? `/t/${row.post_id}` : '/';
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The posts' and roots' titles of these rows in the reader's variant, by post id. */
function titlesOf(rows: repo.NotificationListRow[], w: Wording): Map<string, string> {
  const posts = new Map<string, Convertible>();
  for (const r of rows) {
    if (r.post_id && r.post_title !== null)
      posts.set(r.post_id, {
        id: r.post_id,
        revision: r.post_revision ?? 0,
        variant: r.post_variant ?? 'other',
        title: r.post_title,
        body: '',
        board_id: r.post_board_id,
      });
    if (r.thread_id && r.root_title !== null)
      posts.set(r.thread_id, {
        id: r.thread_id,
        revision: r.root_revision ?? 0,
        variant: r.root_variant ?? 'other',
        title: r.root_title,
        body: '',
        board_id: r.root_board_id,
      });
  }
  const list = [...posts.values()];
  const shown = localizedTitles(w.conversions, list, w.variant);
  return new Map(shown.map((p) => [p.id, p.title]));
}

/** Notification rows as the reader sees them: titles converted, names as written, sentences in their script. */
export function present(rows: repo.NotificationListRow[], w: Wording): NotificationView[] {
  const titles = titlesOf(rows, w);
  const { notices, roles } = w.t;
  return rows.map((r) => {
    // The member's own deleted post keeps its title in the notice of its deletion; other deleted
    // posts are tombstones here as everywhere.
    // A rejected post never became a post: its notice carries its title.
    const postTitle =
      r.kind === 'post-rejected'
        ? textIn(shownOn(w.conversions, r.board_id), str(r.data.title), w.variant)
        : r.post_deleted && r.kind !== 'post-deleted'
          ? notices.deletedPost
          : (titles.get(r.post_id ?? '') ?? '');
    const words: NoticeWords = {
      actor: r.actor_name === null ? notices.system : shownName(r.actor_name, w.variant),
      role: roles[str(r.data.role) as SiteRole] ?? roles.moderator,
      title: postTitle,
      // Written by a moderator or an admin: in the reader's script too (by the board's glossary, pins resolved).
      reason: textIn(shownOn(w.conversions, r.board_id), str(r.data.reason), w.variant),
      until: r.data.until ? dateTime(w, new Date(str(r.data.until))) : '',
      board: textIn(shownOn(w.conversions, r.board_id), str(r.data.boardName), w.variant),
      resolution: (str(r.data.resolution) as ReportResolution) || '',
    };
    return {
      id: r.id,
      kind: r.kind,
      actor: r.actor_name ? { name: shownName(r.actor_name, w.variant), role: r.actor_role ?? 'member' } : null,
      threadId: r.thread_id,
      postId: r.post_id,
      title: r.thread_id ? (r.root_deleted ? notices.deletedPost : (titles.get(r.thread_id) ?? null)) : null,
      text: notices.text[r.kind](words),
      url: targetOf(r),
      createdAt: r.created_at,
      readAt: r.read_at,
    };
  });
}

/** A page of a member's notifications. */
export interface NotificationPage {
  notifications: NotificationView[];
  /** The cursor of the next (older) page, or null on the last. */
  nextCursor: string | null;
  /** Unread notifications (counted up to UNREAD_CAP, as the header does). */
  unread: number;
}

/** The page of the member's notifications after `cursor` (none: the newest). */
export async function listNotifications(
  db: Kysely<Database>,
  member: Member,
  cursor: string | undefined,
  wording: Wording,
): Promise<NotificationPage> {
  const [rows, counts] = await Promise.all([repo.findPage(db, member.id, cursor, NOTIFICATIONS_PER_PAGE + 1), unreadCounts(db, member.id)]);
  const page = rows.slice(0, NOTIFICATIONS_PER_PAGE);
  return {
    notifications: present(page, wording),
    nextCursor: rows.length > NOTIFICATIONS_PER_PAGE ? page[page.length - 1]!.id : null,
    unread: counts.notifications,
  };
}

const notificationNotFound = () => notFound('NotificationNotFound', 'There is no such notification.');

/** Opens a notification: marks it read and says where it points. Another member's is a 404. */
export async function openNotification(db: Kysely<Database>, member: Member, id: string): Promise<string> {
  const row = isId(id) ? await repo.findOne(db, member.id, id) : undefined;
  if (!row) throw notificationNotFound();
  if (!row.read_at) await markRead(db, member.id, [row.id]);
  return targetOf(row);
}

/**
 * Marks the member's notifications read: these ids, or all of them. Ids that are not the member's
 * refuse the whole request (404) and nothing changes. Returns how many were unread before.
 */
export async function markNotificationsRead(db: Kysely<Database>, member: Member, ids?: readonly string[]): Promise<number> {
  if (ids === undefined) return markRead(db, member.id);
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return 0;
  return db.transaction().execute(async (tx) => {
    const own = await repo.ownIds(tx, member.id, wanted);
    if (own.length !== wanted.length) throw notificationNotFound();
    return markRead(tx, member.id, wanted);
  });
}

/** Marks read (these, or all) and, when any changed, tells the member's open pages the new counts. */
async function markRead(db: Db, memberId: string, ids?: readonly string[]): Promise<number> {
  const changed = await repo.markRead(db, memberId, ids);
  if (changed > 0) await announceUnreadChanged(db, memberId);
  return changed;
}

/**
 * Mutes a thread for the member (no 'thread-reply' notices from it; direct replies and mentions
 * still come), or unmutes it. `threadId` is the thread's root: a follow-up's id is a 404.
 */
export async function setThreadMuted(db: Kysely<Database>, member: Member, threadId: string, muted: boolean): Promise<void> {
  const root = isId(threadId) ? await repo.findThreadRoot(db, threadId) : undefined;
  if (!root) throw notFound('PostNotFound', `There is no thread ${threadId}.`, { params: { id: threadId } });
  if (root.thread_id !== root.id) {
    throw new AppError(404, 'PostNotFound', `Post ${threadId} is a follow-up, not a thread.`, {
      params: { id: threadId, notThread: true },
    });
  }
  await (muted ? repo.mute(db, member.id, threadId) : repo.unmute(db, member.id, threadId));
}
