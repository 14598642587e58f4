import { type Kysely, sql } from 'kysely';

/**
 * A member's own time zone (an IANA name, set on /settings): their ban's end is shown in it on a
 * refused action and on their own page. Null: the site's zone (TZ_DISPLAY).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column time_zone text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop column time_zone`.execute(db);
}
