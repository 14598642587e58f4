import { type Kysely, sql } from 'kysely';

/**
 * Visible bans and addresses for moderators (issue 14):
 * - boards.public_bans: the board shows its current bans (禁言) at /b/:slug/bans.
 * - post_addresses: the address each post was written from, kept for a retention period (the
 *   job addresses:purge deletes older rows); only admins read the address itself.
 * - address_bans: an address or a range (CIDR) refused registration and posting until expires_at.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('boards')
    .addColumn('public_bans', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createTable('post_addresses')
    .addColumn('post_id', 'bigint', (c) => c.primaryKey().references('posts.id').onDelete('cascade'))
    .addColumn('address', sql`inet`, (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The purge deletes by age; the shared-address question joins by address.
  await db.schema.createIndex('post_addresses_at_idx').on('post_addresses').column('at').execute();
  await db.schema.createIndex('post_addresses_address_idx').on('post_addresses').column('address').execute();
  await db.schema
    .createTable('address_bans')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('range', sql`cidr`, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('banned_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lifted_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('address_bans').execute();
  await db.schema.dropTable('post_addresses').execute();
  await db.schema.alterTable('boards').dropColumn('public_bans').execute();
}
