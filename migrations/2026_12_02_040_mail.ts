import { type Kysely, sql } from 'kysely';

/**
 * Email (issue 12): the script a member's emails are written in, and an index for the digest job
 * that finds the members whose daily digest is due without reading every account.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // The variant (zh-hans, zh-hant, zh-tw, zh-hk) the member last used on an email page; null = traditional.
  await db.schema.alterTable('users').addColumn('mail_variant', 'text').execute();
  // Partial: only members who chose the digest are in it.
  await sql`create index users_digest_due_idx on users (digest_sent_at nulls first) where digest`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index users_digest_due_idx`.execute(db);
  await db.schema.alterTable('users').dropColumn('mail_variant').execute();
}
