import type { Kysely } from 'kysely';

/**
 * users.name_skeleton: the confusable key of each name (server/members/names.ts, nameSkeleton).
 * Registration refuses a name whose skeleton an existing member has. Not unique: members whose
 * names collided before the rule keep their accounts (admins see them listed). A migration cannot
 * run the application's code, so existing rows start null and start-up fills them in
 * (backfillNameSkeletons); a later change of the skeleton rules sets the column to null again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('name_skeleton', 'text').execute();
  await db.schema.createIndex('users_name_skeleton_idx').on('users').column('name_skeleton').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_name_skeleton_idx').execute();
  await db.schema.alterTable('users').dropColumn('name_skeleton').execute();
}
