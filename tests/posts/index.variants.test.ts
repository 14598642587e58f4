import { type TestApp, startTestApp } from '../helpers/app';
import { createTestBoard, memberClient } from '../factories';
import { cacheStats } from '../../server/caches';

// Every body conversion goes through convertHtml: counting its calls shows what a page converted.
jest.mock('../../server/text/convert', () => {
  const actual = jest.requireActual('../../server/text/convert');
  return { ...actual, convertHtml: jest.fn(actual.convertHtml) };
});
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the mocked module, for its counter
const { convertHtml } = require('../../server/text/convert') as { convertHtml: jest.Mock };

let app: TestApp;
let board: { slug: string };
let author: string;
let rootId: string;
let replyId: string;
// A long simplified body: converting it for a zh-tw reader is the work pages must not do unshown.
const body = `<p>${'我的软件和芯片出问题了，头发都白了。'.repeat(1500)}</p>`;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  const writer = app.client();
  author = (await memberClient(app.db, writer)).name;
  for (let t = 0; t < 2; t++) {
    const root = await writer.post(`/api/boards/${board.slug}/threads`, { title: `软件问题 ${t}`, body });
    rootId = root.json.post.id;
    for (let i = 0; i < 12; i++) {
      const reply = await writer.post(`/api/posts/${rootId}/replies`, { title: `芯片回复 ${t}-${i}`, body });
      expect(reply.status).toBe(201);
      replyId = reply.json.post.id;
    }
  }
});
afterAll(() => app.close());

const conversionCacheStats = () => cacheStats(app.caches).conversions;

beforeEach(() => {
  app.caches.conversions.clear();
  convertHtml.mockClear();
});

describe('lists in another script convert only what they show', () => {
  it('converts the titles of a board index, not one body', async () => {
    const page = await app.client().get(`/zh-tw/b/${board.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('軟體問題 1');
    expect(page.text).toContain('晶片回覆 1-11');
    expect(page.text).not.toContain('頭髮都白了');
    expect(convertHtml).not.toHaveBeenCalled();
    // 26 titles, not 26 bodies of 50 KB each.
    expect(conversionCacheStats().entries).toBe(26);
    expect(conversionCacheStats().bytes).toBeLessThan(10_000);
  });

  it('converts the titles of a member page, not one body', async () => {
    const page = await app.client().get(`/zh-tw/u/${encodeURIComponent(author)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('晶片回覆 0-0');
    expect(convertHtml).not.toHaveBeenCalled();
    expect(conversionCacheStats().bytes).toBeLessThan(10_000);
  });

  it('converts the post’s own body on a follow-up’s page, not its thread root’s', async () => {
    const page = await app.client().get(`/zh-tw/t/${replyId}`);
    expect(page.text).toContain('頭髮都白了');
    expect(page.text).toContain('軟體問題 1');
    expect(convertHtml).toHaveBeenCalledTimes(1);
  });

  it('converts the roots’ bodies where the API returns them', async () => {
    const res = await app.client().get(`/api/boards/${board.slug}/threads?variant=zh-tw`);
    expect(res.json.threads).toHaveLength(2);
    expect(res.json.threads[0].post.body).toContain('頭髮都白了');
    expect(convertHtml).toHaveBeenCalledTimes(2);
  });
});
