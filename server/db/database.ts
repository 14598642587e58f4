import type { ColumnType, Kysely, Selectable, Transaction } from 'kysely';
import type { SourceVariant, Variant } from '../variants';
import type { ThreadEventKind } from './thread-events.kinds';

/** bigint columns come back from pg as strings (they may exceed 2^53); we keep ids as strings. */
type Id = ColumnType<string, string | number | bigint, string | number | bigint>;
type GeneratedId = ColumnType<string, string | number | bigint | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** How a body was written (posts.format; server/text/formats.ts renders each). */
export type BodyFormat = 'text' | 'markdown' | 'html';

/** A member's role across the site (users.role). */
export type SiteRole = 'member' | 'moderator' | 'admin';

export interface UsersTable {
  id: GeneratedId;
  name: string;
  name_key: string;
  /** The confusable key (members/names.ts nameSkeleton); null until start-up computes it. */
  name_skeleton: ColumnType<string | null, string | null | undefined, string | null>;
  password_hash: string;
  role: ColumnType<SiteRole, SiteRole | undefined, SiteRole>;
  created_at: Timestamp;
  /** The member's own words on their home page (sanitized HTML), and the script they are in. */
  profile: ColumnType<string, string | undefined, string>;
  profile_variant: ColumnType<SourceVariant, SourceVariant | undefined, SourceVariant>;
  /** The profile as written, and its format (migration 2026_12_05_501); null: the profile is its own source. */
  profile_format: ColumnType<BodyFormat, BodyFormat | undefined, BodyFormat>;
  profile_source: ColumnType<string | null, string | null | undefined, string | null>;
  /** The member's avatar: an upload (its 256-pixel square); null shows the default drawn from the name. */
  avatar_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** The day the member was last seen (shown unless hide_last_seen). */
  last_seen_on: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  hide_last_seen: ColumnType<boolean, boolean | undefined, boolean>;
  /** The member's own time zone (IANA name) for their ban's end; null: the site's (TZ_DISPLAY). */
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
  /** Notification kinds the member turned off ({ kind: false }); absent = on. */
  notify_prefs: ColumnType<NotifyPrefs, NotifyPrefs | string | undefined, NotifyPrefs | string>;
  /** A deleted account: the row (and its name) stays. */
  deleted_at: NullableTimestamp;
  email: ColumnType<string | null, string | null | undefined, string | null>;
  email_verified_at: NullableTimestamp;
  /** A daily email of unread notifications (with a verified address only). */
  digest: ColumnType<boolean, boolean | undefined, boolean>;
  digest_sent_at: NullableTimestamp;
  /** The script the member's emails are written in: the variant they last used on an email page (null = traditional). */
  mail_variant: ColumnType<Variant | null, Variant | null | undefined, Variant | null>;
  /** How newness is decided: by the thresholds ('auto'), or by an admin's hand (server/limits/new-member.ts). */
  trust: ColumnType<MemberTrust, MemberTrust | undefined, MemberTrust>;
}

/** A member's trust setting: 'auto' follows the thresholds; 'trusted' is never new, 'untrusted' always. */
export type MemberTrust = 'auto' | 'trusted' | 'untrusted';

/** Which notification kinds a member turned off. */
export type NotifyPrefs = Partial<Record<NotificationKind, boolean>>;

export interface SessionsTable {
  id: GeneratedId;
  token_hash: Buffer;
  user_id: Id;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  address: ColumnType<string, string | undefined, string>;
  user_agent: ColumnType<string, string | undefined, string>;
}

/** One successful sign-in, kept 90 days: the member's history and their known addresses. */
export interface SignInsTable {
  id: GeneratedId;
  user_id: Id;
  address: string;
  /** IPv4 whole, IPv6 its /64. */
  address_key: string;
  user_agent: ColumnType<string, string | undefined, string>;
  /** SHA-256 of the browser's device cookie. */
  device_hash: Buffer | null;
  at: Timestamp;
}

