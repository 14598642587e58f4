import type { Kysely } from 'kysely';
import { boardArchived, getBoard } from '../boards/boards.service';
import type { BodyFormat, BoardRole, Database, Db, ModerationAction } from '../db/database';
import type { Pace } from '../limits/paced';
import { checkPostCaps } from '../limits/new-member';
import { isId } from '../db/ids';
import { AppError, notFound, validationFailed } from '../errors';
import { recordThreadEvent } from '../events/thread-events';
import type { ThreadStateKind } from '../db/thread-events.kinds';
import * as boards from '../boards/boards.repository';
import * as members from '../members/members.repository';
import type { Member } from '../db/member';
import { nameKey } from '../members/names';
import * as posts from '../posts/posts.repository';
import { type Post, getPost, preparePost } from '../posts/posts.service';
import { type Actor, type Ban, type Rules, authorize, authorizeBanOf, can } from '../policy/policy';
import { actorOn, moderatesAnyBoard } from '../policy/policy.repository';
import { cleanReason } from '../text/reason';
import type { VersionText } from './moderation.diff';
import * as repo from './moderation.repository';
import { closeReports, noticeBanned, noticeBannedBy, noticeModerated, relinkMentions } from './moderation.notices';

/**
 * Changes to existing posts and threads: edits, deletion and restoring, lock/pin/feature, bans,
 * hiding revisions; the log and a post's history. Each change is one transaction that checks who
 * may make it, writes the change, a thread event (for live readers) where a thread changed, and a
 * line in the moderation log. Reports and the report queue are in moderation.reports.ts.
 */

/**
 * What an archived board still lets be changed (README "Archived boards"): nothing, or only by an
 * admin ('admins': taking down a post or an old version without reopening the board to posting).
 */
type WhileArchived = 'nobody' | 'admins';

/**
 * Locks the post (and its thread's event counter) and returns it with the actor on its board.
 * On an archived board the change is refused (409 BoardArchived) unless `archived` lets the actor
 * make it; the refusal comes after the actor's own (a stranger learns nothing of the board).
 */
async function loadForChange(tx: Db, member: Member | null, postId: string, archived: WhileArchived) {
  const post = isId(postId) ? await repo.lockPost(tx, postId) : undefined;
  if (!post) throw notFound('PostNotFound', `There is no post ${postId}.`, { params: { id: postId } });
  // The thread row is locked too: a lock committed meanwhile cannot be missed by an author's edit.
  const [actor, thread, board] = await Promise.all([
    actorOn(tx, member, post.board_id),
    repo.lockThread(tx, post.thread_id),
    boards.findBoardState(tx, post.board_id),
  ]);
  if (!thread) throw notFound('PostNotFound', `Post ${postId} belongs to no thread.`, { params: { id: postId } });
  const facts = { authorId: post.author_id, createdAt: post.created_at, deleted: post.deleted_at !== null, locked: thread.locked };
  const refuseArchived = () => {
    if (board.archived_at && !(archived === 'admins' && actor?.role === 'admin')) throw boardArchived(board.slug);
  };
  return { post, actor, facts, refuseArchived };
}

