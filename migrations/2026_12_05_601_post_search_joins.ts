import { type Kysely, sql } from 'kysely';

/**
 * Phrases of common words (issue 15): each post's search row gets the joins of its text
 * (server/text/search-terms.ts joinsOf: every three Han characters in a row, every two words or a
 * word and a character side by side) in a column of their own, without positions, with a GIN
 * index of its own. A phrase asks this index for the posts holding its joins, which are about as
 * rare as the phrase itself, and only those posts' documents are read to check the words'
 * positions (server/search/search.repository.ts findHits).
 *
 * A column apart from `doc`, not more lexemes in it: every search reads the documents of its
 * candidates (to check phrases and rank titles), and documents twice the size cost every query,
 * phrase or not. Rows written before this have no joins (''): FOLDING_VERSION 2 marks them stale,
 * start-up says so, `search:reindex --only stale` rebuilds them, and until then phrases are looked
 * for without the joins.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table post_search add column joins tsvector not null default ''`.execute(db);
  await sql`create index post_search_joins_idx on post_search using gin (joins)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists post_search_joins_idx`.execute(db);
  await sql`alter table post_search drop column joins`.execute(db);
}
