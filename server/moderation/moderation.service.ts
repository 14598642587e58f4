import type { Kysely, Transaction } from 'kysely';
import { boardArchived } from '../boards/boards.service';
import type { BodyFormat, Database, Db } from '../db/database';
import { type DeferredPace, type Pace, deferPace } from '../limits/paced';
import { checkPostCaps } from '../limits/new-member';
import { isId } from '../db/ids';
import { AppError, notFound, validationFailed } from '../errors';
import { formatAnnouncement, recordThreadEvent } from '../events/thread-events';
import type { ThreadStateKind } from '../db/thread-events.kinds';
import * as boards from '../boards/boards.repository';
import * as members from '../members/members.repository';
import type { Member } from '../db/member';
import { nameKey } from '../members/names';
import * as posts from '../posts/posts.repository';
import { type Post, getPost, toPost } from '../posts/posts.model';
import { preparePost } from '../posts/posts.body';
import { type Rules, authorize } from '../policy/policy';
import { actorFromRow } from '../policy/policy.repository';
import { cleanReason } from '../text/reason';
import { log } from './moderation.log';
import * as change from './moderation.change.repository';
import type { ChangeRow } from './moderation.change.repository';
import * as repo from './moderation.repository';
import { closeReports, noticeModerated, relinkMentions } from './moderation.notices';

/**
 * Changes to existing posts and threads: edits, deletion and restoring, lock/pin/feature, slow
 * mode, hiding revisions, and who moderates a board. Each change is one transaction that checks
 * who may make it, writes the change, a thread event (for live readers) where a thread changed,
 * and a line in the moderation log (moderation.log.ts). Bans are in moderation.banning.ts, a
 * post's history in moderation.revisions.ts, reports and the report queue in moderation.reports.ts.
 */

/**
 * What an archived board still lets be changed (README "Archived boards"): nothing, or only by an
 * admin ('admins': taking down a post or an old version without reopening the board to posting).
 */
type WhileArchived = 'nobody' | 'admins';

/**
 * Locks the post (and its thread's event counter) and returns it with the actor on its board, in
 * one statement (moderation.change.repository lockForChange), spending `paced`'s points there.
 * On an archived board the change is refused (409 BoardArchived) unless `archived` lets the actor
 * make it; the refusal comes after the actor's own (a stranger learns nothing of the board).
 */
async function loadForChange(tx: Db, member: Member | null, postId: string, archived: WhileArchived, paced?: DeferredPace | null) {
  const post = isId(postId) ? await change.lockForChange(tx, postId, member, paced?.spending ?? null) : undefined;
  if (!post) throw notFound('PostNotFound', `There is no post ${postId}.`, { params: { id: postId } });
  paced?.settle(post.paced_until === null ? null : Number(post.paced_until));
  const actor = member ? actorFromRow(member, post as Required<ChangeRow>) : null;
  const facts = { authorId: post.author_id, createdAt: post.created_at, deleted: post.deleted_at !== null, locked: post.locked };
  const refuseArchived = () => {
    if (post.board_archived && !(archived === 'admins' && actor?.role === 'admin')) throw boardArchived(post.board_slug);
  };
  return { post, actor, facts, refuseArchived };
}

/**
 * Edits a post's title and/or body; the version it replaces goes to post_revisions. `pace`
 * refuses edits made too fast (moderators' included: their windows are as wide).
 */
export async function editPost(
  db: Kysely<Database>,
  rules: Rules,
  member: Member | null,
  postId: string,
  input: { title?: string; body?: string; format?: BodyFormat; reason?: string },
  pace: Pace,
): Promise<Post> {
  // The limits' points are spent by the edit's first statement (as a reply's are: posts.service
  // submitReply); an edit refused for anything else spends them on its own afterwards.
  const paced = member ? await deferPace(pace, 'edit') : null;
  try {
    const edit = async (tx: Transaction<Database>): Promise<Post> => {
      // An archived board is read-only, for its moderators and admins too: unarchive it first.
      const { post, actor, facts, refuseArchived } = await loadForChange(tx, member, postId, 'nobody', paced);
      authorize(actor, 'edit', facts, rules);
      refuseArchived();
      const reason = cleanReason(input.reason);
      // What the author wrote is what an edit changes: without a body, the source as it is (in the
      // format given, else its own); a body without a format is read as before formats (deprecated).
      const prepared = preparePost(
        input.body === undefined
          ? { title: input.title ?? post.title, body: post.source, format: input.format ?? post.format }
          : { title: input.title ?? post.title, body: input.body, format: input.format },
      );
      const mentions = await relinkMentions(tx, actor, post, prepared);
      const next = { ...prepared, body: mentions.body };
      const same = next.title === post.title && next.body === post.body && next.source === post.source && next.format === post.format;
      // Nothing changed: no new version, the post as it is.
      if (same) return writtenOf(post);
      // A new member's own edit is held to the caps their posts are (a moderator's edit is not).
      if (actor.member.id === post.author_id) checkPostCaps(next.body, paced?.caps ?? null);
      const seq = Number(post.seq) + 1;
      const payload = formatAnnouncement({ threadId: post.thread_id, boardId: post.board_id, seq, kind: 'post:edit', postId: post.id });
      const editedAt = await change.writeEdit(tx, post, next, { editorId: actor.member.id, editorRole: actor.role, reason, seq, payload });
      if (actor.role !== 'member') await closeReports(tx, actor, post, 'edited');
      await mentions.notify();
      await noticeModerated(tx, actor, post, 'post-edited', reason);
      // The post as getPost would read it back after the commit.
      return writtenOf({
        ...post,
        ...next,
        revision: post.revision + 1,
        edited_at: editedAt,
        edited_role: actor.role,
        editor_name: actor.member.name,
        edit_reason: reason,
      });
    };
    // The address's limits sent ahead of the edit's BEGIN (limits/paced.ts DeferredPace).
    return await (paced ? paced.transaction(db, edit) : db.transaction().execute(edit));
  } catch (error) {
    await paced?.spendAfterRollback();
    throw error;
  }
}

