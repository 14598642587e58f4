import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { BodyFormat, BoardReview, Database, Db, PostRow, SiteRole, ThreadRow } from '../db/database';
import type { Member } from '../db/member';
import { preparedQuery } from '../db/prepared';
import { THREAD_EVENTS_CHANNEL } from '../events/thread-events';
import type { PaceSpending } from '../limits/limiter';
import { type ActorColumns, actorSql } from '../policy/policy.repository';
import { FOLDING_VERSION, type SearchDocument } from '../text/search-terms';
import type { SourceVariant } from '../variants';

/** Posts and thread state: SQL only. Every list of posts comes back in display order (path). */

/** The columns every post listing selects, with its author and editor. */
export function withAuthor<O>(qb: SelectQueryBuilder<Database, 'posts', O>, bodies = true) {
  return (
    qb
      .innerJoin('users as author', 'author.id', 'posts.author_id')
      .leftJoin('users as editor', 'editor.id', 'posts.edited_by')
      // The same two columns either way, so the row type does not change.
      .select(bodies ? sql<string>`posts.body`.as('body') : sql<string>`''`.as('body'))
      .select(bodies ? sql<string[]>`posts.path`.as('path') : sql<string[]>`'{}'::bigint[]`.as('path'))
      .select([
        'posts.id',
        'posts.board_id',
        'posts.thread_id',
        'posts.parent_id',
        'posts.depth',
        'posts.title',
        'posts.bytes',
        'posts.variant',
        'posts.created_at',
        'posts.edited_at',
        'posts.edited_role',
        'posts.revision',
        'posts.deleted_at',
        'posts.deleted_role',
        'posts.deleted_by',
        'posts.deleted_reason',
        'posts.edit_reason',
        'posts.author_id',
        'author.name as author_name',
        'author.role as author_role',
        'editor.name as editor_name',
      ])
  );
}

/**
 * A post as every listing selects it (withAuthor): its columns (but the editor's id), with its
 * author's name and role and its editor's name. `body` and `path` are '' and [] when left out.
 */
export type PostWithAuthorRow = Omit<PostRow, 'edited_by' | 'content_hash' | 'format' | 'source'> & {
  author_name: string;
  author_role: SiteRole;
  editor_name: string | null;
};

/** What a reply's first statement reads and takes (findReplyContext). */
export interface ReplyContextRow extends ActorColumns {
  id: string;
  board_id: string;
  thread_id: string;
  path: string[];
  deleted_at: Date | null;
  author_id: string;
  /** The thread's starter, and whether they muted the thread (for 'thread-reply'). */
  starter_id: string;
  starter_muted: boolean;
  /** Null when the thread has no state row; then so are seq and post_id. */
  locked: boolean | null;
  /** The seq of the reply's post:new event, taken from the thread row. */
  seq: string | null;
  /** The reply's id, taken from the sequence once the thread row is locked. */
  post_id: string | null;
  /** The thread's slow mode (0: off), as it is once the thread row is locked. */
  slow_mode_seconds: number | null;
  /** The board's review setting: whether a new member's reply waits for a moderator (posts.held.ts). */
  review: BoardReview;
  /** The board is archived (read-only: the reply is refused), and its slug for the refusal. */
  archived: boolean;
  board_slug: string;
  /** When the latest of the reply's full rate-limit windows ends (ms since the epoch), null when none is full. */
  paced_until: string | null;
}

/**
 * Everything a reply needs before it writes, in one statement (docs/performance.md, "Replies"):
 *
 * - the post it answers, locked FOR SHARE until the reply commits: a concurrent delete (which
 *   locks the post FOR UPDATE) waits, so no reply lands under a post deleted meanwhile;
 * - the member's role and ban on its board (policy.repository actorSql);
 * - the thread's starter and whether they muted it;
 * - the board's review setting (a new member's reply may be held instead: posts.held.ts);
 * - the reply's posting limits, spent when `spending` is given (paced.ts DeferredPace): when a
 *   window is full every point is given back and the thread row is left alone;
 * - the thread row, counted for the reply (reply_count, last_activity_at) and its next event seq
 *   taken, then the reply's id from the sequence. The row lock this takes orders concurrent
 *   replies to one thread, so counters stay exact and ids follow commit order (the id is taken
 *   after the lock, in RETURNING).
 *
 * The caller checks what it read (deleted, locked, too deep, not allowed) and rolls back a reply
 * it refuses: the thread row is counted before those checks only because that saves a round trip.
 */
