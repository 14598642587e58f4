import http from 'node:http';
import pino from 'pino';
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

/** A's page (or JSON) until `ok` holds (a change on B reaches A by NOTIFY, a few milliseconds later), or the last one. */
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

describe('a kept page answered ahead of express', () => {
  /** Headers made for each answer: the date, the request id, and the seen cookie's expiry. */
  const shared = (headers: http.IncomingHttpHeaders) => {
    const { date: _date, 'x-request-id': _id, 'set-cookie': cookies, ...rest } = headers;
    return { ...rest, 'set-cookie': cookies?.map((c) => c.replace(/; Expires=[^;]*/, '')) };
  };

  /** The full path's answer (nothing kept), then the kept page's, with the same request. */
  async function bothPaths(path: string, headers: Record<string, string> = {}): Promise<[Raw, Raw]> {
    a.caches.pages.clear();
    const full = await raw(a, path, headers);
    let kept: Raw | undefined;
    expect(await queriesDuring(a, async () => (kept = await raw(a, path, headers)))).toBe(0);
    return [full, kept!];
  }

  it('has the body and headers of the full path, but for the date, the request id and the cookie expiry', async () => {
    const root = await thread('同頭');
    const [full, kept] = await bothPaths(`/t/${root}`);
    expect(kept.status).toBe(200);
    expect(kept.html).toBe(full.html);
    expect(kept.body.equals(full.body)).toBe(true);
    expect(shared(kept.headers)).toEqual(shared(full.headers));
    expect(kept.headers['content-security-policy']).toContain("default-src 'self'");
    expect(kept.headers['x-frame-options']).toBe(full.headers['x-frame-options']);
    expect(kept.headers['set-cookie']?.join()).toMatch(/^gentie_seen=[^;]+; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    // Its own request id, or the one the client gave.
    expect(kept.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(kept.headers['x-request-id']).not.toBe(full.headers['x-request-id']);
    expect((await raw(a, `/t/${root}`, { 'x-request-id': 'from-the-proxy.1' })).headers['x-request-id']).toBe('from-the-proxy.1');
  });

  it('negotiates the encoding by q-values as the full path does', async () => {
    const root = await thread('編碼');
    for (const [asked, sent] of [
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0.5, br;q=0.1', 'br'],
      ['gzip;q=0, br;q=0', undefined],
      ['identity', undefined],
      ['deflate', undefined],
    ] as const) {
      const [full, kept] = await bothPaths(`/t/${root}`, { 'accept-encoding': asked });
      expect([asked, kept.headers['content-encoding']]).toEqual([asked, sent]);
      expect(shared(kept.headers)).toEqual(shared(full.headers));
      expect(kept.html).toBe(full.html);
    }
  });

  it('keeps the reader’s script: a variant prefix, the variant cookie and Accept-Language', async () => {
    const root = await thread('簡繁頁面');
    const original = await raw(a, `/t/${root}`);
    for (const [path, headers] of [
      [`/zh-hans/t/${root}`, {}],
      [`/t/${root}`, { cookie: 'gentie_variant=zh-hans' }],
      [`/t/${root}`, { 'accept-language': 'zh-CN,zh;q=0.9' }],
      [`/zh-tw/t/${root}?unnotified=1`, { cookie: 'gentie_variant=original' }],
    ] as const) {
      const [full, kept] = await bothPaths(path, headers);
      expect(kept.html).toBe(full.html);
      expect(shared(kept.headers)).toEqual(shared(full.headers));
      expect(kept.html).not.toBe(original.html);
    }
    const [, simplified] = await bothPaths(`/t/${root}`, { cookie: 'gentie_variant=zh-hans' });
    expect(simplified.html).toContain('简繁页面');
  });

  it('answers a conditional GET with the same 304 and HEAD with the same headers, no body and no read', async () => {
    const root = await thread('頭請求');
    const [full] = await bothPaths(`/t/${root}`);
    // The full path's 304 (nothing kept), then the kept page's.
    a.caches.pages.clear();
    const condition = { 'if-none-match': full.headers.etag! };
    const full304 = await raw(a, `/t/${root}`, condition);
    await raw(a, `/t/${root}`);
    let kept304: Raw | undefined;
    expect(await queriesDuring(a, async () => (kept304 = await raw(a, `/t/${root}`, condition)))).toBe(0);
    expect([full304.status, kept304!.status]).toEqual([304, 304]);
    expect(kept304!.body.length).toBe(0);
    const { 'set-cookie': _cookie, ...kept304Headers } = shared(kept304!.headers);
    const { 'set-cookie': _none, ...full304Headers } = shared(full304.headers);
    expect(kept304Headers).toEqual(full304Headers);

    const pending = a.reads.stats().pending;
    const head = await request(a, 'HEAD', `/t/${root}`, { 'user-agent': `${BROWSER} Head/1`, 'accept-encoding': 'br, gzip' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(full.headers['content-length']);
    expect(head.headers.etag).toBe(full.headers.etag);
    expect(head.headers['content-security-policy']).toBe(full.headers['content-security-policy']);
    expect(a.reads.stats().pending).toBe(pending);
  });

  it('records the read and the visit, as the full path does', async () => {
    const root = await thread('讀者');
    await raw(a, `/t/${root}`);
    const before = a.reads.stats().pending;
    const kept = await raw(a, `/t/${root}`, { 'user-agent': `${BROWSER} Reader/1` });
    expect(a.reads.stats().pending).toBe(before + 1);
    // The same reader again within the hour: not another read.
    await raw(a, `/t/${root}`, { 'user-agent': `${BROWSER} Reader/1` });
    expect(a.reads.stats().pending).toBe(before + 1);
    const cookie = kept.headers['set-cookie']![0]!.split(';')[0]!;
    expect(cookie).toMatch(/^gentie_seen=[0-9a-z]+-[0-9a-z]+$/);
    // A cookie naming the thread at the version shown is not sent again.
    expect((await raw(a, `/t/${root}`, { cookie })).headers['set-cookie']).toBeUndefined();
  });

  it('leaves anything else to express: other addresses, bodies, sessions, other methods', async () => {
    const root = await thread('其他');
    await raw(a, `/t/${root}`);
    await raw(a, `/t/${root}`);
    for (const path of [
      `/t/${root}/`,
      `/T/${root}`,
      `/t/${root}?after=zz`,
      `/t/${root}?x=%ZZ`,
      `/t/%E0%A4%A`,
      `/t/${root}%00`,
      `/zh-hans/t/${root}/../${root}`,
      `//t/${root}`,
      `/t/${root}#p1`,
    ]) {
      const answer = await raw(a, path);
      expect([path, answer.status < 500]).toEqual([path, true]);
    }
    expect((await raw(a, `/t/%E0%A4%A`)).status).toBe(400);
    expect((await raw(a, `/t/${root}?after=zz`)).status).toBe(400);
    // A session cookie, even one that names no session: the full path, which tells of it.
    expect(await queriesDuring(a, () => raw(a, `/t/${root}`, { cookie: 'gentie_session=nothing' }))).toBeGreaterThan(0);
    // A body with a GET goes through the body parsers.
    const withBody = await request(a, 'GET', `/t/${root}`, { 'content-type': 'application/json' }, '{');
    expect(withBody.status).toBe(400);
    expect((await request(a, 'POST', `/t/${root}`, {})).status).toBe(404);
  });

  it('writes the same request log line as the full path', async () => {
    const lines: Record<string, unknown>[] = [];
    const logged = await startTestApp({
      databaseOf: a,
      log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }),
    });
    try {
      for (let i = 0; i < 100 && !logged.caches.threads.listening; i++) await sleep(50);
      const root = await thread('日誌');
      const completed = () => lines.filter((l) => l.msg === 'request completed');
      await raw(logged, `/zh-hans/t/${root}?unnotified=1`, { 'x-request-id': 'full-1' });
      const kept = await raw(logged, `/zh-hans/t/${root}?unnotified=1`, { 'x-request-id': 'kept-1' });
      expect(kept.status).toBe(200);
      const [full, warm] = completed().slice(-2);
      expect(Object.keys(warm!).sort()).toEqual(Object.keys(full!).sort());
      expect(full!.req).toEqual({ id: 'full-1', method: 'GET', url: expect.stringContaining(`/t/${root}`) });
      expect(warm!.req).toEqual({ ...(full!.req as object), id: 'kept-1' });
      expect(warm!.res).toEqual({ statusCode: 200 });
      expect(warm!.level).toBe(30);
      expect(typeof warm!.responseTime).toBe('number');
      expect(JSON.stringify(warm)).not.toMatch(/cookie/i);
    } finally {
      await logged.close();
    }
  });
});

describe("the JSON API's answer for a post's subtree, kept for anonymous readers", () => {
  /** Headers made for each answer: the date and the request id. */
  const shared = (headers: http.IncomingHttpHeaders) => {
    const { date: _date, 'x-request-id': _id, ...rest } = headers;
    return rest;
  };

  it('is the full path’s answer, byte for byte, for each address, then without a query, in each encoding', async () => {
    const root = await thread('接口暖');
    const first = (await (await fetch(`${a.baseUrl}/api/posts/${root}?limit=2`)).json()) as { nextCursor: string };
    for (const path of [
      `/api/posts/${root}`,
      `/api/posts/${root}?limit=2`,
      `/api/posts/${root}?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`,
      `/api/posts/${root}?variant=zh-hans`,
      `/api/posts/${root}?bodies=false`,
    ]) {
      a.caches.pages.clear();
      const full = await raw(a, path);
      expect([path, full.status]).toEqual([path, 200]);
      let kept: Raw | undefined;
      expect([path, await queriesDuring(a, async () => (kept = await raw(a, path)))]).toEqual([path, 0]);
      expect(kept!.html).toBe(full.html);
      expect(kept!.body.equals(full.body)).toBe(true);
      expect(shared(kept!.headers)).toEqual(shared(full.headers));
      expect(kept!.headers['content-type']).toBe('application/json; charset=utf-8');
      for (const coding of ['gzip', 'identity']) {
        const other = await raw(a, path, { 'accept-encoding': coding });
        expect(JSON.parse(other.html)).toEqual(JSON.parse(full.html));
      }
    }
    // Each address its own answer: the simplified one is converted, the first page is not the whole.
    const simplified = JSON.parse((await raw(a, `/api/posts/${root}?variant=zh-hans`)).html) as { post: { title: string } };
    expect(simplified.post.title).toBe('接口暖');
    const page = JSON.parse((await raw(a, `/api/posts/${root}?limit=2`)).html) as { replies: unknown[] };
    expect(page.replies).toHaveLength(2);
    // The thread page of the same post is kept beside it, as HTML.
    await raw(a, `/t/${root}`);
    expect((await raw(a, `/t/${root}`)).headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await raw(a, `/api/posts/${root}`)).headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('keeps small answers, and their compressed forms, in memory of their own', async () => {
    // Under 4 KB, Buffer.from and zlib's output are slices of Node's shared 8 KB blocks: kept as
    // they are, each would hold a whole block while the cache counts the slice.
    const root = await thread('小答', 1);
    a.caches.pages.clear();
    const path = `/api/posts/${root}?bodies=false&limit=1`;
    await raw(a, path);
    await raw(a, path, { 'accept-encoding': 'br' });
    await raw(a, path, { 'accept-encoding': 'gzip' });
    const kept = [...a.caches.pages.values()];
    expect(kept).toHaveLength(1);
    const forms = [kept[0]!.identity, kept[0]!.br, kept[0]!.gzip];
    for (const bytes of forms) {
      expect(bytes!.length).toBeLessThan(4096);
      expect([bytes!.byteOffset, bytes!.buffer.byteLength]).toEqual([0, bytes!.length]);
    }
  });

  it('answers a conditional GET with 304 without a query, counts no read, and ignores the seen cookie', async () => {
    const root = await thread('接口條件');
    const full = await raw(a, `/api/posts/${root}`);
    const pending = a.reads.stats().pending;
    let again: Raw | undefined;
    expect(await queriesDuring(a, async () => (again = await raw(a, `/api/posts/${root}`, { 'if-none-match': full.headers.etag! })))).toBe(
      0,
    );
    expect(again!.status).toBe(304);
    // A seen cookie naming the thread at an older version changes nothing in the JSON.
    let withCookie: Raw | undefined;
    expect(
      await queriesDuring(
        a,
        async () => (withCookie = await raw(a, `/api/posts/${root}`, { cookie: `gentie_seen=${Number(root).toString(36)}-1` })),
      ),
    ).toBe(0);
    expect(withCookie!.html).toBe(full.html);
    expect(withCookie!.headers['set-cookie']).toBeUndefined();
    expect(a.reads.stats().pending).toBe(pending);
  });

  it('shows a reply, an edit and a deletion made on the other process in its next answer', async () => {
    const root = await thread('接口跨進程');
    const path = `/api/posts/${root}`;
    const warm = async () => {
      await raw(a, path);
      expect(await queriesDuring(a, () => raw(a, path))).toBe(0);
    };
    await warm();
    const reply = await postReply(writerOnB, root, '從 B 來的接口跟帖');
    expect(await pageOnA(path, (j) => j.includes('從 B 來的接口跟帖'))).toContain('從 B 來的接口跟帖');
    await warm();
    expect((await writerOnB.request('PATCH', `/api/posts/${reply.id}`, { json: { title: '接口改過' } })).status).toBe(200);
    expect(await pageOnA(path, (j) => j.includes('接口改過'))).toContain('接口改過');
    await warm();
    expect((await writerOnB.request('DELETE', `/api/posts/${reply.id}`, { json: {} })).status).toBe(200);
    const after = await pageOnA(path, (j) => !j.includes('接口改過'));
    expect(after).not.toContain('接口改過');
    // What A now serves from memory is what its full path answers.
    a.caches.pages.clear();
    expect((await raw(a, path)).html).toBe(after);
  });

  it('is never given to a member, nor kept from a member’s answer', async () => {
    const root = await thread('接口會員', 1);
    const path = `/api/posts/${root}`;
    // The author may edit the root: their answer has what they wrote; an anonymous one never has.
    const own = await writerOnB.get(path);
    expect(own.json.post.source).toBeDefined();
    const anonymous = await raw(a, path);
    expect(JSON.parse(anonymous.html).post.source).toBeUndefined();
    await raw(a, path);
    const member = a.client();
    await memberClient(a.db, member);
    expect(await queriesDuring(a, () => member.get(path))).toBeGreaterThan(0);
    const author = a.client();
    await logInClient(author, writer);
    const theirs = await author.get(path);
    expect(theirs.json.post.source).toBeDefined();
    expect(theirs.headers.get('cache-control')).toBe('private, no-cache');
  });
});

/** A request with any method and body, the answer left as sent. */
function request(app: TestApp, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${app.baseUrl}${path}`, { method, headers: { 'user-agent': BROWSER, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const sent = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: sent, html: sent.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
