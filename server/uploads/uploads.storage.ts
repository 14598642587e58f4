/**
 * Where the bytes of uploaded images live, by content hash (the sha256 of the bytes, in hex).
 * Everything else about an upload (who, when, its size, whether it was purged) stays in the
 * `uploads` table whatever the storage; the storage only keeps and hands back bytes. The default,
 * and the only one built in, keeps them in PostgreSQL (`upload_blobs`), so every process and every
 * backup sees them. docs/deployment.md ("Uploaded images") says how a disk or S3-compatible
 * storage would take its place.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';

/** Bytes by content hash. Implementations must be safe to call from every process at once. */
export interface UploadStorage {
  /** Keeps `data` under `hash`; keeping the same hash again is a no-op (the bytes are the same). */
  put(hash: string, data: Buffer): Promise<void>;
  /** The bytes under `hash`, or undefined when there are none. */
  get(hash: string): Promise<Buffer | undefined>;
  /** Forgets the bytes under `hash` (nothing happens when there are none). */
  delete(hash: string): Promise<void>;
}

/** The storage in PostgreSQL: one row of `upload_blobs` per hash (bytea; migration 2026_12_04_300). */
export function postgresUploadStorage(db: Kysely<Database>): UploadStorage {
  return {
    async put(hash, data) {
      await db
        .insertInto('upload_blobs')
        .values({ hash, data })
        .onConflict((oc) => oc.column('hash').doNothing())
        .execute();
    },
    async get(hash) {
      const row = await db.selectFrom('upload_blobs').select('data').where('hash', '=', hash).executeTakeFirst();
      return row?.data;
    },
    async delete(hash) {
      await db.deleteFrom('upload_blobs').where('hash', '=', hash).execute();
    },
  };
}
