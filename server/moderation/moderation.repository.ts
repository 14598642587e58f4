import { sql } from 'kysely';
import type { BoardRole, Db, ModerationAction, ModerationLogRow, ReportResolution } from '../db/database';

/** Revisions, bans, reports and the moderation log: SQL only. */

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
