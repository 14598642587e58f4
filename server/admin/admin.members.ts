import { type Kysely, sql } from 'kysely';
import type { Database, Db, SiteRole } from '../db/database';
import type { Member } from '../db/member';
import { AppError, notFound, validationFailed } from '../errors';
import { recordAudit } from '../audit/audit';
import { recordAuthorChange } from '../events/thread-events';
import * as members from '../members/members.repository';
import { nameSkeleton } from '../members/names';
import { setSearchDeleted } from '../posts/posts.repository';
import { DELETED_MEMBER_NAME } from '../text/localize';
import { createToken, revokeTokens } from '../tokens/tokens.service';
import { type Operator, adminActor } from './admin.boards';
import { findTarget } from './admin.members.lookup';

/**
 * Members as admins look after them (/admin/members and the CLI): change their site role, ban them
 * from the whole site and lift it, delete their account, and make a one-time password-reset link
 * to pass on (finding and reading them: admin.members.lookup.ts). Every change is authorized here
 * and audited in its own transaction.
 */

/** How long an admin's reset link works, in hours: long enough to pass on by another channel. */
export const ADMIN_RESET_HOURS = 24;

/**
 * The name a deleted account's posts are shown under when the admin keeps them (text/localize.ts:
 * shown in the reader's script). The account's own name stays reserved (its name_key is kept), so
 * nobody can register it and pass for them.
 */
export { DELETED_MEMBER_NAME };

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
      .select('id')
      .where('author_id', '=', user.id)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    if (posts === 'remove' && live.length > 0) {
      // As a moderator's deletion marks a post (moderation's markDeleted), by the admin: every
      // live post in one statement (and their search rows in one more), however many there are.
      const ids = live.map((p) => p.id);
      await tx
        .updateTable('posts')
        .set({ deleted_at: sql<Date>`now()`, deleted_by: actor.id ?? user.id, deleted_role: 'admin', deleted_reason: 'account deleted' })
        .where('id', '=', sql<string>`any(${ids}::bigint[])`)
        .execute();
      await setSearchDeleted(tx, ids, true);
    }
    // Every post they wrote now shows the new name, deleted ones' tombstones too: each is announced,
    // so every page and answer that shows one (kept ones too: posts.pages.ts) is made anew.
    await recordAuthorChange(tx, user.id);
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