/** Writes a line in the moderation log. */
export async function log(
  tx: Db,
  actor: Actor,
  action: ModerationAction,
  e: { boardId: string | null; postId?: string; targetUserId?: string; reason?: string | null; revision?: number; heldId?: string },
) {
  await repo.insertLog(tx, { ...e, actorId: actor.member.id, actorRole: actor.role, action });
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
  const caps = member ? (await pace('edit')).caps : null;
  await db.transaction().execute(async (tx) => {
    // An archived board is read-only, for its moderators and admins too: unarchive it first.
    const { post, actor, facts, refuseArchived } = await loadForChange(tx, member, postId, 'nobody');
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
    if (same) return; // nothing changed: no new version
    // A new member's own edit is held to the caps their posts are (a moderator's edit is not).
    if (actor.member.id === post.author_id) checkPostCaps(next.body, caps);
    await repo.insertRevision(tx, {
      postId: post.id,
      revision: post.revision,
      title: post.title,
      body: post.body,
      bytes: post.bytes,
      format: post.format,
      source: post.source,
      replacedBy: actor.member.id,
      replacedRole: actor.role,
      reason,
    });
    await repo.updatePostContent(tx, post.id, {
      ...next,
      revision: post.revision + 1,
      editorId: actor.member.id,
      editorRole: actor.role,
      reason,
    });
    await posts.upsertSearchDoc(tx, post.id, next.searchDoc);
    await recordThreadEvent(tx, { threadId: post.thread_id, boardId: post.board_id, kind: 'post:edit', postId: post.id });
    await log(tx, actor, 'edit', { boardId: post.board_id, postId: post.id, targetUserId: post.author_id, reason });
    if (actor.role !== 'member') await closeReports(tx, actor, post, 'edited');
    await mentions.notify();
    await noticeModerated(tx, actor, post, 'post-edited', reason);
  });
  return withSource(db, postId);
}

/** The post with what its author wrote (`written`), for someone who may edit it. */
async function withSource(db: Kysely<Database>, postId: string): Promise<Post> {
  const [post, written] = await Promise.all([getPost(db, postId), posts.findSource(db, postId)]);
  return written ? { ...post, written } : post;
}

/** The post as its edit form shows it, with what its author wrote, for someone who may edit it (else the refusal). */
export async function postForEdit(db: Kysely<Database>, rules: Rules, member: Member | null, postId: string): Promise<Post> {
  await db.transaction().execute(async (tx) => {
    const { actor, facts, refuseArchived } = await loadForChange(tx, member, postId, 'nobody');
    authorize(actor, 'edit', facts, rules);
    refuseArchived();
  });
  return withSource(db, postId);
}

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
    const state = (await posts.findThreadState(tx, post.thread_id))!;
    if (state[flag] === value) return;
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
    const state = (await posts.findThreadState(tx, post.thread_id))!;
    if (state.slow_mode_seconds === seconds) return;
    await repo.setSlowMode(tx, post.thread_id, seconds);
    await recordThreadEvent(tx, { threadId: post.thread_id, boardId: post.board_id, kind: 'thread:slow', postId: post.id });
    await log(tx, actor, 'slow-mode', { boardId: post.board_id, postId: post.id, reason: `${seconds}s` });
  });
  return (await posts.findThreadState(db, threadId))!;
}

export const BAN_MAX_DAYS = 3650;

/** A ban just given, with the banned member's name. */
export type IssuedBan = Ban & { username: string };

/**
 * Bans a member from a board (its moderators, or an admin) or, with no board, from the whole site
 * (admins). Moderators (of any board) and admins cannot be banned by moderators; nobody bans
 * themselves.
 */
