/** The SQL of uploads: the `uploads` and `upload_blocks` tables, and the search for images in use. */
import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database, UploadMime } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** Everything about a stored image but its bytes. */
export function findUpload(db: Db, hash: string) {
  return db.selectFrom('uploads').selectAll().where('hash', '=', hash).executeTakeFirst();
}

/** True when a moderator blocked this hash. */
export async function isBlocked(db: Db, hash: string): Promise<boolean> {
  return (await db.selectFrom('upload_blocks').select('hash').where('hash', '=', hash).executeTakeFirst()) !== undefined;
}

/**
 * Records a stored image, or, when the same bytes are already there, marks them used now (and
 * serves them again if a moderator had purged them without blocking them: the bytes are back).
 * The first uploader stays the owner.
 */
export function upsertUpload(
  db: Db,
  u: {
    hash: string;
    ownerId: string;
    mime: UploadMime;
    width: number;
    height: number;
    bytes: number;
    animated: boolean;
    thumbHash: string;
    thumbWidth: number;
    thumbHeight: number;
  },
) {
  return db
    .insertInto('uploads')
    .values({
      hash: u.hash,
      owner_id: u.ownerId,
      mime: u.mime,
      width: u.width,
      height: u.height,
      bytes: u.bytes,
      animated: u.animated,
      thumb_hash: u.thumbHash,
      thumb_width: u.thumbWidth,
      thumb_height: u.thumbHeight,
    })
    .onConflict((oc) => oc.column('hash').doUpdateSet({ used_at: sql`now()`, purged_at: null, purged_by: null }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Marks an image used now (uploaded again): the cleanup job leaves it for another full period. */
export function touchUpload(db: Db, hash: string) {
  return db
    .updateTable('uploads')
    .set({ used_at: sql`now()` })
    .where('hash', '=', hash)
    .execute();
}

/** Marks an image purged by a moderator; undefined when there is no such image. */
export function markPurged(db: Db, hash: string, by: string) {
  return db
    .updateTable('uploads')
    .set({ purged_at: sql`now()`, purged_by: by })
    .where('hash', '=', hash)
    .returning(['hash', 'thumb_hash'])
    .executeTakeFirst();
}

/** Blocks a hash (a second block of the same hash changes nothing). */
export function insertBlock(db: Db, hash: string, by: string, reason: string) {
  return db
    .insertInto('upload_blocks')
    .values({ hash, blocked_by: by, reason })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}

/** A site-wide line of the moderation log for a purge or a block; the image's hash leads the reason. */
export function logImageAction(
  db: Db,
  e: { actorId: string; actorRole: 'moderator' | 'admin'; action: 'image-purge' | 'image-block'; reason: string },
) {
  return db
    .insertInto('moderation_log')
    .values({ board_id: null, actor_id: e.actorId, actor_role: e.actorRole, action: e.action, reason: e.reason })
    .execute();
}

/** The newest uploads with their first uploader's name, for the moderators' page. */
export function recentUploads(db: Db, limit: number) {
  return db
    .selectFrom('uploads as u')
    .leftJoin('users as o', 'o.id', 'u.owner_id')
    .leftJoin('upload_blocks as b', 'b.hash', 'u.hash')
    .select([
      'u.hash',
      'u.mime',
      'u.width',
      'u.height',
      'u.bytes',
      'u.created_at',
      'u.purged_at',
      'o.name as owner_name',
      sql<boolean>`b.hash is not null`.as('blocked'),
    ])
    .orderBy('u.created_at', 'desc')
    .orderBy('u.hash')
    .limit(limit)
    .execute();
}

/** The blob of one of an upload's smaller sizes (an avatar's 32, 64 or 128 pixels), if it has it. */
export async function findSizeBlob(db: Db, hash: string, size: number): Promise<string | undefined> {
  const row = await db.selectFrom('upload_sizes').select('blob_hash').where('hash', '=', hash).where('size', '=', size).executeTakeFirst();
  return row?.blob_hash;
}

/** Records an upload's smaller sizes (the same avatar uploaded again changes nothing). */
export function insertSizes(db: Db, hash: string, sizes: readonly { size: number; blobHash: string }[]) {
  if (sizes.length === 0) return Promise.resolve();
  return db
    .insertInto('upload_sizes')
    .values(sizes.map((s) => ({ hash, size: s.size, blob_hash: s.blobHash })))
    .onConflict((oc) => oc.columns(['hash', 'size']).doNothing())
    .execute();
}

/** The blobs of the smaller sizes of these uploads. */
export async function sizeBlobsOf(db: Db, hashes: readonly string[]): Promise<string[]> {
  if (hashes.length === 0) return [];
  const rows = await db
    .selectFrom('upload_sizes')
    .select('blob_hash')
    .where('hash', 'in', [...hashes])
    .execute();
  return rows.map((r) => r.blob_hash);
}

/** Sets (or, with null, clears) a member's avatar. */
export function setAvatar(db: Db, memberId: string, hash: string | null) {
  return db.updateTable('users').set({ avatar_hash: hash }).where('id', '=', memberId).execute();
}

/**
 * A member's avatar by name key, as served at /avatars/<name>/<size>: the member's name (for the
 * default), and the avatar's hash when they have one that is not purged. Undefined for no member.
 */
export function findMemberAvatar(db: Db, nameKey: string) {
  return db
    .selectFrom('users as m')
    .leftJoin('uploads as u', (j) => j.onRef('u.hash', '=', 'm.avatar_hash').on('u.purged_at', 'is', null))
    .select(['m.name', 'm.deleted_at', 'u.hash as avatar'])
    .where('m.name_key', '=', nameKey)
    .executeTakeFirst();
}

/** A member's avatar (its upload's hash), unless they have none or a moderator purged it. */
export async function findAvatarOf(db: Db, memberId: string): Promise<string | null> {
  const row = await db
    .selectFrom('users as m')
    .innerJoin('uploads as u', 'u.hash', 'm.avatar_hash')
    .select('u.hash')
    .where('m.id', '=', memberId)
    .where('u.purged_at', 'is', null)
    .executeTakeFirst();
  return row?.hash ?? null;
}

/** Images nobody uploaded or was found using since `before`: the cleanup job's candidates. */
export function unusedSince(db: Db, before: Date, limit: number) {
  return db.selectFrom('uploads').select(['hash', 'thumb_hash']).where('used_at', '<', before).orderBy('used_at').limit(limit).execute();
}

/**
 * Of `hashes`, those that a member's avatar is, or that a post (deleted ones too: a moderator may
 * restore them), a held post or a 悄悄話 shows: their sanitized HTML names /uploads/<hash>… in an img src or a link. Bodies are
 * sanitized HTML on every path (each format is rendered and sanitized on write), so the stored
 * body is the one place to look. The LIKE lets PostgreSQL skip bodies with no upload in them
 * before the regular expression runs on the rest.
 */
export async function hashesInUse(db: Db, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  // Each body's upload hashes (regexp_matches, 'g': every match), kept when they are candidates.
  const { rows } = await sql<{ hash: string }>`
    select distinct m[1] as hash from (
      select body from posts where body like '%/uploads/%'
      union all
      select body from held_posts where decided_at is null and body like '%/uploads/%'
      union all
      select body from messages where body like '%/uploads/%'
    ) b, regexp_matches(b.body, '/uploads/([0-9a-f]{64})', 'g') m
    where m[1] = any(${hashes}::text[])
    union
    select avatar_hash from users where avatar_hash = any(${hashes}::text[])`.execute(db);
  return new Set(rows.map((r) => r.hash));
}

/** Marks images found in use: the cleanup job looks at them again a full period later. */
export function markUsed(db: Db, hashes: readonly string[]) {
  if (hashes.length === 0) return Promise.resolve();
  return db
    .updateTable('uploads')
    .set({ used_at: sql`now()` })
    .where('hash', 'in', [...hashes])
    .execute();
}

/**
 * Deletes the rows of images still unused since `before` (checked again, in case one was
 * uploaded again meanwhile) and no avatar's (checked again too); answers the hashes deleted and
 * the blobs that were theirs (the image, its thumbnail and its smaller sizes). The sizes' rows go
 * with their upload (on delete cascade); the statement still sees them, as every part of one
 * statement sees the rows as they were when it began.
 */
export async function deleteUnused(db: Db, hashes: readonly string[], before: Date): Promise<{ hash: string; blobs: string[] }[]> {
  if (hashes.length === 0) return [];
  const { rows } = await sql<{ hash: string; blobs: string[] }>`
    with gone as (
      delete from uploads u
      where u.hash = any(${hashes}::text[]) and u.used_at < ${before}
        and not exists (select 1 from users m where m.avatar_hash = u.hash)
      returning u.hash, u.thumb_hash
    )
    select gone.hash, array[gone.hash, gone.thumb_hash] || coalesce(array_agg(s.blob_hash) filter (where s.blob_hash is not null), '{}') as blobs
    from gone left join upload_sizes s on s.hash = gone.hash
    group by gone.hash, gone.thumb_hash`.execute(db);
  return rows;
}

/**
 * Of blob hashes, those a stored image that is not purged still needs: as its own bytes, its
 * thumbnail or one of its smaller sizes (two pictures may share identical thumbnails or small
 * squares).
 */
export async function blobsStillUsed(db: Db, blobHashes: readonly string[]): Promise<Set<string>> {
  if (blobHashes.length === 0) return new Set();
  const { rows } = await sql<{ blob: string }>`
    select u.hash as blob from uploads u where u.hash = any(${blobHashes}::text[]) and u.purged_at is null
    union
    select u.thumb_hash from uploads u where u.thumb_hash = any(${blobHashes}::text[]) and u.purged_at is null
    union
    select s.blob_hash from upload_sizes s join uploads u on u.hash = s.hash
    where s.blob_hash = any(${blobHashes}::text[]) and u.purged_at is null`.execute(db);
  return new Set(rows.map((r) => r.blob));
}
