import { type Kysely, sql } from 'kysely';

/**
 * Search (issue 15): post_search holds each post's search document (server/text/search-terms.ts)
 * beside the columns search filters on, written in the same transaction as the post and each
 * edit, delete and restore.
 *
 * - doc: the tsvector of the folded title (weight A) and text (weight B), with a GIN index.
 * - deleted: deleted posts stay indexed, flagged (moderators may search them on their boards).
 * - revision: the post's revision the doc was made from, so a reindex running beside the forum
 *   never replaces a newer doc with an older one.
 * - folding: the folding rules' version (FOLDING_VERSION) the doc was made with; `search:reindex`
 *   rebuilds what an older version made.
 *
 * Posts written before this migration have no row until `npm run gentie -- search:reindex`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('post_search')
    .addColumn('post_id', 'bigint', (c) => c.primaryKey().references('posts.id').onDelete('cascade'))
    .addColumn('board_id', 'bigint', (c) => c.notNull())
    .addColumn('thread_id', 'bigint', (c) => c.notNull())
    .addColumn('author_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('folding', 'smallint', (c) => c.notNull())
    .addColumn('doc', sql`tsvector`, (c) => c.notNull())
    .execute();
  await sql`create index post_search_doc_idx on post_search using gin (doc)`.execute(db);
  await sql`create index post_search_folding_idx on post_search (folding)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('post_search').execute();
}
