/**
 * Uploaded images: storing one a member sent (after uploads.images.ts made it safe), finding one to
 * serve, purging and blocking by moderators, and the cleanup of images nobody uses.
 *
 * Images are content-addressed: the id of an upload is the sha256 of its stored bytes, so the same
 * picture uploaded twice (or by two members) is stored once. Re-encoding is deterministic for the
 * same input and settings, so "the same picture" means the same file sent again.
 */
import type { Kysely } from 'kysely';
import type { CountedCache } from '../caches';
import type { Database, UploadMime } from '../db/database';
import type { Member } from '../db/member';
import { AppError, notFound } from '../errors';
import { activeSiteBan } from '../policy/policy.repository';
import { authorize } from '../policy/policy';
import { uploadThumbnailPath } from '../text/images';
import { type AvatarSize, type ImageInput, type ImageLimits, extensionOf } from './uploads.images';
import { makeImage } from './uploads.make';
import * as repo from './uploads.repository';
import type { UploadStorage } from './uploads.storage';
import type { ImageWorker } from './uploads.worker';

/** What the uploads service works with. */
export interface UploadDeps {
  db: Kysely<Database>;
  storage: UploadStorage;
  /** The bytes most asked for, by hash (caches.ts images); none: every image is read from storage. */
  images?: CountedCache<string, Buffer>;
  /**
   * The process that makes and stores images, at a lower CPU priority (uploads.worker.ts); none,
   * or none available: this process makes them (on libuv's thread pool).
   */
  worker?: ImageWorker;
}

/** An upload as the API and pages show it. */
export interface Upload {
  /** The sha256 of the stored bytes (hex): the id in every URL. */
  id: string;
  url: string;
  thumbnailUrl: string;
  mime: UploadMime;
  width: number;
  height: number;
  bytes: number;
  animated: boolean;
  thumbnail: { width: number; height: number };
}

/** Where an image is served, relative to the site (a post's body may name it so). */
export const imagePath = (hash: string, mime: UploadMime) => `/uploads/${hash}.${extensionOf(mime)}`;
/** Where its thumbnail (WebP) is served. */
export const thumbnailPath = uploadThumbnailPath;

type UploadRow = NonNullable<Awaited<ReturnType<typeof repo.findUpload>>>;

function present(row: UploadRow): Upload {
  return {
    id: row.hash,
    url: imagePath(row.hash, row.mime),
    thumbnailUrl: thumbnailPath(row.hash),
    mime: row.mime,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    animated: row.animated,
    thumbnail: { width: row.thumb_width, height: row.thumb_height },
  };
}

/** A content hash as URLs write it: 64 lower-case hex digits. */
export const HASH = /^[0-9a-f]{64}$/;

/** Refuses a member banned from the whole site (a board ban does not stop uploads: images belong to no board). */
export async function checkMayUpload(db: Kysely<Database>, member: Member): Promise<void> {
  authorize({ member, role: 'member', ban: await activeSiteBan(db, member.id) }, 'post', null);
}

/**
 * Makes an uploaded file (best a path: uploads.receive.ts) a stored image and answers it: made and
 * stored by the image worker when there is one, else here (uploads.make.ts). The same bytes again
 * are answered from what is stored (marked used now); a blocked picture is refused (422
 * ImageRefused 'blocked').
 */
export async function uploadImage(deps: UploadDeps, member: Member, file: ImageInput, limits: ImageLimits): Promise<Upload> {
  const { db } = deps;
  const image = (typeof file === 'string' ? await deps.worker?.make(file, limits) : undefined) ?? (await makeImage(deps, file, limits));
  const existing = await repo.findUpload(db, image.hash);
  if (existing && !existing.purged_at) {
    await repo.touchUpload(db, image.hash);
    return present(existing);
  }
  const row = await repo.upsertUpload(db, {
    hash: image.hash,
    ownerId: member.id,
    mime: image.mime,
    width: image.width,
    height: image.height,
    bytes: image.bytes,
    animated: image.animated,
    thumbHash: image.thumb.hash,
    thumbWidth: image.thumb.width,
    thumbHeight: image.thumb.height,
  });
  return present(row);
}