export async function findReplyContext(
  db: Db,
  parentId: string,
  member: Member,
  spending: PaceSpending | null,
): Promise<ReplyContextRow | undefined> {
  const actor = actorSql(member.id, sql`parent.board_id`);
  // The bump waits for the limits' answer: a refused try never locks the thread row.
  const paced = spending ? spending.ctes : sql``;
  const rows = await preparedQuery(
    db,
    'find_reply_context',
    sql<ReplyContextRow>`
    with ${paced} parent as (
      select id, board_id, thread_id, path, deleted_at, author_id from posts where id = ${parentId} for share
    ), bump as (
      update threads t set reply_count = t.reply_count + 1, last_activity_at = now(), seq = t.seq + 1
      from parent where t.thread_id = parent.thread_id ${spending ? sql`and not exists (select 1 from paced where full_expire is not null)` : sql``}
      returning t.locked, t.seq, t.slow_mode_seconds, nextval(pg_get_serial_sequence('posts', 'id'))::text as post_id
    )
    select parent.*, starter.author_id as starter_id,
      exists (select 1 from thread_mutes m where m.member_id = starter.author_id and m.thread_id = starter.id) as starter_muted,
      bump.locked, bump.seq, bump.post_id, bump.slow_mode_seconds, ${actor.moderates} as moderates, board.review,
      board.archived_at is not null as archived, board.slug as board_slug, ban.*,
      ${spending ? sql`(select max(full_expire) from paced)` : sql`null`}::text as paced_until
    from parent
    join posts starter on starter.id = parent.thread_id
    join boards board on board.id = parent.board_id
    left join bump on true
    left join ${actor.ban} ban on true`.compile(db),
  );
  return rows[0];
}

export function findPost(db: Db, id: string): Promise<PostWithAuthorRow | undefined> {
  return withAuthor(db.selectFrom('posts')).where('posts.id', '=', id).executeTakeFirst();
}

/** The board a thread page links to. */
export function findBoard(db: Db, boardId: string) {
  return db
    .selectFrom('boards')
    .select(['id', 'slug', 'name', 'description', 'archived_at as archivedAt'])
    .where('id', '=', boardId)
    .executeTakeFirstOrThrow();
}

export function findThreadState(db: Db, threadId: string): Promise<Omit<ThreadRow, 'featured_at'> | undefined> {
  return db
    .selectFrom('threads')
    .select([
      'thread_id',
      'board_id',
      'reply_count',
      'last_activity_at',
      'seq',
      'locked',
      'pinned',
      'featured',
      'read_count',
      'slow_mode_seconds',
    ])
    .where('thread_id', '=', threadId)
    .executeTakeFirst();
}

