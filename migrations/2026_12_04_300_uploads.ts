import { type Kysely, sql } from 'kysely';

/**
 * Images members upload (issue 16), stored content-addressed: an image is named by the sha256 of
 * its stored bytes (after it was decoded and encoded again), so the same picture uploaded twice is
 * one row and one blob.
 *
 * - uploads: what each stored image is (type, size, its thumbnail's hash and size), who first
 *   uploaded it, when it was last uploaded or last found in a post or 悄悄話 (`used_at`: the
 *   uploads:cleanup job deletes the ones nobody used for uploads.unusedDays), and whether a
 *   moderator purged it (then it is answered with 410 everywhere).
 * - upload_blobs: the bytes, by hash: the PostgreSQL implementation of the uploads' storage
 *   (server/uploads/uploads.storage.ts). bytea rather than large objects: a blob is at most a few
 *   megabytes (far below bytea's 1 GB), it is written and deleted in ordinary statements and
 *   transactions, pg_dump and every backup take it without --blobs, and deleting a row frees it
 *   (large objects need lo_unlink or vacuumlo, or they stay forever). A table of its own, so
 *   reading or scanning uploads never touches the bytes; storage EXTERNAL, because images are
 *   compressed already and TOAST trying again only costs time.
 * - upload_blocks: hashes a moderator blocked: an upload of the same bytes is refused.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('upload_blobs')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .execute();
  await sql`alter table upload_blobs alter column data set storage external`.execute(db);
  await db.schema
    .createTable('uploads')
    .addColumn('hash', 'text', (c) => c.primaryKey().check(sql`hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('owner_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('mime', 'text', (c) => c.notNull().check(sql`mime in ('image/jpeg', 'image/png', 'image/webp', 'image/gif')`))
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('animated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('thumb_hash', 'text', (c) => c.notNull())
    .addColumn('thumb_width', 'integer', (c) => c.notNull())
    .addColumn('thumb_height', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('purged_at', 'timestamptz')
    .addColumn('purged_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  // The cleanup job's candidates (used longest ago first), and the moderators' page (newest first).
  await db.schema.createIndex('uploads_used_idx').on('uploads').column('used_at').execute();
  await db.schema.createIndex('uploads_created_idx').on('uploads').column('created_at').execute();
  await db.schema.createIndex('uploads_owner_idx').on('uploads').column('owner_id').execute();
  await db.schema
    .createTable('upload_blocks')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('blocked_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('upload_blocks').execute();
  await db.schema.dropTable('uploads').execute();
  await db.schema.dropTable('upload_blobs').execute();
}
