import type { HttpClient, TestApp } from '../helpers/app';
import { startBoardApp } from '../factories';

let app: TestApp;
let member: HttpClient;
let board: { slug: string };

beforeAll(async () => {
  ({ app, board, writer: member } = await startBoardApp({ writer: { name: 'cache_reader' } }));
});
afterAll(() => app.close());

const varies = (res: { headers: Headers }) => (res.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());

describe('caching of pages that depend on the reader', () => {
  it.each(['/', '/zh-tw/', '/zh-hans/login'])('marks %s for a logged-in member private and uncacheable', async (path) => {
    const res = await member.get(path);
    expect(res.status).toBe(200);
    expect(res.text).toContain('cache_reader');
    expect(res.headers.get('cache-control')).toMatch(/\bprivate\b/);
    expect(res.headers.get('cache-control')).toMatch(/\bno-store\b/);
    expect(varies(res)).toContain('cookie');
  });

  it('marks the API answers of a logged-in member private too', async () => {
    const res = await member.get('/api/me');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/\bprivate\b/);
  });

  it('makes shared caches key prefixed pages on the cookie: the header shows who is logged in', async () => {
    for (const path of ['/zh-tw/', `/zh-hk/b/${board.slug}`, '/zh-hans/register']) {
      const res = await app.client().get(path);
      expect(res.status).toBe(200);
      expect(varies(res)).toContain('cookie');
    }
  });

  it('leaves pages for readers who are not logged in cacheable', async () => {
    const res = await app.client().get(`/b/${board.slug}`);
    expect(res.headers.get('cache-control') ?? '').not.toMatch(/private|no-store/);
    expect(varies(res)).toEqual(expect.arrayContaining(['cookie', 'accept-language']));
  });

  it('marks a refusal page for a member private as well', async () => {
    const res = await member.get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toMatch(/\bprivate\b/);
  });
});
