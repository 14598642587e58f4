import { type RawBuilder, sql } from 'kysely';
import type { BoardReview, Db } from '../db/database';
import type { Member } from '../db/member';
import { preparedQuery } from '../db/prepared';
import { THREAD_EVENTS_CHANNEL } from '../events/thread-events';
import type { PaceSpending } from '../limits/limiter';
import { type ActorColumns, actorSql } from '../policy/policy.repository';
import { FOLDING_VERSION } from '../text/search-terms';
import type { NewPost } from './posts.write.repository';

/**
 * A new thread's two round trips (docs/performance.md, "Fewer statements per write"), as a
 * reply's are (posts.repository findReplyContext and insertReply): what it needs before it
 * writes, then everything it writes.
 */

/** What a new thread's first statement reads and takes (findThreadContext). */
export interface ThreadContextRow extends ActorColumns {
  board_id: string;
  board_slug: string;
  board_name: string;
  board_description: string;
  public_bans: boolean;
  review: BoardReview;
  archived_at: Date | null;
  /** The members who follow the author ('followed-thread'). */
  followers: string[];
  /** The thread's id (its root's), from the sequence. */
  post_id: string;
  /** When the latest of the thread's full rate-limit windows ends (ms since the epoch), null when none is full. */
  paced_until: string | null;
}

/**
 * Everything a new thread needs before it writes, in one statement:
 *
 * - the board, by slug;
 * - the member's role and ban on it (policy.repository actorSql);
 * - the author's followers, to notify;
 * - the thread's posting limits, spent when `spending` is given (paced.ts DeferredPace);
 * - when `duplicates` (the duplicate window is on), the author's advisory lock: their new threads
 *   take turns until the transaction ends, so the check insertThreadPost makes in the next
 *   statement, whose snapshot is taken after this lock, sees a thread the same member started at
 *   the same moment (two identical threads sent at once cannot both land);
 * - the thread's id from the sequence.
 *
 * No row: no such board. The caller checks what it read and rolls back a thread it refuses.
 */
export async function findThreadContext(
  db: Db,
  slug: string,
  member: Member,
  spending: PaceSpending | null,
  duplicates: boolean,
): Promise<ThreadContextRow | undefined> {
  const actor = actorSql(member.id, sql`board.id`);
  const lock = duplicates ? sql`, pg_advisory_xact_lock(hashtext(${`gentie:threads:${member.id}`})) as locked` : sql``;
  const rows = await preparedQuery(
    db,
    'find_thread_context',
    sql<ThreadContextRow>`
    with ${spending ? spending.ctes : sql``} board as (
      select id, slug, name, description, public_bans, review, archived_at from boards where slug = ${slug}
    )
    select board.id as board_id, board.slug as board_slug, board.name as board_name, board.description as board_description,
      board.public_bans, board.review, board.archived_at, ${actor.moderates} as moderates, ban.*,
      array(select f.follower_id::text from follows f where f.followee_id = ${member.id}) as followers,
      ${spending ? sql`(select max(full_expire) from paced)` : sql`null`}::text as paced_until,
      nextval(pg_get_serial_sequence('posts', 'id'))::text as post_id ${lock}
    from board
    left join ${actor.ban} ban on true`.compile(db),
  );
  return rows[0];
}

/**
 * Writes a new thread in one statement: its root post, its search document, the address it came
 * from (when known), its threads row and its first event (post:new at seq 1) with the event's
 * NOTIFY (`payload`), and its notifications (`notices`: events/notices.ts notifyExpression). With
 * `duplicateSeconds`, nothing is written when the author started a thread with the same content
 * hash on the board within that many seconds (race-safe after findThreadContext's lock): then it
 * answers undefined. Otherwise it answers when the post was written.
 */
export async function insertThreadPost(
  db: Db,
  p: NewPost,
  payload: string,
  notices: RawBuilder<unknown> | undefined,
  duplicateSeconds: number,
  address?: string,
): Promise<Date | undefined> {
  const duplicate =
    duplicateSeconds > 0 && p.contentHash
      ? sql`exists (select 1 from posts d where d.author_id = ${p.authorId} and d.content_hash = ${p.contentHash}
          and d.created_at > now() - make_interval(secs => ${duplicateSeconds}) and d.board_id = ${p.boardId} and d.parent_id is null)`
      : sql`false`;
  const at = address || null;
  // Every part but the post inserts "from post": a duplicate (no post) writes nothing at all.
  const query = sql<{ created_at: Date }>`
    with post as (
      insert into posts (id, board_id, thread_id, parent_id, path, depth, author_id, title, body, bytes, format, source, variant, content_hash)
      select ${p.id}, ${p.boardId}, ${p.id}, null, ${p.path}::bigint[], 0, ${p.authorId}, ${p.title}, ${p.body}, ${p.bytes}, ${p.format},
        ${p.source}, ${p.variant}, ${p.contentHash}
      where not ${duplicate}
      returning created_at ${notices ? sql`, ${notices} as notified` : sql``}
    ), search as (
      insert into post_search (post_id, board_id, thread_id, author_id, created_at, folding, doc, joins)
      select ${p.id}, ${p.boardId}, ${p.id}, ${p.authorId}, now(), ${FOLDING_VERSION}, ${p.searchDoc.doc}::tsvector,
        ${p.searchDoc.joins}::tsvector
      from post
    ), thread as (
      insert into threads (thread_id, board_id, seq) select ${p.id}, ${p.boardId}, 1 from post
    ), event as (
      insert into thread_events (thread_id, seq, kind, post_id) select ${p.id}, 1, 'post:new', ${p.id} from post returning seq
    ), address as (
      insert into post_addresses (post_id, address) select ${p.id}, ${at}::inet from post where ${at}::inet is not null
    )
    select post.created_at, pg_notify(${THREAD_EVENTS_CHANNEL}, ${payload}) as announced from post, event`.compile(db);
  const rows = await preparedQuery(db, 'insert_thread_post', query);
  return rows[0]?.created_at;
}
