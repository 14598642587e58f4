import type { Kysely } from 'kysely';
import type { Database, SiteRole } from '../db/database';
import type { Member } from '../db/member';
import { AppError, notFound } from '../errors';
import * as follows from '../members/follows.repository';
import * as ignores from '../members/ignores.repository';
import { checkName } from '../members/names';
import { isDeletedMemberName } from '../text/localize';
import { findMemberHome } from '../members/profile.repository';
import * as posts from '../posts/posts.repository';
import { type MemberPostList, countMemberPosts, findMemberPosts } from '../posts/posts.lists.repository';
import { type ShownBan, ownBans } from '../policy/policy.repository';
import { type Post, toPost } from '../posts/posts.model';
import type { SourceVariant } from '../variants';

/**
 * A member's home page (博客首頁), following and ignoring. Ignoring is private: only the member
 * who ignores ever learns of it (their own pages, their own settings); nothing here tells anyone
 * else, the ignored member included.
 */

/** Posts per page of a member's threads or follow-ups. */
export const MEMBER_POSTS_PER_PAGE = 30;
/**
 * Counts of a member's threads and follow-ups stop here: each reads at most this many entries of
 * a partial index, whatever the history. A count at the cap is shown as "10000+".
 */
export const POST_COUNT_CAP = 10_000;

/** A member as their home page and GET /api/members/:name show them. */
export interface HomeMember {
  id: string;
  name: string;
  role: SiteRole;
  joinedAt: Date;
  /** The day last seen ('YYYY-MM-DD'); null when never seen or hidden by the member. */
  lastSeenOn: string | null;
  /** Threads and follow-ups written (not deleted), up to POST_COUNT_CAP. */
  threads: number;
  replies: number;
  /** Sanitized HTML ('' for none or a deleted account), in the script `profileVariant`. */
  profile: string;
  profileVariant: SourceVariant;
  deleted: boolean;
}

/** Where the viewer stands with the member whose page it is (null for a reader not logged in). */
export interface ViewerRelation {
  self: boolean;
  following: boolean;
  ignoring: boolean;
}

/** Which of the member's posts a home page lists: both (the first page of each) or one of them, paged. */
export type HomeList = 'both' | MemberPostList;

/** A member's home page: who they are, where the viewer stands, a page of their posts. */
export interface MemberHome {
  member: HomeMember;
  /** The viewer's own bans in force, on their own home page only. */
  ownBans?: ShownBan[];
  viewer: ViewerRelation | null;
  list: HomeList;
  /** The page's first post is the one after this id (keyset), when not the newest. */
  before: string | undefined;
  threads: Post[];
  replies: Post[];
  /** The threads the listed follow-ups are in, by root id: null when the root is deleted. */
  threadTitles: Map<string, { title: string; revision: number; variant: SourceVariant; board_id: string } | null>;
  /** The `before` of each list's next page, when there is one. */
  next: { threads?: string; replies?: string };
}

const memberNotFound = (name: string) => notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });

/** The member named `name` (any case) as their home page shows them, or a 404. */
async function findHome(db: Kysely<Database>, name: string) {
  // The links of a deleted account's kept posts lead here: say what the name is (a 404 all the same).
  if (isDeletedMemberName(name)) {
    throw notFound('AccountDeleted', 'This is the name deleted accounts’ kept posts are shown under: there is no member page.');
  }
  const key = checkName(name);
  const row = key.ok ? await findMemberHome(db, key.key) : undefined;
  if (!row) throw memberNotFound(name);
  return row;
}

/** A member by name for following or ignoring: their id and name, or a 404. */
async function findTarget(db: Kysely<Database>, name: string): Promise<{ id: string; name: string }> {
  const row = await findHome(db, name);
  return { id: row.id, name: row.name };
}

/** Who the member is, with their counts and where the viewer stands with them. */
export async function getHomeMember(
  db: Kysely<Database>,
  name: string,
  viewer: Member | null,
): Promise<{ member: HomeMember; viewer: ViewerRelation | null }> {
  const row = await findHome(db, name);
  const deleted = row.deleted_at !== null;
  const [threads, replies, following, ignoring] = await Promise.all([
    countMemberPosts(db, row.id, 'threads', POST_COUNT_CAP),
    countMemberPosts(db, row.id, 'replies', POST_COUNT_CAP),
    viewer && viewer.id !== row.id ? follows.isFollowing(db, viewer.id, row.id) : false,
    viewer && viewer.id !== row.id ? ignores.isIgnoring(db, viewer.id, row.id) : false,
  ]);
  return {
    member: {
      id: row.id,
      name: row.name,
      role: row.role,
      joinedAt: row.created_at,
      lastSeenOn: row.hide_last_seen || deleted ? null : row.last_seen_on,
      threads,
      replies,
      profile: deleted ? '' : row.profile,
      profileVariant: row.profile_variant,
      deleted,
    },
    viewer: viewer ? { self: viewer.id === row.id, following, ignoring } : null,
  };
}

