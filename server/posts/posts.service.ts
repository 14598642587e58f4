import type { Kysely } from 'kysely';
import { boardArchived } from '../boards/boards.service';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { type DeferredPace, type Pace, deferPace } from '../limits/paced';
import { checkPostCaps } from '../limits/new-member';
import { AppError, notFound } from '../errors';
import { formatAnnouncement } from '../events/thread-events';
import { notifyExpression } from '../events/notices';
import type { Member } from '../db/member';
import { authorize } from '../policy/policy';
import { actorFromRow } from '../policy/policy.repository';
import * as repo from './posts.write.repository';
import { type PostInput, preparePost } from './posts.body';
import type { NewHeld } from './posts.held.repository';
import { type HeldPost, holdPost, holdReason, reviews } from './posts.held';
import { findMentions, mentionsToNotify } from './posts.mentions';
import type { Post } from './posts.model';
import { threadNotices } from './posts.notices';
import { writeReply, writtenPost } from './posts.publish';
import { resolveQuotes } from './posts.quotes';
import * as threads from './posts.threads.repository';
import { MAX_DEPTH, duplicatePost, slowMode, tooDeep } from './posts.refusals';
import { countPost } from '../metrics/metrics';

/**
 * A post just written, with the members it mentions beyond those notified (MENTION_NOTIFY_MAX):
 * their mentions are linked, and the author can be told they were not notified.
 */
export type WrittenPost = Post & { unnotifiedMentions: string[] };

/**
 * What posting gives: the post, published; or, on a board with review on, the held post that
 * waits for a moderator (posts.held.ts), which nobody else sees until it is approved.
 */
export type Submitted = { held: false; post: WrittenPost } | { held: true; heldPost: HeldPost };

/** The post of a submission that was published; a held one is a programming error here. */
function published(submitted: Submitted): WrittenPost {
  if (submitted.held) throw new Error(`post held for review (held post ${submitted.heldPost.id}): use submitThread/submitReply`);
  return submitted.post;
}

/**
 * Starts a thread in a board. Its mentions are linked and, with the author's followers, notified
 * in the same transaction (posts.notices.ts). `pace` refuses threads started too fast and says
 * whether the member is new (a cap on links and images, checkPostCaps). For callers whose members
 * are never held (seeds, tools, benchmarks: `unpaced`); pages and the API use submitThread.
 */
export async function createThread(
  db: Kysely<Database>,
  member: Member,
  boardSlug: string,
  input: PostInput,
  pace: Pace,
): Promise<WrittenPost> {
  return published(await submitThread(db, member, boardSlug, input, pace));
}

/**
 * Starts a thread, or holds it for review: on a board with review on, a new member's thread
 * (or, on a 'links' board, one with a link to another site) waits for a moderator instead.
 *
 * Two statements between BEGIN and COMMIT, as a reply's (docs/performance.md, "Fewer statements
 * per write"): one reads the board, the actor and the author's followers, spends the limits' points,
 * takes the author's turn (when the duplicate window is on) and the thread's id
 * (posts.threads.repository findThreadContext); one writes the post, its thread, its event and its
 * notifications, unless it is a duplicate (insertThreadPost). The post is answered from what the
 * transaction wrote, not read back. A thread refused, or held, spends its points on its own.
 */
export async function submitThread(
  db: Kysely<Database>,
  member: Member,
  boardSlug: string,
  input: PostInput,
  pace: Pace,
): Promise<Submitted> {
  const paced = await deferPace(pace, 'thread');
  try {
    return await threadPaced(db, member, boardSlug, input, pace, paced);
  } catch (error) {
    await paced.spendAfterRollback();
    if (!(error instanceof HoldInstead)) throw error;
    const heldPost = await holdPost(db, error.held, pace.duplicateSeconds ?? 0);
    countPost('held');
    return { held: true, heldPost };
  }
}