/** An upload's description (GET /api/uploads/:id): 404 when unknown, 410 when purged. */
export async function describeUpload(db: Kysely<Database>, hash: string): Promise<Upload> {
  const row = HASH.test(hash) ? await repo.findUpload(db, hash) : undefined;
  if (!row) throw notFound('UploadNotFound', 'No image has this id.');
  if (row.purged_at) throw gone();
  return present(row);
}

const gone = () => new AppError(410, 'UploadGone', 'A moderator removed this image.');

/** What a URL of an image serves (`thumb`: its thumbnail), before its bytes are read. */
export interface Served {
  /** The hash of the bytes served: their entity tag, and their key in the storage. */
  key: string;
  mime: UploadMime;
}

/** What an image URL names past its hash: the image itself, its thumbnail, or an avatar's smaller size. */
export type ImageVariant = { kind: 'image' } | { kind: 'thumb' } | { kind: 'size'; size: AvatarSize };

/**
 * What `/uploads/<hash>.<ext>` (or `.thumb.webp`, or an avatar's `.<size>.webp`) serves: 404 for
 * an unknown image, the wrong extension or a size it does not have, 410 for a purged one. Only the
 * row is read: a request whose copy is current is answered 304 without the bytes (readBytes).
 */
export async function findServed(db: Kysely<Database>, hash: string, ext: string, variant: ImageVariant): Promise<Served> {
  const row = await repo.findUpload(db, hash);
  const missing = () => notFound('UploadNotFound', 'No image is at this address.');
  if (!row) throw missing();
  if (row.purged_at) throw gone();
  if (variant.kind === 'image') {
    if (ext !== extensionOf(row.mime)) throw missing();
    return { key: row.hash, mime: row.mime };
  }
  if (ext !== 'webp') throw missing();
  if (variant.kind === 'thumb') return { key: row.thumb_hash, mime: 'image/webp' };
  const blob = await repo.findSizeBlob(db, hash, variant.size);
  if (!blob) throw missing();
  return { key: blob, mime: 'image/webp' };
}

/** The bytes under a hash: from the cache of hot images when there, else from storage (and kept). */
export async function readBytes({ storage, images }: UploadDeps, key: string): Promise<Buffer> {
  const cached = images?.get(key);
  if (cached) return cached;
  const data = await storage.get(key);
  if (!data) throw notFound('UploadNotFound', 'No image is at this address.');
  images?.set(key, data);
  return data;
}

/** Site moderators and admins act on images (they belong to no board). */
function staffRole(member: Member | null): 'moderator' | 'admin' {
  if (!member) throw new AppError(401, 'NotLoggedIn', 'Log in first.');
  if (member.role === 'moderator' || member.role === 'admin') return member.role;
  throw new AppError(403, 'NotAllowed', 'Only a moderator or an admin can do that.', { params: { rule: 'moderator' } });
}

/** What a purge or block did. */
export interface PurgeResult {
  id: string;
  purged: boolean;
  blocked: boolean;
}

/**
 * Purges an image (it is answered with 410 everywhere from now on; its bytes are deleted) and,
 * with `block`, blocks its hash so the same bytes cannot be uploaded again. A hash may be blocked
 * before anyone uploads it. Logged in the site-wide moderation log, the hash leading the reason.
 */
export async function purgeUpload(
  deps: UploadDeps,
  member: Member | null,
  hash: string,
  input: { reason: string; block: boolean },
): Promise<PurgeResult> {
  const { db } = deps;
  const role = staffRole(member);
  if (!HASH.test(hash)) throw notFound('UploadNotFound', 'No image has this id.');
  const purged = await db.transaction().execute(async (tx) => {
    const row = await repo.markPurged(tx, hash, member!.id);
    if (!row && !input.block) throw notFound('UploadNotFound', 'No image has this id.');
    if (input.block) await repo.insertBlock(tx, hash, member!.id, input.reason);
    await repo.logImageAction(tx, {
      actorId: member!.id,
      actorRole: role,
      action: input.block ? 'image-block' : 'image-purge',
      reason: input.reason ? `${hash}: ${input.reason}` : hash,
    });
    return row;
  });
  if (purged) await deleteBytes(deps, [purged.hash, purged.thumb_hash, ...(await repo.sizeBlobsOf(db, [purged.hash]))]);
  return { id: hash, purged: purged !== undefined, blocked: input.block };
}

