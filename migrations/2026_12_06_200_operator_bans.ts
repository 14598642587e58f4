import { type Kysely, sql } from 'kysely';

/**
 * Site bans given by the operator at the CLI (`member:ban`, `member:unban`): no account gives or
 * lifts them, so a ban's banned_by and a moderation log line's actor_id may be empty, as an
 * address ban's banned_by already may. Pages and the API show such a line as the CLI's (the audit
 * log names the CLI as its actor too).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table bans alter column banned_by drop not null`.execute(db);
  await sql`alter table moderation_log alter column actor_id drop not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from moderation_log where actor_id is null`.execute(db);
  await sql`delete from bans where banned_by is null`.execute(db);
  await sql`alter table moderation_log alter column actor_id set not null`.execute(db);
  await sql`alter table bans alter column banned_by set not null`.execute(db);
}
