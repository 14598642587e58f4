import { type RawBuilder, sql } from 'kysely';
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
  // One statement for both (boardRole's and activeBan's rules): every member's page and write asks.
  const actor = actorSql(member.id, sql`${boardId}`);
  const { rows } = await sql<ActorColumns>`
    select ${actor.moderates} as moderates, ban.* from (values (1)) one left join ${actor.ban} ban on true`.execute(db);
  return actorFromRow(member, rows[0]!);
}

/**
 * What actorOn reads, as parts of a statement the caller runs anyway (one round trip instead of
 * two: posts.write.repository findReplyContext). `moderates` is a boolean expression; `ban` a lateral
 * subquery giving the ban in force as ban_id, ban_board_id, ban_reason, ban_expires_at (no row
 * when none). `boardId` is an SQL expression of the caller's statement. Same rules as boardRole
 * and activeBan.
 */
export function actorSql(memberId: string, boardId: RawBuilder<unknown>) {
  return {
    moderates: sql<boolean>`exists (select 1 from board_moderators bm where bm.board_id = ${boardId} and bm.user_id = ${memberId})`,
    ban: sql`lateral (
      select b.id as ban_id, b.board_id as ban_board_id, b.reason as ban_reason, b.expires_at as ban_expires_at
      from bans b
      where b.user_id = ${memberId} and b.lifted_at is null and b.expires_at > now()
        and (b.board_id is null or b.board_id = ${boardId})
      order by b.expires_at desc
      limit 1)`,
  };
}

/** The columns actorSql adds to a row. */
export interface ActorColumns {
  moderates: boolean;
  ban_id: string | null;
  ban_board_id: string | null;
  ban_reason: string | null;
  ban_expires_at: Date | null;
}

/** The actor for a member from a row that selected actorSql's parts. */
export function actorFromRow(member: Member, row: ActorColumns): Actor {
  const role: BoardRole = member.role === 'admin' ? 'admin' : row.moderates ? 'moderator' : 'member';
  const ban: Ban | null =
    row.ban_id === null ? null : { id: row.ban_id, boardId: row.ban_board_id, reason: row.ban_reason!, expiresAt: row.ban_expires_at! };
  return { member, role, ban };
}

/** One ban in force, as the public list and the member's own page show it. */
export interface ShownBan {
  name: string;
  /** The board's id (its glossary applies to the reason and name), slug and name; null for a ban from the whole site. */
  board: { id: string; slug: string; name: string } | null;
  expiresAt: Date;
  reason: string;
}

/** The member's own bans in force (their page and /settings show why and until when). */
export async function ownBans(db: Db, member: Member): Promise<ShownBan[]> {
  const rows = await db
    .selectFrom('bans as b')
    .leftJoin('boards as bd', 'bd.id', 'b.board_id')
    .select(['bd.id', 'bd.slug', 'bd.name', 'b.expires_at', 'b.reason'])
    .where('b.user_id', '=', member.id)
    .where('b.lifted_at', 'is', null)
    .where('b.expires_at', '>', sql<Date>`now()`)
    .orderBy('b.expires_at', 'desc')
    .execute();
  return rows.map((r) => ({
    name: member.name,
    board: r.id && r.slug && r.name ? { id: r.id, slug: r.slug, name: r.name } : null,
    expiresAt: r.expires_at,
    reason: r.reason,
  }));
}
