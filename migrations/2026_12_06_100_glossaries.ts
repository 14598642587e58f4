import { type Kysely, sql } from 'kysely';

/**
 * Glossaries (issue 18): terms a board's moderators (or the site's admins) fix the conversion of,
 * each a text and its form per variant (芯片: 晶片 for Taiwan), or a name that never converts.
 *
 * - glossaries: one row per glossary, `scope` 'site' or the board's id; its terms as one JSON
 *   array (a glossary is read whole, compiled once per version, and is small: at most
 *   GLOSSARY_MAX_TERMS terms), and its version, raised by every change: the conversion-rules
 *   version in every cache key and ETag of converted text is made of these versions.
 * - glossary_history: every state a glossary was in, with who made it and what changed; a past
 *   state can be restored (a new version with its terms).
 * - glossary_flags: readers' reports of a wrong conversion on a post (the wrong text, what it
 *   should be), the board moderators' queue until accepted (a term is added) or dismissed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table glossaries (
      scope text primary key,
      board_id bigint references boards (id) on delete cascade,
      version integer not null default 0,
      terms jsonb not null default '[]',
      updated_at timestamptz not null default now(),
      check ((scope = 'site') = (board_id is null))
    )
  `.execute(db);
  await sql`
    create table glossary_history (
      id bigserial primary key,
      scope text not null,
      version integer not null,
      action text not null,
      detail text not null default '',
      terms jsonb not null,
      actor_id bigint references users (id) on delete set null,
      actor_name text not null,
      created_at timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index glossary_history_scope_idx on glossary_history (scope, id desc)`.execute(db);
  await sql`
    create table glossary_flags (
      id bigserial primary key,
      board_id bigint not null references boards (id) on delete cascade,
      post_id bigint not null references posts (id) on delete cascade,
      reporter_id bigint references users (id) on delete set null,
      variant text not null,
      wrong text not null,
      fixed text not null,
      created_at timestamptz not null default now(),
      resolved_at timestamptz,
      resolved_by bigint references users (id) on delete set null,
      outcome text check (outcome in ('accepted', 'dismissed'))
    )
  `.execute(db);
  await sql`create index glossary_flags_open_idx on glossary_flags (board_id, id) where resolved_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table glossary_flags`.execute(db);
  await sql`drop table glossary_history`.execute(db);
  await sql`drop table glossaries`.execute(db);
}
