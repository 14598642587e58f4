import type { Kysely } from 'kysely';
import { type Board, BOARD_REVIEWS, boardArchived, getBoard } from '../boards/boards.service';
import * as boards from '../boards/boards.repository';
import type { BoardReview, Database, Db } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import { AppError, validationFailed } from '../errors';
import { announceQueueChanged } from '../events/member-events';
import { notify } from '../events/notices';
import * as members from '../members/members.repository';
import { type Actor, authorize, can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import { type HeldPost, heldNotFound, toHeld } from '../posts/posts.held';
import * as held from '../posts/posts.held.repository';
import { type Post, getPost } from '../posts/posts.model';
import { publishHeld } from '../posts/posts.publish';
import { cleanReason } from '../text/reason';
import { log } from './moderation.log';

/**
 * The review queue (issue 14): the posts held on a board (posts/posts.held.ts), which its
 * moderators and the admins approve or reject at `/b/:slug/queue` (every board they moderate at
 * `/queue`) and through the API. Approving publishes the post in the same transaction, as it would
 * have been written, with its own time; rejecting keeps the held row, with the reason, as the
 * record. Either is logged like other moderation, tells the author (a notification, with the
 * reason for a rejection) and changes the count in the moderators' headers, live.
 */

/**
 * The actor deciding on a held post: a moderator of its board or an admin. Its author is told they
 * may not (403); anyone else is told it does not exist (404), as for a missing id.
 */
async function decider(tx: Db, member: Member | null, row: { board_id: string; author_id: string }): Promise<Actor> {
  const actor = await actorOn(tx, member, row.board_id);
  if (can(actor, 'moderate', null)) return actor!;
  if (!actor) authorize(actor, 'moderate', null);
  if (actor.member.id === row.author_id) authorize(actor, 'moderate', null);
  throw heldNotFound();
}

/** Locks a held post for a decision: 404 when there is none, 409 when it was decided already. */
async function lockUndecided(tx: Db, member: Member | null, heldId: string) {
  const row = isId(heldId) ? await held.lockHeld(tx, heldId) : undefined;
  if (!row) throw heldNotFound();
  const actor = await decider(tx, member, row);
  // Two moderators deciding at once take turns on the row's lock: the second finds it decided.
  if (row.decision) {
    throw new AppError(409, 'HeldPostDecided', `This post was ${row.decision} already.`, { params: { decision: row.decision } });
  }
  return { row, actor };
}

/**
 * Approves a held post: it is published as its author wrote it, in its place under its parent (a
 * new thread on its board), with the time it was written; the author is notified. Refused with
 * the reply's own refusals when it can no longer be a follow-up there (its parent deleted, its
 * thread locked): reject it instead.
 */
export async function approveHeld(db: Kysely<Database>, member: Member | null, heldId: string): Promise<{ held: HeldPost; post: Post }> {
  const postId = await db.transaction().execute(async (tx) => {
    const { row, actor } = await lockUndecided(tx, member, heldId);
    // Approving would publish a post on an archived board: refused (rejecting stays open, so the
    // authors of posts still waiting when the board was archived are told).
    const board = await boards.findBoardState(tx, row.board_id);
    if (board.archived_at) throw boardArchived(board.slug);
    const user = await members.findUserById(tx, row.author_id);
    const author: Member = { id: row.author_id, name: user?.name ?? '', role: user?.role ?? 'member' };
    const written = await publishHeld(tx, row, author);
    await held.markDecided(tx, row.id, { decision: 'approved', by: actor.member.id, reason: null, postId: written.postId });
    await log(tx, actor, 'approve', { boardId: row.board_id, postId: written.postId, targetUserId: row.author_id, heldId: row.id });
    await notify(tx, [
      {
        memberId: row.author_id,
        kind: 'post-approved',
        actorId: actor.member.id,
        threadId: written.threadId,
        postId: written.postId,
        data: { role: actor.role, held: row.id },
      },
    ]);
    await announceQueueChanged(tx, row.board_id);
    return written.postId;
  });
  const [post, row] = await Promise.all([getPost(db, postId), held.findHeld(db, heldId)]);
  return { held: toHeld(row!), post };
}

/** Rejects a held post, with the reason its author is told; it stays as the record the log points to. */
export async function rejectHeld(
  db: Kysely<Database>,
  member: Member | null,
  heldId: string,
  input: { reason?: string },
): Promise<HeldPost> {
  const reason = cleanReason(input.reason);
  await db.transaction().execute(async (tx) => {
    const { row, actor } = await lockUndecided(tx, member, heldId);
    if (!reason) throw validationFailed('reason', { kind: 'explain', why: 'reject' }, 'reason: tell the author why the post is rejected.');
    await held.markDecided(tx, row.id, { decision: 'rejected', by: actor.member.id, reason, postId: null });
    await log(tx, actor, 'reject', { boardId: row.board_id, targetUserId: row.author_id, reason, heldId: row.id });
    await notify(tx, [
      {
        memberId: row.author_id,
        kind: 'post-rejected',
        actorId: actor.member.id,
        threadId: row.thread_id,
        data: { role: actor.role, reason, title: row.title, held: row.id, board: row.board_id },
      },
    ]);
    await announceQueueChanged(tx, row.board_id);
  });
  return toHeld((await held.findHeld(db, heldId))!);
}

/** A review queue as its page and the API show it: the posts waiting, oldest first. */
export interface ReviewQueue {
  /** The board, for a board's queue; null for every board the viewer moderates (`/queue`). */
  board: (Board & { review: BoardReview }) | null;
  entries: HeldPost[];
}

/** A board's queue (its moderators and admins; anyone else 403). */
export async function boardQueue(db: Kysely<Database>, member: Member | null, slug: string): Promise<ReviewQueue> {
  const board = await getBoard(db, slug);
  authorize(await actorOn(db, member, board.id), 'moderate', null);
  const rows = await held.findQueue(db, [board.id]);
  return { board: { ...board, review: board.review ?? 'off' }, entries: rows.map(toHeld) };
}

/** Every board's queue the member moderates (all boards for an admin; 403 for a member who moderates none). */
export async function allQueues(db: Kysely<Database>, member: Member | null): Promise<ReviewQueue> {
  if (!member) throw new AppError(401, 'NotLoggedIn', 'Log in first.');
  if (member.role === 'admin') return { board: null, entries: (await held.findQueue(db, null)).map(toHeld) };
  const boards = await held.moderatedBoards(db, member.id);
  if (boards.length === 0) {
    throw new AppError(403, 'NotAllowed', 'Only a moderator of this board or an admin can do that.', { params: { rule: 'moderator' } });
  }
  return { board: null, entries: (await held.findQueue(db, boards)).map(toHeld) };
}

/**
 * Sets which posts of the board wait for review, from the board's tools (its moderators and
 * admins); logged, the setting as the reason ('new', 'links', 'off'). Setting what is set changes
 * nothing and logs nothing.
 */
export async function setReview(db: Kysely<Database>, member: Member | null, slug: string, review: string): Promise<BoardReview> {
  const board = await getBoard(db, slug);
  if (!BOARD_REVIEWS.includes(review as BoardReview)) {
    throw validationFailed('review', { kind: 'oneOf', values: BOARD_REVIEWS }, `review must be one of ${BOARD_REVIEWS.join(', ')}.`);
  }
  const setting = review as BoardReview;
  await db.transaction().execute(async (tx) => {
    const actor = await actorOn(tx, member, board.id);
    authorize(actor, 'moderate', null);
    if (board.review === setting) return;
    await tx.updateTable('boards').set({ review: setting }).where('id', '=', board.id).execute();
    await log(tx, actor, 'review', { boardId: board.id, reason: setting });
  });
  return setting;
}
