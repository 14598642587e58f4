import type { Kysely } from 'kysely';
import type { Board } from '../boards/boards.service';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { notFound, validationFailed } from '../errors';
import { findMemberByName } from '../members/members.repository';
import { checkName } from '../members/names';
import { can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import * as repo from './posts.filters.repository';
import { type PostWithAuthorRow, findBoard, findPost } from './posts.repository';
import { type Post, findPostRow, toPost, tombstone } from './posts.model';

/**
 * The filters and orders of a thread: one author's posts in display order (只看樓主 is the
 * thread starter's), and the follow-ups newest first. Each post comes with the post it answers
 * (its context line). Pages are bounded and keyset-paged; deleted posts are tombstones unless the
 * viewer moderates, as on the thread page.
 */

/** Posts per page of a filter or order. */
export const FILTER_PAGE_SIZE = 200;

/** `by=op` (the thread starter); any other value is a member's name. */
export const OP = 'op';

/** A post of a filtered list, with the post it answers (null for the root). */
export interface ContextPost {
  post: Post;
  parent: Post | null;
}

/** What every filtered page of a thread knows of the thread. */
interface ThreadHead {
  root: Post;
  board: Board;
  /** The viewer moderates the board: deleted posts are shown, not tombstones. */
  seesDeleted: boolean;
}

/** One author's posts in a thread, a page of them. */
export interface AuthorPage extends ThreadHead {
  /** The author as written (names are never converted); `op`: they started the thread. */
  author: { name: string; op: boolean };
  posts: ContextPost[];
  /** The cursor this page starts after (absent: the first page). */
  after?: string;
  /** The `after` of the next page, when there is one. */
  nextAfter?: string;
}

/** A thread's follow-ups newest first, a page of them. */
export interface LatestPage extends ThreadHead {
  posts: ContextPost[];
  before?: string;
  nextBefore?: string;
}

/** How a filtered list is asked for. */
export interface ListOptions {
  /** Bodies too (the API); pages show lines. */
  bodies?: boolean;
  /** Posts per page, at most FILTER_PAGE_SIZE (the default). */
  limit?: number;
  /** The id must be a thread's root (the API's /api/threads/:id/…); pages take any post of the thread. */
  rootOnly?: boolean;
}

const pageSize = (options: ListOptions) => Math.max(1, Math.min(options.limit ?? FILTER_PAGE_SIZE, FILTER_PAGE_SIZE));

/** The thread of post `id` (any post of it, or only its root with `rootOnly`): root, board and the viewer's rights. */
async function threadHead(db: Kysely<Database>, id: string, viewer: Member | null, rootOnly: boolean): Promise<ThreadHead> {
  const row = await findPostRow(db, id);
  if (rootOnly && row.parent_id !== null)
    throw notFound('PostNotFound', `Post ${id} is a follow-up, not a thread.`, { params: { id, notThread: true } });
  const [root, board, actor] = await Promise.all([
    row.parent_id === null ? row : findPost(db, row.thread_id),
    findBoard(db, row.board_id),
    actorOn(db, viewer, row.board_id),
  ]);
  if (!root) throw notFound('PostNotFound', `There is no post ${id}.`, { params: { id } });
  const seesDeleted = can(actor, 'seeDeleted', null);
  return { root: seesDeleted ? toPost(root) : tombstone(toPost(root)), board, seesDeleted };
}

/** Rows (one more than a page, to know whether another follows) as posts with the posts they answer. */
async function withContext(db: Kysely<Database>, rows: PostWithAuthorRow[], seesDeleted: boolean): Promise<ContextPost[]> {
  const visible = seesDeleted ? (p: Post) => p : tombstone;
  const parentIds = [...new Set(rows.flatMap((r) => (r.parent_id === null ? [] : [r.parent_id])))];
  const parents = new Map((await repo.findLines(db, parentIds)).map((r) => [r.id, visible(toPost(r))]));
  return rows.map((r) => ({ post: visible(toPost(r)), parent: r.parent_id === null ? null : (parents.get(r.parent_id) ?? null) }));
}

/** The member a `by` names: the thread starter for `op`, else by name (any case), or a 404 MemberNotFound. */
async function authorOf(db: Kysely<Database>, by: string, root: Post): Promise<{ id: string; name: string; op: boolean }> {
  if (by === OP) return { id: root.authorId, name: root.author.name, op: true };
  const key = checkName(by);
  const member = key.ok ? await findMemberByName(db, key.key) : undefined;
  if (!member) throw notFound('MemberNotFound', `There is no member "${by}".`, { params: { name: by } });
  return { id: member.id, name: member.name, op: member.id === root.authorId };
}

/**
 * The posts one author wrote in the thread of post `id`, in display order, after the post
 * `after` (a post of this thread; else a 400). A known member with no posts there is an empty page.
 */
export async function getAuthorPosts(
  db: Kysely<Database>,
  id: string,
  by: string,
  viewer: Member | null,
  { after, ...options }: ListOptions & { after?: string } = {},
): Promise<AuthorPage> {
  const head = await threadHead(db, id, viewer, options.rootOnly ?? false);
  const author = await authorOf(db, by, head.root);
  const afterPath = after === undefined ? undefined : await repo.findPathInThread(db, head.root.threadId, after);
  if (after !== undefined && !afterPath)
    throw validationFailed('after', { kind: 'format' }, `after: post ${after} is not in thread ${head.root.threadId}.`);
  const limit = pageSize(options);
  const rows = await repo.findAuthorPosts(db, head.root.threadId, author.id, afterPath, limit + 1, options.bodies ?? false);
  const more = rows.length > limit;
  const posts = await withContext(db, rows.slice(0, limit), head.seesDeleted);
  return {
    ...head,
    author: { name: author.name, op: author.op },
    posts,
    after,
    nextAfter: more ? posts[posts.length - 1]!.post.id : undefined,
  };
}

/**
 * The follow-ups of the thread of post `id`, newest first, before the id `before`. Ids follow
 * commit order within a thread, so paging on while replies arrive neither repeats nor skips one:
 * new ones have larger ids and only ever appear on the first page.
 */
export async function getLatest(
  db: Kysely<Database>,
  id: string,
  viewer: Member | null,
  { before, ...options }: ListOptions & { before?: string } = {},
): Promise<LatestPage> {
  const head = await threadHead(db, id, viewer, options.rootOnly ?? false);
  const limit = pageSize(options);
  const rows = await repo.findLatestReplies(db, head.root.threadId, before, limit + 1, options.bodies ?? false);
  const more = rows.length > limit;
  const posts = await withContext(db, rows.slice(0, limit), head.seesDeleted);
  return { ...head, posts, before, nextBefore: more ? posts[posts.length - 1]!.post.id : undefined };
}