/** Takes the next post id from the sequence: ids are assigned in the order posts are written. */
export async function nextPostId(db: Db): Promise<string> {
  const row = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('posts', 'id')) as id`.execute(db);
  return row.rows[0]!.id;
}

export interface NewPost {
  id: string;
  boardId: string;
  threadId: string;
  parentId: string | null;
  path: string[];
  authorId: string;
  title: string;
  /** Sanitized HTML, rendered from `source`. */
  body: string;
  /** UTF-8 bytes of `source` ("(N bytes)"). */
  bytes: number;
  /** How it was written (text/formats.ts), and what was written. */
  format: BodyFormat;
  source: string;
  variant: SourceVariant;
  /** Its normalized title and text's hash (text/fingerprint.ts contentHash). */
  contentHash: string | null;
  /** When it was written, when not now: a held post approved later keeps its own time. */
  createdAt?: Date;
  /** Its search document and joins, tsvector literals (text/search-terms.ts searchDocument), made before the transaction. */
  searchDoc: SearchDocument;
}

function postValues(p: NewPost) {
  return {
    id: p.id,
    board_id: p.boardId,
    thread_id: p.threadId,
    parent_id: p.parentId,
    path: sql<string[]>`${p.path}::bigint[]`,
    depth: p.path.length - 1,
    author_id: p.authorId,
    title: p.title,
    body: p.body,
    bytes: p.bytes,
    format: p.format,
    source: p.source,
    variant: p.variant,
    content_hash: p.contentHash,
    ...(p.createdAt ? { created_at: p.createdAt } : {}),
  };
}

/** A post's row in post_search, written with the post (same statement): created_at is the same now(). */
function searchValues(p: NewPost) {
  return {
    post_id: p.id,
    board_id: p.boardId,
    thread_id: p.threadId,
    author_id: p.authorId,
    created_at: sql<Date>`now()`,
    folding: FOLDING_VERSION,
    // A literal made by searchDocument: every lexeme quoted there (no parsing of what was written).
    doc: sql<string>`${p.searchDoc.doc}::tsvector`,
    joins: sql<string>`${p.searchDoc.joins}::tsvector`,
  };
}

/** The address a post is written from, kept beside it (post_addresses): rows only when there is one. */
const postAddress = (postId: string, address: string | undefined) =>
  sql`select ${postId}::bigint, ${address || null}::inet where ${address || null}::inet is not null`;

/** Writes a post, its search document and the address it came from when known (one statement). */
export async function insertPost(db: Db, p: NewPost, address?: string): Promise<void> {
  await db
    .with('post', (qb) => qb.insertInto('posts').values(postValues(p)).returning('id'))
    .with('search', (qb) => qb.insertInto('post_search').values(searchValues(p)))
    .insertInto('post_addresses')
    .columns(['post_id', 'address'])
    .expression(postAddress(p.id, address))
    .execute();
}

/**
 * What the reply's write checks with what it writes (posts.service.ts reply): seconds within which
 * the same post under the same parent is a duplicate, and the thread's slow mode; 0 skips either.
 */
export interface ReplyChecks {
  duplicateSeconds: number;
  slowSeconds: number;
}

/** What insertReply answers: the post's created_at, and what its checks found. */
export interface WrittenReply {
  created_at: Date;
  /** The member wrote the same post under the same parent within duplicateSeconds. */
  duplicate: boolean;
  /** When the member's last follow-up in the thread was written, when slow mode asked (else null). */
  last_reply_at: Date | null;
}

/**
 * Writes a reply counted by findReplyContext, in one statement: the post, its notifications
 * (`notices`, evaluated with the post: events/notices.ts notifyExpression), and its post:new event
 * at `seq` with the event's NOTIFY (what events/thread-events.ts recordThreadEvent writes; the seq
 * was taken with the thread row), the address it came from (post_addresses, when known), and its
 * search document (post_search; its lexemes were made before the transaction).
 *
 * The same statement answers the duplicate and slow-mode checks (`checks`), so they cost no round
 * trip; the caller rolls back a reply they refuse. They are race-safe because this statement runs
 * after findReplyContext locked the thread row: a concurrent reply to the same thread has
 * committed by then, and this statement's snapshot, taken after the lock, sees its post (while
 * never seeing the one it inserts itself). Two identical replies sent at once: one lands.
 */
export async function insertReply(
  db: Db,
  p: NewPost,
  event: { seq: string; payload: string },
  notices: RawBuilder<unknown> | undefined,
  checks: ReplyChecks,
  address?: string,
): Promise<WrittenReply> {
  const duplicate =
    checks.duplicateSeconds > 0 && p.contentHash
      ? sql<boolean>`exists (select 1 from posts d where d.author_id = ${p.authorId} and d.content_hash = ${p.contentHash}
          and d.parent_id = ${p.parentId} and d.created_at > now() - make_interval(secs => ${checks.duplicateSeconds}))`
      : sql<boolean>`false`;
  // Follow-ups only: starting the thread does not count against its starter's first reply.
  const lastReply =
    checks.slowSeconds > 0
      ? sql<Date | null>`(select max(s.created_at) from posts s where s.thread_id = ${p.threadId} and s.author_id = ${p.authorId}
          and s.parent_id is not null)`
      : sql<Date | null>`null::timestamptz`;
  const query = db
    .with('post', (qb) =>
      qb
        .insertInto('posts')
        .values(postValues(p))
        .returning(['created_at', ...(notices ? [notices.as('notified')] : [])]),
    )
    .with('event', (qb) =>
      qb.insertInto('thread_events').values({ thread_id: p.threadId, seq: event.seq, kind: 'post:new', post_id: p.id }).returning('seq'),
    )
    .with('address', (qb) => qb.insertInto('post_addresses').columns(['post_id', 'address']).expression(postAddress(p.id, address)))
    .with('search', (qb) => qb.insertInto('post_search').values(searchValues(p)))
    .selectFrom(['post', 'event'])
    .select((eb) => [
      'post.created_at',
      eb.fn('pg_notify', [eb.val(THREAD_EVENTS_CHANNEL), eb.val(event.payload)]).as('announced'),
      duplicate.as('duplicate'),
      lastReply.as('last_reply_at'),
    ]);
  const row = (await preparedQuery(db, 'insert_reply', query.compile()))[0]!;
  return { created_at: row.created_at, duplicate: row.duplicate, last_reply_at: row.last_reply_at };
}

/**
 * Makes a member's new threads take turns until the transaction ends (an advisory lock keyed by
 * the member), so hasDuplicateThread, asked after it in a statement of its own, sees a thread the
 * same member started at the same moment: two identical threads sent at once cannot both land.
 */
export async function lockAuthorThreads(db: Db, authorId: string): Promise<void> {
  // No builder form for advisory locks.
  await sql`select pg_advisory_xact_lock(hashtext(${`gentie:threads:${authorId}`}))`.execute(db);
}

/** Whether the member started a thread with this content hash on this board within `seconds`. */
export async function hasDuplicateThread(
  db: Db,
  authorId: string,
  boardId: string,
  contentHash: string,
  seconds: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('posts')
    .select('id')
    .where('author_id', '=', authorId)
    .where('content_hash', '=', contentHash)
    .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${seconds})`)
    .where('board_id', '=', boardId)
    .where('parent_id', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A new thread's row, at seq 0: its first event (the root's post:new) takes seq 1. */
