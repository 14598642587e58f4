import { type Kysely, sql } from 'kysely';
import type { Database, Db, SiteRole } from '../db/database';
import type { Member } from '../db/member';
import { AppError, notFound, validationFailed } from '../errors';
import { recordAudit } from '../audit/audit';
import { recordThreadEvent } from '../events/thread-events';
import * as members from '../members/members.repository';
import { nameKey, nameSkeleton } from '../members/names';
import { setSearchDeleted } from '../posts/posts.repository';
import { DELETED_MEMBER_NAME } from '../text/localize';
import { createToken, revokeTokens } from '../tokens/tokens.service';
import { type Operator, adminActor } from './admin.boards';

/**
 * Members as admins look after them (/admin/members and the CLI): find one by name in any script
 * or width, see their posts, reports, bans and sign-ins, change their site role, ban them from the
 * whole site and lift it, delete their account, and make a one-time password-reset link to pass
 * on. Every change is authorized here and audited in its own transaction.
 */

/** How many of each kind a member's page shows (newest first). */
export const MEMBER_PAGE_LINES = 20;
/** How many names a search finds at most. */
export const MEMBER_SEARCH_MAX = 50;
/** How long an admin's reset link works, in hours: long enough to pass on by another channel. */
export const ADMIN_RESET_HOURS = 24;

/**
 * The name a deleted account's posts are shown under when the admin keeps them (text/localize.ts:
 * shown in the reader's script). The account's own name stays reserved (its name_key is kept), so
 * nobody can register it and pass for them.
 */
export { DELETED_MEMBER_NAME };

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