/** rate-limiter-flexible's counts (its RateLimiterPostgres layout); `expire` is epoch milliseconds. */
export interface RateLimitsTable {
  key: string;
  points: number;
  expire: ColumnType<string | null, string | number | null, string | number | null>;
}

/** A paced action's two windows for one member or address (migration 2026_12_04_050; limits/limiter.ts). */
export interface PaceCountsTable {
  key: string;
  burst_points: number;
  burst_expire: ColumnType<string, string | number, string | number>;
  burst_cap: ColumnType<string, string | number, string | number>;
  sustained_points: number;
  sustained_expire: ColumnType<string, string | number, string | number>;
  sustained_cap: ColumnType<string, string | number, string | number>;
}

export interface BoardsTable {
  id: GeneratedId;
  slug: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  /** The board shows its current bans at /b/:slug/bans. */
  public_bans: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  /** Which posts wait for a moderator (migrations/2026_12_03_211_board_review.ts). */
  review: ColumnType<BoardReview, BoardReview | undefined, BoardReview>;
  /** Where the board comes on `/` and in the console (lowest first; ties by id). */
  position: ColumnType<number, number | undefined, number>;
  /** An archived board is read-only and left out of site-wide lists (migrations/2026_12_05_200_board_admin.ts). */
  archived_at: NullableTimestamp;
}

/** A board's review setting: 'new' holds new members' posts, 'links' their posts with links, 'off' none. */
export type BoardReview = 'off' | 'new' | 'links';

export interface BoardModeratorsTable {
  board_id: Id;
  user_id: Id;
  created_at: Timestamp;
}

export interface PostsTable {
  id: Id;
  board_id: Id;
  thread_id: Id;
  parent_id: Id | null;
  /** Ids from the root down to this post, as pg returns bigint[]: strings. */
  path: ColumnType<string[], string[], string[]>;
  depth: number;
  author_id: Id;
  title: string;
  body: ColumnType<string, string | undefined, string>;
  bytes: ColumnType<number, number | undefined, number>;
  /** The script it is written in (text/convert.ts detectVariant). */
  variant: ColumnType<SourceVariant, SourceVariant | undefined, SourceVariant>;
  created_at: Timestamp;
  edited_at: NullableTimestamp;
  edited_by: Id | null;
  /** The role the last edit was made in on the post's board. */
  edited_role: BoardRole | null;
  revision: ColumnType<number, number | undefined, number>;
  deleted_at: NullableTimestamp;
  deleted_by: Id | null;
  /** The role it was deleted in on its board. */
  deleted_role: BoardRole | null;
  edit_reason: string | null;
  deleted_reason: string | null;
  /** The normalized title and text's hash (text/fingerprint.ts), for refusing duplicates; null before it existed. */
  content_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** How the body was written (text/formats.ts); the body is its rendering. */
  format: ColumnType<BodyFormat, BodyFormat | undefined, BodyFormat>;
  /** What the author wrote, in `format`; null: the body is its own source (HTML stored before formats). */
  source: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ThreadsTable {
  thread_id: Id;
  board_id: Id;
  reply_count: ColumnType<number, number | undefined, number>;
  last_activity_at: Timestamp;
  seq: ColumnType<string, string | number | undefined, string | number>;
  locked: ColumnType<boolean, boolean | undefined, boolean>;
  pinned: ColumnType<boolean, boolean | undefined, boolean>;
  featured: ColumnType<boolean, boolean | undefined, boolean>;
  /** When it was last featured (加精), while it is; null when it is not (migrations/2026_12_03_310_featured_at.ts). */
  featured_at: NullableTimestamp;
  /** Times the thread was read (server/reads/): added to in batches; a bigint, so a string here. */
  read_count: ColumnType<string, string | number | undefined, string | number>;
  /** Slow mode: one follow-up per this many seconds per member (0: off). */
  slow_mode_seconds: ColumnType<number, number | undefined, number>;
}

/** When a reader (a keyed hash: server/reads/) was last counted reading a thread; pruned after two hours. */
export interface ThreadViewsTable {
  thread_id: Id;
  reader: Buffer;
  read_at: Timestamp;
}

/** The one key readers are hashed with, shared by every process (made by its migration). */
export interface ReadKeyTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  key: Buffer;
}