/**
 * Deletes blobs of images whose rows are gone or purged; a blob a live image shares (identical
 * thumbnails or small squares of two pictures) stays. This process's cached copies go too;
 * another process may keep one, but never serves it: every request reads the row first.
 */
async function deleteBytes({ db, storage, images }: UploadDeps, blobs: readonly string[]): Promise<void> {
  const shared = await repo.blobsStillUsed(db, blobs);
  for (const blob of new Set(blobs)) {
    if (shared.has(blob)) continue;
    await storage.delete(blob);
    images?.delete(blob);
  }
}

/** The newest uploads, for the moderators' page. */
export async function listRecentUploads(db: Kysely<Database>, member: Member | null) {
  staffRole(member);
  const rows = await repo.recentUploads(db, 60);
  return rows.map((r) => ({
    id: r.hash,
    url: imagePath(r.hash, r.mime),
    thumbnailUrl: thumbnailPath(r.hash),
    width: r.width,
    height: r.height,
    bytes: r.bytes,
    createdAt: r.created_at,
    owner: r.owner_name,
    purged: r.purged_at !== null,
    blocked: r.blocked,
  }));
}
export type RecentUpload = Awaited<ReturnType<typeof listRecentUploads>>[number];

/** The cleanup job's name (README, "Memory and scheduled jobs"). */
export const UPLOADS_CLEANUP_JOB = 'uploads:cleanup';

/** Candidates looked at per batch: a batch is one scan of the bodies that hold uploads. */
const CLEANUP_BATCH = 1000;

/**
 * Deletes the images that no avatar is and no post, held post or 悄悄話 has shown for `days`: each image not
 * uploaded or found in use for that long is looked for in every body once; found, it is marked used
 * now (looked at again `days` later); not found, it is deleted, bytes and all. Answers how many
 * were deleted. A body that shows an image keeps it however old the image is.
 */
export async function removeUnusedUploads(deps: UploadDeps, days: number, signal?: AbortSignal): Promise<number> {
  const before = new Date(Date.now() - days * 86400_000);
  let removed = 0;
  for (;;) {
    if (signal?.aborted) break;
    const candidates = await repo.unusedSince(deps.db, before, CLEANUP_BATCH);
    if (candidates.length === 0) break;
    const hashes = candidates.map((c) => c.hash);
    const inUse = await repo.hashesInUse(deps.db, hashes);
    await repo.markUsed(
      deps.db,
      hashes.filter((h) => inUse.has(h)),
    );
    const deleted = await repo.deleteUnused(
      deps.db,
      hashes.filter((h) => !inUse.has(h)),
      before,
    );
    await deleteBytes(
      deps,
      deleted.flatMap((d) => d.blobs),
    );
    removed += deleted.length;
    if (candidates.length < CLEANUP_BATCH) break;
  }
  return removed;
}

/** What a member pastes into a post to show an upload: its thumbnail, linking to the image. */
export interface Snippets {
  markdown: string;
  html: string;
}

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Markdown and the HTML that show an upload's thumbnail linked to the whole image, with `alt`. */
export function snippetsFor(upload: Upload, alt: string): Snippets {
  const markdownAlt = alt.replace(/([\\[\]])/g, '\\$1');
  return {
    markdown: `[![${markdownAlt}](${upload.thumbnailUrl})](${upload.url})`,
    html: `<a href="${upload.url}"><img src="${upload.thumbnailUrl}" alt="${escapeAttribute(alt)}" width="${upload.thumbnail.width}" height="${upload.thumbnail.height}" /></a>`,
  };
}