async function findTarget(db: Db, name: string) {
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

/** The site roles an admin gives: a board's moderators are made on the board (setBoardModerator). */
export const ADMIN_ROLES = ['member', 'admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** Refuses an admin's action on their own account (demoting, banning or deleting themselves could leave no admin). */
function notSelf(who: Operator, userId: string): void {
  if (who !== 'cli' && who?.id === userId) {
    throw new AppError(403, 'NotAllowed', 'Admins cannot do this to their own account: ask another admin.', {
      params: { rule: 'adminSelf' },
    });
  }
}

/**
 * Makes a member an admin, or no longer one. 'member' leaves a board moderator a moderator: their
 * boards stay theirs (users.role is then 'moderator', as addModerator makes it).
 */
export async function setMemberRole(
  db: Kysely<Database>,
  who: Operator,
  name: string,
  role: string,
): Promise<{ name: string; role: SiteRole }> {
  const actor = adminActor(who);
  if (!(ADMIN_ROLES as readonly string[]).includes(role)) {
    throw validationFailed('role', { kind: 'oneOf', values: ADMIN_ROLES }, `role must be one of ${ADMIN_ROLES.join(', ')}.`);
  }
  return db.transaction().execute(async (tx) => {
    const user = await findTarget(tx, name);
    if (user.deleted_at) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
    notSelf(who, user.id);
    const moderates = await tx.selectFrom('board_moderators').select('board_id').where('user_id', '=', user.id).limit(1).executeTakeFirst();
    const next: SiteRole = role === 'admin' ? 'admin' : moderates ? 'moderator' : 'member';
    await members.setUserRole(tx, user.id, next);
    await recordAudit(tx, actor, {
      subject: `member:${user.name}`,
      action: 'member.role',
      before: { role: user.role },
      after: { role: next },
    });
    return { name: user.name, role: next };
  });
}

/** A ban as moderation issues it (the console's site bans go through moderation's rules and log). */
export interface IssuedSiteBan {
  id: string;
  reason: string;
  expiresAt: Date;
  username: string;
}

/**
 * Moderation's site-wide ban and its lifting, given by app.ts (moderation is on this layer, so
 * admin/ cannot import it): `also` runs in the ban's own transaction.
 */
export interface SiteBans {
  ban(
    member: Member | null,
    input: { username: string; days: number; reason: string },
    also: (tx: Db, ban: IssuedSiteBan) => Promise<void>,
  ): Promise<IssuedSiteBan>;
  lift(member: Member | null, banId: string, also: (tx: Db, ban: IssuedSiteBan) => Promise<void>): Promise<void>;
}

/** Bans a member from the whole site (moderation's site ban, audited); the member is told, as with any ban. */
export async function siteBanMember(
  bans: SiteBans,
  who: Member | null,
  input: { name: string; days: number; reason: string },
): Promise<{ id: string; expiresAt: Date }> {
  const actor = adminActor(who);
  const ban = await bans.ban(who, { username: input.name, days: input.days, reason: input.reason }, async (tx, issued) => {
    await recordAudit(tx, actor, {
      subject: `member:${issued.username}`,
      action: 'member.ban',
      before: null,
      after: { ban: issued.id, until: issued.expiresAt.toISOString(), reason: issued.reason },
    });
  });
  return { id: ban.id, expiresAt: ban.expiresAt };
}

/** Lifts a site-wide ban early (audited). */
export async function liftSiteBan(bans: SiteBans, who: Member | null, banId: string): Promise<void> {
  const actor = adminActor(who);
  await bans.lift(who, banId, async (tx, lifted) => {
    await recordAudit(tx, actor, {
      subject: `member:${lifted.username}`,
      action: 'member.unban',
      before: { ban: lifted.id, until: lifted.expiresAt.toISOString(), reason: lifted.reason },
      after: null,
    });
  });
}

/** What happens to a deleted account's posts: kept, shown under DELETED_MEMBER_NAME, or removed (deleted by an admin). */
export type DeletedPosts = 'keep' | 'remove';

/**
 * Deletes an account as an admin: what deleting one's own account does (sessions ended, profile,
 * email, follows, tokens gone; the name stays reserved), and then the posts: 'keep' shows them
 * under 已註銷用戶 (the account's display name becomes it), 'remove' deletes each as an admin
 * would. Each changed thread gets an event, so live readers and the page caches (keyed by the
 * thread's seq) follow.
 */
export async function deleteMember(
  db: Kysely<Database>,
  who: Operator,
  name: string,
  posts: string,
): Promise<{ name: string; posts: DeletedPosts; changed: number }> {
  const actor = adminActor(who);
  if (posts !== 'keep' && posts !== 'remove') {
    throw validationFailed('posts', { kind: 'oneOf', values: ['keep', 'remove'] }, 'posts: keep or remove.');
  }
  return db.transaction().execute(async (tx) => {
    const user = await findTarget(tx, name);
    if (user.deleted_at) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
    notSelf(who, user.id);
    await members.deleteAccount(tx, user.id);
    await tx.deleteFrom('board_moderators').where('user_id', '=', user.id).execute();
    await tx
      .updateTable('users')
      .set({ name: DELETED_MEMBER_NAME, name_skeleton: nameSkeleton(DELETED_MEMBER_NAME), role: 'member' })
      .where('id', '=', user.id)
      .execute();
    const live = await tx
      .selectFrom('posts')
      .select(['id', 'thread_id', 'board_id'])
      .where('author_id', '=', user.id)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    for (const p of live) {
      if (posts === 'remove') {
        // As a moderator's deletion marks a post (moderation's markDeleted), by the admin.
        await tx
          .updateTable('posts')
          .set({ deleted_at: sql<Date>`now()`, deleted_by: actor.id ?? user.id, deleted_role: 'admin', deleted_reason: 'account deleted' })
          .where('id', '=', p.id)
          .execute();
        await setSearchDeleted(tx, p.id, true);
      }
      await recordThreadEvent(tx, {
        threadId: p.thread_id,
        boardId: p.board_id,
        kind: posts === 'remove' ? 'post:delete' : 'post:edit',
        postId: p.id,
      });
    }
    await recordAudit(tx, actor, {
      subject: `member:${user.name}`,
      action: 'member.delete',
      before: { name: user.name, role: user.role },
      after: { deleted: true, posts, shownAs: DELETED_MEMBER_NAME, postsChanged: live.length },
    });
    return { name: user.name, posts, changed: live.length };
  });
}

/**
 * A one-time password-reset link's token for a member, for the admin to pass on (the member has
 * no verified email, or lost it): the same reset-password token the email sends, working once,
 * for ADMIN_RESET_HOURS; older reset links stop working. Returned once, never stored in clear or
 * logged (the audit line says a link was made, not what it is).
 */
export async function issueResetLink(
  db: Kysely<Database>,
  who: Operator,
  name: string,
): Promise<{ name: string; token: string; expiresAt: Date }> {
  const actor = adminActor(who);
  return db.transaction().execute(async (tx) => {
    const user = await findTarget(tx, name);
    if (user.deleted_at) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
    await revokeTokens(tx, user.id, 'reset-password');
    const token = await createToken(tx, { userId: user.id, purpose: 'reset-password', ttlSeconds: ADMIN_RESET_HOURS * 3600 });
    const expiresAt = new Date(Date.now() + ADMIN_RESET_HOURS * 3600_000);
    await recordAudit(tx, actor, {
      subject: `member:${user.name}`,
      action: 'member.reset-link',
      before: null,
      after: { expiresAt: expiresAt.toISOString() },
    });
    return { name: user.name, token, expiresAt };
  });
}
