import { type SelectQueryBuilder, sql } from 'kysely';
import type { BodyFormat, Database, Db, PostRow, SiteRole, ThreadRow } from '../db/database';
import { builtOnce, preparedQuery } from '../db/prepared';
import { FOLDING_VERSION, type SearchDocument } from '../text/search-terms';

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

export async function findPost(db: Db, id: string): Promise<PostWithAuthorRow | undefined> {
  return (await preparedQuery(db, 'post', postQuery(db, { id })))[0];
}

const postQuery = builtOnce((db: Db, v: { id: string }) => withAuthor(db.selectFrom('posts')).where('posts.id', '=', v.id));

/** The board a thread page links to. */
export function findBoard(db: Db, boardId: string) {
  return db
    .selectFrom('boards')
    .select(['id', 'slug', 'name', 'description', 'archived_at as archivedAt'])
    .where('id', '=', boardId)
    .executeTakeFirstOrThrow();
}

export async function findThreadState(db: Db, threadId: string): Promise<Omit<ThreadRow, 'featured_at'> | undefined> {
  return (await preparedQuery(db, 'thread_state', threadStateQuery(db, { threadId })))[0];
}

const threadStateQuery = builtOnce((db: Db, v: { threadId: string }) =>
  db
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
    .where('thread_id', '=', v.threadId),
);

/** The posts with these ids (any thread), with their authors and editors; in no particular order. */
export async function findPosts(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return (await db.executeQuery(postsQuery(db, { ids }))).rows;
}

const postsQuery = builtOnce((db: Db, v: { ids: string[] }) => withAuthor(db.selectFrom('posts')).where('posts.id', '=', anyPostId(v.ids)));

/**
 * Any of these post ids, for `posts.id = …`: one array parameter rather than `in` (a parameter per
 * id), so a statement built once has one text for any number of ids.
 */
export const anyPostId = (ids: string[]) => sql<string>`any(${ids}::bigint[])`;

/** Titles of the threads some posts belong to (for "in thread …" links). */
export function findTitles(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('posts').select(['id', 'title', 'revision', 'variant', 'board_id', 'deleted_at']).where('id', 'in', ids).execute();
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

/** Flags posts' search rows deleted or not (with the delete or restore, same transaction). */
export async function setSearchDeleted(db: Db, postIds: string | readonly string[], deleted: boolean): Promise<void> {
  const ids = typeof postIds === 'string' ? [postIds] : postIds;
  await db
    .updateTable('post_search')
    .set({ deleted })
    .where('post_id', '=', sql<string>`any(${ids}::bigint[])`)
    .execute();
}
