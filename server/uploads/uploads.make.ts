/**
 * An upload made into the image Gentie stores, and its bytes kept: the part of an upload that is
 * heavy (decoding and encoding, hashing, a megabyte and more written to the storage). It runs in
 * the image worker process (uploads.worker.ts) when the server has one, or in the server's own
 * process; either way what comes back is only what the upload's row needs, never the bytes.
 */
import type { Kysely } from 'kysely';
import type { Database, UploadMime } from '../db/database';
import { AppError } from '../errors';
import { type ImageInput, type ImageLimits, processImage } from './uploads.images';
import * as repo from './uploads.repository';
import type { UploadStorage } from './uploads.storage';

/** An image made and its bytes (and its thumbnail's) stored under their hashes. */
export interface MadeImage {
  hash: string;
  mime: UploadMime;
  width: number;
  height: number;
  bytes: number;
  animated: boolean;
  thumb: { hash: string; width: number; height: number };
}

/** Where a made image's bytes go, and where blocked pictures are looked up. */
export interface MakeDeps {
  db: Kysely<Database>;
  storage: UploadStorage;
}

/**
 * Reads, checks and re-encodes an uploaded file (uploads.images.ts processImage: a 4xx AppError
 * for anything that is not a whole image within the limits), refuses a picture a moderator blocked
 * (422 ImageRefused 'blocked'), and stores the image's and its thumbnail's bytes. Storing bytes
 * already kept is a no-op (the same hash is the same bytes), so a picture uploaded again is still
 * stored once.
 */
export async function makeImage({ db, storage }: MakeDeps, input: ImageInput, limits: ImageLimits): Promise<MadeImage> {
  const image = await processImage(input, limits);
  if (await repo.isBlocked(db, image.hash)) {
    throw new AppError(422, 'ImageRefused', 'A moderator blocked this picture.', { params: { reason: 'blocked' } });
  }
  // The bytes first, then (the caller) the row that makes them served: a failure in between leaves
  // bytes no row names (stored again by the next upload of the same picture), never a row without bytes.
  await storage.put(image.hash, image.data);
  await storage.put(image.thumb.hash, image.thumb.data);
  return {
    hash: image.hash,
    mime: image.mime,
    width: image.width,
    height: image.height,
    bytes: image.data.length,
    animated: image.animated,
    thumb: { hash: image.thumb.hash, width: image.thumb.width, height: image.thumb.height },
  };
}
