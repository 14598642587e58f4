import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/log';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { createTestBoard, memberClient, scrambled } from '../factories';

// Counting the diffs a page computes, and when, shows its work without timing anything.
jest.mock('diff', () => {
  const actual = jest.requireActual('diff');
  return { ...actual, diffChars: jest.fn(actual.diffChars) };
});
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the mocked module, for its counter
const { diffChars } = require('diff') as { diffChars: jest.Mock };

let app: TestApp;
let author: HttpClient;
let board: { slug: string };
let worst: string;

const EDITS = 30;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  author = app.client();
  await memberClient(app.db, author);
  const post = await author.post(`/api/boards/${board.slug}/threads`, { title: '長帖 0', body: scrambled(0, 20_000) });
  worst = post.json.post.id;
  // Every edit rewrites the whole post: each pair of versions is as costly to diff as it gets. The
  // first edit goes through the API; the others are written as it wrote that one (the same rows
  // with other text), in one transaction: thirty edits of 20,000 characters through the API took
  // most of a minute on a loaded machine, and what is tested here is reading them.
  const edit = await author.request('PATCH', `/api/posts/${worst}`, { json: { title: '長帖 1', body: scrambled(1, 20_000) } });
  expect(edit.status).toBe(200);
  await writeEdits(worst, 2, EDITS);
});
afterAll(() => app.close());

/**
 * Edits `from`..`to` of a post whose last edit (version from - 1) went through the API, written
 * as that edit wrote its rows: each version's title and body, its text scrambled(version).
 */
async function writeEdits(postId: string, from: number, to: number): Promise<void> {
  const text = (version: number, s: string) => s.replaceAll(scrambled(from - 1, 20_000), scrambled(version, 20_000));
  await app.db.transaction().execute(async (tx) => {
    const now = await tx.selectFrom('posts').selectAll().where('id', '=', postId).executeTakeFirstOrThrow();
    const last = await tx.selectFrom('post_revisions').selectAll().where('post_id', '=', postId).executeTakeFirstOrThrow();
    const versions = Array.from({ length: to - from + 1 }, (_, i) => from - 1 + i);
    await tx
      .insertInto('post_revisions')
      .values(
        versions.map((v) => ({
          ...last,
          revision: v,
          title: `長帖 ${v}`,
          body: text(v, now.body),
          source: now.source === null ? null : text(v, now.source),
          bytes: now.bytes,
        })),
      )
      .execute();
    await tx
      .updateTable('posts')
      .set({ revision: to, title: `長帖 ${to}`, body: text(to, now.body), source: now.source === null ? null : text(to, now.source) })
      .where('id', '=', postId)
      .execute();
  });
}

/** The status of a GET on a connection of its own (a pooled one may have been closed while idle). */
function getOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

