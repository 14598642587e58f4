import { type Kysely, sql } from 'kysely';

/** Edits and their history, deletion reasons, bans, reports (舉報) and the moderation log. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('posts').addColumn('edit_reason', 'text').addColumn('deleted_reason', 'text').execute();

  // One row per replaced version: its content, and the edit that replaced it (who, in what role,
  // when, why). Version 0 was written by the post's author at posts.created_at.
  await db.schema
    .createTable('post_revisions')
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('replaced_by', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('replaced_role', 'text', (c) => c.notNull())
    .addColumn('replaced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reason', 'text')
    .addPrimaryKeyConstraint('post_revisions_pk', ['post_id', 'revision'])
    .execute();

  await db.schema
    .createTable('bans')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // null: banned from the whole site (admins only).
    .addColumn('board_id', 'bigint', (c) => c.references('boards.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('banned_by', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('lifted_by', 'bigint', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('bans_user_idx').on('bans').columns(['user_id', 'expires_at']).execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('post_id', 'bigint', (c) => c.notNull().references('posts.id'))
    .addColumn('board_id', 'bigint', (c) => c.notNull().references('boards.id'))
    .addColumn('reporter_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('resolution', 'text')
    .addUniqueConstraint('reports_once_per_member', ['post_id', 'reporter_id'])
    .execute();
  await db.schema
    .createIndex('reports_open_idx')
    .on('reports')
    .columns(['board_id', 'created_at'])
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('moderation_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('board_id', 'bigint', (c) => c.references('boards.id'))
    .addColumn('actor_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('post_id', 'bigint', (c) => c.references('posts.id'))
    .addColumn('target_user_id', 'bigint', (c) => c.references('users.id'))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('moderation_log_board_idx').on('moderation_log').columns(['board_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['moderation_log', 'reports', 'bans', 'post_revisions']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('posts').dropColumn('edit_reason').dropColumn('deleted_reason').execute();
}