/** A page of one of a member's lists, newest first, after `before`; `next` when more follow. */
export async function getMemberPosts(
  db: Kysely<Database>,
  memberId: string,
  list: MemberPostList,
  before: string | undefined,
  limit = MEMBER_POSTS_PER_PAGE,
): Promise<{ posts: Post[]; next: string | undefined }> {
  const rows = await findMemberPosts(db, memberId, list, limit + 1, before);
  const page = rows.slice(0, limit).map((r) => toPost(r));
  return { posts: page, next: rows.length > limit ? page[page.length - 1]!.id : undefined };
}

/**
 * A member's home page: who they are, and their threads and follow-ups, newest first (`list`
 * 'both': the first page of each; a single list: the page after `before`).
 */
export async function getMemberHome(
  db: Kysely<Database>,
  name: string,
  viewer: Member | null,
  { list = 'both', before }: { list?: HomeList; before?: string } = {},
): Promise<MemberHome> {
  const { member, viewer: relation } = await getHomeMember(db, name, viewer);
  const none = { posts: [] as Post[], next: undefined };
  const [threads, replies] = await Promise.all([
    list === 'replies' ? none : getMemberPosts(db, member.id, 'threads', list === 'threads' ? before : undefined),
    list === 'threads' ? none : getMemberPosts(db, member.id, 'replies', list === 'replies' ? before : undefined),
  ]);
  const [titles, bans] = await Promise.all([
    posts.findTitles(db, [...new Set(replies.posts.map((r) => r.threadId))]),
    viewer && relation?.self ? ownBans(db, viewer) : undefined,
  ]);
  return {
    member,
    ownBans: bans,
    viewer: relation,
    list,
    before,
    threads: threads.posts,
    replies: replies.posts,
    threadTitles: new Map(
      titles.map((t) => [t.id, t.deleted_at ? null : { title: t.title, revision: t.revision, variant: t.variant, board_id: t.board_id }]),
    ),
    next: { threads: threads.next, replies: replies.next },
  };
}

/**
 * Starts or stops ignoring a member. Ignoring oneself is refused; a member may ignore at most
 * IGNORE_MAX others. Returns whether the member now ignores them.
 */
export async function setIgnoring(db: Kysely<Database>, member: Member, name: string, on: boolean): Promise<boolean> {
  const target = await findTarget(db, name);
  if (target.id === member.id) {
    if (!on) return false;
    throw new AppError(400, 'NotAllowed', 'You cannot ignore yourself.', { params: { rule: 'ignoreSelf' } });
  }
  if (!on) {
    await ignores.deleteIgnore(db, member.id, target.id);
    return false;
  }
  await db.transaction().execute(async (tx) => {
    if (await ignores.isIgnoring(tx, member.id, target.id)) return;
    if ((await ignores.countIgnored(tx, member.id)) >= ignores.IGNORE_MAX) {
      throw new AppError(409, 'IgnoreListFull', `You may ignore at most ${ignores.IGNORE_MAX} members.`, {
        params: { max: ignores.IGNORE_MAX },
      });
    }
    await ignores.insertIgnore(tx, member.id, target.id);
  });
  return true;
}

/** Starts or stops following a member (following oneself is refused). Returns whether the member now follows them. */
export async function setFollowing(db: Kysely<Database>, member: Member, name: string, on: boolean): Promise<boolean> {
  const target = await findTarget(db, name);
  if (target.id === member.id) {
    if (!on) return false;
    throw new AppError(400, 'NotAllowed', 'You cannot follow yourself.', { params: { rule: 'followSelf' } });
  }
  if (on) await follows.insertFollow(db, member.id, target.id);
  else await follows.deleteFollow(db, member.id, target.id);
  return on;
}

/** The members `member` ignores, newest first: their names and since when. Only they may ask. */
export async function listIgnored(db: Kysely<Database>, member: Member): Promise<{ name: string; since: Date }[]> {
  const rows = await ignores.findIgnored(db, member.id);
  return rows.map((r) => ({ name: r.name, since: r.created_at }));
}
