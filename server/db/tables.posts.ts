// The tables of boards and what is written on them: posts, their threads, revisions, events, reads,
// search documents and addresses, and the posts held for review.

import type { ColumnType } from 'kysely';
import type { SourceVariant } from '../variants';
import type { ThreadEventKind } from './thread-events.kinds';
import type { GeneratedId, Id, NullableTimestamp, Timestamp } from './columns';

/** How a body was written (posts.format; server/text/formats.ts renders each). */
export type BodyFormat = 'text' | 'markdown' | 'html';

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

/** The role someone acted in, on a board: their site role, or moderator of that board. */
export type BoardRole = 'member' | 'moderator' | 'admin';

/** Who deleted a post, as readers are told: its author, or a moderator or admin of its board. */
export type DeletedBy = 'author' | Exclude<BoardRole, 'member'>;

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
