import { type Kysely, sql } from 'kysely';
import type { Database, Db, SiteRole } from '../db/database';
import { notFound } from '../errors';
import * as members from '../members/members.repository';
import { nameKey, nameSkeleton } from '../members/names';
import { type Operator, adminActor } from './admin.boards';

/**
 * Members as admins find and read them (/admin/members): a search by name in any script or width,
 * and one member's page (their posts, reports, bans and sign-ins). admin.members.ts changes them.
 */

/** How many of each kind a member's page shows (newest first). */
export const MEMBER_PAGE_LINES = 20;
/** How many names a search finds at most. */
export const MEMBER_SEARCH_MAX = 50;
/** A member a search found. */
export interface FoundMember {
  name: string;
  /**
   * The name as registered, NFKC and lower case (users.name_key): what the admin pages are addressed
   * by, since a deleted account's name is 已註銷用戶 like every other deleted account's.
   */
  key: string;
  role: SiteRole;
  createdAt: Date;
  deleted: boolean;
}

/** LIKE's own characters taken literally. */
const likeEscaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Members whose name starts with what was typed, in any width or case (name_key: NFKC, lower
 * case) or in either Chinese script and through lookalikes (name_skeleton): 李四 finds 李四 and
 * 李四 typed as traditional finds it too; ｌｉ finds li.
 */
export async function searchMembers(db: Kysely<Database>, who: Operator, query: string): Promise<FoundMember[]> {
  adminActor(who);
  const typed = query.normalize('NFKC').trim();
  if (!typed) return [];
  const key = likeEscaped(nameKey(typed));
  const skeleton = likeEscaped(nameSkeleton(typed));
  const rows = await db
    .selectFrom('users')
    .select(['name', 'name_key', 'role', 'created_at', 'deleted_at'])
    .where((eb) => eb.or([eb('name_key', 'like', `${key}%`), eb('name_skeleton', 'like', `${skeleton}%`)]))
    .orderBy(sql`length(name_key)`)
    .orderBy('name_key')
    .limit(MEMBER_SEARCH_MAX)
    .execute();
  return rows.map((r) => ({ name: r.name, key: r.name_key, role: r.role, createdAt: r.created_at, deleted: r.deleted_at !== null }));
}

/** Everything a member's admin page shows. */
export interface MemberDetail {
  name: string;
  /** The name as registered (FoundMember.key). */
  key: string;
  role: SiteRole;
  createdAt: Date;
  deletedAt: Date | null;
  // `boardId`: the board whose glossary a title, name or reason is shown by (null: the site's).
  moderates: { id: string; slug: string; name: string }[];
  posts: { id: string; threadId: string; title: string; board: string; boardId: string; createdAt: Date; deleted: boolean }[];
  reportsBy: { postId: string; reason: string; boardId: string | null; createdAt: Date; open: boolean }[];
  reportsAbout: { postId: string; reporter: string; reason: string; boardId: string | null; createdAt: Date; open: boolean }[];
  bans: {
    id: string;
    board: string | null;
    boardId: string | null;
    reason: string;
    createdAt: Date;
    expiresAt: Date;
    lifted: boolean;
    inForce: boolean;
  }[];
  signIns: { at: Date; address: string; userAgent: string }[];
  /** The subject of the audit log's lines about them (auditSubjectOf). */
  auditSubject: string;
}

/** A member by name (any script or width), or MemberNotFound. */
export async function findTarget(db: Db, name: string) {
  const user = await members.findUserByKey(db, nameKey(name));
  if (!user) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
  return user;
}

/**
 * The audit subject of a member's lines: `member:` and their name as the admin's actions recorded
 * it. A deleted account's name is now 已註銷用戶 and its key is lower case, so its subject is the
 * one its deletion was recorded under (the key's name in any case): a few lines, read on an admin's page.
 */
async function auditSubjectOf(db: Db, user: { name: string; name_key: string }, deleted: boolean): Promise<string> {
  if (!deleted) return `member:${user.name}`;
  const rows = await db.selectFrom('admin_audit').select('subject').distinct().where('action', '=', 'member.delete').execute();
  const subject = rows.map((r) => r.subject).find((s) => nameKey(s.slice('member:'.length)) === user.name_key);
  return subject ?? `member:${user.name_key}`;
}

