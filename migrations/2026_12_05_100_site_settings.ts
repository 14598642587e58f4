import { type Kysely, sql } from 'kysely';

/**
 * Site settings stored in the database (issue 17): the admin console's and the CLI's changes to
 * the settings registry (server/settings/settings.registry.ts), applied on every process without a
 * restart; and the invites an admin issues while registration is invite-only.
 *
 * - site_settings holds only overrides: a setting with no row has its default (or its environment
 *   variable, which wins over a row). The value is text as the environment writes it ('6/1m',
 *   '24', 'invite'), so a row and a variable are read by the same parser.
 * - invites keep only the SHA-256 of the link's token (as tokens do). max_uses null: any number of
 *   registrations until expires_at; 1: a single one. A revoked invite is kept for the console's list.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table site_settings (
      name text primary key,
      value text not null,
      updated_at timestamptz not null default now(),
      updated_by bigint references users (id) on delete set null
    )
  `.execute(db);
  await sql`
    create table invites (
      id bigserial primary key,
      token_hash bytea not null unique,
      created_by bigint references users (id) on delete set null,
      created_by_name text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      max_uses int check (max_uses > 0),
      uses int not null default 0 check (uses >= 0),
      revoked_at timestamptz
    )
  `.execute(db);
  await sql`create index invites_expires_idx on invites (expires_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table invites`.execute(db);
  await sql`drop table site_settings`.execute(db);
}
