import { type Request, type Response, Router } from 'express';
import { type Kysely, sql } from 'kysely';
import type { Database, Db } from '../db/database';
import { notFound } from '../errors';
import type { SiteOrigin } from '../http/origin';

/**
 * sitemap.xml (https://www.sitemaps.org/protocol.html) for search engines: an index at
 * /sitemap.xml naming /sitemap-boards.xml (the home page, each board and its 精華區, archived
 * boards left out as they are from /) and one
 * /sitemap-threads-N.xml per range of THREADS_PER_SITEMAP thread ids that holds a thread. Ranges
 * of ids, not pages of an OFFSET: each sitemap is one bounded scan of the threads' primary key, and
 * a thread stays in the same sitemap for ever, so a crawler's copy of the others stays good.
 * Deleted threads are left out (held ones are not threads yet); an archived board's threads stay:
 * the board is read-only, not withdrawn, so its pages keep their place in search engines. URLs are absolute, under
 * PUBLIC_URL (else the origin the request was made to), and without a variant prefix: each page
 * names its variants itself (hreflang).
 */

/** Thread ids a sitemap covers: the protocol's limit of URLs in one sitemap. */
export const THREADS_PER_SITEMAP = 50_000;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** One <url> (or, in the index, <sitemap>) entry. */
const entry = (tag: 'url' | 'sitemap', loc: string, lastmod?: Date) =>
  `<${tag}><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString()}</lastmod>` : ''}</${tag}>\n`;

/**
 * The ranges (id / THREADS_PER_SITEMAP) that hold at least one thread, ascending: a loose index
 * scan, one probe of the primary key per range that has threads, however many threads there are.
 */
export async function threadRanges(db: Db, perSitemap = THREADS_PER_SITEMAP): Promise<number[]> {
  const result = await sql<{ n: string }>`
    with recursive r(n) as (
      select (select min(thread_id) from threads) / ${perSitemap}
      union all
      select (select min(thread_id) from threads where thread_id >= (r.n + 1) * ${perSitemap}) / ${perSitemap}
      from r where r.n is not null
    )
    select n from r where n is not null`.execute(db);
  return result.rows.map((r) => Number(r.n));
}

/** The threads of range `n` that are not deleted, with their last activity, by id. */
export function findSitemapThreads(db: Db, n: number, perSitemap = THREADS_PER_SITEMAP) {
  const from = BigInt(n) * BigInt(perSitemap);
  return db
    .selectFrom('threads')
    .innerJoin('posts', 'posts.id', 'threads.thread_id')
    .select(['threads.thread_id', 'threads.last_activity_at'])
    .where('threads.thread_id', '>=', String(from))
    .where('threads.thread_id', '<', String(from + BigInt(perSitemap)))
    .where('posts.deleted_at', 'is', null)
    .orderBy('threads.thread_id')
    .execute();
}

/** Whether any thread (deleted or not) has an id in range `n`. */
async function rangeHasThreads(db: Db, n: number, perSitemap = THREADS_PER_SITEMAP): Promise<boolean> {
  const from = BigInt(n) * BigInt(perSitemap);
  const row = await db
    .selectFrom('threads')
    .select('thread_id')
    .where('thread_id', '>=', String(from))
    .where('thread_id', '<', String(from + BigInt(perSitemap)))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The sitemap index, a sitemap of the boards, and one of threads per id range. */
export function sitemapRouter(db: Kysely<Database>, site: SiteOrigin): Router {
  const router = Router();
  const originOf = (req: Request) => site(req) ?? '';
  const sendXml = (res: Response, xml: string) => {
    // The same for every reader: a shared cache may keep it a while.
    res.type('application/xml').set('Cache-Control', 'public, max-age=600').send(xml);
  };

  // Crawlers: everything public, not the API, a member's own pages, moderation or search results
  // (endless and the same posts again), under any variant prefix; and where the sitemap is.
  router.get('/robots.txt', (req, res) => {
    const privatePaths = ['/api/', '/admin', '/settings', '/account', '/messages', '/notifications', '/queue', '/held/', '/search'];
    const lines = [
      'User-agent: *',
      ...privatePaths.flatMap((p) => [`Disallow: ${p}`, `Disallow: /*${p}`]),
      `Sitemap: ${originOf(req)}/sitemap.xml`,
    ];
    res
      .type('text/plain')
      .set('Cache-Control', 'public, max-age=3600')
      .send(`${lines.join('\n')}\n`);
  });

  router.get('/sitemap.xml', async (req, res) => {
    const origin = originOf(req);
    const ranges = await threadRanges(db);
    const maps = [`${origin}/sitemap-boards.xml`, ...ranges.map((n) => `${origin}/sitemap-threads-${n}.xml`)];
    sendXml(res, `${XML_HEAD}<sitemapindex xmlns="${NS}">\n${maps.map((m) => entry('sitemap', m)).join('')}</sitemapindex>\n`);
  });

  router.get('/sitemap-boards.xml', async (req, res) => {
    const origin = originOf(req);
    // An archived board is hidden from / (its threads stay readable and stay listed below).
    const boards = await db.selectFrom('boards').select('slug').where('archived_at', 'is', null).orderBy('id').execute();
    const urls = [`${origin}/`];
    for (const b of boards) {
      const path = `${origin}/b/${encodeURIComponent(b.slug)}`;
      urls.push(path, `${path}/featured`);
    }
    sendXml(res, `${XML_HEAD}<urlset xmlns="${NS}">\n${urls.map((u) => entry('url', u)).join('')}</urlset>\n`);
  });

  router.get(/^\/sitemap-threads-(\d{1,12})\.xml$/, async (req, res) => {
    const n = Number((req.params as Record<string, string>)[0]);
    const threads = await findSitemapThreads(db, n);
    // A range whose threads were all deleted is still in the index: an empty sitemap, not a 404.
    if (threads.length === 0 && !(await rangeHasThreads(db, n))) {
      throw notFound('NotFound', `There is no sitemap-threads-${n}.xml.`);
    }
    const origin = originOf(req);
    const body = threads.map((t) => entry('url', `${origin}/t/${t.thread_id}`, t.last_activity_at)).join('');
    sendXml(res, `${XML_HEAD}<urlset xmlns="${NS}">\n${body}</urlset>\n`);
  });

  return router;
}