export interface ThreadEventsTable {
  thread_id: Id;
  seq: Id;
  kind: ThreadEventKind;
  post_id: Id;
  at: Timestamp;
}

/** The role someone acted in, on a board: their site role, or moderator of that board. */
export type BoardRole = 'member' | 'moderator' | 'admin';

/** Who deleted a post, as readers are told: its author, or a moderator or admin of its board. */
export type DeletedBy = 'author' | Exclude<BoardRole, 'member'>;

export interface PostRevisionsTable {
  post_id: Id;
  revision: number;
  title: string;
  body: string;
  bytes: number;
  replaced_by: Id;
  replaced_role: BoardRole;
  replaced_at: Timestamp;
  reason: string | null;
  /** How this version's body was written (text/formats.ts); the body is its rendering. */
  format: ColumnType<BodyFormat, BodyFormat | undefined, BodyFormat>;
  /** What the author wrote, in `format`; null: the body is its own source (HTML stored before formats). */
  source: ColumnType<string | null, string | null | undefined, string | null>;
  /** When a moderator hid this version from readers who do not moderate the board (null: shown). */
  hidden_at: NullableTimestamp;
  hidden_by: Id | null;
}

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

/** Why a post was held: its author is new ('new' boards), or new and it links elsewhere ('links'). */
export type HeldReason = 'new' | 'links';

/** What a moderator decided about a held post. */
export type HeldDecision = 'approved' | 'rejected';

/**
 * A thread or follow-up waiting for a moderator (migrations/2026_12_03_240_held_posts.ts): not a
 * post until approved, so nothing that reads posts ever sees it.
 */
export interface HeldPostsTable {
  id: GeneratedId;
  board_id: Id;
  /** The thread and the post it answers; both null for a new thread. */
  thread_id: Id | null;
  parent_id: Id | null;
  author_id: Id;
  title: string;
  /** Sanitized HTML, as a post's body (mentions are linked when it is published). */
  body: ColumnType<string, string | undefined, string>;
  bytes: ColumnType<number, number | undefined, number>;
  variant: ColumnType<SourceVariant, SourceVariant | undefined, SourceVariant>;
  content_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** How the body was written (text/formats.ts); the body is its rendering. */
  format: ColumnType<BodyFormat, BodyFormat | undefined, BodyFormat>;
  /** What the author wrote, in `format`; null: the body is its own source (HTML stored before formats). */
  source: ColumnType<string | null, string | null | undefined, string | null>;
  /** The address it was written from (kept like post_addresses, purged with them). */
  address: ColumnType<string | null, string | null | undefined, string | null>;
  reason: HeldReason;
  created_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: Id | null;
  decision: ColumnType<HeldDecision | null, HeldDecision | null | undefined, HeldDecision | null>;
  decision_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** The post it became, once approved. */
  post_id: Id | null;
}

