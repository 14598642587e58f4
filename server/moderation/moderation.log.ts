import type { Kysely } from 'kysely';
import { getBoard } from '../boards/boards.service';
import type { Database, Db, ModerationAction } from '../db/database';
import type { Member } from '../db/member';
import { type Actor, authorize } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import * as repo from './moderation.repository';

/**
 * The moderation log: the line every change writes in its own transaction, and the pages of it a
 * board's moderators (and admins, every board's) read.
 */

/** Writes a line in the moderation log. */
export async function log(
  tx: Db,
  actor: Actor,
  action: ModerationAction,
  e: { boardId: string | null; postId?: string; targetUserId?: string; reason?: string | null; revision?: number; heldId?: string },
) {
  await repo.insertLog(tx, { ...e, actorId: actor.member.id, actorRole: actor.role, action });
}

/** The actor on a board, or site-wide (no board: their site role, admins only matter). */
export async function actorOnBoardOrSite(tx: Db, member: Member | null, boardId: string | null): Promise<Actor | null> {
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
