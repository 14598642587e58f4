// The tables of moderation: bans of members and of addresses, reports of posts and the moderation log.

import type { ColumnType } from 'kysely';
import type { GeneratedId, Id, NullableTimestamp, Timestamp } from './columns';
import type { BoardRole } from './tables.posts';

export interface BansTable {
  id: GeneratedId;
  board_id: Id | null;
  user_id: Id;
  /** Null for a ban the operator gave at the CLI (member:ban). */
  banned_by: Id | null;
  reason: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  lifted_at: NullableTimestamp;
  lifted_by: Id | null;
}

export interface ReportsTable {
  id: GeneratedId;
  post_id: Id;
  board_id: Id;
  reporter_id: Id;
  reason: string;
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
  resolved_by: Id | null;
  resolution: ReportResolution | null;
}

/** How a report was closed: by the change a moderator made to its post, or dismissed. */
export type ReportResolution = 'edited' | 'deleted' | 'banned' | 'dismissed';

/** What a line of the moderation log records. */
export type ModerationAction =
  | 'edit'
  | 'delete'
  | 'restore'
  | 'lock'
  | 'unlock'
  | 'pin'
  | 'unpin'
  | 'feature'
  | 'unfeature'
  | 'ban'
  | 'site-ban'
  | 'lift-ban'
  | 'dismiss-reports'
  | 'hide-revision'
  | 'unhide-revision'
  | 'slow-mode'
  | 'public-bans-on'
  | 'public-bans-off'
  | 'address-ban'
  | 'address-unban'
  | 'approve'
  | 'reject'
  | 'review'
  | 'image-purge'
  | 'image-block';

export interface ModerationLogTable {
  id: GeneratedId;
  board_id: Id | null;
  /** Null for what the operator did at the CLI (member:ban, member:unban). */
  actor_id: Id | null;
  actor_role: BoardRole;
  action: ModerationAction;
  post_id: Id | null;
  target_user_id: Id | null;
  reason: string | null;
  /** The version of the post an entry is about (hiding one), else null. */
  revision: number | null;
  /** The held post an approve or reject is about (held_posts), else null. */
  held_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

/** An address or range (cidr, as text) refused registration and posting until expires_at. */
export interface AddressBansTable {
  id: GeneratedId;
  range: string;
  reason: string;
  expires_at: Timestamp;
  banned_by: Id | null;
  created_at: Timestamp;
  lifted_at: NullableTimestamp;
}
