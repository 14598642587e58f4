import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import { AppError, validationFailed } from '../errors';

/**
 * Checks every request's text before any route sees it: what no field anywhere may hold is
 * refused here once, rather than in each schema (and PostgreSQL never sees a NUL, which it
 * refuses in text with an error that would otherwise be a 500).
 */

// C0 controls other than tab, line feed and carriage return. DEL and C1 are left to the fields
// that show text on a line (titles, names), which refuse them with their own message.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
// Half a surrogate pair: JSON may spell one (\uD800), but no UTF-8 can carry it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const invalidUtf8 = (where: string) => new AppError(400, 'InvalidUtf8', `The ${where} is not valid UTF-8 once its %-escapes are decoded.`);

/**
 * True when the bytes that the %XX escapes of `raw` stand for (with the bytes around them) are
 * valid UTF-8. Node's querystring decodes an invalid sequence such as %FF to U+FFFD without a
 * word, so form bodies and query strings are checked before they are parsed.
 */
export function percentDecodesToUtf8(raw: Buffer | string): boolean {
  // Node hands over a request line's raw bytes as latin1 characters, one per byte.
  const bytes = typeof raw !== 'string' ? raw : Buffer.from(raw, /[^\u0000-\u00ff]/.test(raw) ? 'utf8' : 'latin1');
  if (!bytes.includes(0x25)) return isUtf8(bytes);
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const hi = b === 0x25 && i + 2 < bytes.length ? hexValue(bytes[i + 1]!) : -1;
    const lo = hi >= 0 ? hexValue(bytes[i + 2]!) : -1;
    if (lo >= 0) {
      out[n++] = hi * 16 + lo;
      i += 2;
    } else out[n++] = b;
  }
  return isUtf8(out.subarray(0, n));
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** body-parser's verify hook for forms: raw bytes and %-escapes alike must be UTF-8. */
export function requireUtf8Form(_req: unknown, _res: unknown, buf: Buffer): void {
  if (!percentDecodesToUtf8(buf)) throw invalidUtf8('request body');
}

/**
 * The name of the first field (dotted path; `?` for a key itself) whose text holds a control
 * character, or undefined. Walks with an explicit stack: a JSON body may nest deeper than the
 * call stack goes.
 */
export function findControlCharacter(value: unknown, root: string): string | undefined {
  return findText(value, root, CONTROL);
}

/** The name of the first field (as findControlCharacter names it) whose text `pattern` matches. */
function findText(value: unknown, root: string, pattern: RegExp): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (pattern.test(v)) return path;
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        if (pattern.test(key)) return path ? `${path}.?` : '?';
        stack.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
  return undefined;
}

const controlRefusal = (field: string) =>
  validationFailed(field, { kind: 'controlCharacters' }, `${field}: control characters (other than tab and line breaks) are not accepted.`);

/**
 * Refuses a query string that is not UTF-8 once decoded, that holds a control character, or that
 * names a parameter twice (no route takes a list there, and a list would reach code that expects
 * text).
 */
export function checkQuery(req: Request, _res: Response, next: NextFunction): void {
  const q = req.originalUrl.indexOf('?');
  if (q < 0) return next();
  if (!percentDecodesToUtf8(req.originalUrl.slice(q + 1))) return next(invalidUtf8('query string'));
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (typeof value !== 'string') return next(validationFailed(key, { kind: 'once' }, `${key}: give it once, as text.`));
  }
  const field = findControlCharacter(req.query, '');
  next(field === undefined ? undefined : controlRefusal(field));
}

/** The refusal of a parsed value (a body, a socket event's payload) that no field may hold, if any. */
function textRefusal(value: unknown, what: string): AppError | undefined {
  if (findText(value, '', LONE_SURROGATE) !== undefined) return invalidUtf8(what);
  const field = findControlCharacter(value, '');
  return field === undefined ? undefined : controlRefusal(field || what);
}

/** Throws the refusal of a socket event's payload with half a surrogate pair or a control character in any key or text. */
export function refuseControlCharacters(value: unknown): void {
  const refusal = textRefusal(value, 'payload');
  if (refusal) throw refusal;
}

/** Refuses a parsed body (JSON or form) with half a surrogate pair or a control character in any key or value. */
export function checkBodyText(req: Request, _res: Response, next: NextFunction): void {
  next(textRefusal(req.body, 'body'));
}

/**
 * Refuses an address whose path, once its %-escapes are decoded, holds a control character: no
 * board, member or post is named with one, and a NUL would otherwise reach PostgreSQL from a
 * route's parameter (`/api/admin/members/%00/…`).
 */
export function checkPath(req: Request, _res: Response, next: NextFunction): void {
  if (!req.path.includes('%')) return next();
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(invalidUtf8('address'));
  }
  next(CONTROL.test(path) ? controlRefusal('path') : undefined);
}
