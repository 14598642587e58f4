import { type RawBuilder, sql } from 'kysely';
import type { BodyFormat, BoardReview, Db } from '../db/database';
import type { Member } from '../db/member';
import { preparedQuery } from '../db/prepared';
import { THREAD_EVENTS_CHANNEL } from '../events/thread-events';
import type { PaceSpending } from '../limits/limiter';
import { type ActorColumns, actorSql } from '../policy/policy.repository';
import { FOLDING_VERSION, type SearchDocument } from '../text/search-terms';
import type { SourceVariant } from '../variants';

/** Writing posts and threads: a reply's two statements, a thread's inserts and the duplicate check. SQL only. */

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

/** A new thread's row, at seq 0: its first event (the root's post:new) takes seq 1. */
export function insertThread(db: Db, threadId: string, boardId: string) {
  return db.insertInto('threads').values({ thread_id: threadId, board_id: boardId, seq: 0 }).execute();
}
