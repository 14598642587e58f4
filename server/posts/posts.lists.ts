import type { Kysely } from 'kysely';
import { type Board, getBoard } from '../boards/boards.service';
import type { Database, SiteRole } from '../db/database';
import type { SourceVariant } from '../text/convert';
import { notFound } from '../errors';
import type { Member } from '../db/member';
import { findMember } from '../members/members.service';
import { type Actor, can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import * as repo from './posts.repository';
import { type Post, type ThreadState, toPost, toPostsWithCounts, tombstone, toThreadState } from './posts.service';

/** Lists of posts: a board's index of threads, a member's threads and follow-ups. */

/** One thread on a board index: its root, its state and its first follow-ups. */
export interface IndexThread {
  root: Post;
  state: ThreadState;
  replies: Post[];
}

/** A page of a board's threads, as the board's page and its API show it. */
export interface BoardIndex {
  board: Board;
  threads: IndexThread[];
  page: number;
  pages: number;
  /** Threads on the board (in the featured list only, when `featured`). */
  total: number;
  actor: Actor | null;
  /** The viewer moderates the board: deleted posts are shown, not tombstones. */
  canModerate: boolean;
  featured: boolean;
}

/**
 * A page of a board's threads (pinned first, then latest activity), each with its follow-up tree.
 * Follow-ups are lines (no bodies); roots have their bodies only with `rootBodies` (the API).
 */
export async function getBoardIndex(
  db: Kysely<Database>,
  slug: string,
  page: number,
  viewer: Member | null = null,
  featured = false,
  { rootBodies = false }: { rootBodies?: boolean } = {},
): Promise<BoardIndex> {
  const board = await getBoard(db, slug);
  const actor = await actorOn(db, viewer, board.id);
  const canModerate = can(actor, 'seeDeleted', null);
  const visible = canModerate ? (p: Post) => p : tombstone;
  const [rows, total] = await Promise.all([
    repo.findBoardThreads(db, board.id, page, featured, rootBodies),
    repo.countBoardThreads(db, board.id, featured),
  ]);
  const replyRows = await repo.findIndexReplies(
    db,
    rows.map((r) => r.id),
  );
  const byThread = new Map<string, repo.PostWithAuthorRow[]>();
  for (const r of replyRows) {
    const list = byThread.get(r.thread_id) ?? [];
    list.push(r);
    byThread.set(r.thread_id, list);
  }
  const threads: IndexThread[] = rows.map((r) => ({
    root: visible(toPost(r, r.reply_count)),
    state: toThreadState({ ...r, thread_id: r.id }),
    replies: toPostsWithCounts(byThread.get(r.id) ?? []).map(visible),
  }));
  return { board, threads, page, pages: Math.max(1, Math.ceil(total / repo.THREADS_PER_PAGE)), total, actor, canModerate, featured };
}

export const MEMBER_POSTS_PER_PAGE = 50;

/** A page of a member's posts: who they are, their threads and follow-ups, newest first. */
export interface MemberPosts {
  member: { name: string; role: SiteRole; createdAt: Date };
  threads: Post[];
  replies: Post[];
  /** The threads replied in, by root id: null when the root is deleted. */
  threadTitles: Map<string, { title: string; revision: number; variant: SourceVariant } | null>;
  page: number;
  hasMore: boolean;
}

/** A member's threads and follow-ups, newest first, with the titles of the threads replied in. */
export async function getMemberPosts(db: Kysely<Database>, name: string, page: number): Promise<MemberPosts> {
  const member = await findMember(db, name);
  if (!member) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
  const offset = (page - 1) * MEMBER_POSTS_PER_PAGE;
  const [threads, replies] = await Promise.all([
    repo.findMemberPosts(db, member.id, 'threads', MEMBER_POSTS_PER_PAGE + 1, offset),
    repo.findMemberPosts(db, member.id, 'replies', MEMBER_POSTS_PER_PAGE + 1, offset),
  ]);
  const titles = await repo.findTitles(db, [...new Set(replies.map((r) => r.thread_id))]);
  return {
    member: { name: member.name, role: member.role, createdAt: member.created_at },
    threads: threads.slice(0, MEMBER_POSTS_PER_PAGE).map((r) => tombstone(toPost(r))),
    replies: replies.slice(0, MEMBER_POSTS_PER_PAGE).map((r) => tombstone(toPost(r))),
    threadTitles: new Map(titles.map((t) => [t.id, t.deleted_at ? null : { title: t.title, revision: t.revision, variant: t.variant }])),
    page,
    hasMore: threads.length > MEMBER_POSTS_PER_PAGE || replies.length > MEMBER_POSTS_PER_PAGE,
  };
}
