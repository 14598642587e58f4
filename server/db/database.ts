import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/** bigint columns come back from pg as strings (they may exceed 2^53); we keep ids as strings. */
type Id = ColumnType<string, string | number | bigint, string | number | bigint>;
type GeneratedId = ColumnType<string, string | number | bigint | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

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
}

export interface SessionsTable {
  id: GeneratedId;
  token_hash: Buffer;
  user_id: Id;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface LoginFailuresTable {
  id: GeneratedId;
  name_key: string;
  address: string;
  at: Timestamp;
}

export interface BoardsTable {
  id: GeneratedId;
  slug: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
}

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
  variant: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  edited_at: NullableTimestamp;
  edited_by: Id | null;
  edited_role: string | null;
  revision: ColumnType<number, number | undefined, number>;
  deleted_at: NullableTimestamp;
  deleted_by: Id | null;
  deleted_role: string | null;
  edit_reason: string | null;
  deleted_reason: string | null;
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
}

export interface ThreadEventsTable {
  thread_id: Id;
  seq: Id;
  kind: string;
  post_id: Id;
  at: Timestamp;
}

/** The role someone acted in, on a board: their site role, or moderator of that board. */
export type BoardRole = 'member' | 'moderator' | 'admin';

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
}

export interface BansTable {
  id: GeneratedId;
  board_id: Id | null;
  user_id: Id;
  banned_by: Id;
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
  resolution: string | null;
}

export interface ModerationLogTable {
  id: GeneratedId;
  board_id: Id | null;
  actor_id: Id;
  actor_role: BoardRole;
  action: string;
  post_id: Id | null;
  target_user_id: Id | null;
  reason: string | null;
  created_at: Timestamp;
}

/** Every table the application reads or writes, as kysely sees them. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  boards: BoardsTable;
  board_moderators: BoardModeratorsTable;
  posts: PostsTable;
  threads: ThreadsTable;
  thread_events: ThreadEventsTable;
  post_revisions: PostRevisionsTable;
  bans: BansTable;
  reports: ReportsTable;
  moderation_log: ModerationLogTable;
}

/** What repositories take: the pool or a transaction a service opened. */
export type Db = Kysely<Database> | Transaction<Database>;
