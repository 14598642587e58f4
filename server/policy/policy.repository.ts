import { sql } from 'kysely';
import type { BoardRole, Db } from '../db/database';
import type { Member } from '../db/member';
import type { Actor, Ban } from './policy';

// What the policy needs to know from the database: members' roles on boards and bans in force.

/** The member's role on a board: admin (site), moderator (of this board) or member. */
export async function boardRole(db: Db, member: Member, boardId: string): Promise<BoardRole> {
  if (member.role === 'admin') return 'admin';
  const row = await db
    .selectFrom('board_moderators')
    .select('user_id')
    .where('board_id', '=', boardId)
    .where('user_id', '=', member.id)
    .executeTakeFirst();
  return row ? 'moderator' : 'member';
}

/** True when the member moderates at least one board. */
export async function moderatesAnyBoard(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('board_moderators').select('user_id').where('user_id', '=', userId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The ban in force for a member on a board (a site-wide ban counts everywhere), if any. */
export async function activeBan(db: Db, userId: string, boardId: string): Promise<Ban | null> {
  const row = await db
    .selectFrom('bans')
    .select(['id', 'board_id', 'reason', 'expires_at'])
    .where('user_id', '=', userId)
    .where('lifted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where((eb) => eb.or([eb('board_id', 'is', null), eb('board_id', '=', boardId)]))
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
  return row ? { id: row.id, boardId: row.board_id, reason: row.reason, expiresAt: row.expires_at } : null;
}

/** The site-wide ban in force for a member, if any: it stops them everywhere, 悄悄話 included. */
export async function activeSiteBan(db: Db, userId: string): Promise<Ban | null> {
  const row = await db
    .selectFrom('bans')
    .select(['id', 'board_id', 'reason', 'expires_at'])
    .where('user_id', '=', userId)
    .where('board_id', 'is', null)
    .where('lifted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
  return row ? { id: row.id, boardId: row.board_id, reason: row.reason, expiresAt: row.expires_at } : null;
}

/** The actor for a member on a board (null for a reader who is not logged in). */
export async function actorOn(db: Db, member: Member | null, boardId: string): Promise<Actor | null> {
  if (!member) return null;
  const [role, ban] = await Promise.all([boardRole(db, member, boardId), activeBan(db, member.id, boardId)]);
  return { member, role, ban };
}
