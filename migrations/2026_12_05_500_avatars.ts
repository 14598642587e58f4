import { type Kysely, sql } from 'kysely';

/**
 * Avatars (issue 16): a member's picture, cropped square and stored as an upload.
 *
 * - users.avatar_hash: the member's avatar, an upload (the 256-pixel square WebP); null shows the
 *   default avatar drawn from the name. An upload a member's avatar names is in use: the
 *   uploads:cleanup job keeps it. Deleting the upload row (never done while it is named) clears it.
 * - upload_sizes: the smaller squares made from an avatar (32, 64 and 128 pixels), each a blob of
 *   its own in the uploads' storage, served at /uploads/<hash>.<size>.webp. They go with their
 *   upload's row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('avatar_hash', 'text', (c) => c.references('uploads.hash').onDelete('set null'))
    .execute();
  await db.schema
    .createTable('upload_sizes')
    .addColumn('hash', 'text', (c) => c.notNull().references('uploads.hash').onDelete('cascade'))
    .addColumn('size', 'smallint', (c) => c.notNull())
    .addColumn('blob_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('upload_sizes_pkey', ['hash', 'size'])
    .execute();
  // The cleanup's check that a blob another upload still shares stays (uploads.repository.ts).
  await db.schema.createIndex('upload_sizes_blob_idx').on('upload_sizes').column('blob_hash').execute();
  // The cleanup's "named by an avatar" check, by hash.
  await db.schema.createIndex('users_avatar_idx').on('users').column('avatar_hash').where(sql.ref('avatar_hash'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('upload_sizes').execute();
  await db.schema.alterTable('users').dropColumn('avatar_hash').execute();
}
