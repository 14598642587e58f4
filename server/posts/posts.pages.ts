import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';
import type { LRUCache } from 'lru-cache';
import type { CachedPage, ThreadStates } from '../caches';
import { answeredUnchangedTag } from '../http/conditional';
import { readCookie } from '../sessions/sessions.cookies';
import { SEEN_COOKIE, type SeenCookie, parseSeenCookie } from './posts.seen.cookie';

/**
 * Warm thread pages without the database, compressed once per thread version (caches.pages).
 *
 * A page an anonymous reader gets with nothing personal on it (no new marks, no ignored members,
 * no expired session) is the same for every such reader of the same address: it is kept whole,
 * with the version it is of (the thread's seq and read count) and its entity tag. While this
 * process is sure the thread is still at that version (caches.ts ThreadStates, kept true by
 * LISTEN), the next such reader gets it without a single query: the version needs no reading,
 * the page no rendering, and its brotli or gzip form was made once, when first asked for. What
 * is per request still happens: the read is recorded (before this, in the route), the seen cookie
 * is set, and a conditional GET is a 304.
 *
 * Whose position is in the seen cookie matters: the first window's "more" link carries it. So a
 * page is kept in one of two flavours: for readers whose cookie does not name the thread ('n'),
 * and for readers whose cookie names it at the version shown ('c': nothing is new to them). A
 * reader whose cookie names an older version may have new follow-ups marked: the full path.
 *
 * The compression middleware (app.ts) leaves these answers alone (res.locals.precompressed): they
 * go with their own Content-Encoding and Content-Length.
 */

/** Brotli quality of a kept page: paid once per thread version, so better than the middleware's 5. */
const BROTLI_QUALITY = 7;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Which of the two shareable pages a reader gets (see above). */
export type PageFlavour = 'n' | 'c';

/** Everything a kept page is a version of besides its thread's: the address, the reader's script and prefix. */
export function pageKey(req: Request, postId: string, flavour: PageFlavour): string {
  return `${postId}\u0000${req.originalUrl}\u0000${req.variant ?? 'original'}\u0000${req.variantPrefix ?? ''}\u0000${flavour}`;
}

/** The flavour of page for this reader of thread `threadId` at `seq`; undefined: theirs may be personal. */
export function flavourOf(cookie: SeenCookie, threadId: string, seq: number): PageFlavour | undefined {
  const shown = cookie.get(threadId);
  if (shown === undefined) return 'n';
  return BigInt(shown) === BigInt(seq) ? 'c' : undefined;
}

/** Whether this request can share a kept page at all: anonymous, with no expired session to tell of. */
export const sharesPages = (req: Request): boolean => !req.member && !req.sessionExpired;

/**
 * Serves post `postId`'s page from memory when this process holds the page for this reader and
 * knows its thread is still at the page's version. False: nothing was sent, take the full path.
 * `visit` sets the seen cookie for the page's thread (only called for a thread's own page).
 */
export async function servedFromMemory(
  req: Request,
  res: Response,
  postId: string,
  pages: LRUCache<string, CachedPage>,
  threads: ThreadStates,
  visit: (threadId: string, seq: number) => void,
): Promise<boolean> {
  if (!sharesPages(req)) return false;
  // The thread is learnt from either flavour: a post never changes thread.
  const any = pages.peek(pageKey(req, postId, 'n')) ?? pages.peek(pageKey(req, postId, 'c'));
  if (!any) return false;
  const facts = threads.get(any.threadId);
  if (!facts) return false;
  const flavour = flavourOf(parseSeenCookie(readCookie(req, SEEN_COOKIE)), any.threadId, facts.seq);
  if (!flavour) return false;
  const key = pageKey(req, postId, flavour);
  const page = pages.get(key);
  if (!page || page.seq !== facts.seq || page.readCount !== facts.readCount) return false;
  if (page.root) visit(page.threadId, page.seq);
  await sendPage(req, res, key, page, pages);
  return true;
}

/** In-flight compressions, so eight readers arriving together encode a page once. */
const encoding = new WeakMap<CachedPage, Map<'br' | 'gzip', Promise<Buffer>>>();

/**
 * Sends a kept page (or a 304) in the encoding the reader accepts, compressing it the first time
 * that encoding is asked for and keeping the result with the page.
 */
export async function sendPage(req: Request, res: Response, key: string, page: CachedPage, pages: LRUCache<string, CachedPage>) {
  if (answeredUnchangedTag(req, res, page.etag)) return;
  // As the middleware chooses: brotli whenever it is acceptable, else gzip, else as it is.
  const coding = req.acceptsEncodings('br') ? 'br' : req.acceptsEncodings('gzip') ? 'gzip' : 'identity';
  const body = coding === 'identity' ? page.identity : (page[coding] ?? (await encode(page, coding, key, pages)));
  res.locals.precompressed = true;
  res.status(200);
  res.set('Content-Type', 'text/html; charset=utf-8');
  if (coding !== 'identity') res.set('Content-Encoding', coding);
  res.set('Content-Length', String(body.length));
  res.end(body);
}

function encode(page: CachedPage, coding: 'br' | 'gzip', key: string, pages: LRUCache<string, CachedPage>): Promise<Buffer> {
  let running = encoding.get(page);
  if (!running) encoding.set(page, (running = new Map()));
  const already = running.get(coding);
  if (already) return already;
  const source = page.identity;
  const work = (
    coding === 'br'
      ? brotli(source, {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length },
        })
      : gzip(source)
  ).then((body) => {
    page[coding] = body;
    running.delete(coding);
    // Stored again so the cache counts the new bytes; only if it is still the page kept there.
    if (pages.peek(key) === page) pages.set(key, page);
    return body;
  });
  running.set(coding, work);
  return work;
}
