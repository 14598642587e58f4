import type { Kysely } from 'kysely';
import { getBoard } from '../boards/boards.service';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { notFound } from '../errors';
import { checkName } from '../members/names';
import { findMemberHome } from '../members/profile.repository';
import type { SourceVariant } from '../variants';
import * as repo from './feeds.repository';

/**
 * What each Atom feed holds (feeds.routes.ts writes them): a board's new threads, a thread's new
 * follow-ups, a member's new threads, every board's new threads, and the hot list. Feeds are
 * anonymous: the same for everyone who asks (no ignore list, no moderator's view), so deleted
 * posts are never in them, and held posts, which are not posts, cannot be. Nothing about a
 * member is read but their name: a member's feed lists the threads their page lists.
 */

/** Entries in a feed: the newest this many. */
export const FEED_ENTRIES = 30;

/** What a feed follows, for its title and the page it links to. */
export type FeedSubject =
  | { kind: 'board'; id: string; slug: string; name: string; description: string }
  | { kind: 'thread'; root: { id: string; title: string; variant: SourceVariant; revision: number; board_id: string }; boardName: string }
  | { kind: 'member'; name: string }
  | { kind: 'site' }
  | { kind: 'hot' };

/** A feed's content: what it follows, its entries newest first, and since when an empty one is unchanged. */
export interface FeedContent {
  subject: FeedSubject;
  /** The page the feed follows, without a variant prefix ('/b/slug'). */
  page: string;
  /** The feed's own path, without a variant prefix ('/b/slug/feed.xml'). */
  path: string;
  posts: repo.FeedPostRow[];
  /** The feed's updated time when it has no entries (when its board, thread or member came to be). */
  since: Date;
}

/**
 * The hot list as the hot feed reads it: the ids of today's hottest threads across the site,
 * hottest first (the hot list's own service computes it; the app hands it to the feeds).
 */
export type HotThreads = (db: Kysely<Database>) => Promise<string[]>;

/** A board's newest threads (404 BoardNotFound for a board that is not there). */
export async function boardFeed(db: Kysely<Database>, slug: string): Promise<FeedContent> {
  const board = await getBoard(db, slug);
  const posts = await repo.findNewThreads(db, board.id, FEED_ENTRIES);
  return {
    subject: { kind: 'board', id: board.id, slug: board.slug, name: board.name, description: board.description },
    page: `/b/${encodeURIComponent(board.slug)}`,
    path: `/b/${encodeURIComponent(board.slug)}/feed.xml`,
    posts,
    since: posts.length ? new Date(0) : await repo.boardCreatedAt(db, board.id),
  };
}

/**
 * A thread's newest follow-ups. A post that is not there, is deleted, or is a follow-up (its own
 * page is a subtree, not a thread) has no feed: 404 PostNotFound.
 */
export async function threadFeed(db: Kysely<Database>, id: string): Promise<FeedContent> {
  const root = isId(id) ? await repo.findFeedRoot(db, id) : undefined;
  if (!root || root.deleted_at) throw notFound('PostNotFound', `There is no thread ${id}.`, { params: { id } });
  if (root.parent_id !== null) {
    throw notFound('PostNotFound', `Post ${id} is a follow-up, not a thread.`, { params: { id, notThread: true } });
  }
  return {
    subject: { kind: 'thread', root, boardName: root.board_name },
    page: `/t/${root.id}`,
    path: `/t/${root.id}/feed.xml`,
    posts: await repo.findNewFollowUps(db, root.id, FEED_ENTRIES),
    since: root.created_at,
  };
}

/** A member's newest threads (404 MemberNotFound for a name no one has). */
export async function memberFeed(db: Kysely<Database>, name: string): Promise<FeedContent> {
  const key = checkName(name);
  const member = key.ok ? await findMemberHome(db, key.key) : undefined;
  if (!member) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
  return {
    subject: { kind: 'member', name: member.name },
    page: `/u/${encodeURIComponent(member.name)}`,
    path: `/u/${encodeURIComponent(member.name)}/feed.xml`,
    posts: await repo.findMemberThreads(db, member.id, FEED_ENTRIES),
    since: member.created_at,
  };
}

/** Every board's newest threads. */
export async function siteFeed(db: Kysely<Database>): Promise<FeedContent> {
  const posts = await repo.findNewThreads(db, null, FEED_ENTRIES);
  return { subject: { kind: 'site' }, page: '/', path: '/feed.xml', posts, since: new Date(0) };
}

/** The hot list's threads in its order (deleted ones left out), at most FEED_ENTRIES. */
export async function hotFeed(db: Kysely<Database>, hot: HotThreads): Promise<FeedContent> {
  const ids = (await hot(db)).slice(0, FEED_ENTRIES);
  const rows = new Map((await repo.findThreadRoots(db, ids)).map((r) => [r.id, r]));
  return {
    subject: { kind: 'hot' },
    page: '/',
    path: '/hot/feed.xml',
    posts: ids.flatMap((id) => rows.get(id) ?? []),
    since: new Date(0),
  };
}
