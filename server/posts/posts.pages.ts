import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { LRUCache } from 'lru-cache';
import type { CachedPage, Caches, ConversionRulesSource, ThreadStates } from '../caches';
import type { VersionFacts } from './posts.etag';
import type { Db } from '../db/database';
import type { ReadRecorder } from '../reads/reads.recorder';
import { markSeen } from './posts.seen';
import { answeredUnchangedTag, matchesTag } from '../http/conditional';
import { chooseVariant } from '../http/context';
import { chooseEncoding } from '../http/requests';
import { unprefixed } from '../http/paths';
import type { Variant } from '../text/convert';
import { SESSION_COOKIE, cookieFrom } from '../sessions/sessions.cookies';
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
 * The JSON API's answer for a post's subtree (`GET /api/posts/:id`, any limit, cursor and
 * variant its URL asks for) is kept the same way for anonymous readers: it has nothing personal
 * in it (not even the seen cookie: one flavour), is of the same version and has the same tag
 * rules (posts.etag.ts), and is answered as a page is, as JSON, without counting a read.
 *
 * A kept page is answered before express's middleware and routers (app.ts, warmPages below), with
 * the headers the full path had set when it kept it. On the full path, the compression middleware
 * leaves a page's first answer alone (res.locals.precompressed): it goes with its own
 * Content-Encoding and Content-Length, as every later one does.
 */

/** Brotli quality of a kept page: paid once per thread version, so better than the middleware's 5. */
const BROTLI_QUALITY = 7;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Which of the two shareable pages a reader gets (see above). */
export type PageFlavour = 'n' | 'c';

/** What a page's address is besides its thread's version: the URL as asked, the reader's script and prefix. */
export type PageAddress = Pick<Request, 'originalUrl' | 'variant' | 'variantPrefix'>;

/**
 * The key of a kept page. The URL as it arrived (prefix and query included) names the post and
 * everything the page's route read from the address, so a URL that was never rendered, however
 * odd, simply misses.
 */
