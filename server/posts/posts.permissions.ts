import type { Kysely } from 'kysely';
import type { Board } from '../boards/boards.service';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { type Actor, type Rules, can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import * as repo from './posts.repository';
import type { Post, ThreadState } from './posts.model';
import type { SeenBefore } from './posts.seen';

/** What a viewer may do to a post and see of it (the buttons, what its author wrote), and a post's page head. */

/**
 * What the viewer may do to a post, decided here so views only show the buttons (the services
 * check again when one is used).
 */
export interface PostPermissions {
  edit: boolean;
  delete: boolean;
  restore: boolean;
  lock: boolean;
  pin: boolean;
  feature: boolean;
  report: boolean;
}

/** What `actor` may do to `post` in `thread` under `rules`; null for a reader who is not logged in. */
export function permissionsFor(
  actor: Actor | null,
  post: Post,
  thread: ThreadState,
  rules: Rules,
  board?: Pick<Board, 'archivedAt'>,
): PostPermissions | null {
  if (!actor) return null;
  // An archived board is read-only (moderation.service.ts refuses with 409 BoardArchived): no
  // edits or thread changes for anyone; deleting and restoring by admins only (a takedown).
  const archived = Boolean(board?.archivedAt);
  const open = !archived;
  const takedown = open || actor.role === 'admin';
  const facts = { authorId: post.authorId, createdAt: post.createdAt, deleted: post.deleted, locked: thread.locked };
  const isRoot = post.parentId === null;
  const own = post.authorId === actor.member.id;
  return {
    edit: open && can(actor, 'edit', facts, rules),
    delete: takedown && can(actor, 'delete', facts, rules),
    restore: takedown && post.deleted && can(actor, 'restore', facts, rules),
    lock: open && isRoot && can(actor, 'lock', facts, rules),
    pin: open && isRoot && can(actor, 'pin', facts, rules),
    feature: open && isRoot && can(actor, 'feature', facts, rules),
    // Anyone logged in may report, banned or not; reporting one's own or a deleted post makes no sense.
    report: !own && !post.deleted && can(actor, 'report', facts, rules),
  };
}

/**
 * A post's page without its follow-ups: what every window of it shows around them
 * (posts.windows.ts getPostWindow).
 */
export interface PostHead {
  post: Post;
  thread: ThreadState;
  root: Post;
  board: Board;
  /** What the viewer may do to the post; null for a reader who is not logged in. */
  can: PostPermissions | null;
  /** The viewer muted the thread (no 'thread-reply' notices); null for a reader who is not logged in. */
  muted: boolean | null;
  /**
   * The reader's position in the thread before this visit (posts.seen.ts): the follow-ups with an
   * id above `seen.postId` are new to them. Set by the thread page; absent elsewhere, null when
   * the reader has none.
   */
  seen?: SeenBefore | null;
}

/**
 * The post with what its author wrote (`written`) when `viewer` may edit it: its author (within
 * the edit window), the board's moderators, admins. Anyone else gets the post as it is.
 */
export async function withWritten(
  db: Kysely<Database>,
  viewer: Member | null,
  post: Post,
  thread: ThreadState,
  rules: Rules,
  /** The viewer on the post's board when already read (posts.paging.ts SubtreePage.actor). */
  known?: Actor | null,
): Promise<Post> {
  if (!viewer || post.deleted) return post;
  const actor = known !== undefined ? known : await actorOn(db, viewer, post.boardId);
  const facts = { authorId: post.authorId, createdAt: post.createdAt, deleted: post.deleted, locked: thread.locked };
  if (!can(actor, 'edit', facts, rules)) return post;
  const written = await repo.findSource(db, post.id);
  return written ? { ...post, written } : post;
}
