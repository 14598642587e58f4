import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { type Request, type Response, Router } from 'express';
import type { LRUCache } from 'lru-cache';
import type { CachedPage, Caches, ThreadStates } from '../caches';
import type { Db } from '../db/database';
import type { ReadRecorder } from '../reads/reads.recorder';
import { markSeen } from './posts.seen';
import { answeredUnchangedTag } from '../http/conditional';
import { SESSION_COOKIE, readCookie } from '../sessions/sessions.cookies';
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
 * is per request still happens: the read is recorded, the seen cookie is set, and a conditional
 * GET is a 304.
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
 * The same, asked before the session is loaded (warmPages runs ahead of it): no session cookie
 * at all. A reader with one, even an expired one, takes the full path.
 */
const surelyAnonymous = (req: Request): boolean => readCookie(req, SESSION_COOKIE) === undefined;

/**
 * The route that serves kept pages, mounted by the app right after the reader's variant is known
 * (app.ts): a warm page costs no body parsing, session lookup or feature routing. What those would
 * do for it is settled already: the session cookie is absent (surelyAnonymous), and the address's
 * checks (its query) passed when the page was rendered, since the address is part of the key. A page it does not
 * hold goes on to the thread page's route (posts.routes.ts), which renders it, and keeps it when
 * it can be shared. `reads` counts the read, as that route would.
 */
export function warmPages(db: Db, caches: Pick<Caches, 'pages' | 'threads'>, reads: ReadRecorder | undefined): Router {
  const router = Router();
  router.get('/t/:id', async (req, res, next) => {
    const postId = req.params.id;
    const kept = keptFor(req, postId, caches.pages, caches.threads);
    if (!kept) return next();
    const { key, page } = kept;
    reads?.record(postId, req);
    // A thread's own page records the visit in the reader's cookie, as the full path does.
    if (page.root) await markSeen(db, req, res, { post: { parentId: null }, thread: { threadId: page.threadId, seq: page.seq } }, null);
    await sendPage(req, res, key, page, caches.pages);
  });
  return router;
}

/**
 * The page kept for this reader of post `postId`, when this process holds one and knows its
 * thread is still at the page's version; undefined: the full path renders it.
 */
function keptFor(
  req: Request,
  postId: string,
  pages: LRUCache<string, CachedPage>,
  threads: ThreadStates,
): { key: string; page: CachedPage } | undefined {
  if (!surelyAnonymous(req)) return undefined;
  // The thread is learnt from either flavour: a post never changes thread.
  const any = pages.peek(pageKey(req, postId, 'n')) ?? pages.peek(pageKey(req, postId, 'c'));
  if (!any) return undefined;
  const facts = threads.get(any.threadId);
  if (!facts) return undefined;
  const flavour = flavourOf(parseSeenCookie(readCookie(req, SEEN_COOKIE)), any.threadId, facts.seq);
  if (!flavour) return undefined;
  const key = pageKey(req, postId, flavour);
  const page = pages.get(key);
  if (!page || page.seq !== facts.seq || page.readCount !== facts.readCount) return undefined;
  return { key, page };
}

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
  // Eight readers arriving together wait for one compression.
  const running = (page.encoding ??= {});
  const already = running[coding];
  if (already) return already;
  const source = page.identity;
  const work = (
    coding === 'br'
      ? brotli(source, {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length },
        })
      : gzip(source)
  ).then(
    (body) => {
      page[coding] = body;
      delete running[coding];
      // Stored again so the cache counts the new bytes; only if it is still the page kept there.
      if (pages.peek(key) === page) pages.set(key, page);
      return body;
    },
    (error: unknown) => {
      delete running[coding];
      throw error;
    },
  );
  running[coding] = work;
  return work;
}
