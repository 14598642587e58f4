import pg from 'pg';
import type { HttpClient, TestApp } from '../helpers/app';
import { type ApiPost, memberClient, postReply, postThread, startBoardApp } from '../factories';
import type { Board } from '../../server/boards/boards.service';

// Read counts through HTTP: thread pages record reads in memory, a flush (the job runner's, here
// the test's own `app.reads.flush()`) counts them, and pages and the API show them.

let app: TestApp;
let board: Board;
// The thread starter's client, logged in.
let starter: HttpClient;

beforeAll(async () => {
  // The test stands where a balancer on loopback would: X-Forwarded-For names each reader's address.
  ({ app, board, writer: starter } = await startBoardApp({ app: { env: { TRUST_PROXY: 'loopback' } } }));
});
afterAll(() => app.close());

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let addresses = 0;
/** A reader who is not logged in, at an address of their own, in a browser. */
function anonymous(): { client: HttpClient; headers: Record<string, string> } {
  addresses++;
  return { client: app.client(), headers: { 'user-agent': BROWSER, 'x-forwarded-for': `198.51.100.${addresses}` } };
}

/** Reads /t/:id as a reader; the page must answer. */
async function read(reader: { client: HttpClient; headers: Record<string, string> }, id: string, extra: Record<string, string> = {}) {
  const res = await reader.client.get(`/t/${id}`, { ...reader.headers, ...extra });
  expect([200, 304]).toContain(res.status);
  return res;
}

/**
 * The thread's count as the API tells it (the test's own client sends Node's user agent, which is
 * a bot's: looking does not count).
 */
async function readCount(threadId: string): Promise<number> {
  const res = await app.client().get(`/api/posts/${threadId}`);
  expect(res.status).toBe(200);
  return res.json.thread.readCount;
}

async function newThread(): Promise<ApiPost> {
  return postThread(starter, board, `讀數 ${Date.now()}`);
}

describe('read counts', () => {
  it('rise after a flush, shown on the thread page, the board index and in the API', async () => {
    const thread = await newThread();
    await read(anonymous(), thread.id);
    await read(anonymous(), thread.id);
    // Nothing is written per view: the count moves only when the recorder flushes.
    expect(await readCount(thread.id)).toBe(0);
    expect(await app.reads.flush()).toBe(2);
    expect(await readCount(thread.id)).toBe(2);

    const page = await app.client().get(`/zh-hant/t/${thread.id}`);
    expect(page.text).toMatch(/<p class="byline">[\s\S]*?<span class="reads">\(2 次閱讀\)<\/span>/);
    expect((await app.client().get(`/zh-hans/t/${thread.id}`)).text).toContain('(2 次阅读)');
    const index = await app.client().get(`/zh-hant/b/${board.slug}`);
    expect(index.text).toMatch(new RegExp(`id="p${thread.id}"[\\s\\S]*?<span class="reads">\\(2 次閱讀\\)</span>`));
    const listed = await app.client().get(`/api/boards/${board.slug}/threads`);
    expect(listed.json.threads.find((t: { post: ApiPost }) => t.post.id === thread.id).readCount).toBe(2);
  });

  it('count a reader once within the hour, however often and whichever of its posts they open', async () => {
    const thread = await newThread();
    const reply = await postReply(starter, thread.id, '一條跟帖');
    const reader = anonymous();
    await read(reader, thread.id);
    await read(reader, thread.id);
    await read(reader, reply.id);
    await app.reads.flush();
    await read(reader, thread.id);
    await app.reads.flush();
    expect(await readCount(thread.id)).toBe(1);
  });

  it('count a logged-in member once, wherever they read from', async () => {
    const thread = await newThread();
    const { client } = anonymous();
    await memberClient(app.db, client);
    await read({ client, headers: { 'user-agent': BROWSER, 'x-forwarded-for': '192.0.2.1' } }, thread.id);
    await read({ client, headers: { 'user-agent': BROWSER, 'x-forwarded-for': '192.0.2.2' } }, thread.id);
    await app.reads.flush();
    expect(await readCount(thread.id)).toBe(1);
  });

  it("do not count the thread starter's own views", async () => {
    const thread = await newThread();
    const reply = await postReply(starter, thread.id, '樓主自己的跟帖');
    await read({ client: starter, headers: { 'user-agent': BROWSER } }, thread.id);
    await read({ client: starter, headers: { 'user-agent': BROWSER } }, reply.id);
    await app.reads.flush();
    expect(await readCount(thread.id)).toBe(0);
  });

  it('do not count bots or headless browsers', async () => {
    const thread = await newThread();
    for (const agent of [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      'python-requests/2.32.3',
    ]) {
      const reader = anonymous();
      await read({ client: reader.client, headers: { ...reader.headers, 'user-agent': agent } }, thread.id);
    }
    await app.reads.flush();
    expect(await readCount(thread.id)).toBe(0);
  });

  it('count anonymous readers at two addresses twice, and two browsers at one address twice', async () => {
    const thread = await newThread();
    await read(anonymous(), thread.id);
    await read(anonymous(), thread.id);
    const shared = { 'x-forwarded-for': '203.0.113.50' };
    await read({ client: app.client(), headers: { ...shared, 'user-agent': BROWSER } }, thread.id);
    await read({ client: app.client(), headers: { ...shared, 'user-agent': `${BROWSER} Edg/131.0.0.0` } }, thread.id);
    await app.reads.flush();
    expect(await readCount(thread.id)).toBe(4);
  });

  it('count a 304 as a read, and change the page version when the count changes', async () => {
    const thread = await newThread();
    const first = await read(anonymous(), thread.id);
    const tag = first.headers.get('etag')!;
    expect(tag).toBeTruthy();
    // Another reader whose browser holds the same page (anonymous pages are the same for all).
    const revalidated = await read(anonymous(), thread.id, { 'if-none-match': tag });
    expect(revalidated.status).toBe(304);
    await app.reads.flush();
    expect(await readCount(thread.id)).toBe(2);
    // The page shows the count: a browser holding the page from before the flush gets the new one.
    const later = await read(anonymous(), thread.id, { 'if-none-match': tag });
    expect(later.status).toBe(200);
    expect(later.text).toContain('<span class="reads">(2 ');
  });

  it('never make a page wait on counting: pages answer while a flush is stuck, and a failed flush keeps its counts', async () => {
    // What earlier tests left pending goes first: the flushes below count this thread's reads alone.
    await app.reads.flush();
    const thread = await newThread();
    await read(anonymous(), thread.id);
    // Another session holds thread_views: the flush waits for it...
    const holder = new pg.Client({ connectionString: app.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table thread_views in access exclusive mode');
      const flushing = app.reads.flush();
      // ...and the pages do not.
      const started = Date.now();
      await read(anonymous(), thread.id);
      expect(Date.now() - started).toBeLessThan(5_000);
      await holder.query('rollback');
      expect(await flushing).toBe(1);

      // The flush fails outright (the table is not there): the page still answers, and the
      // views wait in memory for the next flush.
      await holder.query('alter table thread_views rename to thread_views_away');
      await expect(app.reads.flush()).rejects.toThrow(/thread_views/);
      await read(anonymous(), thread.id);
      expect(app.reads.stats().pending).toBe(2);
      await holder.query('alter table thread_views_away rename to thread_views');
      expect(await app.reads.flush()).toBe(2);
      expect(await readCount(thread.id)).toBe(3);
    } finally {
      await holder.end();
    }
  });
});
