import { isId } from '../db/ids';

/**
 * The anonymous reader's positions (posts.seen.ts), kept in their browser: for each of the last
 * SEEN_COOKIE_THREADS threads they opened, most recent first, the seq of the version of the thread
 * they were shown (thread_events; the statements that read it take that version's newest post).
 * A seq rather than a post id: the page knows its thread's seq, so writing the cookie needs no
 * database read.
 *
 * Compact: `<thread>-<seq>` pairs in base 36, joined by dots ("2bi-5.1x3-q"), about 12 bytes a
 * thread. Whatever the browser sends is only the reader's own claim about what they read, so a
 * cookie that is not exactly what this code writes (garbled, forged with ids out of range,
 * repeated threads, too long) is ignored as a whole, never an error: the reader starts afresh.
 */

/** The cookie's name. */
export const SEEN_COOKIE = 'gentie_seen';

/** Threads kept: the most recently opened. */
export const SEEN_COOKIE_THREADS = 50;

/** How long the browser keeps the cookie after the last thread opened: a year. */
export const SEEN_COOKIE_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;

/** Longest value this code writes: 50 pairs of two 18-digit numbers in base 36 (12 characters each). */
const MAX_CHARS = SEEN_COOKIE_THREADS * (12 + 1 + 12 + 1);

const PAIR = /^([0-9a-z]{1,12})-([0-9a-z]{1,12})$/;

/** Thread id → seq shown, most recently opened first (the map's order). */
export type SeenCookie = ReadonlyMap<string, string>;

/** The positions a cookie value holds; none when it is absent or not one this code wrote. */
export function parseSeenCookie(value: string | undefined): SeenCookie {
  const seen = new Map<string, string>();
  if (!value || value.length > MAX_CHARS) return seen;
  const pairs = value.split('.');
  if (pairs.length > SEEN_COOKIE_THREADS) return new Map();
  for (const pair of pairs) {
    const m = PAIR.exec(pair);
    if (!m) return new Map();
    const [thread, seq] = [fromBase36(m[1]!), fromBase36(m[2]!)];
    if (!isId(thread) || !isId(seq) || seen.has(thread)) return new Map();
    seen.set(thread, seq);
  }
  return seen;
}

/** The cookie value for these positions (at most SEEN_COOKIE_THREADS of them, in order). */
export function formatSeenCookie(seen: SeenCookie): string {
  return [...seen]
    .slice(0, SEEN_COOKIE_THREADS)
    .map(([thread, seq]) => `${BigInt(thread).toString(36)}-${BigInt(seq).toString(36)}`)
    .join('.');
}

/**
 * The Set-Cookie header that keeps `seen` in the browser for a year: HttpOnly, SameSite=Lax,
 * Secure on HTTPS. Written as express's res.cookie would write it (Max-Age in seconds, then Path,
 * Expires, the flags), and by one function for every answer that sets it, the warm page's too.
 * The value needs no encoding: base 36, dots and dashes.
 */
export function seenCookieHeader(seen: SeenCookie, secure: boolean, now = Date.now()): string {
  const expires = expiresAt(now);
  const maxAge = Math.floor(SEEN_COOKIE_MAX_AGE_MS / 1000);
  return `${SEEN_COOKIE}=${formatSeenCookie(seen)}; Max-Age=${maxAge}; Path=/; Expires=${expires}; HttpOnly${secure ? '; Secure' : ''}; SameSite=Lax`;
}

// The Expires date, written once per second rather than once per answer (a warm page sets the cookie on every answer).
let expiresSecond = NaN;
let expiresText = '';
function expiresAt(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== expiresSecond) {
    expiresSecond = second;
    expiresText = new Date(second * 1000 + SEEN_COOKIE_MAX_AGE_MS).toUTCString();
  }
  return expiresText;
}

/**
 * The positions after a visit to `threadId` at `seq`: that thread first, at the higher of the two
 * seqs (a page served before the last one but answered after it takes no one back), the oldest
 * thread dropped past SEEN_COOKIE_THREADS. Undefined when nothing changes (the thread is first
 * already, at that seq or later), so the cookie is not sent again.
 */
export function afterVisit(seen: SeenCookie, threadId: string, seq: string): SeenCookie | undefined {
  const before = seen.get(threadId);
  const first = seen.keys().next().value;
  if (first === threadId && before !== undefined && BigInt(before) >= BigInt(seq)) return undefined;
  const shown = before !== undefined && BigInt(before) > BigInt(seq) ? before : seq;
  const next = new Map([[threadId, shown]]);
  for (const [thread, s] of seen) {
    if (next.size >= SEEN_COOKIE_THREADS) break;
    if (thread !== threadId) next.set(thread, s);
  }
  return next;
}

/** A base-36 number as decimal digits (BigInt parses no base but 10 and 16). */
function fromBase36(digits: string): string {
  let n = 0n;
  for (const d of digits) n = n * 36n + BigInt(parseInt(d, 36));
  return n.toString();
}
