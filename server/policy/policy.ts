import type { BoardRole, SiteRole } from '../db/database';
import type { Member } from '../db/member';
import { AppError } from '../errors';

/**
 * Who may do what, in one place, without I/O. Services call `authorize` before every change and
 * `can` to tell views which actions to offer; routes and views never decide. An actor is a member
 * as seen on one board: their role there and any ban in force (policy.repository.ts reads both).
 */

/** A ban in force: on one board, or (boardId null) on the whole site. */
export interface Ban {
  id: string;
  boardId: string | null;
  reason: string;
  expiresAt: Date;
}

/** A member as the policy judges them on one board. */
export interface Actor {
  member: Member;
  role: BoardRole;
  ban: Ban | null;
}

/** Everything the policy decides on. */
export type Action =
  | 'post'
  | 'edit'
  | 'delete'
  | 'restore'
  | 'lock'
  | 'pin'
  | 'feature'
  | 'ban'
  | 'siteBan'
  | 'administer' // operators' pages (/admin/…)
  | 'report'
  | 'moderate' // see the report queue, the log and deleted posts; act on reports
  | 'seeDeleted'
  | 'hideRevision' // hide a replaced version of a post, or show it again
  | 'seeHiddenRevisions';

/** What a rule needs to know about the post acted on. */
export interface PostFacts {
  authorId: string;
  createdAt: Date;
  deleted: boolean;
  locked: boolean;
}

/** The site's settings the policy follows. */
export interface Rules {
  /** Minutes after posting during which authors may edit; undefined = always. */
  editWindowMinutes: number | undefined;
}

/** Rules with no edit window. */
export const NO_RULES: Rules = { editWindowMinutes: undefined };

/** The actor for a member on the site as a whole, where only being an admin counts. */
export function siteActor(member: Member | null): Actor | null {
  return member ? { member, role: member.role === 'admin' ? 'admin' : 'member', ban: null } : null;
}

const isStaff = (actor: Actor) => actor.role === 'moderator' || actor.role === 'admin';

/** The refusal of a banned member: its end is shown in their own time zone when they set one. */
function banned(ban: Ban, member: Member): AppError {
  const where = ban.boardId ? 'from this board' : 'from the whole site';
  // The English message names no reason: what a moderator wrote is quoted by the catalogs, in the reader's script.
  return new AppError(403, 'Banned', `You are banned ${where} until ${ban.expiresAt.toISOString()}.`, {
    params: {
      scope: ban.boardId ? 'board' : 'site',
      until: ban.expiresAt,
      reason: ban.reason,
      timeZone: member.timeZone ?? null,
      board: ban.boardId,
    },
  });
}

/** Throws the refusal (401/403/409) unless `actor` may do `action` (to `post`, when given). */
export function authorize(actor: Actor | null, action: Action, post: PostFacts | null, rules: Rules = NO_RULES): asserts actor is Actor {
  const refused = refusal(actor, action, post, rules);
  if (refused) throw refused();
}

/**
 * The decision: null when `actor` may do `action`, else what builds the refusal. The refusal is
 * built only when it is thrown: `can` asks for every post of a page, and an Error's construction
 * (its stack trace) cost more than the whole decision.
 */
function refusal(actor: Actor | null, action: Action, post: PostFacts | null, rules: Rules): (() => AppError) | null {
  if (!actor) return () => new AppError(401, 'NotLoggedIn', 'Log in first.');
  if (action === 'report') return null; // any member, banned or not, may tell the moderators
  const { ban } = actor;
  if (ban) return () => banned(ban, actor.member);
  const own = post !== null && post.authorId === actor.member.id;
  switch (action) {
    case 'post':
      return null;
    case 'edit':
    case 'delete':
      if (post?.deleted) {
        return () =>
          new AppError(409, 'PostDeleted', 'This post is deleted: a moderator can restore it first.', {
            params: { refused: 'change' },
          });
      }
      if (isStaff(actor)) return null;
      if (!own) {
        return () =>
          new AppError(403, 'NotAllowed', `Only the author or a moderator of this board can ${action} this post.`, {
            params: { rule: 'authorOrModerator', action },
          });
      }
      if (post.locked) {
        return () =>
          new AppError(403, 'ThreadLocked', 'This thread is locked: only moderators can change it.', { params: { refused: 'change' } });
      }
      if (action === 'edit' && rules.editWindowMinutes !== undefined) {
        const minutes = rules.editWindowMinutes;
        const closes = post.createdAt.getTime() + minutes * 60_000;
        if (Date.now() > closes) {
          return () =>
            new AppError(403, 'EditWindowClosed', `Posts can be edited for ${minutes} minutes after posting; ask a moderator.`, {
              params: { minutes },
            });
        }
      }
      return null;
    case 'restore':
    case 'lock':
    case 'pin':
    case 'feature':
    case 'ban':
    case 'moderate':
    case 'seeDeleted':
    case 'hideRevision':
    case 'seeHiddenRevisions':
      if (isStaff(actor)) return null;
      return () =>
        new AppError(403, 'NotAllowed', 'Only a moderator of this board or an admin can do that.', { params: { rule: 'moderator' } });
    case 'siteBan':
      if (actor.role === 'admin') return null;
      return () => new AppError(403, 'NotAllowed', 'Only an admin can ban from the whole site.', { params: { rule: 'siteBan' } });
    case 'administer':
      if (actor.role === 'admin') return null;
      return () => new AppError(403, 'NotAllowed', 'Only an admin can see this.', { params: { rule: 'admin' } });
  }
}

/**
 * Throws unless `actor` (already allowed to ban on the board, or site-wide) may ban this member:
 * admins are never banned, and only admins ban a moderator — of any board, not only this one,
 * or a moderator could shut the moderator of a neighbouring board out of their own.
 */
export function authorizeBanOf(actor: Actor, target: { role: SiteRole; moderates: boolean }): void {
  if (target.role === 'admin') throw new AppError(403, 'NotAllowed', 'Admins cannot be banned.', { params: { rule: 'banAdmin' } });
  const staff = target.role === 'moderator' || target.moderates;
  if (staff && actor.role !== 'admin') {
    throw new AppError(403, 'NotAllowed', 'Only an admin can ban a moderator.', { params: { rule: 'banModerator' } });
  }
}

/** True when `actor` may do `action` (for showing or hiding buttons; the service still checks). */
export function can(actor: Actor | null, action: Action, post: PostFacts | null, rules: Rules = NO_RULES): boolean {
  return refusal(actor, action, post, rules) === null;
}
