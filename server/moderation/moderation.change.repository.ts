import { sql } from 'kysely';
import type { BoardRole, BodyFormat, Db } from '../db/database';
import type { Member } from '../db/member';
import { preparedQuery } from '../db/prepared';
import { THREAD_EVENTS_CHANNEL } from '../events/thread-events';
import type { PaceSpending } from '../limits/limiter';
import { type ActorColumns, actorSql } from '../policy/policy.repository';
import type { PostWithAuthorRow } from '../posts/posts.repository';
import type { NewPost } from '../posts/posts.write.repository';
import { FOLDING_VERSION } from '../text/search-terms';

/**
 * A change's two round trips (docs/performance.md, "Fewer statements per write"): what every
 * change to a post reads and locks first, in one statement, and an edit's writes, in one more.
 */

/** A post as a change reads it (lockForChange): as listings read it, with what a change needs besides. */
export interface ChangeRow extends PostWithAuthorRow, Partial<ActorColumns> {
  format: BodyFormat;
  /** What its author wrote (the body itself for a post from before formats). */
  source: string;
  /** Its thread's state, as it is once the thread row is locked. */
  locked: boolean;
  pinned: boolean;
  featured: boolean;
  slow_mode_seconds: number;
  /** The thread's last event seq: the change's event takes the next one (the row is locked). */
  seq: string;
  board_slug: string;
  board_archived: boolean;
  /** When the latest of the change's full rate-limit windows ends (ms since the epoch), null when none is full. */
  paced_until: string | null;
}

/**
 * Everything a change to a post needs before it writes, in one statement:
 *
 * - the post, locked FOR NO KEY UPDATE, not FOR UPDATE (changes of one post never interleave; an
 *   insert referencing it, whose foreign key takes FOR KEY SHARE, does not wait; a reply's FOR SHARE
 *   of its parent waits for the change, and the change for it), with its author's and editor's names;
 * - its thread's row, locked FOR UPDATE after the post (as every change locked them, in two
 *   statements, before): a lock committed meanwhile cannot be missed, and the next event seq is
 *   the row's seq plus one until the change commits;
 * - its board's slug and whether it is archived;
 * - the member's role and ban on the board (policy.repository actorSql), when there is a member;
 * - the change's posting limits, spent when `spending` is given (paced.ts DeferredPace).
 *
 * No row: no such post (or, never for a post written by the app, no thread row for it).
 */
export async function lockForChange(
  db: Db,
  postId: string,
  member: Member | null,
  spending: PaceSpending | null,
): Promise<ChangeRow | undefined> {
  const actor = member ? actorSql(member.id, sql`target.board_id`) : null;
  const rows = await preparedQuery(
    db,
    'lock_for_change',
    sql<ChangeRow>`
    with ${spending ? spending.ctes : sql``} target as (
      select p.id, p.board_id, p.thread_id, p.parent_id, p.path, p.depth, p.author_id, p.title, p.body, p.bytes, p.format,
        coalesce(p.source, p.body) as source, p.variant, p.revision, p.created_at, p.edited_at, p.edited_by, p.edited_role,
        p.edit_reason, p.deleted_at, p.deleted_by, p.deleted_role, p.deleted_reason,
        t.locked, t.pinned, t.featured, t.slow_mode_seconds, t.seq, b.slug as board_slug, b.archived_at is not null as board_archived
      from posts p
      join threads t on t.thread_id = p.thread_id
      join boards b on b.id = p.board_id
      where p.id = ${postId}
      for no key update of p for update of t
    )
    select target.*, author.name as author_name, author.role as author_role, editor.name as editor_name,
      ${actor ? sql`${actor.moderates} as moderates, ban.*,` : sql``}
      ${spending ? sql`(select max(full_expire) from paced)` : sql`null`}::text as paced_until
    from target
    join users author on author.id = target.author_id
    left join users editor on editor.id = target.edited_by
    ${actor ? sql`left join ${actor.ban} ban on true` : sql``}`.compile(db),
  );
  return rows[0];
}

/** An edit's new content, as preparePost made it (mentions linked, quotes attributed). */
export type EditedContent = Pick<NewPost, 'title' | 'body' | 'bytes' | 'format' | 'source' | 'variant' | 'contentHash' | 'searchDoc'>;

/**
 * Writes an edit of a post read by lockForChange, in one statement: the version it replaces (in
 * post_revisions), the post's new content, its search document, its post:edit event at `seq`
 * (the thread row's next, taken here) with the event's NOTIFY (what events/thread-events.ts
 * recordThreadEvent writes), and the moderation log's line. Answers when it was edited.
 */
export async function writeEdit(
  db: Db,
  post: ChangeRow,
  next: EditedContent,
  edit: { editorId: string; editorRole: BoardRole; reason: string | null; seq: number; payload: string },
): Promise<Date> {
  const revision = post.revision + 1;
  const rows = await preparedQuery(
    db,
    'write_edit',
    sql<{ edited_at: Date }>`
    with replaced as (
      insert into post_revisions (post_id, revision, title, body, bytes, format, source, replaced_by, replaced_role, reason)
      values (${post.id}, ${post.revision}, ${post.title}, ${post.body}, ${post.bytes}, ${post.format}, ${post.source},
        ${edit.editorId}, ${edit.editorRole}, ${edit.reason})
    ), edited as (
      update posts set variant = ${next.variant}, title = ${next.title}, body = ${next.body}, bytes = ${next.bytes},
        format = ${next.format}, source = ${next.source}, content_hash = ${next.contentHash}, revision = ${revision},
        edited_at = now(), edited_by = ${edit.editorId}, edited_role = ${edit.editorRole}, edit_reason = ${edit.reason}
      where id = ${post.id}
      returning edited_at
    ), search as (
      insert into post_search (post_id, board_id, thread_id, author_id, created_at, deleted, revision, folding, doc, joins)
      values (${post.id}, ${post.board_id}, ${post.thread_id}, ${post.author_id}, ${post.created_at}, ${post.deleted_at !== null},
        ${revision}, ${FOLDING_VERSION}, ${next.searchDoc.doc}::tsvector, ${next.searchDoc.joins}::tsvector)
      on conflict (post_id) do update set deleted = excluded.deleted, revision = excluded.revision,
        folding = excluded.folding, doc = excluded.doc, joins = excluded.joins
    ), bump as (
      update threads set seq = ${edit.seq} where thread_id = ${post.thread_id}
    ), event as (
      insert into thread_events (thread_id, seq, kind, post_id) values (${post.thread_id}, ${edit.seq}, 'post:edit', ${post.id})
      returning seq
    ), logged as (
      insert into moderation_log (board_id, actor_id, actor_role, action, post_id, target_user_id, reason)
      values (${post.board_id}, ${edit.editorId}, ${edit.editorRole}, 'edit', ${post.id}, ${post.author_id}, ${edit.reason})
    )
    select edited.edited_at, pg_notify(${THREAD_EVENTS_CHANNEL}, ${edit.payload}) as announced from edited, event`.compile(db),
  );
  return rows[0]!.edited_at;
}
