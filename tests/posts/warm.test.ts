import http from 'node:http';
import zlib from 'node:zlib';
import type { Board } from '../../server/boards/boards.service';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { sleep } from '../helpers/live';
import { type TestMember, createModerator, createTestBoard, logInClient, memberClient, postReply, postThread } from '../factories';

// Warm thread pages (posts/posts.pages.ts): an anonymous reader with nothing personal on the page
// gets it from memory, compressed once per thread version, without a database query, while the
// process knows (by LISTEN) that the thread is unchanged. Two app processes on one database: a
// change made through one is on the other's next page.
jest.setTimeout(60_000);

let a: TestApp;
let b: TestApp;
let board: Board;
/** Writes through process B. */
let writerOnB: HttpClient;
let writer: TestMember;

beforeAll(async () => {
  a = await startTestApp();
  b = await startTestApp({ databaseOf: a });
  board = await createTestBoard(a.db);
  writerOnB = b.client();
  writer = await memberClient(a.db, writerOnB);
  // Both processes' LISTEN connections are up before anything is read.
  for (let i = 0; i < 100 && !(a.caches.threads.listening && b.caches.threads.listening); i++) await sleep(50);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as sent (compressed or not). */
  body: Buffer;
  /** The body decoded as its Content-Encoding says. */
  html: string;
}

/** One GET as a browser would send it, the body left as sent (fetch would decode it). */
function raw(app: TestApp, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .get(`${app.baseUrl}${path}`, { headers: { 'user-agent': BROWSER, 'accept-encoding': 'br, gzip', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const coding = res.headers['content-encoding'];
          const decoded = coding === 'br' ? zlib.brotliDecompressSync(body) : coding === 'gzip' ? zlib.gunzipSync(body) : body;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, html: decoded.toString('utf8') });
        });
      })
      .on('error', reject);
  });
}

/** A thread of a root and `n` follow-ups, written through B. */
async function thread(title: string, n = 3): Promise<string> {
  const root = await postThread(writerOnB, board, title);
  for (let i = 0; i < n; i++) await postReply(writerOnB, root.id, `${title} 跟帖 ${i}`);
  return root.id;
}

/** The queries process `app` sends while `work` runs. */
async function queriesDuring(app: TestApp, work: () => Promise<unknown>): Promise<number> {
  const before = app.queries();
  await work();
  return app.queries() - before;
}

/** A's page until `ok` holds (a change on B reaches A by NOTIFY, a few milliseconds later), or the last one. */
async function pageOnA(path: string, ok: (html: string) => boolean): Promise<string> {
  let page = await raw(a, path);
  for (let i = 0; i < 40 && !ok(page.html); i++) {
    await sleep(50);
    page = await raw(a, path);
  }
  expect(page.status).toBe(200);
  return page.html;
}