export async function banMember(
  db: Kysely<Database>,
  member: Member | null,
  input: { board?: string; username: string; days: number; reason: string; postId?: string },
  /** More work in the ban's transaction (the admin console's audit line). */
  also?: (tx: Db, ban: IssuedBan) => Promise<void>,
): Promise<IssuedBan> {
  const board = input.board === undefined ? null : await getBoard(db, input.board);
  const reason = cleanReason(input.reason);
  if (!reason) throw validationFailed('reason', { kind: 'explain', why: 'ban' }, 'reason: say why the member is banned.');
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > BAN_MAX_DAYS) {
    throw validationFailed('days', { kind: 'between', min: 1, max: BAN_MAX_DAYS }, `days: a whole number from 1 to ${BAN_MAX_DAYS}.`);
  }
  return db.transaction().execute(async (tx) => {
    const actor = await actorOnBoardOrSite(tx, member, board?.id ?? null);
    authorize(actor, board ? 'ban' : 'siteBan', null);
    const target = await members.findUserByKey(tx, nameKey(input.username));
    if (!target) throw notFound('MemberNotFound', `There is no member "${input.username}".`, { params: { name: input.username } });
    if (target.id === actor.member.id) throw new AppError(403, 'NotAllowed', 'You cannot ban yourself.', { params: { rule: 'banSelf' } });
    authorizeBanOf(actor, { role: target.role, moderates: await moderatesAnyBoard(tx, target.id) });
    let reportedThread: string | undefined;
    if (input.postId) {
      // Only a post of this board, by the member banned, can have its reports closed this way;
      // checked before anything is written (the log row's post_id must name a post).
      const reported = isId(input.postId) ? await posts.findPost(tx, input.postId) : undefined;
      if (!reported) throw notFound('PostNotFound', `postId: there is no post ${input.postId}.`, { params: { id: input.postId } });
      if (reported.board_id !== (board?.id ?? reported.board_id) || reported.author_id !== target.id) {
        throw validationFailed('postId', { kind: 'notTheirPost' }, 'postId: a post by this member on this board.');
      }
      reportedThread = reported.thread_id;
    }
    const expiresAt = new Date(Date.now() + input.days * 86400_000);
    const ban = await repo.insertBan(tx, { boardId: board?.id ?? null, userId: target.id, bannedBy: actor.member.id, reason, expiresAt });
    await log(tx, actor, board ? 'ban' : 'site-ban', { boardId: board?.id ?? null, targetUserId: target.id, reason, postId: input.postId });
    if (input.postId) await closeReports(tx, actor, { id: input.postId, thread_id: reportedThread! }, 'banned');
    await noticeBanned(tx, actor, { userId: target.id, reason, expiresAt: ban.expires_at, board });
    const issued = { id: ban.id, boardId: ban.board_id, reason, expiresAt: ban.expires_at, username: target.name };
    await also?.(tx, issued);
    return issued;
  });
}

/** The end of a ban given `--forever` at the CLI: a date both PostgreSQL and JavaScript write plainly. */
export const BAN_FOREVER = new Date('9999-12-31T00:00:00.000Z');

/**
 * A site ban given by the operator at the CLI (`member:ban`): whoever runs the CLI on the forum's
 * database is trusted as an admin is, and no account gives the ban (banned_by and the log's actor
 * are empty; pages show the CLI). The rules are the console's: admins cannot be banned (demote them
 * first), a reason is needed, days from 1 to BAN_MAX_DAYS or `forever`. The member is told, as with
 * any ban; `also` adds the audit line in the same transaction.
 */
export async function banAsOperator(
  db: Kysely<Database>,
  input: { username: string; days: number | 'forever'; reason: string },
  also?: (tx: Db, ban: IssuedBan) => Promise<void>,
): Promise<IssuedBan> {
  const reason = cleanReason(input.reason);
  if (!reason) throw validationFailed('reason', { kind: 'explain', why: 'ban' }, 'reason: say why the member is banned.');
  const days = input.days;
  if (days !== 'forever' && (!Number.isInteger(days) || days < 1 || days > BAN_MAX_DAYS)) {
    throw validationFailed('days', { kind: 'between', min: 1, max: BAN_MAX_DAYS }, `days: a whole number from 1 to ${BAN_MAX_DAYS}.`);
  }
  return db.transaction().execute(async (tx) => {
    const target = await members.findUserByKey(tx, nameKey(input.username));
    if (!target || target.deleted_at)
      throw notFound('MemberNotFound', `There is no member "${input.username}".`, { params: { name: input.username } });
    if (target.role === 'admin') throw new AppError(403, 'NotAllowed', 'Admins cannot be banned.', { params: { rule: 'banAdmin' } });
    const expiresAt = days === 'forever' ? BAN_FOREVER : new Date(Date.now() + days * 86400_000);
    const ban = await repo.insertBan(tx, { boardId: null, userId: target.id, bannedBy: null, reason, expiresAt });
    await repo.insertLog(tx, { boardId: null, actorId: null, actorRole: 'admin', action: 'site-ban', targetUserId: target.id, reason });
    await noticeBannedBy(tx, null, { userId: target.id, reason, expiresAt: ban.expires_at, board: null });
    const issued = { id: ban.id, boardId: null, reason, expiresAt: ban.expires_at, username: target.name };
    await also?.(tx, issued);
    return issued;
  });
}