/** The post as its edit form shows it, with what its author wrote, for someone who may edit it (else the refusal). */
export async function postForEdit(db: Kysely<Database>, rules: Rules, member: Member | null, postId: string): Promise<Post> {
  return db.transaction().execute(async (tx) => {
    const { post, actor, facts, refuseArchived } = await loadForChange(tx, member, postId, 'nobody');
    authorize(actor, 'edit', facts, rules);
    refuseArchived();
    return writtenOf(post);
  });
}

/** A post as a change read it, with what its author wrote (`written`): for someone who may edit it. */
const writtenOf = (post: ChangeRow): Post => ({ ...toPost(post), written: { format: post.format, source: post.source } });

/** Deletes a post: it stays in the tree as a tombstone; a moderator deleting another's post gives a reason. */
export async function deletePost(
  db: Kysely<Database>,
  rules: Rules,
  member: Member | null,
  postId: string,
  input: { reason?: string },
): Promise<Post> {
  await db.transaction().execute(async (tx) => {
    // On an archived board only an admin deletes (a takedown): members and moderators cannot.
    const { post, actor, facts, refuseArchived } = await loadForChange(tx, member, postId, 'admins');
    authorize(actor, 'delete', facts, rules);
    refuseArchived();
    const reason = cleanReason(input.reason);
    const own = post.author_id === actor.member.id;
    if (!own && !reason)
      throw validationFailed('reason', { kind: 'explain', why: 'delete' }, 'reason: say why you delete another member’s post.');
    await repo.markDeleted(tx, post.id, actor.member.id, own ? 'member' : actor.role, reason);
    await posts.setSearchDeleted(tx, post.id, true);
    await recordThreadEvent(tx, { threadId: post.thread_id, boardId: post.board_id, kind: 'post:delete', postId: post.id });
    await log(tx, actor, 'delete', { boardId: post.board_id, postId: post.id, targetUserId: post.author_id, reason });
    if (!own) await closeReports(tx, actor, post, 'deleted');
    await noticeModerated(tx, actor, post, 'post-deleted', reason);
  });
  return getPost(db, postId);
}

/** Brings a deleted post back (moderators and admins). */
export async function restorePost(db: Kysely<Database>, rules: Rules, member: Member | null, postId: string): Promise<Post> {
  await db.transaction().execute(async (tx) => {
    const { post, actor, facts, refuseArchived } = await loadForChange(tx, member, postId, 'admins');
    authorize(actor, 'restore', facts, rules);
    refuseArchived();
    if (!post.deleted_at) throw new AppError(409, 'PostNotDeleted', 'This post is not deleted.');
    await repo.clearDeleted(tx, post.id);
    await posts.setSearchDeleted(tx, post.id, false);
    await recordThreadEvent(tx, { threadId: post.thread_id, boardId: post.board_id, kind: 'post:restore', postId: post.id });
    await log(tx, actor, 'restore', { boardId: post.board_id, postId: post.id, targetUserId: post.author_id });
  });
  return getPost(db, postId);
}

export type ThreadChange = 'lock' | 'unlock' | 'pin' | 'unpin' | 'feature' | 'unfeature';
const FLAGS: Record<
  ThreadChange,
  { flag: 'locked' | 'pinned' | 'featured'; value: boolean; needs: 'lock' | 'pin' | 'feature'; kind: ThreadStateKind }
> = {
  lock: { flag: 'locked', value: true, needs: 'lock', kind: 'thread:lock' },
  unlock: { flag: 'locked', value: false, needs: 'lock', kind: 'thread:unlock' },
  pin: { flag: 'pinned', value: true, needs: 'pin', kind: 'thread:pin' },
  unpin: { flag: 'pinned', value: false, needs: 'pin', kind: 'thread:unpin' },
  feature: { flag: 'featured', value: true, needs: 'feature', kind: 'thread:feature' },
  unfeature: { flag: 'featured', value: false, needs: 'feature', kind: 'thread:unfeature' },
};

