import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../server/app';
import { type Caches, cacheStats, createCaches } from '../server/caches';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/log';
import { HttpClient, type TestApp, startTestApp } from './helpers/app';
import { createTestBoard, memberClient } from './factories';

let a: TestApp;
let b: { caches: Caches; server: http.Server; client(): HttpClient };

beforeAll(async () => {
  a = await startTestApp();
  // A second app on the same database, as a second process would be (but in this process).
  const caches = createCaches();
  const config = loadConfig({ DATABASE_URL: a.url, LOG_LEVEL: 'silent', RATE_LIMIT_MULTIPLIER: '1000' });
  const server = http.createServer(createApp({ config, db: a.db, log: createLogger('silent'), caches }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  b = { caches, server, client: () => new HttpClient(url) };
});
afterAll(async () => {
  b.server.closeAllConnections();
  await new Promise((resolve) => b.server.close(resolve));
  await a.close();
});

const entries = (caches: Caches) => Object.values(cacheStats(caches)).reduce((n, s) => n + s.entries, 0);

describe('each app owns its caches', () => {
  it('never serves what another app on the same database cached, before or after its own change', async () => {
    const board = await createTestBoard(a.db);
    const writer = a.client();
    await memberClient(a.db, writer);
    const root = (await writer.post(`/api/boards/${board.slug}/threads`, { title: '软件问题' })).json.post.id as string;
    await writer.post(`/api/posts/${root}/replies`, { title: '芯片回复' });

    const page = `/zh-tw/t/${root}`;
    expect((await a.client().get(page)).text).toContain('晶片回覆');
    expect(a.caches.lines.size).toBe(1);
    expect(a.caches.conversions.size).toBeGreaterThan(0);
    // Nothing of A's in B: B knows of the thread only what A's notifications told it (ThreadStates' floor).
    expect(entries(b.caches) - b.caches.threads.cache.size).toBe(0);

    // Mark A's rendered tree: were the cache shared, B would serve the mark.
    const [key, tree] = [...a.caches.lines.entries()][0]!;
    a.caches.lines.set(key, { ...tree, html: `${tree.html}<!--rendered by A-->` });
    // A's whole page (kept for anonymous readers, posts.pages.ts) goes: A renders it again from its tree.
    a.caches.pages.clear();
    const fromB = await b.client().get(page);
    expect(fromB.text).toContain('晶片回覆');
    expect(fromB.text).not.toContain('rendered by A');
    expect(b.caches.lines.size).toBe(1);
    expect((await a.client().get(page)).text).toContain('rendered by A');

    // B's own change: a reply written through B. Each app brings its own window to the new version
    // (patched from the thread's events: posts.windows.cache.ts), the mark gone with A's stale markup.
    const writerB = b.client();
    for (const [name, value] of writer.cookies) writerB.cookies.set(name, value);
    expect((await writerB.post(`/api/posts/${root}/replies`, { title: '新的软件回复' })).status).toBe(201);
    const afterB = await b.client().get(page);
    expect(afterB.text).toContain('新的軟體回覆');
    expect(afterB.text).not.toContain('rendered by A');
    // A hears of B's change by NOTIFY (its kept page is sent until then: a few milliseconds).
    let afterA = await a.client().get(page);
    for (let i = 0; i < 40 && !afterA.text.includes('新的軟體回覆'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      afterA = await a.client().get(page);
    }
    expect(afterA.text).toContain('新的軟體回覆');
    expect(afterA.text).not.toContain('rendered by A');
    // One entry per window, at the version it shows.
    expect(a.caches.lines.size).toBe(1);
    expect(b.caches.lines.size).toBe(1);
    expect([a.caches.lines.patched, b.caches.lines.patched]).toEqual([1, 1]);
  });
});

describe('createCaches', () => {
  it('bounds every cache by bytes, and takes smaller bounds', () => {
    const caches = createCaches({ conversions: 1000 });
    for (const [name, stats] of Object.entries(cacheStats(caches))) {
      expect([name, stats.maxBytes]).toEqual([name, expect.any(Number)]);
      expect(stats.maxBytes).toBeGreaterThan(0);
    }
    for (let i = 0; i < 100; i++) caches.conversions.set(`t:${i}:0:zh-tw`, '軟體'.repeat(10));
    expect(caches.conversions.calculatedSize).toBeLessThanOrEqual(1000);
    expect(createCaches().conversions).not.toBe(createCaches().conversions);
  });

  it('counts each get() as a hit or a miss for the metrics; the warm pages count their own', () => {
    const caches = createCaches();
    expect(caches.conversions.get('t:1:0:zh-tw')).toBeUndefined();
    caches.conversions.set('t:1:0:zh-tw', '軟體');
    expect(caches.conversions.get('t:1:0:zh-tw')).toBe('軟體');
    expect(caches.conversions.get('t:1:0:zh-tw')).toBe('軟體');
    caches.conversions.peek('t:2:0:zh-tw');
    expect(cacheStats(caches).conversions).toMatchObject({ hits: 2, misses: 1, entries: 1 });
    caches.lines.get('nothing');
    expect(cacheStats(caches).lines).toMatchObject({ hits: 0, misses: 1 });
    caches.pages.get('nothing');
    expect(cacheStats(caches).pages).toMatchObject({ hits: 0, misses: 0 });
  });
});

describe('what a process knows of threads (ThreadStates)', () => {
  const states = () => {
    const s = createCaches().threads;
    s.linkUp();
    return s;
  };

  it('knows nothing until its LISTEN link is up, and forgets everything when it drops', () => {
    const s = createCaches().threads;
    s.learn('1', { seq: 3, readCount: 0 }, s.generation);
    expect(s.get('1')).toBeUndefined();
    s.linkUp();
    s.learn('1', { seq: 3, readCount: 0 }, s.generation);
    expect(s.get('1')).toEqual({ seq: 3, readCount: 0 });
    s.linkLost();
    expect(s.get('1')).toBeUndefined();
    s.linkUp();
    expect(s.get('1')).toBeUndefined();
  });

  it('never goes back: what a request read before a notification and learns after it', () => {
    const s = states();
    s.learn('1', { seq: 3, readCount: 5 }, s.generation);
    const before = s.generation;
    s.heard('1', 4);
    s.counted('1', 7);
    // A request that read seq 3 and count 5 before the notifications teaches it now.
    s.learn('1', { seq: 3, readCount: 5 }, before);
    expect(s.get('1')).toEqual({ seq: 4, readCount: 7 });
  });

  it('never goes back for a thread it did not know when the notification came', () => {
    const s = states();
    const before = s.generation;
    // A request reads the thread at seq 3, count 5; a reply (seq 4) and a flush (count 7) are
    // announced before it learns what it read.
    s.heard('2', 4);
    s.counted('2', 7);
    s.learn('2', { seq: 3, readCount: 5 }, before);
    expect(s.get('2')).toEqual({ seq: 4, readCount: 7 });
    // Only a floor until a read: a page kept at an older version is not served from it.
    s.heard('3', 9);
    expect(s.get('3')).toEqual({ seq: 9, readCount: 0 });
    s.learn('3', { seq: 9, readCount: 12 }, s.generation);
    expect(s.get('3')).toEqual({ seq: 9, readCount: 12 });
  });

  it('does not learn what was read before the link dropped and came back', () => {
    const s = states();
    const before = s.generation;
    s.linkLost();
    s.linkUp();
    s.learn('1', { seq: 3, readCount: 0 }, before);
    expect(s.get('1')).toBeUndefined();
  });
});

describe('kept searches (SearchHits)', () => {
  const candidates = (ids: number[], capped = false) => ({
    ids: Float64Array.from(ids),
    createdAt: Float64Array.from(ids.map((id) => id * 1000)),
    inTitle: new Uint8Array(ids.length),
    capped,
  });
  const kept = () => {
    const s = createCaches().searches;
    s.linkUp();
    return s;
  };

  it('keeps nothing until its LISTEN link is up, and forgets everything when it drops', () => {
    const s = createCaches().searches;
    s.keep('q', candidates([3, 2, 1]), s.mark());
    expect(s.find('q')).toBeUndefined();
    s.linkUp();
    s.keep('q', candidates([3, 2, 1]), s.mark());
    expect(s.find('q')).toMatchObject({ changed: [] });
    s.linkLost();
    expect(s.find('q')).toBeUndefined();
    s.linkUp();
    expect(s.find('q')).toBeUndefined();
  });

  it('names the posts changed since a search was read, heard from any process or written here', () => {
    const s = kept();
    const taken = s.mark();
    s.heard('7'); // committed while the search read: checked again, whatever the read saw
    s.keep('q', candidates([3, 2, 1]), taken);
    s.heard('2');
    s.heard('7');
    s.wrote('9', 4); // this process's own change (its thread's event 4), not yet announced
    expect(s.find('q')?.changed.sort()).toEqual(['2', '7', '9']);
    // An earlier change of the same post heard back: its own is still to come.
    s.heard('9', 3);
    s.keep('q', candidates([3, 2, 1]), s.mark());
    expect(s.find('q')?.changed).toEqual(['9']);
    // Its announcement: checked by searches read before it, no longer by those read after.
    s.heard('9', 4);
    s.keep('q', candidates([3, 2, 1]), s.mark());
    expect(s.find('q')?.changed).toEqual([]);
  });

  it('remembers a bounded number of its own changes, the expired ones first out', () => {
    const s = kept();
    const now = Date.now();
    s.keep('q', candidates([1]), s.mark(), now);
    for (let i = 0; i < 3000; i++) s.wrote(String(i), 1, now - 40_000); // rolled back long ago: never heard
    s.wrote('fresh', 1, now);
    expect(s.find('q', now)?.changed).toEqual(['fresh']);
    for (let i = 0; i < 3000; i++) s.wrote(String(i), 1, now);
    expect(s.find('q', now)!.changed.length).toBeLessThanOrEqual(1024);
  });

  it('does not keep a search read before the link dropped, nor one older than the one kept', () => {
    const s = kept();
    const before = s.mark();
    s.linkLost();
    s.linkUp();
    s.keep('q', candidates([1]), before);
    expect(s.find('q')).toBeUndefined();
    const older = s.mark();
    s.heard('5');
    s.keep('q', candidates([5, 1]), s.mark());
    s.keep('q', candidates([1]), older);
    expect(Array.from(s.find('q')!.candidates.ids)).toEqual([5, 1]);
  });

  it('reads a search again whole once it is a minute old, or too many changes behind, or a change names no post', () => {
    const s = kept();
    const now = Date.now();
    s.keep('q', candidates([1]), s.mark(), now);
    expect(s.find('q', now + 59_000)).toBeDefined();
    expect(s.find('q', now + 61_000)).toBeUndefined();
    s.keep('q', candidates([1]), s.mark());
    for (let i = 0; i < 5000; i++) s.heard(String(i));
    expect(s.find('q')).toBeUndefined();
    s.keep('q', candidates([1]), s.mark());
    s.heard(undefined);
    expect(s.find('q')).toBeUndefined();
    s.keep('q', candidates([1]), s.mark());
    s.clear();
    expect(s.find('q')).toBeUndefined();
    // A search that was reading when the board changed is not kept: it may have read before it.
    const reading = s.mark();
    s.clear();
    s.keep('q', candidates([1]), reading);
    expect(s.find('q')).toBeUndefined();
  });

  it('counts its lookups for the metrics', () => {
    const s = kept();
    s.find('q');
    s.keep('q', candidates([1]), s.mark());
    s.find('q');
    expect(cacheStats({ ...createCaches(), searches: s })).toMatchObject({ searches: { hits: 1, misses: 1, entries: 1 } });
  });
});
