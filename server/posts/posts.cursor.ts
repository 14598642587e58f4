import { validationFailed } from '../errors';

/**
 * The opaque cursors of the API's walks through a thread (posts.paging.ts). A cursor is the path
 * of the last post a page returned, so the next page is the posts after it in display order: a
 * keyset, never an OFFSET. Encoded as base64url of a version byte, a byte naming the walk, then
 * each id of the path as 8 bytes big-endian. Clients pass it back as it came and never look inside.
 */

/**
 * The walks: a post's subtree (`GET /api/posts/:id`), a thread's new follow-ups (`/new`), or the
 * windows of a thread page (`/t/:id?after=`).
 */
export type CursorWalk = 'subtree' | 'new' | 'window';

const VERSION = 1;
const WALKS: Record<CursorWalk, number> = { subtree: 1, new: 2, window: 3 };
const HEADER = 2;
const ID_BYTES = 8;
/** The deepest path a cursor may name: posts nest at most 500 levels (MAX_DEPTH), with room. */
const MAX_IDS = 1024;
/** The longest cursor text: MAX_IDS ids, base64url. */
export const CURSOR_MAX_CHARS = Math.ceil(((HEADER + MAX_IDS * ID_BYTES) * 4) / 3);
const INT64_MAX = (1n << 63n) - 1n;

export function encodeCursor(walk: CursorWalk, path: readonly string[]): string {
  const bytes = Buffer.alloc(HEADER + path.length * ID_BYTES);
  bytes[0] = VERSION;
  bytes[1] = WALKS[walk];
  path.forEach((id, i) => bytes.writeBigUInt64BE(BigInt(id), HEADER + i * ID_BYTES));
  return bytes.toString('base64url');
}

/** The refusal of a cursor that this walk did not hand out (malformed, forged, of another thread or walk). */
export const badCursor = () =>
  validationFailed('cursor', { kind: 'format' }, 'cursor: not a cursor of this walk; pass the nextCursor of the previous page as it came.');

/** The path a cursor names, or a 400 when it is not one this walk hands out (checked against the database by the caller). */
export function decodeCursor(walk: CursorWalk, text: string): string[] {
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length > CURSOR_MAX_CHARS) throw badCursor();
  const bytes = Buffer.from(text, 'base64url');
  // Node decodes leniently: only the canonical text of the bytes is a cursor.
  if (bytes.toString('base64url') !== text) throw badCursor();
  const ids = (bytes.length - HEADER) / ID_BYTES;
  if (bytes[0] !== VERSION || bytes[1] !== WALKS[walk] || !Number.isInteger(ids) || ids < 1) throw badCursor();
  const path: string[] = [];
  for (let i = 0; i < ids; i++) {
    const id = bytes.readBigUInt64BE(HEADER + i * ID_BYTES);
    if (id < 1n || id > INT64_MAX) throw badCursor();
    path.push(id.toString());
  }
  return path;
}
