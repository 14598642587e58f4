import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * A body's source and format (issue 16, server/text/formats.ts): what the author wrote is kept
 * beside the sanitized HTML, so an edit starts from it and `posts:resanitize` renders it again.
 *
 * - posts, post_revisions, held_posts: `format` ('text' | 'markdown' | 'html') and `source`.
 *   A null source means the body is its own source: an HTML body kept as it was stored. Added with
 *   a constant default and no rewrite, so adding them is instant whatever the forum's size.
 * - Bodies written before formats existed: one made only of paragraphs, line breaks, text and
 *   mention links (what a plain-text body always became) is `text`, its source recovered from
 *   the HTML (paragraphs → blank lines, <br /> → a line break, a mention link → the @name typed,
 *   entities decoded) and its byte count made the source's; anything else stays `html`, its
 *   source the stored body. Title-only posts ('') are `text` with source ''.
 *
 * The recovery is done by PostgreSQL, a range of ids per statement: no row travels to the
 * migrating process, and no statement holds a whole big table's rows at once.
 */

/** Ids (posts, held posts; revisions by post id) per statement. */
const BATCH = 50_000;

// What sanitizeBody made of plain text before formats: <p>…</p> paragraphs holding text, <br />
// and mention links (<a href="/u/…" class="mention">@…</a>, text/mentions.ts) only.
const TEXT_ONLY = String.raw`^(<p>([^<]|<br />|<a href="/u/[^"]*" class="mention">[^<]*</a>)*</p>)*$`;

/** The plain text such a body was written as (the inverse of that old text rendering). */
function recoveredSource(body: RawBuilder<string>): RawBuilder<string> {
  const unlinked = sql`regexp_replace(${body}, '<a href="/u/[^"]*" class="mention">([^<]*)</a>', '\\1', 'g')`;
  const lines = sql`replace(replace(replace(${unlinked}, '</p><p>', E'\n\n'), '<br />', E'\n'), '<p>', '')`;
  const text = sql`replace(${lines}, '</p>', '')`;
  // &amp; last, so "&amp;lt;" (a typed "&lt;") comes back as "&lt;".
  return sql<string>`replace(replace(replace(replace(${text}, '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&amp;', '&')`;
}

/** Classifies the bodies of `table` whose `key` lies in [from, to). */
async function classify(db: Kysely<any>, table: string, key: string, from: bigint, to: bigint): Promise<void> {
  const source = recoveredSource(sql<string>`body`);
  await sql`update ${sql.table(table)} set format = 'text', source = ${source}, bytes = octet_length(${source})
    where ${sql.ref(key)} >= ${String(from)}::bigint and ${sql.ref(key)} < ${String(to)}::bigint and body ~ ${TEXT_ONLY}`.execute(db);
}

async function classifyAll(db: Kysely<any>, table: string, key: string): Promise<void> {
  const { rows } = await sql<{ low: string | null; high: string | null }>`
    select min(${sql.ref(key)})::text as low, max(${sql.ref(key)})::text as high from ${sql.table(table)}`.execute(db);
  const { low, high } = rows[0]!;
  if (low === null || high === null) return;
  for (let from = BigInt(low); from <= BigInt(high); from += BigInt(BATCH)) await classify(db, table, key, from, from + BigInt(BATCH));
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['posts', 'post_revisions', 'held_posts']) {
    await db.schema
      .alterTable(table)
      .addColumn('format', 'text', (c) =>
        c
          .notNull()
          .defaultTo('html')
          .check(sql`format in ('text', 'markdown', 'html')`),
      )
      .addColumn('source', 'text')
      .execute();
  }
  await classifyAll(db, 'posts', 'id');
  await classifyAll(db, 'post_revisions', 'post_id');
  await classifyAll(db, 'held_posts', 'id');
}

export async function down(db: Kysely<any>): Promise<void> {
  // The byte counts go back to the stored HTML's, as they were.
  for (const table of ['posts', 'post_revisions', 'held_posts']) {
    await sql`update ${sql.table(table)} set bytes = octet_length(body) where format <> 'html' or source is not null`.execute(db);
    await db.schema.alterTable(table).dropColumn('format').dropColumn('source').execute();
  }
}
