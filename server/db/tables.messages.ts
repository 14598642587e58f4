// The tables of what reaches a member: 悄悄話 (conversations, messages and their reports) and
// notifications.

import type { ColumnType } from 'kysely';
import type { SourceVariant } from '../variants';
import type { GeneratedId, Id, NullableTimestamp, Timestamp } from './columns';
import type { BodyFormat } from './tables.posts';

/** One conversation per pair of members (member_low < member_high): their 悄悄話 together. */
export interface ConversationsTable {
  id: GeneratedId;
  member_low: Id;
  member_high: Id;
  created_at: Timestamp;
  last_message_at: Timestamp;
}

/** A 悄悄話: readable by its two parties only, each deleting their own copy. */
export interface MessagesTable {
  id: GeneratedId;
  conversation_id: Id;
  sender_id: Id;
  recipient_id: Id;
  title: string;
  body: ColumnType<string, string | undefined, string>;
  bytes: ColumnType<number, number | undefined, number>;
  variant: ColumnType<SourceVariant, SourceVariant | undefined, SourceVariant>;
  /** The body as written, and its format (migration 2026_12_05_501); a null source: the body is its own. */
  format: ColumnType<BodyFormat, BodyFormat | undefined, BodyFormat>;
  source: ColumnType<string | null, string | null | undefined, string | null>;
  /** The post it was written from (a link back), if any. */
  quoted_post_id: Id | null;
  created_at: Timestamp;
  /** The recipient's read mark. */
  read_at: NullableTimestamp;
  sender_deleted_at: NullableTimestamp;
  recipient_deleted_at: NullableTimestamp;
}

/** How a message report was closed. */
export type MessageReportResolution = 'banned' | 'dismissed';

export interface MessageReportsTable {
  id: GeneratedId;
  message_id: Id;
  reporter_id: Id;
  reason: string;
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
  resolved_by: Id | null;
  resolution: MessageReportResolution | null;
}

/** Each time an admin read a reported message through its report. */
export interface MessageReportReadsTable {
  id: GeneratedId;
  report_id: Id;
  admin_id: Id;
  at: Timestamp;
}

/**
 * What a member is notified of: a direct reply to their post, a follow-up anywhere in a thread
 * they started, a mention, a new thread by a member they follow, and moderation of what is theirs.
 */
export type NotificationKind =
  | 'reply'
  | 'thread-reply'
  | 'mention'
  | 'quote'
  | 'followed-thread'
  | 'post-edited'
  | 'post-deleted'
  | 'banned'
  | 'report-handled'
  | 'post-approved'
  | 'post-rejected';

/** Which notification kinds a member turned off. */
export type NotifyPrefs = Partial<Record<NotificationKind, boolean>>;

export interface NotificationsTable {
  id: GeneratedId;
  member_id: Id;
  kind: NotificationKind;
  actor_id: Id | null;
  thread_id: Id | null;
  post_id: Id | null;
  /** What the kind needs beyond actor, thread and post (a ban's reason and end, a report's outcome…). */
  data: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;
  created_at: Timestamp;
  read_at: NullableTimestamp;
}