/** The address a post was written from (inet, as text), kept for addresses.retentionDays. */
export interface PostAddressesTable {
  post_id: Id;
  address: string;
  at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The mime types of stored images (migrations/2026_12_04_300_uploads.ts). */
export type UploadMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** A stored image, named by the sha256 of its stored bytes (server/uploads/). */
export interface UploadsTable {
  hash: string;
  /** Who uploaded it first (null once their account is gone). */
  owner_id: Id | null;
  mime: UploadMime;
  width: number;
  height: number;
  bytes: number;
  animated: ColumnType<boolean, boolean | undefined, boolean>;
  /** The thumbnail's own hash in the storage (a WebP), and its size. */
  thumb_hash: string;
  thumb_width: number;
  thumb_height: number;
  created_at: Timestamp;
  /** Last uploaded, or last found in a post or 悄悄話 by the cleanup job. */
  used_at: Timestamp;
  /** Set when a moderator purged it: answered with 410 from then on. */
  purged_at: NullableTimestamp;
  purged_by: Id | null;
}

/** The bytes of stored images and thumbnails, by hash (the PostgreSQL storage). */
/** The smaller squares of an avatar upload (32, 64, 128 pixels), each its own blob (migration 2026_12_05_500). */
export interface UploadSizesTable {
  hash: string;
  size: number;
  blob_hash: string;
}

export interface UploadBlobsTable {
  hash: string;
  data: Buffer;
}

/** Hashes of images a moderator blocked: uploading the same bytes again is refused. */
export interface UploadBlocksTable {
  hash: string;
  blocked_by: Id | null;
  reason: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
}

/** A post's search document and what search filters on (server/text/search-terms.ts, migration 300). */
export interface PostSearchTable {
  post_id: Id;
  board_id: Id;
  thread_id: Id;
  author_id: Id;
  created_at: Timestamp;
  deleted: ColumnType<boolean, boolean | undefined, boolean>;
  /** The post's revision the document was made from. */
  revision: ColumnType<number, number | undefined, number>;
  /** The folding rules' version it was made with (FOLDING_VERSION). */
  folding: number;
  /** tsvector, written from a literal (`::tsvector`), read as text. */
  doc: string;
  /** tsvector of the text's joins without positions (text/search-terms.ts), for phrases. */
  joins: ColumnType<string, string | undefined, string>;
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

/** A scheduled job's last run, shared by every process (server/jobs/). */
export interface JobsTable {
  name: string;
  last_started_at: NullableTimestamp;
  last_finished_at: NullableTimestamp;
  /** The last run's error message; null when it succeeded. */
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * Maintenance mode's one row (migration 2026_12_05_300): present while `gentie import` restores an
 * archive (or left behind by one that was killed); every process is read-only meanwhile.
 */
export interface MaintenanceTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  /** What holds the forum read-only: 'import' today. */
  reason: string;
  /** Which archive is being imported (its file name), for the operator's messages. */
  detail: ColumnType<string, string | undefined, string>;
  started_at: ColumnType<Date, Date | undefined, Date>;
}

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

export interface FollowsTable {
  follower_id: Id;
  followee_id: Id;
  created_at: Timestamp;
}

export interface IgnoresTable {
  member_id: Id;
  ignored_id: Id;
  created_at: Timestamp;
}

export interface ThreadMutesTable {
  member_id: Id;
  thread_id: Id;
  created_at: Timestamp;
}

/** How far a member has read a thread: the highest post id they were shown (posts/posts.seen.ts). */
export interface ThreadReadsTable {
  user_id: Id;
  thread_id: Id;
  seen_post_id: Id;
}

/** What a single-use token is for. */
export type TokenPurpose = 'verify-email' | 'reset-password' | 'unsubscribe' | 'admin-link';

/** A single-use, expiring token: only its SHA-256 is kept. */
export interface TokensTable {
  id: GeneratedId;
  token_hash: Buffer;
  purpose: TokenPurpose;
  user_id: Id;
  data: ColumnType<Record<string, unknown>, Record<string, unknown> | string | undefined, Record<string, unknown> | string>;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

/** A change an admin made to the site, with the thing before and after (migrations/2026_12_05_010_admin_audit.ts). */
export interface AdminAuditTable {
  id: GeneratedId;
  actor_id: Id | null;
  actor_name: string;
  action: string;
  subject: string;
  before: ColumnType<unknown, string | null | undefined, never>;
  after: ColumnType<unknown, string | null | undefined, never>;
  created_at: Timestamp;
}

/** A setting changed in the console or the CLI (migrations/2026_12_05_100_site_settings.ts): text as the environment writes it. */
export interface SiteSettingsTable {
  name: string;
  value: string;
  updated_at: Timestamp;
  updated_by: Id | null;
}

/** An invite link an admin issued: only its token's SHA-256 is kept. max_uses null: until it expires. */
export interface InvitesTable {
  id: GeneratedId;
  token_hash: Buffer;
  created_by: Id | null;
  created_by_name: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  max_uses: number | null;
  uses: ColumnType<number, number | undefined, number>;
  revoked_at: NullableTimestamp;
}

/** A glossary (migrations/2026_12_06_100_glossaries.ts): 'site' or a board's, its terms and version. */
export interface GlossariesTable {
  scope: string;
  board_id: Id | null;
  version: ColumnType<number, number | undefined, number>;
  terms: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

/** Every state a glossary was in, for its history page and reverts. */
export interface GlossaryHistoryTable {
  id: GeneratedId;
  scope: string;
  version: number;
  action: string;
  detail: ColumnType<string, string | undefined, string>;
  terms: ColumnType<unknown, string, never>;
  actor_id: Id | null;
  actor_name: string;
  created_at: Timestamp;
}

/** A reader's report of a wrong conversion on a post, in the board's glossary queue until resolved. */
export interface GlossaryFlagsTable {
  id: GeneratedId;
  board_id: Id;
  post_id: Id;
  reporter_id: Id | null;
  variant: string;
  wrong: string;
  fixed: string;
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
  resolved_by: Id | null;
  outcome: 'accepted' | 'dismissed' | null;
}

/** Every table the application reads or writes, as kysely sees them. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  sign_ins: SignInsTable;
  rate_limits: RateLimitsTable;
  pace_counts: PaceCountsTable;
  boards: BoardsTable;
  board_moderators: BoardModeratorsTable;
  posts: PostsTable;
  threads: ThreadsTable;
  thread_views: ThreadViewsTable;
  read_key: ReadKeyTable;
  thread_events: ThreadEventsTable;
  post_revisions: PostRevisionsTable;
  bans: BansTable;
  reports: ReportsTable;
  moderation_log: ModerationLogTable;
  jobs: JobsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_reports: MessageReportsTable;
  message_report_reads: MessageReportReadsTable;
  notifications: NotificationsTable;
  follows: FollowsTable;
  ignores: IgnoresTable;
  thread_mutes: ThreadMutesTable;
  thread_reads: ThreadReadsTable;
  tokens: TokensTable;
  post_addresses: PostAddressesTable;
  address_bans: AddressBansTable;
  held_posts: HeldPostsTable;
  post_search: PostSearchTable;
  uploads: UploadsTable;
  upload_blobs: UploadBlobsTable;
  upload_sizes: UploadSizesTable;
  upload_blocks: UploadBlocksTable;
  admin_audit: AdminAuditTable;
  site_settings: SiteSettingsTable;
  invites: InvitesTable;
  maintenance: MaintenanceTable;
  glossaries: GlossariesTable;
  glossary_history: GlossaryHistoryTable;
  glossary_flags: GlossaryFlagsTable;
}

/** A whole row of each table, as a select returns it. */
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SignInRow = Selectable<SignInsTable>;
export type RateLimitRow = Selectable<RateLimitsTable>;
export type BoardRow = Selectable<BoardsTable>;
export type BoardModeratorRow = Selectable<BoardModeratorsTable>;
export type PostRow = Selectable<PostsTable>;
export type ThreadRow = Selectable<ThreadsTable>;
export type ThreadEventRow = Selectable<ThreadEventsTable>;
export type PostRevisionRow = Selectable<PostRevisionsTable>;
export type BanRow = Selectable<BansTable>;
export type ReportRow = Selectable<ReportsTable>;
export type ModerationLogRow = Selectable<ModerationLogTable>;
export type JobRow = Selectable<JobsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type MessageReportRow = Selectable<MessageReportsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type FollowRow = Selectable<FollowsTable>;
export type IgnoreRow = Selectable<IgnoresTable>;
export type TokenRow = Selectable<TokensTable>;
export type HeldPostRow = Selectable<HeldPostsTable>;

/** What repositories take: the pool or a transaction a service opened. */
export type Db = Kysely<Database> | Transaction<Database>;
