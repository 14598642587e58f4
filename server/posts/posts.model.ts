import type { Kysely } from 'kysely';
import type { BodyFormat, BoardRole, Database, DeletedBy, SiteRole, ThreadRow } from '../db/database';
import { isId } from '../db/ids';
import { notFound } from '../errors';
import type { SourceVariant } from '../text/convert';
import * as repo from './posts.repository';

/** A post and its thread's state as the application sees them: the types, the rows mapped to them, and one post read by id. */

/** A post, root or follow-up, as pages and the API see it. */
export interface Post {
  id: string;
  boardId: string;
  threadId: string;
  parentId: string | null;
  depth: number;
  title: string;
  /** Sanitized HTML, rendered from what the author wrote; '' for a title-only post. */
  body: string;
  /** UTF-8 bytes of what the author wrote ("(N bytes)"). */
  bytes: number;
  variant: SourceVariant;
  /**
   * What its author wrote and in what format (text/formats.ts): only where the viewer may edit
   * the post (its author, the board's moderators), for an edit to start from.
   */
  written?: Written;
  author: { name: string; role: SiteRole };
  createdAt: Date;
  editedAt: Date | null;
  editedBy: { name: string; role: BoardRole } | null;
  deleted: boolean;
  /** Who deleted it: its author, a moderator or an admin (null when not deleted). */
  deletedBy: DeletedBy | null;
  deletedReason: string | null;
  editReason: string | null;
  /** How many times it was edited (0 = as first written). */
  revision: number;
  authorId: string;
  /** Follow-ups under this post (the whole subtree), when known. */
  replyCount: number;
}

/** A thread's own state (kept on the `threads` row of its root). */
export interface ThreadState {
  threadId: string;
  replyCount: number;
  lastActivityAt: Date;
  seq: number;
  locked: boolean;
  pinned: boolean;
  featured: boolean;
  /** Times it was read (server/reads/): behind by up to READ_FLUSH_MS. */
  readCount: number;
  /** Slow mode: one follow-up per this many seconds per member (0: off; board moderators are exempt). */
  slowModeSeconds: number;
}

/** A body as its author wrote it. */
export interface Written {
  format: BodyFormat;
  source: string;
}

/** A post row as the rest of the application sees it. */
export function toPost(row: repo.PostWithAuthorRow, replyCount = 0): Post {
  return {
    id: row.id,
    boardId: row.board_id,
    threadId: row.thread_id,
    parentId: row.parent_id,
    depth: row.depth,
    title: row.title,
    body: row.body,
    bytes: row.bytes,
    variant: row.variant,
    author: { name: row.author_name, role: row.author_role },
    createdAt: row.created_at,
    editedAt: row.edited_at,
    editedBy: row.edited_at && row.editor_name ? { name: row.editor_name, role: row.edited_role ?? 'member' } : null,
    deleted: row.deleted_at !== null,
    deletedBy:
      row.deleted_at === null ? null : row.deleted_by === row.author_id ? 'author' : row.deleted_role === 'admin' ? 'admin' : 'moderator',
    deletedReason: row.deleted_reason,
    editReason: row.edit_reason,
    revision: row.revision,
    authorId: row.author_id,
    replyCount,
  };
}

/**
 * A deleted post as readers who may not see deleted posts get it: it keeps its place in the tree
 * (a tombstone) and says why it went; its title, body and edit details are gone.
 */
export function tombstone(post: Post): Post {
  return post.deleted ? { ...post, title: '', body: '', bytes: 0, editReason: null } : post;
}

/** A thread's state row as pages and the API see it (board indexes leave slow mode out: 0). */
export function toThreadState(row: Omit<ThreadRow, 'slow_mode_seconds' | 'featured_at'> & { slow_mode_seconds?: number }): ThreadState {
  return {
    threadId: row.thread_id,
    replyCount: row.reply_count,
    lastActivityAt: row.last_activity_at,
    seq: Number(row.seq),
    locked: row.locked,
    pinned: row.pinned,
    featured: row.featured,
    readCount: Number(row.read_count),
    slowModeSeconds: row.slow_mode_seconds ?? 0,
  };
}

/**
 * Maps rows in display order to posts, each with the size of its subtree, in one pass: a post's
 * subtree ends where the next post at its depth or shallower begins, so its size is the distance.
 */
export function toPostsWithCounts(rows: repo.PostWithAuthorRow[]): Post[] {
  const posts = rows.map((r) => toPost(r));
  const open: number[] = []; // indexes of posts whose subtree is still being read
  const close = (end: number) => {
    const j = open.pop()!;
    posts[j]!.replyCount = end - j - 1;
  };
  posts.forEach((post, i) => {
    while (open.length && posts[open[open.length - 1]!]!.depth >= post.depth) close(i);
    open.push(i);
  });
  while (open.length) close(posts.length);
  return posts;
}

/** The post with this id (deleted ones included), or a 404. */
export async function findPostRow(db: Parameters<typeof repo.findPost>[0], id: string): Promise<repo.PostWithAuthorRow> {
  const row = isId(id) ? await repo.findPost(db, id) : undefined;
  if (!row) throw notFound('PostNotFound', `There is no post ${id}.`, { params: { id } });
  return row;
}

/** One post, as stored (deleted posts included, with their content). */
export async function getPost(db: Kysely<Database>, id: string): Promise<Post> {
  return toPost(await findPostRow(db, id));
}
