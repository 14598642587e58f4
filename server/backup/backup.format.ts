/**
 * The archive format of `gentie export` and `gentie import`: one gzip stream holding a magic line
 * and then frames, each a kind byte, a 4-byte big-endian length and that many bytes. docs/operations.md
 * ("The archive format") describes it for anyone who must read an archive without Gentie.
 *
 *   GENTIE-ARCHIVE\n
 *   M {manifest JSON}           format version, when, migrations applied, tables (name, columns,
 *                               rows), sequences (value, is_called), tables left out and why
 *   T {"table": "users"}        a table's rows follow
 *   D <bytes>                   PostgreSQL COPY text rows, as many D frames as it takes
 *   E {"table", "rows", "sha256"}  the table's end: rows counted and the sha256 of its D bytes
 *   …                           T, D…, E for every table of the manifest, in its order
 *   Z {"tables", "rows"}        the end: an archive without it was cut short
 *
 * gzip's own CRC catches damage to the bytes; the per-table sha256 and row counts catch an
 * archive whose frames were put together wrongly; the Z frame catches a truncated one.
 */
import { createHash } from 'node:crypto';

/** The format this build writes, and the newest it reads. Raise it when the layout changes. */
export const FORMAT_VERSION = 1;

export const MAGIC = Buffer.from('GENTIE-ARCHIVE\n');

/** A frame bigger than this is damage, not data: COPY rows are sent in far smaller pieces. */
const MAX_FRAME = 256 * 1024 * 1024;

export type FrameKind = 'M' | 'T' | 'D' | 'E' | 'Z';
const KINDS = new Set<string>(['M', 'T', 'D', 'E', 'Z']);

/** The manifest: the first frame, everything known before the rows are read. */
export interface Manifest {
  format: number;
  /** ISO time the snapshot was taken. */
  createdAt: string;
  /** package.json's version of the Gentie that wrote it. */
  gentie: string;
  /** kysely_migration's names, oldest first: the schema the rows fit. */
  migrations: string[];
  tables: ManifestTable[];
  sequences: ManifestSequence[];
  /** Tables of the schema deliberately not in the archive, with the reason (caches, counters). */
  excluded: { table: string; why: string }[];
}

export interface ManifestTable {
  name: string;
  /** The columns in the order of the COPY rows (generated columns are left out: PostgreSQL makes them). */
  columns: string[];
  /** Rows in the snapshot (count(*) in the export's transaction). */
  rows: number;
}

export interface ManifestSequence {
  name: string;
  value: string;
  isCalled: boolean;
}

/** A table's end frame. */
export interface TableEnd {
  table: string;
  rows: number;
  sha256: string;
}

/** Raised for an archive that is not one, is damaged, cut short, or newer than this build reads. */
export class ArchiveError extends Error {}

/** The bytes of one frame. */
export function frame(kind: FrameKind, payload: Buffer | object): Buffer[] {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
  const head = Buffer.alloc(5);
  head.write(kind, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return [head, body];
}

/** Counts COPY text rows: each ends with a newline (newlines inside values are written as \n). */
export function countRows(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/** Rows and the running sha256 of one table's COPY bytes. */
export class TableDigest {
  rows = 0;
  private readonly hash = createHash('sha256');
  update(chunk: Buffer): void {
    this.rows += countRows(chunk);
    this.hash.update(chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

export interface Frame {
  kind: FrameKind;
  body: Buffer;
}

/**
 * Reads the frames of an archive's decompressed bytes, checking the magic line first. Holds at
 * most one frame and one incoming chunk in memory. Throws ArchiveError on anything that is not a
 * frame, and when the bytes end inside one.
 */
export async function* readFrames(source: AsyncIterable<Buffer>): AsyncGenerator<Frame> {
  let pending: Buffer[] = [];
  let size = 0;
  let magicSeen = false;
  const take = (n: number): Buffer => {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, size);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    pending = rest.length ? [rest] : [];
    size = rest.length;
    return out;
  };
  for await (const chunk of source) {
    pending.push(chunk);
    size += chunk.length;
    if (!magicSeen) {
      if (size < MAGIC.length) continue;
      if (!take(MAGIC.length).equals(MAGIC)) throw new ArchiveError('it is not a Gentie archive (no GENTIE-ARCHIVE line at its start)');
      magicSeen = true;
    }
    while (size >= 5) {
      const head = pending[0]!.length >= 5 ? pending[0]! : Buffer.concat(pending, size);
      const kind = String.fromCharCode(head[0]!);
      const length = head.readUInt32BE(1);
      if (!KINDS.has(kind) || length > MAX_FRAME) throw new ArchiveError('its contents are damaged (a frame Gentie does not know)');
      if (size < 5 + length) break;
      take(5);
      yield { kind: kind as FrameKind, body: take(length) };
    }
  }
  if (!magicSeen) throw new ArchiveError('it is not a Gentie archive (too short)');
  if (size > 0) throw new ArchiveError('it is truncated (it ends inside a frame)');
}

/** A frame's JSON body, or ArchiveError. */
export function json<T>(f: Frame): T {
  try {
    return JSON.parse(f.body.toString('utf8')) as T;
  } catch {
    throw new ArchiveError(`its contents are damaged (a ${f.kind} frame is not JSON)`);
  }
}
