// The tables of stored images: each upload, its bytes, an avatar's smaller squares and blocked hashes.

import type { ColumnType } from 'kysely';
import type { Id, NullableTimestamp, Timestamp } from './columns';

/** The mime types of stored images (migrations/2026_12_04_300_uploads.ts). */
export type UploadMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** A stored image, named by the sha256 of its stored bytes (server/uploads/). */
export interface UploadsTable {
  hash: string;
  /** Who uploaded it first (null once their account is gone). */
  owner_id: Id | null;
  mime: UploadMime;
  width: number;
  height: number;
  bytes: number;
  animated: ColumnType<boolean, boolean | undefined, boolean>;
  /** The thumbnail's own hash in the storage (a WebP), and its size. */
  thumb_hash: string;
  thumb_width: number;
  thumb_height: number;
  created_at: Timestamp;
  /** Last uploaded, or last found in a post or 悄悄話 by the cleanup job. */
  used_at: Timestamp;
  /** Set when a moderator purged it: answered with 410 from then on. */
  purged_at: NullableTimestamp;
  purged_by: Id | null;
}

/** The smaller squares of an avatar upload (32, 64, 128 pixels), each its own blob (migration 2026_12_05_500). */
export interface UploadSizesTable {
  hash: string;
  size: number;
  blob_hash: string;
}

/** The bytes of stored images and thumbnails, by hash (the PostgreSQL storage). */
export interface UploadBlobsTable {
  hash: string;
  data: Buffer;
}

/** Hashes of images a moderator blocked: uploading the same bytes again is refused. */
export interface UploadBlocksTable {
  hash: string;
  blocked_by: Id | null;
  reason: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
}