export function insertThread(db: Db, threadId: string, boardId: string) {
  return db.insertInto('threads').values({ thread_id: threadId, board_id: boardId, seq: 0 }).execute();
}

export const THREADS_PER_PAGE = 20;

/** What a list of threads (a board's page, its 精華區) shows of each thread's row beside its root post. */
const THREAD_LIST_COLUMNS = [
  'threads.reply_count',
  'threads.last_activity_at',
  'threads.locked',
  'threads.pinned',
  'threads.featured',
  'threads.seq',
  'threads.read_count',
] as const;

/** A page of a board's threads: pinned first, then by latest activity (bodies only when asked for). */
export function findBoardThreads(db: Db, boardId: string, page: number, featured = false, bodies = false) {
  return withAuthor(db.selectFrom('posts'), bodies)
    .innerJoin('threads', 'threads.thread_id', 'posts.id')
    .select(THREAD_LIST_COLUMNS)
    .where('threads.board_id', '=', boardId)
    .$if(featured, (qb) => qb.where('threads.featured', '=', true))
    .orderBy('threads.pinned', 'desc')
    .orderBy('threads.last_activity_at', 'desc')
    .orderBy('threads.thread_id', 'desc')
    .limit(THREADS_PER_PAGE)
    .offset((page - 1) * THREADS_PER_PAGE)
    .execute();
}

/** A place in a board's 精華區: the last thread a page showed, by when it was featured. */
export interface FeaturedAfter {
  featuredAt: Date;
  threadId: string;
}

/**
 * A page of a board's featured threads, the most recently featured first, after `after` (a keyset
 * on (featured_at, thread_id): threads_featured_idx, never an OFFSET). One more than `limit` is
 * asked for, so the caller knows whether there is a next page.
 */