/** submitThread once its pace is deferred; a hold comes out as HoldInstead, after the transaction rolled back. */
async function threadPaced(
  db: Kysely<Database>,
  member: Member,
  boardSlug: string,
  input: PostInput,
  pace: Pace,
  { newMember, caps, spending, settle, transaction }: DeferredPace,
): Promise<Submitted> {
  const content = preparePost(input);
  // Which members exist, and the posts it quotes, are asked before the transaction (only when the
  // post has an @ or a quote at all), as a reply's are.
  const mentions = await findMentions(db, content.title, content.body);
  const { notified, unnotified } = mentionsToNotify(mentions.members, member.id);
  const quotes = await resolveQuotes(db, mentions.body);
  const duplicateSeconds = pace.duplicateSeconds ?? 0;
  const written = await transaction(db, async (tx) => {
    const board = await threads.findThreadContext(tx, boardSlug, member, spending, duplicateSeconds > 0);
    if (!board) throw notFound('BoardNotFound', `There is no board "${boardSlug}".`, { params: { slug: boardSlug } });
    settle(board.paced_until === null ? null : Number(board.paced_until));
    const actor = actorFromRow(member, board);
    authorize(actor, 'post', null);
    if (board.archived_at) throw boardArchived(board.board_slug);
    // The board's moderators and admins are never held, whatever their trust.
    const hold = newMember && actor.role === 'member' && reviews(board.review) ? holdReason(board.review, content.body) : null;
    if (hold) {
      checkPostCaps(content.body, caps);
      const held = { boardId: board.board_id, threadId: null, parentId: null, authorId: member.id, ...content, address: pace.address };
      throw new HoldInstead({ ...held, reason: hold });
    }
    checkPostCaps(mentions.body, caps);
    const id = board.post_id;
    const post: repo.NewPost = { id, boardId: board.board_id, threadId: id, parentId: null, path: [id], authorId: member.id, ...content };
    post.body = quotes.body;
    const notices = threadNotices({
      threadId: id,
      authorId: member.id,
      followers: board.followers,
      mentioned: notified,
      quoted: quotes.quoted,
    });
    const payload = formatAnnouncement({ threadId: id, boardId: board.board_id, seq: 1, kind: 'post:new', postId: id });
    const createdAt = await threads.insertThreadPost(tx, post, payload, notifyExpression(notices), duplicateSeconds, pace.address);
    if (!createdAt) throw duplicatePost('thread', duplicateSeconds);
    return { post, createdAt };
  });
  countPost('thread');
  return {
    held: false,
    post: { ...writtenPost(written.post, written.createdAt, member), unnotifiedMentions: unnotified.map((m) => m.name) },
  };
}

/** Thrown inside a reply's transaction to roll it back when the reply is to be held instead. */
class HoldInstead extends Error {
  constructor(readonly held: NewHeld) {
    super('held for review');
  }
}

/** A reply, for callers whose members are never held (seeds, tools, benchmarks); pages and the API use submitReply. */
export async function reply(db: Kysely<Database>, member: Member, parentId: string, input: PostInput, pace: Pace): Promise<WrittenPost> {
  return published(await submitReply(db, member, parentId, input, pace));
}

/** The 404 of a reply to a post that is not there. */
const parentNotFound = (parentId: string) => notFound('PostNotFound', `There is no post ${parentId}.`, { params: { id: parentId } });

/**
 * Replies to any post of a thread that is open, under a post that is not deleted. The parent's
 * author, the thread's starter and the members mentioned are notified in the same transaction.
 * On a board with review on, a new member's reply is held for a moderator instead (posts.held.ts):
 * the board's setting comes with the reply's first statement, and whether the member is new with
 * the pace (decided before the transaction); the transaction, with the thread's counters it took, rolls back, and the
 * held post is written in one of its own.
 *
 * Two statements between BEGIN and COMMIT, whatever the reply (docs/performance.md, "Replies"):
 * one reads the parent, the actor and the starter and counts the reply on its thread
 * (findReplyContext); one writes the post, its notifications and its event (insertReply). The
 * post is answered from what the transaction wrote, not read back.
 * `pace` refuses follow-ups posted too fast (by the member or from their address), and says
 * whether the member is new (a cap on links and images, checkPostCaps).
 */
