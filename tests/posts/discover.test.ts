/**
 * Being found (issue 15): a board's 精華區 (/b/:slug/featured, by when each thread was featured,
 * paged by a keyset cursor, in the reader's variant; ?featured=1 on the board redirects there),
 * canonical links and OpenGraph tags on thread, board and member pages, and sitemap.xml, all
 * through HTTP, the XML read by a real parser.
 */
import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import * as featuredAtMigration from '../../migrations/2026_12_03_310_featured_at';
import { createTestDatabase } from '../helpers/database';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { createMember, createModerator, createTestBoard, createThread, logInClient, memberClient, postThread } from '../factories';
import { FEATURED_PER_PAGE } from '../../server/posts/posts.lists';
import { findSitemapThreads, threadRanges } from '../../server/posts/posts.sitemap';

const ORIGIN = 'https://bbs.example.org';

let app: TestApp;
let board: { slug: string };
let author: HttpClient;

beforeAll(async () => {
  app = await startTestApp({ env: { PUBLIC_URL: ORIGIN } });
  board = await createTestBoard(app.db);
  author = app.client();
  await memberClient(app.db, author, { name: 'featured_author' });
});
afterAll(() => app.close());

/** The thread ids a 精華區 page lists, in order, and its next-page link. */
function listed(html: string): { ids: string[]; next: string | undefined } {
  const list = /<ul class="threads featured"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  const ids = [...list.matchAll(/<li class="thread"[^>]*>[\s\S]*?href="(?:\/zh-[a-z]+)?\/t\/(\d+)"/g)].map((m) => m[1]!);
  const next = /<a rel="next" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  return { ids, next };
}

/** The content of a page's <meta property=…> (or the href of its canonical link). */
const metaOf = (html: string, property: string) => new RegExp(`<meta property="${property}" content="([^"]*)"`).exec(html)?.[1];
const canonicalOf = (html: string) => /<link rel="canonical" href="([^"]*)"/.exec(html)?.[1];

