import { type Kysely, sql } from 'kysely';

/**
 * The review queue (issue 14): posts held for a moderator before anyone else sees them.
 *
 * - held_posts: a thread or follow-up by a new member on a board with review on, as it was
 *   written (title, sanitized body, bytes, script, content hash, address), with why it was held.
 *   It is not a post: it takes no post id, no thread event, no notification and no count, so
 *   every reader of `posts` (windows, counts, search, hot lists, feeds) never sees it. Approving it
 *   writes the post as a reply or thread is written (post_id then names it); rejecting it keeps
 *   the row, with the reason, as the record the moderation log points to.
 * - held_posts_pending_idx, held_posts_author_idx: a board's queue, and an author's own held
 *   posts (their thread page and board page show them); partial, so decided rows take no room.
 * - board_moderators_user_idx: the boards a member moderates (their queue count in every page's
 *   header; the primary key leads with the board).
 * - moderation_log.held_id: the held post an approve or reject line is about.
 * - gentie_held_count(member, cap): held posts waiting on the boards the member moderates (every
 *   board for an admin), counted up to `cap`; null for a member who moderates nothing. Read with
 *   the session, beside the unread counts (db/unread.counts.ts), as PL/pgSQL so its plan is kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('held_posts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('board_id', 'bigint', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    // Both null for a new thread; for a follow-up, the thread and the post it answers.
    .addColumn('thread_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('parent_id', 'bigint', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('author_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('variant', 'text', (c) => c.notNull().defaultTo('other'))
    .addColumn('content_hash', 'text')
    .addColumn('address', sql`inet`)
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('new', 'links')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('approved', 'rejected')`))
    .addColumn('decision_reason', 'text')
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id').onDelete('set null'))
    .addCheckConstraint('held_posts_parent_check', sql`(thread_id is null) = (parent_id is null)`)
    .addCheckConstraint('held_posts_decided_check', sql`(decided_at is null) = (decision is null)`)
    .execute();
  await sql`create index held_posts_pending_idx on held_posts (board_id, id) where decided_at is null`.execute(db);
  await sql`create index held_posts_author_idx on held_posts (author_id, thread_id) where decided_at is null`.execute(db);
  await db.schema.createIndex('board_moderators_user_idx').on('board_moderators').column('user_id').execute();
  await db.schema
    .alterTable('moderation_log')
    .addColumn('held_id', 'bigint', (c) => c.references('held_posts.id').onDelete('set null'))
    .execute();
  await sql`
    create function gentie_held_count(member bigint, cap integer) returns integer
    language plpgsql stable as $$
    declare n integer;
    begin
      if exists (select 1 from users u where u.id = member and u.role = 'admin') then
        select count(*)::int into n from (select 1 from held_posts h where h.decided_at is null limit cap) x;
      elsif exists (select 1 from board_moderators m where m.user_id = member) then
        select count(*)::int into n from (
          select 1 from held_posts h join board_moderators m on m.board_id = h.board_id
          where m.user_id = member and h.decided_at is null limit cap) x;
      end if;
      return n;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function gentie_held_count`.execute(db);
  await db.schema.alterTable('moderation_log').dropColumn('held_id').execute();
  await db.schema.dropIndex('board_moderators_user_idx').execute();
  await db.schema.dropTable('held_posts').execute();
}