/**
 * Lifts a member's site bans in force at the CLI (`member:unban`); returns the bans lifted (none
 * when the member had none). Logged with no account as the actor; `also` runs once per ban.
 */
export async function unbanAsOperator(
  db: Kysely<Database>,
  username: string,
  also?: (tx: Db, ban: IssuedBan) => Promise<void>,
): Promise<IssuedBan[]> {
  return db.transaction().execute(async (tx) => {
    const target = await members.findUserByKey(tx, nameKey(username));
    if (!target) throw notFound('MemberNotFound', `There is no member "${username}".`, { params: { name: username } });
    const bans = await tx
      .selectFrom('bans')
      .select(['id', 'reason', 'expires_at'])
      .where('user_id', '=', target.id)
      .where('board_id', 'is', null)
      .where('lifted_at', 'is', null)
      .where('expires_at', '>', new Date())
      .orderBy('id')
      .execute();
    const lifted: IssuedBan[] = [];
    for (const b of bans) {
      await repo.liftBan(tx, b.id, null);
      await repo.insertLog(tx, { boardId: null, actorId: null, actorRole: 'admin', action: 'lift-ban', targetUserId: target.id });
      const issued = { id: b.id, boardId: null, reason: b.reason, expiresAt: b.expires_at, username: target.name };
      await also?.(tx, issued);
      lifted.push(issued);
    }
    return lifted;
  });
}

/** Ends a ban early; `also` does more in its transaction (the admin console's audit line). */
export async function liftBan(
  db: Kysely<Database>,
  member: Member | null,
  banId: string,
  also?: (tx: Db, ban: IssuedBan) => Promise<void>,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const ban = isId(banId) ? await repo.findBan(tx, banId) : undefined;
    if (!ban || ban.lifted_at) throw notFound('BanNotFound', `There is no ban ${banId} in force.`);
    const actor = await actorOnBoardOrSite(tx, member, ban.board_id);
    authorize(actor, ban.board_id ? 'ban' : 'siteBan', null);
    await repo.liftBan(tx, ban.id, actor.member.id);
    await log(tx, actor, 'lift-ban', { boardId: ban.board_id, targetUserId: ban.user_id });
    if (also) {
      const user = await members.findUserById(tx, ban.user_id);
      await also(tx, { id: ban.id, boardId: ban.board_id, reason: ban.reason, expiresAt: ban.expires_at, username: user?.name ?? '' });
    }
  });
}

/** The actor on a board, or site-wide (no board: their site role, admins only matter). */
async function actorOnBoardOrSite(tx: Db, member: Member | null, boardId: string | null): Promise<Actor | null> {
  if (boardId) return actorOn(tx, member, boardId);
  if (!member) return null;
  return { member, role: member.role === 'admin' ? 'admin' : 'member', ban: null };
}

/** A page of a board's moderation log (its moderators and admins). */
export async function moderationLog(db: Kysely<Database>, member: Member | null, slug: string, page: number) {
  const board = await getBoard(db, slug);
  authorize(await actorOn(db, member, board.id), 'moderate', null);
  return { board, entries: await repo.findLog(db, board.id, page), page };
}