/** Locks, pins or features a thread (or undoes it). Doing what is already so changes nothing. */
export async function changeThread(db: Kysely<Database>, rules: Rules, member: Member | null, threadId: string, change: ThreadChange) {
  const { flag, value, needs, kind } = FLAGS[change];
  await db.transaction().execute(async (tx) => {
    const { post, actor, facts, refuseArchived } = await loadForChange(tx, member, threadId, 'nobody');
    if (post.id !== post.thread_id) {
      throw notFound('PostNotFound', `Post ${threadId} is a follow-up, not a thread.`, { params: { id: threadId, notThread: true } });
    }
    authorize(actor, needs, facts, rules);
    refuseArchived();
    if (post[flag] === value) return;
    await repo.setThreadFlag(tx, post.thread_id, flag, value);
    await recordThreadEvent(tx, { threadId: post.thread_id, boardId: post.board_id, kind, postId: post.id });
    await log(tx, actor, change, { boardId: post.board_id, postId: post.id });
  });
  return (await posts.findThreadState(db, threadId))!;
}

/** Longest slow mode: one follow-up a day. */
export const SLOW_MODE_MAX_SECONDS = 86_400;

/**
 * Sets a thread's slow mode: one follow-up per `seconds` per member (0: off), by the moderators
 * of its board (and admins), who are themselves exempt (posts.service.ts reply). Logged, and a
 * thread event, so the thread's seq rises and every cached page of it shows the change. Setting
 * what is already set changes nothing.
 */
export async function setSlowMode(db: Kysely<Database>, rules: Rules, member: Member | null, threadId: string, seconds: number) {
  await db.transaction().execute(async (tx) => {
    const { post, actor, facts, refuseArchived } = await loadForChange(tx, member, threadId, 'nobody');
    if (post.id !== post.thread_id) {
      throw notFound('PostNotFound', `Post ${threadId} is a follow-up, not a thread.`, { params: { id: threadId, notThread: true } });
    }
    // The log line's reason is the new setting, script-neutral (0s: off).
    // Whoever may lock a thread may slow it: the board's moderators and admins.
    authorize(actor, 'lock', facts, rules);
    refuseArchived();
    if (post.slow_mode_seconds === seconds) return;
    await repo.setSlowMode(tx, post.thread_id, seconds);
    await recordThreadEvent(tx, { threadId: post.thread_id, boardId: post.board_id, kind: 'thread:slow', postId: post.id });
    await log(tx, actor, 'slow-mode', { boardId: post.board_id, postId: post.id, reason: `${seconds}s` });
  });
  return (await posts.findThreadState(db, threadId))!;
}

/**
 * Hides a replaced version of a post (its title, body and edit reason) from everyone but the
 * board's moderators and admins, or shows it again. The current version cannot be hidden: an edit
 * replaces it. Doing what is already so changes nothing and logs nothing.
 */
export async function setRevisionHidden(
  db: Kysely<Database>,
  member: Member | null,
  postId: string,
  revision: number,
  hidden: boolean,
  input: { reason?: string },
): Promise<{ postId: string; revision: number; hidden: boolean }> {
  await db.transaction().execute(async (tx) => {
    // The post's row is locked: an edit cannot make the current version a replaced one meanwhile.
    // Hiding an old version on an archived board is a takedown too: admins only.
    const { post, actor, facts, refuseArchived } = await loadForChange(tx, member, postId, 'admins');
    authorize(actor, 'hideRevision', facts);
    refuseArchived();
    const reason = cleanReason(input.reason);
    if (revision === post.revision) {
      throw new AppError(
        409,
        'RevisionIsCurrent',
        'The current version cannot be hidden: edit the post to replace it, then hide the old one.',
      );
    }
    const row = revision < post.revision ? await repo.lockRevision(tx, post.id, revision) : undefined;
    if (!row) throw notFound('RevisionNotFound', `Post ${post.id} has no version ${revision}.`);
    if ((row.hidden_at !== null) === hidden) return;
    await repo.setRevisionHidden(tx, post.id, revision, hidden ? actor.member.id : null);
    await log(tx, actor, hidden ? 'hide-revision' : 'unhide-revision', {
      boardId: post.board_id,
      postId: post.id,
      targetUserId: post.author_id,
      reason,
      revision,
    });
  });
  return { postId, revision, hidden };
}
/** Makes a member a moderator (版主) of a board; their site role becomes at least moderator. */
export async function addModerator(db: Kysely<Database>, slug: string, memberName: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const board = await boards.findBoardBySlug(tx, slug);
    if (!board) throw notFound('BoardNotFound', `There is no board "${slug}".`, { params: { slug } });
    const user = await members.findUserByKey(tx, nameKey(memberName));
    if (!user) throw notFound('MemberNotFound', `There is no member "${memberName}".`, { params: { name: memberName } });
    await boards.insertModerator(tx, board.id, user.id);
    if (user.role === 'member') await members.setUserRole(tx, user.id, 'moderator');
  });
}