export function pageKey(address: PageAddress, flavour: PageFlavour): string {
  return `${address.originalUrl}\u0000${address.variant ?? 'original'}\u0000${address.variantPrefix ?? ''}\u0000${flavour}`;
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
 * Headers of an answer that are made for each request or each encoding, so never kept with a
 * page: the page's own (ETag, Content-*) are set again by sendPage, the request id by the request
 * log, the seen cookie by markSeen, and Node adds the connection's.
 */
const PER_REQUEST = new Set([
  'set-cookie',
  'x-request-id',
  'etag',
  'content-type',
  'content-length',
  'content-encoding',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

/**
 * The headers the full path has set on a page's answer as it keeps the page (helmet's, Vary,
 * Cache-Control, …), to be set again on each answer from the kept page: the same headers whichever
 * path answers, without deriving them a second time.
 */
export function keepableHeaders(res: Response): CachedPage['headers'] {
  // One object per page, not a pair per header: a kept page lives for minutes, and every object
  // in it is marked again by each full garbage collection.
  // No prototype: a header's name is only ever a key (getHeaders' own object has none either).
  const headers: Record<string, string | string[] | number> = Object.create(null);
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value !== undefined && !PER_REQUEST.has(name)) headers[name] = value;
  }
  return headers;
}

/** A kept page found for a request, and its key. */
export interface KeptPage {
  key: string;
  page: CachedPage;
}

/** Warm pages as the app's request handler uses them (warmPages). */
export interface WarmPages {
  /**
   * The kept page that answers this request, before express has seen it; undefined: express
   * answers it, as any other request. Synchronous and touches nothing.
   */
  find(req: IncomingMessage): KeptPage | undefined;
  /** Answers with the page `find` gave (the request log and express's req/res methods in place). */
  serve(req: Request, res: Response, kept: KeptPage): Promise<void>;
  /**
   * For a request `find` found no page for: when another request for the same page (address,
   * script, prefix) is being answered the full way, what it is waiting for: its answer's end,
   * after which `find` may well hold the page it kept (ask again). Undefined otherwise, and the
   * request goes the full way itself, the others for its page waiting for it from now on.
   * Only for thread pages an anonymous reader could share; see rendering() below.
   */
  rendering(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined;
}

/**
 * Kept pages, served ahead of express's middleware and routers (app.ts): a warm page costs no
 * request-log child, security-header middleware, compression wrapper, body parsing, session
 * lookup or routing. What those would do for it is settled already: the session cookie is absent
 * (the request is surely anonymous: a reader with one, even an expired one, takes the full path),
 * there is no body, the address's checks (its query) passed when the page was rendered, since the
 * address is the key, and the headers the middleware set are kept with the page (keepableHeaders).
 * A page it does not hold goes on to the thread page's route (posts.routes.ts), which renders it,
 * and keeps it when it can be shared. `reads` counts the read, as that route would.
 */
export function warmPages(
  db: Db,
  caches: Pick<Caches, 'pages' | 'threads'> & Partial<Pick<Caches, 'conversions'>>,
  reads: ReadRecorder | undefined,
  /** The site's default script (site.defaultVariant), as the express path's variant resolver has it. */
  defaultVariant: () => Variant | undefined = () => undefined,
): WarmPages {
  // Full renders under way of pages that may be kept, by address (rendering below).
  const renders = new Map<string, Promise<void>>();
  return {
    find(req) {
      if (caches.pages.size === 0 || !shareable(req)) return undefined;
      const { headers } = req;
      const url = req.url ?? '/';
      const { variant, prefix } = chooseVariant(url, headers, defaultVariant());
      const kept = keptFor(
        { originalUrl: url, variant, variantPrefix: prefix },
        headers,
        caches.pages,
        caches.threads,
        caches.conversions?.rules,
      );
      // A page served warm is the warm page cache's hit; its misses are pages rendered to be kept (posts.routes.ts).
      if (kept) caches.pages.hits++;
      return kept;
    },
    async serve(req, res, { key, page }) {
      // By key, without an array of pairs per hit (the object has no prototype: only its own names).
      for (const name in page.headers) res.setHeader(name, page.headers[name]!);
      // A page is a read (the JSON API's answers are not, on the full path either).
      if (page.kind === 'page') reads?.record(page.postId, req);
      // A thread's own page records the visit in the reader's cookie, as the full path does.
      if (page.root) await markSeen(db, req, res, { post: { parentId: null }, thread: { threadId: page.threadId, seq: page.seq } }, null);
      // The validators as sendPage sets them: Cache-Control and Vary came with the kept headers.
      res.setHeader('ETag', page.etag);
      if (matchesTag(req.headers['if-none-match'], page.etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      await sendBody(req, res, key, page, caches.pages);
    },
    rendering(req, res) {
      // Single flight: twenty readers of a page no one has rendered yet (a process just started,
      // a thread just changed) wait for one render instead of each reading and rendering it.
      const url = req.url ?? '/';
      if (!shareable(req) || !THREAD_PAGE.test(unprefixed(url))) return undefined;
      const { variant, prefix } = chooseVariant(url, req.headers, defaultVariant());
      const key = pageKey({ originalUrl: url, variant, variantPrefix: prefix }, 'n');
      const running = renders.get(key);
      if (running) return running;
      const done = new Promise<void>((resolve) => {
        // However the answer ends (sent, failed, the reader gone), or after a bound, whichever is first.
        const timer = setTimeout(resolve, RENDER_WAIT_MS);
        const end = () => {
          clearTimeout(timer);
          resolve();
        };
        res.once('finish', end);
        res.once('close', end);
      }).then(() => void renders.delete(key));
      renders.set(key, done);
      return undefined;
    },
  };
}

/** A thread page's address without its prefix (`/t/123`, its query aside): the only pages kept whole. */
const THREAD_PAGE = /^\/t\/\d+(?:[?#]|$)/;

/** How long a reader waits for another's render of the same page at most, before rendering it too. */
const RENDER_WAIT_MS = 2_000;

/**
 * Whether a request could be given a kept page: a GET or HEAD without a body (one with a body goes
 * through the body parsers' checks, as it would have when rendered) and without a session cookie.
 */
function shareable(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const { headers } = req;
  if ((headers['content-length'] !== undefined && headers['content-length'] !== '0') || headers['transfer-encoding'] !== undefined) {
    return false;
  }
  return cookieFrom(headers.cookie, SESSION_COOKIE) === undefined;
}

/**
 * The page kept for this reader at this address, when this process holds one and knows its
 * thread is still at the page's version; undefined: the full path renders it.
 */
function keptFor(
  address: PageAddress,
  headers: IncomingHttpHeaders,
  pages: LRUCache<string, CachedPage>,
  threads: ThreadStates,
  rules: ConversionRulesSource | undefined,
): KeptPage | undefined {
  // The thread is learnt from either flavour: a post never changes thread.
  const any = pages.peek(pageKey(address, 'n')) ?? pages.peek(pageKey(address, 'c'));
  if (!any) return undefined;
  const facts = threads.get(any.threadId);
  if (!facts) return undefined;
  // The API's JSON has nothing of the seen cookie in it: one flavour.
  const flavour = any.kind === 'json' ? 'n' : flavourOf(parseSeenCookie(cookieFrom(headers.cookie, SEEN_COOKIE)), any.threadId, facts.seq);
  if (!flavour) return undefined;
  const key = pageKey(address, flavour);
  const page = pages.get(key);
  if (!page || page.seq !== facts.seq || page.readCount !== facts.readCount) return undefined;
  // Converted by glossaries that have changed since (text/glossary.ts): rendered anew.
  if (rules && page.rules !== rules.versionFor(page.boardId)) return undefined;
  return { key, page };
}

/**
 * Keeps an answer the full path has made (a miss of the warm page cache: its hits are counted as
 * they are served) as of the version it was read at, with the headers set on it so far and the
 * glossaries' version of its board, and sends it as a kept page is sent.
 */
export async function keepAndSend(
  req: Request,
  res: Response,
  caches: Pick<Caches, 'pages' | 'conversions'>,
  key: string,
  version: VersionFacts,
  answer: Pick<CachedPage, 'postId' | 'etag' | 'kind' | 'root' | 'identity'>,
): Promise<void> {
  const { threadId, seq, readCount, boardId } = version;
  const kept: CachedPage = {
    ...answer,
    threadId,
    seq,
    readCount,
    boardId,
    rules: caches.conversions.rules.versionFor(boardId),
    identity: ownMemory(answer.identity),
    headers: keepableHeaders(res),
  };
  caches.pages.misses++;
  caches.pages.set(key, kept);
  await sendPage(req, res, key, kept, caches.pages);
}

/**
 * The bytes in memory of their own: a Buffer under 4 KB is often a slice of one of Node's shared
 * 8 KB blocks (Buffer.from, Buffer.concat), which a kept slice would keep whole while the cache
 * counts only the slice (small JSON answers, small pages' compressed forms).
 */
export function ownMemory(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.length === bytes.buffer.byteLength) return bytes;
  const own = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(own);
  return own;
}

/**
 * Sends a kept page (or a 304) in the encoding the reader accepts, compressing it the first time
 * that encoding is asked for and keeping the result with the page.
 */
export async function sendPage(req: Request, res: Response, key: string, page: CachedPage, pages: LRUCache<string, CachedPage>) {
  if (answeredUnchangedTag(req, res, page.etag)) return;
  await sendBody(req, res, key, page, pages);
}

/** A kept page's body and its Content-* headers, in the encoding the reader accepts. */
async function sendBody(req: Request, res: Response, key: string, page: CachedPage, pages: LRUCache<string, CachedPage>) {
  // As the middleware chooses: brotli whenever it is acceptable, else gzip, else as it is (negotiated once per header value).
  const coding = chooseEncoding(req);
  const body = coding === 'identity' ? page.identity : (page[coding] ?? (await encode(page, coding, key, pages)));
  res.locals.precompressed = true;
  res.status(200);
  res.set('Content-Type', page.kind === 'page' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8');
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
      page[coding] = ownMemory(body);
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