/** A page of every board's moderation log (admins). */
export async function siteModerationLog(db: Kysely<Database>, member: Member | null, page: number) {
  authorize(await actorOnBoardOrSite(db, member, null), 'siteBan', null);
  return { entries: await repo.findLog(db, undefined, page), page };
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

/** Versions of a post on one page of `/t/:id/revisions` (and of its API). */
export const VERSIONS_PER_PAGE = 20;

/** One version of a post as the revisions page shows it, with the version it is compared with. */
export interface Version extends VersionText {
  by: { name: string; role: BoardRole };
  at: Date;
  reason: string | null;
  /** Hidden by a moderator: for readers who may not see it, title, body and reason are empty. */
  hidden: boolean;
  /**
   * The version shown as changed into this one (null: shown whole). For readers who may not see
   * hidden versions, the newest one below that is not hidden, so no diff reveals a hidden one.
   */
  previous: VersionText | null;
}

/** A page of a post's history: the post as it is now and the versions on the page. */
export interface Revisions {
  post: Post;
  versions: Version[];
  page: number;
  pages: number;
  total: number;
  /** The viewer may see hidden versions' content (they moderate the board). */
  seesHidden: boolean;
  /** The viewer may hide and show versions. */
  canHide: boolean;
}

/**
 * A page of a post's versions, newest first: the current one, then each it replaced, 20 a page.
 * Only rows of the page (and the one before it) are read, whatever the post's history; hidden
 * versions keep their place but lose their content unless the viewer moderates the board.
 */
export async function postRevisions(db: Kysely<Database>, member: Member | null, postId: string, page = 1): Promise<Revisions> {
  const post = await getPost(db, postId);
  const [actor, board] = await Promise.all([actorOn(db, member, post.boardId), boards.findBoardState(db, post.boardId)]);
  if (post.deleted) authorize(actor, 'seeDeleted', null);
  const seesHidden = can(actor, 'seeHiddenRevisions', null);
  // On an archived board only admins hide or show versions (setRevisionHidden).
  const canHide = can(actor, 'hideRevision', null) && (!board.archived_at || actor?.role === 'admin');
  const total = post.revision + 1;
  const pages = Math.ceil(total / VERSIONS_PER_PAGE);
  const newest = post.revision - (page - 1) * VERSIONS_PER_PAGE;
  if (newest < 0) return { post, versions: [], page, pages, total, seesHidden, canHide };
  const oldest = Math.max(0, newest - VERSIONS_PER_PAGE + 1);
  // Version k was written by the edit recorded on the row of version k-1 (version 0 by the author),
  // which is also the version k is compared with: the page's rows and the one below them.
  const lowest = Math.max(0, oldest - 1);
  const rows = await repo.findRevisions(db, post.id, lowest, Math.min(newest, post.revision - 1));
  const byRevision = new Map(rows.map((r) => [r.revision, r]));
  const content = (revision: number): VersionText => {
    if (revision === post.revision) return { revision, title: post.title, body: post.body, bytes: post.bytes };
    const row = byRevision.get(revision);
    if (!row) throw new Error(`post ${post.id} has no revision ${revision}`);
    return { revision, title: row.title, body: row.body, bytes: row.bytes };
  };
  const concealed = (revision: number) => !seesHidden && (byRevision.get(revision)?.hidden_at ?? null) !== null;
  // Below the rows read, only when every one of them under a version is hidden from this viewer.
  let further: Promise<VersionText | null> | undefined;
  const previousOf = async (revision: number): Promise<VersionText | null> => {
    for (let r = revision - 1; r >= lowest; r--) if (!concealed(r)) return content(r);
    if (lowest === 0) return null;
    further ??= repo.findShownRevisionBelow(db, post.id, lowest).then((row) => row ?? null);
    return further;
  };
  const versions: Version[] = [];
  for (let revision = newest; revision >= oldest; revision--) {
    const edit = byRevision.get(revision - 1);
    const by = edit ? { name: edit.replaced_by_name, role: edit.replaced_role } : { name: post.author.name, role: 'member' as BoardRole };
    const at = edit ? edit.replaced_at : post.createdAt;
    const hidden = revision !== post.revision && byRevision.get(revision)!.hidden_at !== null;
    versions.push(
      concealed(revision)
        ? { revision, title: '', body: '', bytes: 0, by, at, reason: null, hidden, previous: null }
        : { ...content(revision), by, at, reason: edit?.reason ?? null, hidden, previous: await previousOf(revision) },
    );
  }
  return { post, versions, page, pages, total, seesHidden, canHide };
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
