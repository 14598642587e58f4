import type { Kysely, Selectable, Transaction } from 'kysely';
import type { FollowsTable, IgnoresTable, InvitesTable, SessionsTable, SignInsTable, TokensTable, UsersTable } from './tables.members';
import type {
  ConversationsTable,
  MessageReportReadsTable,
  MessageReportsTable,
  MessagesTable,
  NotificationsTable,
} from './tables.messages';
import type { AddressBansTable, BansTable, ModerationLogTable, ReportsTable } from './tables.moderation';
import type {
  BoardModeratorsTable,
  BoardsTable,
  HeldPostsTable,
  PostAddressesTable,
  PostRevisionsTable,
  PostSearchTable,
  PostsTable,
  ReadKeyTable,
  ThreadEventsTable,
  ThreadMutesTable,
  ThreadReadsTable,
  ThreadViewsTable,
  ThreadsTable,
} from './tables.posts';
import type {
  AdminAuditTable,
  GlossariesTable,
  GlossaryFlagsTable,
  GlossaryHistoryTable,
  JobsTable,
  MaintenanceTable,
  PaceCountsTable,
  RateLimitsTable,
  SiteSettingsTable,
} from './tables.site';
import type { UploadBlobsTable, UploadBlocksTable, UploadSizesTable, UploadsTable } from './tables.uploads';

/*
 * The schema as kysely sees it: the Database interface, a row type for the tables that services map,
 * and Db, what repositories take. Each table's type lives with its area's others (tables.members,
 * tables.posts, tables.moderation, tables.uploads, tables.messages, tables.site); the types of the
 * values its columns hold (a body's format, a role, a notification's kind…) are named from here, with
 * the Database they belong to, by every layer above.
 */
export type { MemberTrust, SiteRole, TokenPurpose } from './tables.members';
export type { MessageReportResolution, NotificationKind, NotifyPrefs } from './tables.messages';
export type { ModerationAction, ReportResolution } from './tables.moderation';
export type { BoardReview, BoardRole, BodyFormat, DeletedBy, HeldDecision, HeldReason } from './tables.posts';
export type { UploadMime } from './tables.uploads';

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