describe('精華區', () => {
  it('lists featured threads by when they were featured, newest first, paged by a cursor, in the reader’s variant', async () => {
    const own = await createTestBoard(app.db);
    const modClient = app.client();
    await logInClient(modClient, await createModerator(app.db, own));

    const count = FEATURED_PER_PAGE + 5;
    const ids: string[] = [];
    for (let i = 0; i < count + 2; i++) ids.push((await postThread(author, own, `精華主題 ${i} 軟體`)).id);
    // Featured in an order unlike their ids: every third from the end, then the rest.
    const order = [...ids.slice(0, count)].sort((a, b) => (Number(a) % 3) - (Number(b) % 3) || Number(b) - Number(a));
    for (const id of order) expect((await modClient.post(`/api/threads/${id}/feature`)).status).toBe(200);
    // One featured and then unfeatured is not listed; one featured again moves to the top.
    await modClient.post(`/api/threads/${ids[count]}/feature`);
    await modClient.post(`/api/threads/${ids[count]}/unfeature`);
    await modClient.post(`/api/threads/${order[0]}/unfeature`);
    await modClient.post(`/api/threads/${order[0]}/feature`);
    const expected = [order[0]!, ...order.slice(1).reverse()];

    const reader = app.client();
    const first = await reader.get(`/zh-hans/b/${own.slug}/featured`);
    expect(first.status).toBe(200);
    expect(first.text).toContain('精华区');
    expect(first.text).toContain('精华主题 0 软件');
    const one = listed(first.text);
    expect(one.ids).toEqual(expected.slice(0, FEATURED_PER_PAGE));
    expect(one.next).toMatch(new RegExp(`^/zh-hans/b/${own.slug}/featured\\?after=`));
    const second = await reader.get(one.next!);
    expect(second.status).toBe(200);
    const two = listed(second.text);
    expect(two.ids).toEqual(expected.slice(FEATURED_PER_PAGE));
    expect(two.next).toBeUndefined();
    expect(second.text).toContain(`<a rel="start" href="/zh-hans/b/${own.slug}/featured">`);

    // Traditional readers get the same list in their script.
    const traditional = await reader.get(`/zh-tw/b/${own.slug}/featured`);
    expect(traditional.text).toContain('精華區');
    expect(listed(traditional.text).ids).toEqual(expected.slice(0, FEATURED_PER_PAGE));

    // A cursor this list did not hand out is a clear 400, not a 500.
    const bad = await reader.get(`/b/${own.slug}/featured?after=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('data-code=');
  });

  it('?featured=1 on a board redirects to its 精華區, keeping the variant prefix; the board links there', async () => {
    const reader = app.client();
    const plain = await reader.get(`/b/${board.slug}?featured=1`);
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toBe(`/b/${board.slug}/featured`);
    const prefixed = await reader.get(`/zh-hk/b/${board.slug}?featured=1`);
    expect(prefixed.status).toBe(301);
    expect(prefixed.headers.get('location')).toBe(`/zh-hk/b/${board.slug}/featured`);
    const page = await reader.get(`/zh-hk/b/${board.slug}`);
    expect(page.text).toContain(`href="/zh-hk/b/${board.slug}/featured"`);
    expect(page.text).not.toContain('featured=1');
    const empty = await reader.get(`/b/${board.slug}/featured`);
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('本版還沒有精華主題。');
    const missing = await reader.get('/b/no-such-board/featured');
    expect(missing.status).toBe(404);
    expect(canonicalOf(missing.text)).toBeUndefined();
  });
});

describe('canonical links and OpenGraph', () => {
  it('a thread names its canonical URL and previews in the page’s variant', async () => {
    const thread = await postThread(author, board, '軟體出口管制', '<p>這是關於<b>軟體</b>出口管制的討論。</p>');
    const reader = app.client();
    // Twice each: the second may be the page kept whole for anonymous readers.
    for (let i = 0; i < 2; i++) {
      const original = (await reader.get(`/t/${thread.id}?at=${thread.id}`)).text;
      expect(canonicalOf(original)).toBe(`${ORIGIN}/t/${thread.id}`);
      expect(metaOf(original, 'og:url')).toBe(`${ORIGIN}/t/${thread.id}`);
      expect(metaOf(original, 'og:type')).toBe('article');
      expect(metaOf(original, 'og:title')).toBe('軟體出口管制');
      expect(metaOf(original, 'og:description')).toBe('這是關於軟體出口管制的討論。');

      const simplified = (await reader.get(`/zh-hans/t/${thread.id}`)).text;
      expect(canonicalOf(simplified)).toBe(`${ORIGIN}/zh-hans/t/${thread.id}`);
      expect(metaOf(simplified, 'og:url')).toBe(`${ORIGIN}/zh-hans/t/${thread.id}`);
      expect(metaOf(simplified, 'og:title')).toBe('软件出口管制');
      expect(metaOf(simplified, 'og:description')).toBe('这是关于软件出口管制的讨论。');
    }
  });

  it('boards and members have theirs; a later page of a board keeps its page', async () => {
    const reader = app.client();
    const boardPage = (await reader.get(`/zh-tw/b/${board.slug}`)).text;
    expect(canonicalOf(boardPage)).toBe(`${ORIGIN}/zh-tw/b/${board.slug}`);
    expect(metaOf(boardPage, 'og:type')).toBe('website');
    const later = (await reader.get(`/b/${board.slug}?page=2`)).text;
    expect(canonicalOf(later)).toBe(`${ORIGIN}/b/${board.slug}?page=2`);
    const member = (await reader.get('/u/featured_author')).text;
    expect(canonicalOf(member)).toBe(`${ORIGIN}/u/featured_author`);
    expect(metaOf(member, 'og:type')).toBe('profile');
  });
});

describe('sitemap.xml', () => {
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'url' || name === 'sitemap' });
  const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
  /** The parts of a sitemap index or a sitemap these tests read (one or the other is there). */
  interface SitemapXml {
    sitemapindex: { '@_xmlns': string; sitemap: { loc: string }[] };
    urlset: { '@_xmlns': string; url: { loc: string; lastmod: string }[] };
  }
  /** A sitemap's URLs, fetched by the path of an absolute loc. */
  const fetchXml = async (loc: string) => {
    expect(loc.startsWith(`${ORIGIN}/`)).toBe(true);
    const res = await app.client().get(loc.slice(ORIGIN.length));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    return parser.parse(res.text, true) as SitemapXml;
  };

  it('is an index of sitemaps listing boards and threads, a new thread but not a deleted one', async () => {
    const kept = await postThread(author, board, '留在地圖上');
    const gone = await postThread(author, board, '將被刪除');
    expect((await author.request('DELETE', `/api/posts/${gone.id}`, { json: {} })).status).toBe(200);

    const index = await fetchXml(`${ORIGIN}/sitemap.xml`);
    expect(index.sitemapindex['@_xmlns']).toBe(NS);
    const maps = index.sitemapindex.sitemap.map((s) => s.loc);
    expect(maps[0]).toBe(`${ORIGIN}/sitemap-boards.xml`);
    expect(maps.slice(1).every((m) => /\/sitemap-threads-\d+\.xml$/.test(m))).toBe(true);

    const boards = await fetchXml(maps[0]!);
    expect(boards.urlset['@_xmlns']).toBe(NS);
    const boardUrls = boards.urlset.url.map((u) => u.loc);
    expect(boardUrls).toEqual(expect.arrayContaining([`${ORIGIN}/`, `${ORIGIN}/b/${board.slug}`, `${ORIGIN}/b/${board.slug}/featured`]));

    const threadUrls: { loc: string; lastmod: string }[] = [];
    for (const m of maps.slice(1)) threadUrls.push(...(await fetchXml(m)).urlset.url);
    const locs = threadUrls.map((u) => u.loc);
    expect(locs).toContain(`${ORIGIN}/t/${kept.id}`);
    expect(locs).not.toContain(`${ORIGIN}/t/${gone.id}`);
    const entry = threadUrls.find((u) => u.loc === `${ORIGIN}/t/${kept.id}`)!;
    expect(Number.isNaN(Date.parse(entry.lastmod))).toBe(false);

    expect((await app.client().get('/sitemap-threads-999999.xml')).status).toBe(404);

    // robots.txt names the sitemap, absolute, and keeps crawlers out of the private and endless pages.
    const robots = await app.client().get('/robots.txt');
    expect(robots.status).toBe(200);
    expect(robots.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(robots.text).toContain(`Sitemap: ${ORIGIN}/sitemap.xml\n`);
    for (const p of ['/api/', '/settings', '/messages', '/search', '/*/search']) expect(robots.text).toContain(`Disallow: ${p}\n`);
    expect(robots.text).not.toMatch(/Disallow: \/(t|b)\//);
  });
});

describe('the featured_at migration', () => {
  it('back-fills when each featured thread was featured from the moderation log, else its events, else its last activity', async () => {
    const target = await createTestDatabase();
    try {
      const db = target.db;
      const mod = await createMember(db);
      const [logged, evented, bare, plain] = [
        await createThread(db),
        await createThread(db),
        await createThread(db),
        await createThread(db),
      ];
      await db.schema.alterTable('threads').dropColumn('featured_at').execute();
      await sql`drop index if exists threads_featured_idx`.execute(db);
      await db.updateTable('threads').set({ featured: true }).where('thread_id', 'in', [logged.id, evented.id, bare.id]).execute();
      const at = (iso: string) => new Date(iso);
      for (const when of ['2026-01-02T03:04:05.678901Z', '2026-02-03T04:05:06.789Z']) {
        await sql`insert into moderation_log (actor_id, actor_role, action, post_id, created_at)
          values (${mod.id}, 'moderator', 'feature', ${logged.id}, ${when}::timestamptz)`.execute(db);
      }
      await sql`insert into thread_events (thread_id, seq, kind, post_id, at)
        values (${evented.id}, 99, 'thread:feature', ${evented.id}, '2025-12-31T00:00:00.5Z')`.execute(db);

      await featuredAtMigration.up(db);
      const rows = await sql<{ thread_id: string; featured_at: Date | null; last_activity_at: Date }>`
        select thread_id, featured_at, last_activity_at from threads where thread_id in (${sql.join([logged.id, evented.id, bare.id, plain.id])})`.execute(
        db,
      );
      const byId = new Map(rows.rows.map((r) => [r.thread_id, r]));
      expect(byId.get(logged.id)!.featured_at).toEqual(at('2026-02-03T04:05:06.789Z'));
      expect(byId.get(evented.id)!.featured_at).toEqual(at('2025-12-31T00:00:00.500Z'));
      const activity = byId.get(bare.id)!.last_activity_at;
      expect(byId.get(bare.id)!.featured_at).toEqual(new Date(Math.floor(activity.getTime())));
      expect(byId.get(plain.id)!.featured_at).toBeNull();
    } finally {
      await target.drop();
    }
  });
});

describe('sitemap ranges', () => {
  it('name each range of thread ids that holds a thread, once, and each range lists its threads by id', async () => {
    // Ranges of 3 ids over this app's threads: the same walk as 50,000 over a big forum's.
    const threads = await app.db.selectFrom('threads').select('thread_id').orderBy('thread_id').execute();
    const ids = threads.map((t) => Number(t.thread_id));
    const expected = [...new Set(ids.map((id) => Math.floor(id / 3)))];
    expect(expected.length).toBeGreaterThan(3);
    expect(await threadRanges(app.db, 3)).toEqual(expected);
    const listed: number[] = [];
    for (const n of expected) listed.push(...(await findSitemapThreads(app.db, n, 3)).map((t) => Number(t.thread_id)));
    const deleted = await app.db
      .selectFrom('posts')
      .select('id')
      .where('parent_id', 'is', null)
      .where('deleted_at', 'is not', null)
      .execute();
    expect(deleted.length).toBeGreaterThan(0);
    expect(listed).toEqual(ids.filter((id) => !deleted.some((d) => Number(d.id) === id)));
  });
});
