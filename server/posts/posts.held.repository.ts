import { type RawBuilder, sql } from 'kysely';
import type { BodyFormat, Db, HeldDecision, HeldPostRow, HeldReason, SiteRole } from '../db/database';
import type { SourceVariant } from '../variants';

/** Held posts (the review queue): SQL only. Nothing here is ever read by what lists posts. */

/** A post to hold, as the posts service prepared it. */
export interface NewHeld {
  boardId: string;
  /** The thread and the post answered; null for a new thread. */
  threadId: string | null;
  parentId: string | null;
  authorId: string;
  title: string;
  body: string;
  bytes: number;
  /** How it was written and what was written (text/formats.ts), kept for when it is published. */
  format: BodyFormat;
  source: string;
  variant: SourceVariant;
  contentHash: string | null;
  address: string | undefined;
  reason: HeldReason;
}

/**
 * Makes a member's held posts take turns until the transaction ends (an advisory lock keyed by the
 * member), so the duplicate check of insertHeld sees one held at the same moment.
 */
export async function lockAuthorHeld(db: Db, authorId: string): Promise<void> {
  // No builder form for advisory locks.
  await sql`select pg_advisory_xact_lock(hashtext(${`gentie:held:${authorId}`}))`.execute(db);
}

/**
 * Holds a post; undefined when the member already has the same post waiting under the same parent
 * (on the same board, for a thread) from within `duplicateSeconds` (0: never a duplicate).
 */
export async function insertHeld(db: Db, h: NewHeld, duplicateSeconds: number): Promise<{ id: string; created_at: Date } | undefined> {
  if (duplicateSeconds > 0 && h.contentHash) {
    const twin = await db
      .selectFrom('held_posts')
      .select('id')
      .where('author_id', '=', h.authorId)
      .where('board_id', '=', h.boardId)
      .where('content_hash', '=', h.contentHash)
      .where('decided_at', 'is', null)
      .where((eb) => (h.parentId === null ? eb('parent_id', 'is', null) : eb('parent_id', '=', h.parentId)))
      .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${duplicateSeconds})`)
      .limit(1)
      .executeTakeFirst();
    if (twin) return undefined;
  }
  return db
    .insertInto('held_posts')
    .values({
      board_id: h.boardId,
      thread_id: h.threadId,
      parent_id: h.parentId,
      author_id: h.authorId,
      title: h.title,
      body: h.body,
      bytes: h.bytes,
      format: h.format,
      source: h.source,
      variant: h.variant,
      content_hash: h.contentHash,
      address: h.address || null,
      reason: h.reason,
    })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** A held post with what a page shows around it: its author, board, and the post it answers. */
export interface HeldWithContextRow extends HeldPostRow {
  author_name: string;
  author_role: SiteRole;
  board_slug: string;
  board_name: string;
  parent_title: string | null;
  parent_author_name: string | null;
  parent_deleted_at: Date | null;
  root_title: string | null;
  decider_name: string | null;
}

function withContext(db: Db) {
  return db
    .selectFrom('held_posts as h')
    .innerJoin('users as a', 'a.id', 'h.author_id')
    .innerJoin('boards as b', 'b.id', 'h.board_id')
    .leftJoin('posts as parent', 'parent.id', 'h.parent_id')
    .leftJoin('users as pa', 'pa.id', 'parent.author_id')
    .leftJoin('posts as root', 'root.id', 'h.thread_id')
    .leftJoin('users as d', 'd.id', 'h.decided_by')
    .selectAll('h')
    .select([
      'a.name as author_name',
      'a.role as author_role',
      'b.slug as board_slug',
      'b.name as board_name',
      'parent.title as parent_title',
      'pa.name as parent_author_name',
      'parent.deleted_at as parent_deleted_at',
      'root.title as root_title',
      'd.name as decider_name',
    ]);
}

/** One held post (decided or not), with its context. */
export function findHeld(db: Db, id: string): Promise<HeldWithContextRow | undefined> {
  return withContext(db).where('h.id', '=', id).executeTakeFirst();
}

/** Locks a held post until the transaction ends (a decision takes it): two decisions take turns. */
export function lockHeld(db: Db, id: string): Promise<HeldPostRow | undefined> {
  return db.selectFrom('held_posts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** How many posts a queue page shows at most (oldest first: the ones waiting longest). */
export const QUEUE_PAGE = 200;

/** The posts waiting on these boards (all boards: null), oldest first, at most QUEUE_PAGE. */
export function findQueue(db: Db, boardIds: readonly string[] | null): Promise<HeldWithContextRow[]> {
  if (boardIds !== null && boardIds.length === 0) return Promise.resolve([]);
  return withContext(db)
    .where('h.decided_at', 'is', null)
    .$if(boardIds !== null, (qb) => qb.where('h.board_id', 'in', boardIds!))
    .orderBy('h.id')
    .limit(QUEUE_PAGE)
    .execute();
}

/** How many posts wait on a board, counted up to `cap` (the board page's link to its queue). */
export async function countQueue(db: Db, boardId: string, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb.selectFrom('held_posts').select('id').where('board_id', '=', boardId).where('decided_at', 'is', null).limit(cap).as('w'),
    )
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A member's own posts waiting for review, oldest first: on one board's threads (threadsOn), or all. */
export function findOwnHeld(db: Db, authorId: string, threadsOn?: string): Promise<HeldWithContextRow[]> {
  return withContext(db)
    .where('h.author_id', '=', authorId)
    .where('h.decided_at', 'is', null)
    .$if(threadsOn !== undefined, (qb) => qb.where('h.board_id', '=', threadsOn!).where('h.thread_id', 'is', null))
    .orderBy('h.id')
    .limit(QUEUE_PAGE)
    .execute();
}

/** One of an author's follow-ups waiting in a thread, as the thread page lays it over the tree. */
export interface OwnHeldLine {
  id: string;
  parent_id: string;
  title: string;
  body: string;
  bytes: number;
  created_at: string;
}

/**
 * The follow-ups `authorId` has waiting in the thread `threadId` (an SQL expression of the
 * caller's statement), as a JSON array in id order (null when none): read by the statement that
 * gives a thread page its version (posts.etag.ts), so a member's page costs no query for them.
 */
export function ownHeldInThread(authorId: string, threadId: RawBuilder<unknown>): RawBuilder<OwnHeldLine[] | null> {
  // json_agg with ORDER BY: the builder has no words for an ordered aggregate over a subquery.
  return sql<OwnHeldLine[] | null>`(select json_agg(json_build_object('id', h.id::text, 'parent_id', h.parent_id::text,
      'title', h.title, 'body', h.body, 'bytes', h.bytes, 'created_at', h.created_at) order by h.id)
    from held_posts h where h.author_id = ${authorId} and h.thread_id = ${threadId} and h.decided_at is null)`;
}

/** Records a decision on a held post (locked by lockHeld). */
export function markDecided(
  db: Db,
  id: string,
  d: { decision: HeldDecision; by: string; reason: string | null; postId: string | null },
): Promise<unknown> {
  return db
    .updateTable('held_posts')
    .set({ decided_at: sql<Date>`now()`, decided_by: d.by, decision: d.decision, decision_reason: d.reason, post_id: d.postId })
    .where('id', '=', id)
    .execute();
}

/** The boards a member moderates (their queue across boards). */
export async function moderatedBoards(db: Db, memberId: string): Promise<string[]> {
  const rows = await db.selectFrom('board_moderators').select('board_id').where('user_id', '=', memberId).execute();
  return rows.map((r) => r.board_id);
}