export function findFeaturedThreads(db: Db, boardId: string, after: FeaturedAfter | null, limit: number) {
  return withAuthor(db.selectFrom('posts'), false)
    .innerJoin('threads', 'threads.thread_id', 'posts.id')
    .select([...THREAD_LIST_COLUMNS, 'threads.featured_at'])
    .where('threads.board_id', '=', boardId)
    .where('threads.featured', '=', true)
    .$if(after !== null, (qb) =>
      qb.where(sql<boolean>`(threads.featured_at, threads.thread_id) < (${after!.featuredAt}, ${after!.threadId}::bigint)`),
    )
    .orderBy('threads.featured_at', 'desc')
    .orderBy('threads.thread_id', 'desc')
    .limit(limit + 1)
    .execute();
}

export async function countBoardThreads(db: Db, boardId: string, featured = false): Promise<number> {
  const row = await db
    .selectFrom('threads')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('board_id', '=', boardId)
    .$if(featured, (qb) => qb.where('featured', '=', true))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The first `perThread` follow-ups of each thread, in display order, one bounded range scan per
 * thread. An index shows them as lines: their bodies are left out ('').
 */
export async function findIndexReplies(db: Db, threadIds: string[], perThread: number) {
  if (threadIds.length === 0 || perThread === 0) return [];
  // kysely cannot express a lateral join over unnest(); this is one bounded index scan per thread.
  const result = await sql<PostWithAuthorRow>`
    select r.* from unnest(${threadIds}::bigint[]) as t(id)
    cross join lateral (
      select p.id, p.board_id, p.thread_id, p.parent_id, p.path, p.depth, p.title, '' as body, p.bytes,
             p.variant, p.created_at, p.edited_at, p.edited_role, p.revision, p.deleted_at, p.deleted_role,
             p.deleted_by, p.deleted_reason, p.edit_reason, p.author_id,
             a.name as author_name, a.role as author_role, e.name as editor_name
      from posts p
      join users a on a.id = p.author_id
      left join users e on e.id = p.edited_by
      where p.thread_id = t.id and p.depth > 0
      order by p.path
      limit ${perThread}
    ) r`.execute(db);
  return result.rows;
}

/** Which of a member's posts a list shows: the threads they started, or their follow-ups. */
export type MemberPostList = 'threads' | 'replies';

/**
 * A page of a member's posts that are not deleted, newest first, as lines (no bodies): those
 * before `before` (an id: keyset paging, so page 1,000 costs what page 1 does). One range of a
 * partial index (posts_author_threads_idx or posts_author_replies_idx).
 */
export function findMemberPosts(db: Db, authorId: string, list: MemberPostList, limit: number, before?: string) {
  return withAuthor(db.selectFrom('posts'), false)
    .where('posts.author_id', '=', authorId)
    .where('posts.parent_id', list === 'threads' ? 'is' : 'is not', null)
    .where('posts.deleted_at', 'is', null)
    .$if(before !== undefined, (qb) => qb.where('posts.id', '<', before!))
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * How many posts of a list a member has (not deleted), counted up to `cap`: at most `cap` entries
 * of the list's partial index are read, however much the member wrote.
 */
export async function countMemberPosts(db: Db, authorId: string, list: MemberPostList, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('posts')
        .select('id')
        .where('author_id', '=', authorId)
        .where('parent_id', list === 'threads' ? 'is' : 'is not', null)
        .where('deleted_at', 'is', null)
        .limit(cap)
        .as('p'),
    )
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Titles of the threads some posts belong to (for "in thread …" links). */
export function findTitles(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('posts').select(['id', 'title', 'revision', 'variant', 'board_id', 'deleted_at']).where('id', 'in', ids).execute();
}

/** A batch of post bodies after `afterId`, for re-sanitizing. */
export function findBodies(db: Db, afterId: string, limit: number) {
  return (
    db
      .selectFrom('posts')
      .select(['id', 'title', 'body', 'format', 'variant'])
      // A null source: the body is its own (HTML stored before formats).
      .select(sql<string>`coalesce(posts.source, posts.body)`.as('source'))
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute()
  );
}

/** What an author wrote: a post's format and source (a null source is its body: HTML from before formats). */
export function findSource(db: Db, id: string): Promise<{ format: BodyFormat; source: string } | undefined> {
  return db
    .selectFrom('posts')
    .select('format')
    .select(sql<string>`coalesce(posts.source, posts.body)`.as('source'))
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Replaces a body rendered again from its source only if it is still `previous` (an edit committed meanwhile wins). */
export async function updateBodyIfUnchanged(
  db: Db,
  id: string,
  previous: string,
  c: { body: string; bytes: number; source: string; contentHash: string },
): Promise<{ thread_id: string; board_id: string } | undefined> {
  return db
    .updateTable('posts')
    .set({ body: c.body, bytes: c.bytes, source: c.source, content_hash: c.contentHash })
    .where('id', '=', id)
    .where('body', '=', previous)
    .returning(['thread_id', 'board_id'])
    .executeTakeFirst();
}

export async function countPosts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Up to `limit` events of a thread after `since`, in seq order, with the thread's state and what
 * the events weigh so far: the running sum of their posts' body bytes (thread events carry no
 * body). No body is read: the caller decides how many events fit, then reads their posts.
 */
export function findEventsSince(db: Db, threadId: string, since: number, limit: number) {
  return (
    db
      .selectFrom('thread_events as event')
      .innerJoin('posts', 'posts.id', 'event.post_id')
      .innerJoin('threads', 'threads.thread_id', 'event.thread_id')
      .select(['event.seq', 'event.kind', 'event.post_id', 'event.at', 'threads.locked', 'threads.pinned', 'threads.featured'])
      // A window function: the builder has no words for it.
      .select(
        sql<string>`sum(case when event.kind like 'thread:%' then 0 else posts.bytes end) over (order by event.seq)`.as('bytes_through'),
      )
      .where('event.thread_id', '=', threadId)
      .where('event.seq', '>', String(since))
      .orderBy('event.seq')
      .limit(limit)
      .execute()
  );
}

/** The posts with these ids (any thread), with their authors and editors; in no particular order. */
export function findPosts(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return withAuthor(db.selectFrom('posts')).where('posts.id', 'in', ids).execute();
}

/**
 * The threads and follow-ups written on these boards since `since` (the newest `limit`, newest
 * first), each with its post:new event's seq and its post as it is now. Threads are narrowed by
 * their last activity, which the transaction writing a post sets to the same now() as its event.
 */
export function findNewPostsOnBoards(db: Db, boardIds: string[], since: Date, limit: number) {
  return withAuthor(db.selectFrom('posts'))
    .innerJoin('threads', 'threads.thread_id', 'posts.thread_id')
    .innerJoin('thread_events as event', (j) =>
      j.onRef('event.thread_id', '=', 'threads.thread_id').onRef('event.post_id', '=', 'posts.id'),
    )
    .select(['event.seq', 'event.kind'])
    .where('threads.board_id', 'in', boardIds)
    .where('threads.last_activity_at', '>=', since)
    .where('event.at', '>=', since)
    .where('event.kind', '=', 'post:new')
    .$narrowType<{ kind: 'post:new' }>()
    .orderBy('posts.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Writes a post's search document as the post now stands (after an edit, in the edit's
 * transaction): board, thread, author, deleted and revision come from the posts row itself. A
 * post indexed before has its row replaced; one written before search existed gets one.
 */
export async function upsertSearchDoc(db: Db, postId: string, doc: SearchDocument): Promise<void> {
  // INSERT … SELECT with ON CONFLICT: the builder's onConflict cannot follow an expression insert.
  await sql`
    insert into post_search (post_id, board_id, thread_id, author_id, created_at, deleted, revision, folding, doc, joins)
    select id, board_id, thread_id, author_id, created_at, deleted_at is not null, revision, ${FOLDING_VERSION}, ${doc.doc}::tsvector,
      ${doc.joins}::tsvector
      from posts where id = ${postId}
    on conflict (post_id) do update set deleted = excluded.deleted, revision = excluded.revision,
      folding = excluded.folding, doc = excluded.doc, joins = excluded.joins`.execute(db);
}

/** Flags a post's search row deleted or not (with the delete or restore, same transaction). */
export async function setSearchDeleted(db: Db, postId: string, deleted: boolean): Promise<void> {
  await db.updateTable('post_search').set({ deleted }).where('post_id', '=', postId).execute();
}
