import { sql } from 'kysely';
import type { BodyFormat, BoardRole, Db, ModerationAction, ModerationLogRow, ReportResolution } from '../db/database';
import type { SourceVariant } from '../variants';

/** Revisions, bans, reports and the moderation log: SQL only. */

/**
 * Locks the post's row for the length of the transaction (edits of one post never interleave).
 * FOR NO KEY UPDATE, not FOR UPDATE: a reply inserting under this post (or in its thread, whose
 * root it references) only needs FOR KEY SHARE and must not wait for us, or the two deadlock.
 */
export function lockPost(db: Db, id: string) {
  return (
    db
      .selectFrom('posts')
      .select([
        'id',
        'board_id',
        'thread_id',
        'author_id',
        'title',
        'body',
        'bytes',
        'format',
        'revision',
        'created_at',
        'edited_at',
        'edited_by',
        'edited_role',
        'edit_reason',
        'deleted_at',
      ])
      // A null source: the body is its own (HTML stored before formats).
      .select(sql<string>`coalesce(source, body)`.as('source'))
      .where('id', '=', id)
      .forNoKeyUpdate()
      .executeTakeFirst()
  );
}

export function insertRevision(
  db: Db,
  r: {
    postId: string;
    revision: number;
    title: string;
    body: string;
    bytes: number;
    format: BodyFormat;
    source: string;
    replacedBy: string;
    replacedRole: BoardRole;
    reason: string | null;
  },
) {
  return db
    .insertInto('post_revisions')
    .values({
      post_id: r.postId,
      revision: r.revision,
      title: r.title,
      body: r.body,
      bytes: r.bytes,
      format: r.format,
      source: r.source,
      replaced_by: r.replacedBy,
      replaced_role: r.replacedRole,
      reason: r.reason,
    })
    .execute();
}

export function updatePostContent(
  db: Db,
  id: string,
  c: {
    title: string;
    body: string;
    bytes: number;
    format: BodyFormat;
    source: string;
    variant: SourceVariant;
    /** The edited post's fingerprint (text/fingerprint.ts): what duplicates are compared with. */
    contentHash: string;
    revision: number;
    editorId: string;
    editorRole: BoardRole;
    reason: string | null;
  },
) {
  return db
    .updateTable('posts')
    .set({
      variant: c.variant,
      title: c.title,
      body: c.body,
      bytes: c.bytes,
      format: c.format,
      source: c.source,
      content_hash: c.contentHash,
      revision: c.revision,
      edited_at: sql<Date>`now()`,
      edited_by: c.editorId,
      edited_role: c.editorRole,
      edit_reason: c.reason,
    })
    .where('id', '=', id)
    .execute();
}

export function markDeleted(db: Db, id: string, by: string, role: BoardRole, reason: string | null) {
  return db
    .updateTable('posts')
    .set({ deleted_at: sql<Date>`now()`, deleted_by: by, deleted_role: role, deleted_reason: reason })
    .where('id', '=', id)
    .execute();
}

export function clearDeleted(db: Db, id: string) {
  return db
    .updateTable('posts')
    .set({ deleted_at: null, deleted_by: null, deleted_role: null, deleted_reason: null })
    .where('id', '=', id)
    .execute();
}

/**
 * Sets a thread's flag; featuring also stamps when (the 精華區 lists by it, to the millisecond so
 * its page cursor is exact), unfeaturing clears it.
 */
export function setThreadFlag(db: Db, threadId: string, flag: 'locked' | 'pinned' | 'featured', value: boolean) {
  return db
    .updateTable('threads')
    .set(
      flag === 'featured'
        ? { featured: value, featured_at: value ? sql<Date>`date_trunc('milliseconds', now())` : null }
        : { [flag]: value },
    )
    .where('thread_id', '=', threadId)
    .execute();
}

/** Sets a thread's slow mode (0: off). */
export function setSlowMode(db: Db, threadId: string, seconds: number) {
  return db.updateTable('threads').set({ slow_mode_seconds: seconds }).where('thread_id', '=', threadId).execute();
}

/** The versions a post replaced, from `newest` down to `oldest` (revision numbers). */
export function findRevisions(db: Db, postId: string, oldest: number, newest: number) {
  return db
    .selectFrom('post_revisions')
    .innerJoin('users', 'users.id', 'post_revisions.replaced_by')
    .select([
      'post_revisions.revision',
      'post_revisions.title',
      'post_revisions.body',
      'post_revisions.bytes',
      'post_revisions.replaced_role',
      'post_revisions.replaced_at',
      'post_revisions.reason',
      'post_revisions.hidden_at',
      'users.name as replaced_by_name',
    ])
    .where('post_revisions.post_id', '=', postId)
    .where('post_revisions.revision', '>=', oldest)
    .where('post_revisions.revision', '<=', newest)
    .orderBy('post_revisions.revision', 'desc')
    .execute();
}