const versionsOn = (html: string) => [...html.matchAll(/<li class="version[^"]*" id="v(\d+)"/g)].map((m) => Number(m[1]));

describe('the revisions of a long, often rewritten post', () => {
  it('answers /healthz while the worst page is still being computed', async () => {
    diffChars.mockClear();
    const order: string[] = [];
    const page = app
      .client()
      .get(`/t/${worst}/revisions`)
      .then((res) => {
        order.push('revisions');
        return res;
      });
    // Wait (one event-loop turn at a time) until the page has started diffing.
    while (diffChars.mock.calls.length === 0) await new Promise((r) => setImmediate(r));
    const health = await getOnNewConnection(`${app.baseUrl}/healthz`);
    order.push('healthz');
    const diffsWhenHealthAnswered = diffChars.mock.calls.length;
    expect(health).toBe(200);
    expect((await page).status).toBe(200);
    expect(order).toEqual(['healthz', 'revisions']);
    // The page went on diffing after /healthz had its answer.
    expect(diffChars.mock.calls.length).toBeGreaterThan(diffsWhenHealthAnswered);
  });

  it('shows 20 versions a page, newest first, with links between pages', async () => {
    const first = await app.client().get(`/t/${worst}/revisions`);
    expect(versionsOn(first.text)).toEqual(Array.from({ length: 20 }, (_, i) => EDITS - i));
    expect(first.text).toContain('rel="next" href="?page=2"');
    const second = await app.client().get(`/t/${worst}/revisions?page=2`);
    expect(versionsOn(second.text)).toEqual(Array.from({ length: EDITS + 1 - 20 }, (_, i) => EDITS - 20 - i));
    expect(second.text).toContain('rel="prev" href="?page=1"');
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toMatch(/<li class="version" id="v0"><h2>第 1 版<\/h2><p class="byline">m_\w+ 發表於/);
  });

  it('pages the API too, with the page, the number of pages and of versions', async () => {
    const first = await app.client().get(`/api/posts/${worst}/revisions`);
    expect(first.json).toMatchObject({ page: 1, pages: 2, total: EDITS + 1 });
    expect(first.json.revisions.map((v: { revision: number }) => v.revision)).toEqual(Array.from({ length: 20 }, (_, i) => EDITS - i));
    expect(first.json.revisions[0]).toMatchObject({ title: `長帖 ${EDITS}`, reason: null, by: { role: 'member' } });
    const last = await app.client().get(`/api/posts/${worst}/revisions?page=2`);
    expect(last.json.revisions.map((v: { revision: number }) => v.revision)).toEqual(Array.from({ length: 11 }, (_, i) => 10 - i));
    expect((await app.client().get(`/api/posts/${worst}/revisions?page=3`)).json.revisions).toEqual([]);
    for (const bad of ['0', 'x', '1.5', '-1']) {
      const res = await app.client().get(`/api/posts/${worst}/revisions?page=${bad}`);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('ValidationFailed');
    }
  });

  it('shows a pair too costly to diff as the old version removed and the new one added, whole', async () => {
    const page = await app.client().get(`/t/${worst}/revisions`);
    const item = page.text.slice(page.text.indexOf(`id="v${EDITS}"`), page.text.indexOf(`id="v${EDITS - 1}"`));
    expect(item).toContain(`<pre class="diff-body"><del>${scrambled(EDITS - 1, 20_000)}</del><ins>${scrambled(EDITS, 20_000)}</ins></pre>`);
  });

  it('computes each pair once per app and variant: a second view diffs nothing', async () => {
    await app.client().get(`/t/${worst}/revisions`);
    diffChars.mockClear();
    const again = await app.client().get(`/t/${worst}/revisions`);
    expect(versionsOn(again.text)).toHaveLength(20);
    expect(diffChars).not.toHaveBeenCalled();
    // Another variant is another entry; so is another app (it owns its own cache).
    await app.client().get(`/zh-hans/t/${worst}/revisions`);
    const inSimplified = diffChars.mock.calls.length;
    expect(inSimplified).toBeGreaterThan(0);
    diffChars.mockClear();
    const config = loadConfig({ DATABASE_URL: app.url, LOG_LEVEL: 'silent' });
    const server = http.createServer(createApp({ config, db: app.db, log: createLogger('silent') }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/zh-hans/t/${worst}/revisions`);
      expect(res.status).toBe(200);
      expect(diffChars.mock.calls.length).toBe(inSimplified);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('shows versions in the reader’s script', async () => {
    const post = await author.post(`/api/boards/${board.slug}/threads`, { title: '软件', body: '<p>我的芯片</p>' });
    await author.request('PATCH', `/api/posts/${post.json.post.id}`, { json: { body: '<p>我的芯片和软件</p>' } });
    const page = await app.client().get(`/zh-tw/t/${post.json.post.id}/revisions`);
    expect(page.text).toContain('我的晶片<ins>和軟體</ins>');
    const original = await app.client().get(`/t/${post.json.post.id}/revisions`);
    expect(original.text).toContain('我的芯片<ins>和软件</ins>');
  });
});
