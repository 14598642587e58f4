import type { Kysely } from 'kysely';

/**
 * Moderators can hide a replaced version of a post (a phone number an edit took out) from everyone
 * but the board's moderators and admins, and undo it. The log says which version it was about.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('post_revisions')
    .addColumn('hidden_at', 'timestamptz')
    .addColumn('hidden_by', 'bigint', (c) => c.references('users.id'))
    .execute();
  await db.schema.alterTable('moderation_log').addColumn('revision', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('moderation_log').dropColumn('revision').execute();
  await db.schema.alterTable('post_revisions').dropColumn('hidden_at').dropColumn('hidden_by').execute();
}