/** The newest version below `below` that is not hidden, if any. */
export function findShownRevisionBelow(db: Db, postId: string, below: number) {
  return db
    .selectFrom('post_revisions')
    .select(['revision', 'title', 'body', 'bytes'])
    .where('post_id', '=', postId)
    .where('revision', '<', below)
    .where('hidden_at', 'is', null)
    .orderBy('revision', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** A replaced version's hidden state, its row locked until the transaction ends. */
export function lockRevision(db: Db, postId: string, revision: number) {
  return db
    .selectFrom('post_revisions')
    .select(['revision', 'hidden_at'])
    .where('post_id', '=', postId)
    .where('revision', '=', revision)
    .forUpdate()
    .executeTakeFirst();
}

/** Hides a replaced version (by a moderator) or shows it again (by null). */
export function setRevisionHidden(db: Db, postId: string, revision: number, by: string | null) {
  return db
    .updateTable('post_revisions')
    .set({ hidden_at: by === null ? null : sql<Date>`now()`, hidden_by: by })
    .where('post_id', '=', postId)
    .where('revision', '=', revision)
    .execute();
}

export function insertLog(
  db: Db,
  e: {
    boardId: string | null;
    /** Null: the operator at the CLI. */
    actorId: string | null;
    actorRole: BoardRole;
    action: ModerationAction;
    postId?: string | null;
    targetUserId?: string | null;
    reason?: string | null;
    revision?: number | null;
    heldId?: string | null;
  },
) {
  return db
    .insertInto('moderation_log')
    .values({
      board_id: e.boardId,
      actor_id: e.actorId,
      actor_role: e.actorRole,
      action: e.action,
      post_id: e.postId ?? null,
      target_user_id: e.targetUserId ?? null,
      reason: e.reason ?? null,
      revision: e.revision ?? null,
      held_id: e.heldId ?? null,
    })
    .execute();
}

export const LOG_PAGE = 50;

/** A line of the moderation log with the names it refers to (null where it refers to none). */
export type LogEntryRow = Pick<
  ModerationLogRow,
  'id' | 'action' | 'actor_role' | 'reason' | 'created_at' | 'post_id' | 'revision' | 'held_id' | 'board_id'
> & {
  /** Null: the operator at the CLI (no account). */
  actor_name: string | null;
  target_name: string | null;
  post_title: string | null;
  board_slug: string | null;
  /** The title of the held post an approve or reject was about. */
  held_title: string | null;
};

/** A page of the log, newest first: one board's, or every board's (boardId undefined). */
export function findLog(db: Db, boardId: string | undefined, page: number): Promise<LogEntryRow[]> {
  return db
    .selectFrom('moderation_log as l')
    .leftJoin('users as actor', 'actor.id', 'l.actor_id')
    .leftJoin('users as target', 'target.id', 'l.target_user_id')
    .leftJoin('posts as p', 'p.id', 'l.post_id')
    .leftJoin('boards as b', 'b.id', 'l.board_id')
    .leftJoin('held_posts as h', 'h.id', 'l.held_id')
    .select([
      'l.id',
      'l.board_id',
      'l.held_id',
      'h.title as held_title',
      'l.action',
      'l.actor_role',
      'l.reason',
      'l.created_at',
      'l.post_id',
      'l.revision',
      'actor.name as actor_name',
      'target.name as target_name',
      'p.title as post_title',
      'b.slug as board_slug',
    ])
    .$if(boardId !== undefined, (qb) => qb.where('l.board_id', '=', boardId!))
    .orderBy('l.id', 'desc')
    .limit(LOG_PAGE)
    .offset((page - 1) * LOG_PAGE)
    .execute();
}

export function insertBan(db: Db, b: { boardId: string | null; userId: string; bannedBy: string | null; reason: string; expiresAt: Date }) {
  return db
    .insertInto('bans')
    .values({ board_id: b.boardId, user_id: b.userId, banned_by: b.bannedBy, reason: b.reason, expires_at: b.expiresAt })
    .returning(['id', 'board_id', 'expires_at'])
    .executeTakeFirstOrThrow();
}

export function findBan(db: Db, id: string) {
  return db.selectFrom('bans').selectAll().where('id', '=', id).executeTakeFirst();
}

export function liftBan(db: Db, id: string, by: string | null) {
  return db
    .updateTable('bans')
    .set({ lifted_at: sql<Date>`now()`, lifted_by: by })
    .where('id', '=', id)
    .execute();
}

/** Records a report; undefined when this member reported this post already. */
export function insertReport(db: Db, r: { postId: string; boardId: string; reporterId: string; reason: string }) {
  return db
    .insertInto('reports')
    .values({ post_id: r.postId, board_id: r.boardId, reporter_id: r.reporterId, reason: r.reason })
    .onConflict((oc) => oc.constraint('reports_once_per_member').doNothing())
    .returning(['id', 'created_at'])
    .executeTakeFirst();
}

/** Open reports of a board, oldest first, with their post and reporter. */
export function findOpenReports(db: Db, boardId: string) {
  return db
    .selectFrom('reports as r')
    .innerJoin('users as reporter', 'reporter.id', 'r.reporter_id')
    .select(['r.id', 'r.post_id', 'r.reason', 'r.created_at', 'reporter.name as reporter_name'])
    .where('r.board_id', '=', boardId)
    .where('r.resolved_at', 'is', null)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute();
}

/** Closes the open reports of a post; returns the reporter of each report closed. */
export async function resolveReports(db: Db, postId: string, by: string, resolution: ReportResolution): Promise<string[]> {
  const rows = await db
    .updateTable('reports')
    .set({ resolved_at: sql<Date>`now()`, resolved_by: by, resolution })
    .where('post_id', '=', postId)
    .where('resolved_at', 'is', null)
    .returning('reporter_id')
    .execute();
  return rows.map((r) => String(r.reporter_id));
}

/** The thread's state, locked until the transaction ends (after the post: the order replies use). */
export function lockThread(db: Db, threadId: string) {
  return db
    .selectFrom('threads')
    .select(['thread_id', 'locked', 'pinned', 'featured'])
    .where('thread_id', '=', threadId)
    .forUpdate()
    .executeTakeFirst();
}