export async function submitReply(
  db: Kysely<Database>,
  member: Member,
  parentId: string,
  input: PostInput,
  pace: Pace,
): Promise<Submitted> {
  if (!isId(parentId)) throw parentNotFound(parentId);
  // The limits' points are spent by the reply's first statement, not by one of their own
  // (docs/performance.md, "Posting limits"): a refused follow-up gives its points back there and
  // never locks the thread row; one refused for anything else, or held, spends them on its own
  // afterwards. What needs no statement is decided now: whether the member is new, and a refusal
  // without a statement while this process knows the member's window is full.
  const paced = await deferPace(pace, 'reply');
  try {
    return await replyPaced(db, member, parentId, input, pace, paced);
  } catch (error) {
    await paced.spendAfterRollback();
    if (!(error instanceof HoldInstead)) throw error;
    const heldPost = await holdPost(db, error.held, pace.duplicateSeconds ?? 0);
    countPost('held');
    return { held: true, heldPost };
  }
}

/** submitReply once its pace is deferred; a hold comes out as HoldInstead, after the transaction rolled back. */
async function replyPaced(
  db: Kysely<Database>,
  member: Member,
  parentId: string,
  input: PostInput,
  pace: Pace,
  { newMember, caps, spending, settle, transaction }: DeferredPace,
): Promise<Submitted> {
  const content = preparePost(input);
  // Which members exist is no part of the reply's transaction: asked before it (and only when the
  // post has an @ at all), so the thread row is not held locked meanwhile.
  const mentions = await findMentions(db, content.title, content.body);
  checkPostCaps(mentions.body, caps);
  const { notified, unnotified } = mentionsToNotify(mentions.members, member.id);
  // The posts it quotes, likewise before the transaction (only when it holds a quote at all): their
  // authors' names for the attributions, and who is notified.
  const { body, quoted } = await resolveQuotes(db, mentions.body, parentId);
  const written = await transaction(db, async (tx) => {
    const parent = await repo.findReplyContext(tx, parentId, member, spending);
    if (!parent) throw parentNotFound(parentId);
    settle(parent.paced_until === null ? null : Number(parent.paced_until));
    authorize(actorFromRow(member, parent), 'post', null);
    if (parent.archived) throw boardArchived(parent.board_slug);
    if (parent.deleted_at)
      throw new AppError(409, 'PostDeleted', 'That post was deleted: reply to another one.', { params: { refused: 'reply' } });
    if (parent.path.length > MAX_DEPTH) throw tooDeep();
    if (parent.locked === null || parent.seq === null || parent.post_id === null) throw parentNotFound(parentId);
    if (parent.locked)
      throw new AppError(409, 'ThreadLocked', 'This thread is locked: no new follow-ups.', { params: { refused: 'reply' } });
    // Moderators of the board and admins are never held; anyone else only while new.
    if (reviews(parent.review) && !parent.moderates && member.role !== 'admin') {
      const hold = newMember ? holdReason(parent.review, content.body) : null;
      if (hold) {
        throw new HoldInstead({
          boardId: parent.board_id,
          threadId: parent.thread_id,
          parentId: parent.id,
          authorId: member.id,
          ...content,
          address: pace.address,
          reason: hold,
        });
      }
    }
    // Board moderators (and admins) are exempt from slow mode: they are the ones running the thread.
    const slowSeconds = parent.moderates ? 0 : (parent.slow_mode_seconds ?? 0);
    const { post, written } = await writeReply(
      tx,
      parent,
      { postId: parent.post_id, seq: parent.seq },
      { authorId: member.id, ...content, body },
      { mentioned: notified, quoted },
      { duplicateSeconds: pace.duplicateSeconds ?? 0, slowSeconds },
      pace.address,
    );
    if (written.duplicate) throw duplicatePost('reply', pace.duplicateSeconds ?? 0);
    if (written.last_reply_at) {
      // created_at is the transaction's now(): the same clock the previous reply was stamped by.
      const wait = Math.ceil((written.last_reply_at.getTime() + slowSeconds * 1000 - written.created_at.getTime()) / 1000);
      if (wait > 0) throw slowMode(slowSeconds, wait);
    }
    return { post, createdAt: written.created_at };
  });
  countPost('reply');
  return {
    held: false,
    post: { ...writtenPost(written.post, written.createdAt, member), unnotifiedMentions: unnotified.map((m) => m.name) },
  };
}
