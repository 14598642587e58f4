import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * 悄悄話 and profiles on the body formats (issue 16, server/text/formats.ts), as posts have been
 * since 2026_12_04_200: what the author wrote is kept beside the sanitized HTML, in its format.
 * Before, both decided between text and HTML by a guess (a "<" followed by a letter meant HTML),
 * so "a<b" lost everything after the "a".
 *
 * - messages: `format` and `source` (null: the body is its own source, an HTML body kept as it was).
 * - users: `profile_format` and `profile_source` (the same, for the member's profile).
 * - What was written before: a body or profile made only of paragraphs, line breaks, text and
 *   mention links (what plain text always became) is `text`, its source recovered from the HTML
 *   (paragraphs → blank lines, <br /> → a line break, a mention link → the @name, entities
 *   decoded), and a message's byte count made the source's, as a post's is; anything else stays
 *   `html`. Empty ones are `text` with source ''. Done by PostgreSQL, a range of ids per statement.
 */

/** Ids per statement. */
const BATCH = 50_000;

// The same recognition and recovery as 2026_12_04_200_post_source.ts (a migration never imports
// another's code, so it is written again here).
const TEXT_ONLY = String.raw`^(<p>([^<]|<br />|<a href="/u/[^"]*" class="mention">[^<]*</a>)*</p>)*$`;

function recoveredSource(body: RawBuilder<string>): RawBuilder<string> {
  const unlinked = sql`regexp_replace(${body}, '<a href="/u/[^"]*" class="mention">([^<]*)</a>', '\\1', 'g')`;
  const lines = sql`replace(replace(replace(${unlinked}, '</p><p>', E'\n\n'), '<br />', E'\n'), '<p>', '')`;
  const text = sql`replace(${lines}, '</p>', '')`;
  // &amp; last, so "&amp;lt;" (a typed "&lt;") comes back as "&lt;".
  return sql<string>`replace(replace(replace(replace(${text}, '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&amp;', '&')`;
}

async function idRange(db: Kysely<any>, table: string): Promise<[bigint, bigint] | null> {
  const { rows } = await sql<{ low: string | null; high: string | null }>`
    select min(id)::text as low, max(id)::text as high from ${sql.table(table)}`.execute(db);
  const { low, high } = rows[0]!;
  return low === null || high === null ? null : [BigInt(low), BigInt(high)];
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('messages')
    .addColumn('format', 'text', (c) =>
      c
        .notNull()
        .defaultTo('html')
        .check(sql`format in ('text', 'markdown', 'html')`),
    )
    .addColumn('source', 'text')
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('profile_format', 'text', (c) =>
      c
        .notNull()
        .defaultTo('html')
        .check(sql`profile_format in ('text', 'markdown', 'html')`),
    )
    .addColumn('profile_source', 'text')
    .execute();

  const messages = await idRange(db, 'messages');
  if (messages) {
    const source = recoveredSource(sql<string>`body`);
    for (let from = messages[0]; from <= messages[1]; from += BigInt(BATCH)) {
      await sql`update messages set format = 'text', source = ${source}, bytes = octet_length(${source})
        where id >= ${String(from)}::bigint and id < ${String(from + BigInt(BATCH))}::bigint and body ~ ${TEXT_ONLY}`.execute(db);
    }
  }
  // A member who registers from now on starts with an empty text profile.
  await sql`alter table users alter column profile_format set default 'text'`.execute(db);
  const users = await idRange(db, 'users');
  if (users) {
    const source = recoveredSource(sql<string>`profile`);
    for (let from = users[0]; from <= users[1]; from += BigInt(BATCH)) {
      await sql`update users set profile_format = 'text', profile_source = ${source}
        where id >= ${String(from)}::bigint and id < ${String(from + BigInt(BATCH))}::bigint and profile ~ ${TEXT_ONLY}`.execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update messages set bytes = octet_length(body) where format <> 'html' or source is not null`.execute(db);
  await db.schema.alterTable('messages').dropColumn('format').dropColumn('source').execute();
  await db.schema.alterTable('users').dropColumn('profile_format').dropColumn('profile_source').execute();
}
