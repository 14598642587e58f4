import type { Kysely } from 'kysely';
import { getBoard } from '../boards/boards.service';
import type { Database, Db } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import { AppError, notFound, validationFailed } from '../errors';
import * as members from '../members/members.repository';
import { nameKey } from '../members/names';
import * as posts from '../posts/posts.repository';
import { type Ban, authorize, authorizeBanOf } from '../policy/policy';
import { moderatesAnyBoard } from '../policy/policy.repository';
import { cleanReason } from '../text/reason';
import { actorOnBoardOrSite, log } from './moderation.log';
import { closeReports, noticeBanned, noticeBannedBy } from './moderation.notices';
import * as repo from './moderation.repository';

/**
 * Giving and lifting bans: a board's moderators ban from their board, admins from the whole site,
 * the operator at the CLI from the whole site with no account behind it. Each is one transaction
 * with its log line and the member's notice; `also` adds the admin console's audit line to it.
 * Which bans readers see is moderation.bans.ts.
 */

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