/** A member as admins see them: posts, reports by and about them, bans, recent sign-ins. */
export async function memberDetail(db: Kysely<Database>, who: Operator, name: string): Promise<MemberDetail> {
  adminActor(who);
  const user = await findTarget(db, name);
  const row = await db.selectFrom('users').select(['created_at', 'deleted_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
  const [moderates, posts, reportsBy, reportsAbout, bans, signIns] = await Promise.all([
    db
      .selectFrom('board_moderators as m')
      .innerJoin('boards as b', 'b.id', 'm.board_id')
      .select(['b.id', 'b.slug', 'b.name'])
      .where('m.user_id', '=', user.id)
      .orderBy('b.position')
      .execute(),
    db
      .selectFrom('posts as p')
      .innerJoin('boards as b', 'b.id', 'p.board_id')
      .select(['p.id', 'p.thread_id', 'p.title', 'b.slug', 'p.board_id', 'p.created_at', 'p.deleted_at'])
      .where('p.author_id', '=', user.id)
      .orderBy('p.id', 'desc')
      .limit(MEMBER_PAGE_LINES)
      .execute(),
    db
      .selectFrom('reports as r')
      .leftJoin('posts as p', 'p.id', 'r.post_id')
      .select(['r.post_id', 'r.reason', 'p.board_id', 'r.created_at', 'r.resolved_at'])
      .where('r.reporter_id', '=', user.id)
      .orderBy('r.id', 'desc')
      .limit(MEMBER_PAGE_LINES)
      .execute(),
    db
      .selectFrom('reports as r')
      .innerJoin('posts as p', 'p.id', 'r.post_id')
      .innerJoin('users as u', 'u.id', 'r.reporter_id')
      .select(['r.post_id', 'u.name', 'r.reason', 'p.board_id', 'r.created_at', 'r.resolved_at'])
      .where('p.author_id', '=', user.id)
      .orderBy('r.id', 'desc')
      .limit(MEMBER_PAGE_LINES)
      .execute(),
    db
      .selectFrom('bans as x')
      .leftJoin('boards as b', 'b.id', 'x.board_id')
      .select(['x.id', 'b.slug', 'x.board_id', 'x.reason', 'x.created_at', 'x.expires_at', 'x.lifted_at'])
      .where('x.user_id', '=', user.id)
      .orderBy('x.id', 'desc')
      .limit(MEMBER_PAGE_LINES)
      .execute(),
    members.listSignIns(db, user.id, MEMBER_PAGE_LINES),
  ]);
  const now = Date.now();
  return {
    name: user.name,
    key: user.name_key,
    role: user.role,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    moderates,
    posts: posts.map((p) => ({
      id: p.id,
      threadId: p.thread_id,
      title: p.title,
      board: p.slug,
      boardId: p.board_id,
      createdAt: p.created_at,
      deleted: p.deleted_at !== null,
    })),
    reportsBy: reportsBy.map((r) => ({
      postId: r.post_id,
      reason: r.reason,
      boardId: r.board_id,
      createdAt: r.created_at,
      open: r.resolved_at === null,
    })),
    reportsAbout: reportsAbout.map((r) => ({
      postId: r.post_id,
      reporter: r.name,
      reason: r.reason,
      boardId: r.board_id,
      createdAt: r.created_at,
      open: r.resolved_at === null,
    })),
    bans: bans.map((b) => ({
      id: b.id,
      board: b.slug,
      boardId: b.board_id,
      reason: b.reason,
      createdAt: b.created_at,
      expiresAt: b.expires_at,
      lifted: b.lifted_at !== null,
      inForce: b.lifted_at === null && b.expires_at.getTime() > now,
    })),
    signIns: signIns.map((s) => ({ at: s.at, address: s.address, userAgent: s.user_agent })),
    auditSubject: await auditSubjectOf(db, user, row.deleted_at !== null),
  };
}
