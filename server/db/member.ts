import type { MemberTrust, NotificationKind, SiteRole } from './database';

/**
 * A member as the rest of the application sees them. It lives this low because sessions find
 * one, the policy judges one and every page shows one, all beneath members/.
 */
export interface Member {
  id: string;
  name: string;
  role: SiteRole;
  /**
   * When the account was created, where the member came from their session; absent on members
   * built otherwise. (Whether they are new is decided from their row: server/limits/paced.ts.)
   */
  joinedAt?: Date;
  /** Their trust setting (users.trust), where they came from their session; absent otherwise. */
  trust?: MemberTrust;
  /**
   * Their own time zone (users.time_zone, set on /settings; null: the site's), where they came
   * from their session. Only their ban's end is shown in it (a refused action, their own page):
   * other pages are cached without a zone.
   */
  timeZone?: string | null;
}

/**
 * The members a reader ignores, as a page that lists posts needs them: their ids (the posts
 * collapsed on the page) and their names (for the browser module, which collapses lines that
 * arrive live: the live HTML is rendered once for everyone). Private to the reader.
 */
export interface Ignoring {
  ids: ReadonlySet<string>;
  names: readonly string[];
}

/**
 * The notification kinds a member may turn off (users.notify_prefs, on /settings), in the order
 * the settings page lists them; each is named in the catalogs' `notificationKinds`
 * (views/messages.notifications.ts). Moderation notices (events/notices.ts MODERATION_KINDS)
 * always arrive.
 */
export const SETTABLE_NOTIFICATION_KINDS = [
  'reply',
  'thread-reply',
  'mention',
  'quote',
  'followed-thread',
] as const satisfies readonly NotificationKind[];
export type SettableNotificationKind = (typeof SETTABLE_NOTIFICATION_KINDS)[number];
