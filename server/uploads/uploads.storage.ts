/**
 * Where the bytes of uploaded images live, by content hash (the sha256 of the bytes, in hex).
 * Everything else about an upload (who, when, its size, whether it was purged) stays in the
 * `uploads` table whatever the storage; the storage only keeps and hands back bytes. The default,
 * and the only one built in, keeps them in PostgreSQL (`upload_blobs`), so every process and every
 * backup sees them. docs/deployment.md ("Uploaded images") says how a disk or S3-compatible
 * storage would take its place.
 */
import { type Kysely, sql } from 'kysely';
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

/**
 * Bytes of a blob read per statement (get). 64 KB rather than 256 KB: twenty 1.37 MB blobs read at
 * once took 0.57× the main thread's CPU, 0.48× the longest event-loop delay and 0.51× the wall
 * time (docs/performance.md, "Uploads: stages"): a result row bigger than a socket read is gathered
 * by the protocol parser chunk by chunk, and its string decoded in one piece.
 */
export const READ_SLICE = 64 * 1024;

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
      // Read in slices, base64: a bytea column comes back as text (node-postgres' protocol parser
      // decodes every field as a string), in hex by default: twice the bytes, made into one
      // string of several megabytes and decoded again on the event loop (a 1.4 MB image took
      // 60–70 ms to serve, docs/performance.md "Uploads"). Slices keep each statement's string
      // small, so other requests get their turns between them; base64 is a third bigger rather
      // than twice. The bytes under a hash never change, so slices read apart still agree; a
      // blob deleted meanwhile is simply not there.
      const parts: Buffer[] = [];
      let size = 0;
      for (let at = 0; at === 0 || at < size; at += READ_SLICE) {
        const { rows } = await sql<{ size: number; part: string }>`
          select octet_length(data) as size,
            translate(encode(substring(data from ${at + 1} for ${READ_SLICE}), 'base64'), E'\n', '') as part
          from upload_blobs where hash = ${hash}`.execute(db);
        const row = rows[0];
        if (!row) return undefined;
        size = row.size;
        parts.push(Buffer.from(row.part, 'base64'));
      }
      return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    },
    async delete(hash) {
      await db.deleteFrom('upload_blobs').where('hash', '=', hash).execute();
    },
  };
}
