import { type TestApp, startTestApp } from '../helpers/app';
import { createTestBoard, memberClient } from '../factories';
import { countRows } from '../helpers/rows';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('errors', () => {
  it('answers an unknown API path with a JSON 404 in the contract shape', async () => {
    const res = await app.client().get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.json).toEqual({
      error: { code: 'NotFound', message: 'Nothing is at GET /api/nothing-here.', localized: '您要找的頁面不存在，或已被移走。' },
    });
  });

  it('answers an unknown page with a real HTML 404 page', async () => {
    const res = await app.client().get('/no/such/page', { accept: 'text/html' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('<!doctype html>');
    expect(res.text).toContain('找不到頁面');
  });

  it('refuses malformed JSON with 400 InvalidJson', async () => {
    const res = await app.client().request('POST', '/api/login', { raw: '{"username":', contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('InvalidJson');
  });

  it('refuses invalid UTF-8 with 400 InvalidUtf8', async () => {
    const raw = Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"12345678"}')]);
    const res = await app.client().request('POST', '/api/register', { raw, contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('InvalidUtf8');
  });

  it('refuses a body over the limit with 413 and stores nothing', async () => {
    const client = app.client();
    const board = await createTestBoard(app.db);
    await memberClient(app.db, client);
    const before = await countRows(app.db, 'posts');
    const res = await client.post(`/api/boards/${board.slug}/threads`, { title: 'big', body: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('PayloadTooLarge');
    expect(await countRows(app.db, 'posts')).toBe(before);
  });

  it('refuses a non-JSON body on the API with 415', async () => {
    const res = await app
      .client()
      .request('POST', '/api/login', { raw: 'username=a&password=b', contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe('UnsupportedMediaType');
  });

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['an Origin of another host', { origin: 'https://evil.example' }],
    ['Origin: null', { origin: 'null' }],
  ])('refuses a state-changing request with %s and changes nothing', async (_what, headers) => {
    const client = app.client();
    const board = await createTestBoard(app.db);
    await memberClient(app.db, client);
    const before = await countRows(app.db, 'posts');
    const res = await client.post(`/api/boards/${board.slug}/threads`, { title: 'from elsewhere' }, headers);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('CrossSiteRequest');
    const form = await client.postForm(`/b/${board.slug}/threads`, { title: 'from elsewhere' }, headers);
    expect(form.status).toBe(403);
    expect(await countRows(app.db, 'posts')).toBe(before);
  });

  it('accepts same-origin requests (browser headers or Origin of our host)', async () => {
    const client = app.client();
    const board = await createTestBoard(app.db);
    await memberClient(app.db, client);
    const host = new URL(app.baseUrl).host;
    expect((await client.post(`/api/boards/${board.slug}/threads`, { title: 'a' }, { 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await client.post(`/api/boards/${board.slug}/threads`, { title: 'b' }, { origin: `http://${host}` })).status).toBe(201);
  });

  it('lets cross-site GETs through (links from other sites work)', async () => {
    expect((await app.client().get('/', { 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });
});

describe('refusals in the reader’s script', () => {
  const register = (client: ReturnType<TestApp['client']>, path: string, headers: Record<string, string> = {}) =>
    client.request('POST', path, { json: { username: 'x', password: 'correct horse battery' } }, headers);

  it('keeps the English message and adds `localized` in the variant of the request', async () => {
    const message = 'A name is 2 to 24 characters long.';
    const simplified = { code: 'ValidationFailed', message, localized: '用户名：应有 2 到 24 个字符。' };
    const traditional = { code: 'ValidationFailed', message, localized: '用戶名：應有 2 到 24 個字符。' };
    expect((await register(app.client(), '/api/register', { 'accept-language': 'zh-CN,zh;q=0.9' })).json.error).toEqual(simplified);
    expect((await register(app.client(), '/api/register', { 'accept-language': 'zh-TW' })).json.error).toEqual(traditional);
    expect((await register(app.client(), '/zh-hans/api/register')).json.error).toEqual(simplified);
    expect((await register(app.client(), '/zh-hant/api/register', { 'accept-language': 'zh-CN' })).json.error).toEqual(traditional);
    const saved = app.client();
    saved.cookies.set('gentie_variant', 'zh-hans');
    expect((await register(saved, '/api/register')).json.error).toEqual(simplified);
  });

  it('answers in traditional when the request names no variant (as pages of posts as written do)', async () => {
    const res = await register(app.client(), '/api/register', { 'accept-language': 'en-GB' });
    expect(res.json.error.localized).toBe('用戶名：應有 2 到 24 個字符。');
  });

  it('follows the `variant` query parameter of the API', async () => {
    const res = await app.client().get('/api/posts/987654321?variant=zh-hans', { 'accept-language': 'zh-TW' });
    expect(res.status).toBe(404);
    expect(res.json.error).toEqual({
      code: 'PostNotFound',
      message: 'There is no post 987654321.',
      localized: '没有编号为 987654321 的帖子。',
    });
    const bad = await app.client().get('/api/posts/1?variant=klingon', { 'accept-language': 'zh-CN' });
    expect(bad.json.error.localized).toBe('繁简选择：应是 zh-hans、zh-hant、zh-tw、zh-hk 之一。');
  });

  it('shows the error page in the script of the page', async () => {
    const simplified = await app.client().get('/zh-hans/t/987654321');
    expect(simplified.status).toBe(404);
    expect(simplified.text).toContain('<p class="error-message" data-code="PostNotFound">没有编号为 987654321 的帖子。</p>');
    const traditional = await app.client().get('/zh-hant/t/987654321');
    expect(traditional.text).toContain('<p class="error-message" data-code="PostNotFound">沒有編號為 987654321 的帖子。</p>');
  });
});

describe('HTTP basics', () => {
  it('reports health after checking the database', async () => {
    const res = await app.client().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok', database: 'ok' });
  });

  it('sends a Content-Security-Policy that allows no inline script, and pages have none', async () => {
    const res = await app.client().get('/login');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/object-src 'none'/);
    const scripts = res.text.match(/<script[^>]*>/g) ?? [];
    for (const tag of scripts) expect(tag).toMatch(/ src="\/static\/app\.[0-9a-f]{10}\.js"/);
    expect(res.text).not.toMatch(/ on[a-z]+="/);
  });

  it('tags every response with a request id, keeping a sane one the client sent', async () => {
    const generated = await app.client().get('/healthz');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await app.client().get('/healthz', { 'x-request-id': 'trace-123' });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const hostile = await app.client().get('/healthz', { 'x-request-id': 'a b<script>' });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves built assets with a long cache life', async () => {
    const page = await app.client().get('/');
    const css = page.text.match(/href="(\/static\/style\.[0-9a-f]{10}\.css)"/)![1]!;
    const res = await app.client().get(css);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
  });
});