describe('a warm anonymous thread page', () => {
  it('is served without a database query, compressed once, the same HTML in br, gzip and identity', async () => {
    const root = await thread('暖頁');
    const first = await raw(a, `/t/${root}`);
    expect(first.status).toBe(200);
    expect(first.html).toContain('暖頁 跟帖 2');

    let br: Raw | undefined;
    expect(await queriesDuring(a, async () => (br = await raw(a, `/t/${root}`, { 'accept-encoding': 'br' })))).toBe(0);
    const gzip = await raw(a, `/t/${root}`, { 'accept-encoding': 'gzip' });
    const identity = await raw(a, `/t/${root}`, { 'accept-encoding': 'identity' });
    expect(br!.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(identity.headers['content-encoding']).toBeUndefined();
    for (const r of [br!, gzip, identity]) {
      expect(r.status).toBe(200);
      expect(r.html).toBe(first.html);
      expect(Number(r.headers['content-length'])).toBe(r.body.length);
      expect(r.headers.vary).toMatch(/Accept-Encoding/);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers.etag).toBe(first.headers.etag);
      expect(r.headers['cache-control']).toBe('no-cache');
    }
    expect(br!.body.length).toBeLessThan(identity.body.length);
    expect(a.caches.pages.size).toBeGreaterThan(0);
  });

  it('answers a conditional GET with 304 without a query, and sets the seen cookie as the full path does', async () => {
    const root = await thread('條件');
    const first = await raw(a, `/t/${root}`);
    expect(first.headers['set-cookie']?.join()).toMatch(/gentie_seen=/);
    let again: Raw | undefined;
    expect(await queriesDuring(a, async () => (again = await raw(a, `/t/${root}`, { 'if-none-match': first.headers.etag! })))).toBe(0);
    expect(again!.status).toBe(304);
    expect(again!.body.length).toBe(0);
    // A reader without the cookie gets it from the kept page too.
    const kept = await raw(a, `/t/${root}`);
    expect(kept.headers['set-cookie']?.join()).toMatch(/gentie_seen=/);
    // And a reader whose cookie names the thread at the version shown: their own flavour, then no query.
    const cookie = kept.headers['set-cookie']![0]!.split(';')[0]!;
    const withCookie = await raw(a, `/t/${root}`, { cookie });
    expect(withCookie.status).toBe(200);
    expect(await queriesDuring(a, () => raw(a, `/t/${root}`, { cookie }))).toBe(0);
  });

  it('shows a reply, an edit, a deletion and a lock made on the other process on its next page', async () => {
    const root = await thread('跨進程頁');
    const warm = async () => {
      await raw(a, `/t/${root}`);
      expect(await queriesDuring(a, () => raw(a, `/t/${root}`))).toBe(0);
    };
    await warm();
    const reply = await postReply(writerOnB, root, '從 B 來的跟帖');
    expect(await pageOnA(`/t/${root}`, (h) => h.includes('從 B 來的跟帖'))).toContain('從 B 來的跟帖');

    await warm();
    expect((await writerOnB.request('PATCH', `/api/posts/${reply.id}`, { json: { title: '改過的標題' } })).status).toBe(200);
    expect(await pageOnA(`/t/${root}`, (h) => h.includes('改過的標題'))).toContain('改過的標題');

    await warm();
    expect((await writerOnB.request('DELETE', `/api/posts/${reply.id}`, { json: {} })).status).toBe(200);
    expect(await pageOnA(`/t/${root}`, (h) => !h.includes('改過的標題'))).not.toContain('改過的標題');

    await warm();
    const mod = b.client();
    await logInClient(mod, await createModerator(a.db, board));
    const unlocked = await raw(a, `/t/${root}`);
    expect((await mod.post(`/api/threads/${root}/lock`)).status).toBe(200);
    const locked = await pageOnA(`/t/${root}`, (h) => h !== unlocked.html);
    expect(locked).not.toBe(unlocked.html);
    // What A now serves from memory is what its full path renders.
    a.caches.pages.clear();
    expect((await raw(a, `/t/${root}`)).html).toBe(locked);
  });

  it('shows a read count flushed by the other process', async () => {
    const root = await thread('讀數頁');
    expect(await pageOnA(`/t/${root}`, (h) => h.includes('(0 次閱讀)'))).toContain('(0 次閱讀)');
    await raw(a, `/t/${root}`);
    // A reader on B (another browser, so another reader), counted by B's flush.
    await raw(b, `/t/${root}`, { 'user-agent': `${BROWSER} Edg/131.0.0.0` });
    await a.reads.flush();
    await b.reads.flush();
    expect(await pageOnA(`/t/${root}`, (h) => h.includes('(2 次閱讀)'))).toContain('(2 次閱讀)');
  });

  it('asks the database again once the LISTEN link is lost, and until it is back', async () => {
    const root = await thread('斷線');
    await raw(a, `/t/${root}`);
    expect(await queriesDuring(a, () => raw(a, `/t/${root}`))).toBe(0);
    a.caches.threads.linkLost();
    try {
      expect(await queriesDuring(a, () => raw(a, `/t/${root}`))).toBeGreaterThan(0);
      expect(await queriesDuring(a, () => raw(a, `/t/${root}`))).toBeGreaterThan(0);
    } finally {
      a.caches.threads.linkUp();
    }
    await raw(a, `/t/${root}`);
    expect(await queriesDuring(a, () => raw(a, `/t/${root}`))).toBe(0);
  });
});

describe('personal pages', () => {
  it('are never kept or shared: a member, and an anonymous reader with new follow-ups marked', async () => {
    const root = await thread('個人頁');
    const anonymous = await raw(a, `/t/${root}`);
    const cookie = anonymous.headers['set-cookie']![0]!.split(';')[0]!;
    await raw(a, `/t/${root}`);

    // A member on A: their name in the header, buttons; never in an anonymous answer, and not served from memory.
    const member = a.client();
    const reader = await memberClient(a.db, member);
    const theirs = await member.get(`/t/${root}`, { 'user-agent': BROWSER });
    expect(theirs.status).toBe(200);
    expect(theirs.text).toContain(reader.name);
    expect(theirs.headers.get('cache-control')).toBe('private, no-cache');
    const again = await raw(a, `/t/${root}`);
    expect(again.html).not.toContain(reader.name);
    expect(again.html).toBe(anonymous.html);
    expect(await queriesDuring(a, () => member.get(`/t/${root}`, { 'user-agent': BROWSER }))).toBeGreaterThan(0);

    // New follow-ups since the cookie's visit: marked for that reader only.
    await postReply(writerOnB, root, '新的跟帖');
    const marked = await pageOnA(`/t/${root}`, (h) => h.includes('新的跟帖'));
    expect(marked).toContain('新的跟帖');
    const returning = await raw(a, `/t/${root}`, { cookie });
    expect(returning.html).toContain('new-mark');
    const fresh = await raw(a, `/t/${root}`);
    expect(fresh.html).toContain('新的跟帖');
    expect(fresh.html).not.toContain('new-mark');
    expect(fresh.headers.etag).not.toBe(returning.headers.etag);
    // The marked page is not kept: the returning reader's next visit asks the database.
    expect(await queriesDuring(a, () => raw(a, `/t/${root}`, { cookie }))).toBeGreaterThan(0);
    // And the member's page never came from the anonymous one.
    expect((await member.get(`/t/${root}`, { 'user-agent': BROWSER })).text).toContain(reader.name);
    expect(writer.name).not.toBe(reader.name);
  });
});
