import { loadConfig } from '../../server/config';
import { type TestApp, startTestApp } from '../helpers/app';
import { Reader } from '../helpers/live';
import { createMember, createTestBoard, logInClient, postReply, postThread } from '../factories';

// GET /metrics: what it counts (route patterns, never raw paths; posts, logins, caches, live
// readers) and who may read it (METRICS_TOKEN, or loopback as TRUST_PROXY resolves the client).

const TOKEN = 'metrics-token-for-tests-0123456789';

const apps: TestApp[] = [];
const start = async (env: Record<string, string> = {}) => {
  const app = await startTestApp({ env });
  apps.push(app);
  return app;
};
afterAll(() => Promise.all(apps.map((a) => a.close())));

/** One sample's value in Prometheus text: the line `name{labels} value` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      total += Number(m[3]);
      found = true;
    }
  }
  return found ? total : NaN;
}

/** Every value of `label` on the series of `name`. */
function labelValues(text: string, name: string, label: string): string[] {
  const values = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = new RegExp(`${label}="((?:[^"\\\\]|\\\\.)*)"`).exec(line);
    if (m) values.add(m[1]!);
  }
  return [...values];
}

async function scrape(app: TestApp, headers: Record<string, string> = {}): Promise<string> {
  const res = await app.client().get('/metrics', headers);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

const REQUESTS = 'gentie_http_request_duration_seconds_count';

describe('what /metrics counts', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await start();
    // Warm pages are served only while the LISTEN connection is up.
    for (let i = 0; i < 200 && !app.caches.threads.listening; i++) await new Promise((r) => setTimeout(r, 25));
  });

  it('labels requests by route pattern and status, never by the raw path; warm pages and unknown addresses by fixed labels', async () => {
    const board = await createTestBoard(app.db);
    const writer = app.client();
    await logInClient(writer, await createMember(app.db));
    const thread = await postThread(writer, board, '路由標籤');
    await postReply(writer, thread.id, '跟帖');
    // Anonymous readers, each with no cookie: the second gets the page kept for the first,
    // answered ahead of express.
    const reader = () => app.client();
    expect((await reader().get(`/t/${thread.id}`)).status).toBe(200);
    expect((await reader().get(`/t/${thread.id}`)).status).toBe(200);
    expect((await reader().get(`/zh-hans/t/${thread.id}`)).status).toBe(200);
    // The JSON API's answer for a post's subtree, the second time from the warm page cache too.
    expect((await reader().get(`/api/posts/${thread.id}`)).status).toBe(200);
    expect((await reader().get(`/api/posts/${thread.id}`)).status).toBe(200);
    expect((await reader().get('/t/987654321')).status).toBe(404);
    expect((await reader().get('/no/such/page-424242')).status).toBe(404);
    expect((await reader().post('/api/posts/abc/replies', { title: 'x' })).status).toBe(401);
    // Refused by middleware before any route: a form from another site.
    expect((await reader().post(`/api/posts/${thread.id}/replies`, { title: 'x' }, { origin: 'https://elsewhere.example' })).status).toBe(
      403,
    );

    const text = await scrape(app);
    expect(sample(text, REQUESTS, { method: 'POST', route: '/api/boards/:slug/threads', status: '201' })).toBe(1);
    expect(sample(text, REQUESTS, { method: 'POST', route: '/api/posts/:id/replies', status: '201' })).toBe(1);
    expect(sample(text, REQUESTS, { method: 'POST', route: '/api/posts/:id/replies', status: '401' })).toBe(1);
    expect(sample(text, REQUESTS, { method: 'GET', route: '/t/:id', status: '200' })).toBe(2);
    expect(sample(text, REQUESTS, { method: 'GET', route: '(warm page)', status: '200' })).toBe(1);
    expect(sample(text, REQUESTS, { method: 'GET', route: '/api/posts/:id', status: '200' })).toBe(1);
    expect(sample(text, REQUESTS, { method: 'GET', route: '(warm json)', status: '200' })).toBe(1);
    expect(sample(text, REQUESTS, { method: 'GET', route: '/t/:id', status: '404' })).toBe(1);
    expect(sample(text, REQUESTS, { method: 'GET', route: '(not found)', status: '404' })).toBe(1);
    expect(sample(text, REQUESTS, { method: 'POST', route: '(no route)', status: '403' })).toBe(1);
    // Buckets and sums come with every series.
    expect(sample(text, 'gentie_http_request_duration_seconds_bucket', { route: '/t/:id', le: '+Inf' })).toBeGreaterThanOrEqual(3);

    const routes = labelValues(text, REQUESTS, 'route');
    expect(routes.length).toBeGreaterThan(4);
    for (const route of routes) {
      // A pattern or a fixed label: no id, no slug, no path as it was asked.
      expect(route).toMatch(/^(\/[\w/:.,-]*|\((warm page|warm json|not found|no route)\))$/);
      expect(route).not.toMatch(/\d{2,}|page-424242|zh-hans|\?/);
      expect(route).not.toContain(board.slug);
    }
  });

  it('counts posts, 悄悄話 and refused logins', async () => {
    const before = await scrape(app);
    const board = await createTestBoard(app.db);
    const writer = app.client();
    await logInClient(writer, await createMember(app.db));
    const addressee = await createMember(app.db);
    const thread = await postThread(writer, board, '計數');
    await postReply(writer, thread.id, '一');
    await postReply(writer, thread.id, '二');
    expect((await writer.post('/api/messages', { to: addressee.name, title: '悄悄話' })).status).toBe(201);
    expect((await app.client().post('/api/login', { username: addressee.name, password: 'not the password' })).status).toBe(401);
    expect((await app.client().post('/api/login', { username: 'nobody_here', password: 'not the password' })).status).toBe(401);
    const after = await scrape(app);

    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - (sample(before, name, labels) || 0);
    expect(moved('gentie_posts_total', { kind: 'thread' })).toBe(1);
    expect(moved('gentie_posts_total', { kind: 'reply' })).toBe(2);
    expect(moved('gentie_messages_total')).toBe(1);
    expect(moved('gentie_login_failures_total', { reason: 'credentials' })).toBe(2);
    expect(moved('gentie_thread_events_published_total', { kind: 'post:new' })).toBe(3);
  });

  it('reports cache lookups, the database pool, statements and Node’s own numbers', async () => {
    const text = await scrape(app);
    // The pages read above: the warm page cache served one, the rendered windows were looked up.
    expect(sample(text, 'gentie_cache_lookups_total', { cache: 'pages', result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gentie_cache_lookups_total', { cache: 'pages', result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gentie_cache_lookups_total', { cache: 'lines', result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gentie_cache_bytes', { cache: 'pages', bound: 'used' })).toBeGreaterThan(0);
    expect(sample(text, 'gentie_db_pool_connections', { state: 'max' })).toBeGreaterThanOrEqual(20);
    expect(sample(text, 'gentie_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gentie_db_pool_waiting')).toBe(0);
    expect(sample(text, 'gentie_db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(10);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts live readers and the events delivered to them, with their lag', async () => {
    const board = await createTestBoard(app.db);
    const writer = app.client();
    await logInClient(writer, await createMember(app.db));
    const thread = await postThread(writer, board, '直播');
    const reader = new Reader(app.baseUrl);
    try {
      await reader.join(thread.id);
      const before = await scrape(app);
      expect(sample(before, 'gentie_socket_connections')).toBeGreaterThanOrEqual(1);
      expect(sample(before, 'gentie_live_threads')).toBeGreaterThanOrEqual(1);
      expect(sample(before, 'gentie_live_thread_readers')).toBeGreaterThanOrEqual(1);
      await postReply(writer, thread.id, '現場');
      await reader.waitFor(1);
      const after = await scrape(app);
      const moved = (name: string, labels: Record<string, string> = {}) =>
        sample(after, name, labels) - (sample(before, name, labels) || 0);
      expect(moved('gentie_thread_events_delivered_total', { kind: 'post:new' })).toBe(1);
      expect(moved('gentie_thread_events_heard_total')).toBeGreaterThanOrEqual(1);
      expect(moved('gentie_thread_event_lag_seconds_count')).toBe(1);
      // Delivered within seconds of its transaction.
      expect(sample(after, 'gentie_thread_event_lag_seconds_bucket', { le: '5' })).toBe(
        sample(after, 'gentie_thread_event_lag_seconds_count'),
      );
    } finally {
      reader.close();
    }
    // Gone once the reader is (the count is read when scraped).
    for (let i = 0; i < 100 && sample(await scrape(app), 'gentie_live_thread_readers') > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(sample(await scrape(app), 'gentie_live_thread_readers')).toBe(0);
  });
});

describe('who may read /metrics', () => {
  const refused = async (app: TestApp, headers: Record<string, string>) => {
    const res = await app.client().get('/metrics', { accept: 'application/json', ...headers });
    // The 404 of any unknown address: nothing says the metrics are there.
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('NotFound');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(res.text).not.toContain('gentie_');
  };

  it('without TRUST_PROXY: a client on loopback may; one behind a proxy (X-Forwarded-For from an untrusted peer) may not', async () => {
    const app = await start();
    await scrape(app);
    await refused(app, { 'x-forwarded-for': '203.0.113.7' });
    // The untrusted proxy's word that the client is local counts for nothing either.
    await refused(app, { 'x-forwarded-for': '127.0.0.1' });
    await refused(app, { forwarded: 'for=127.0.0.1' });
    // No token is set: one given is refused, even from loopback.
    await refused(app, { authorization: `Bearer ${TOKEN}` });
  });

  it('with TRUST_PROXY: the client the proxy names must be on loopback', async () => {
    const app = await start({ TRUST_PROXY: 'loopback' });
    await refused(app, { 'x-forwarded-for': '203.0.113.7' });
    await refused(app, { 'x-forwarded-for': '127.0.0.1, 198.51.100.2' });
    await scrape(app, { 'x-forwarded-for': '127.0.0.1' });
    await scrape(app);
  });

  it('with METRICS_TOKEN: the right bearer token from anywhere; a wrong one, or none from afar, gets the 404', async () => {
    const app = await start({ TRUST_PROXY: 'loopback', METRICS_TOKEN: TOKEN });
    const remote = { 'x-forwarded-for': '203.0.113.7' };
    expect(await scrape(app, { ...remote, authorization: `Bearer ${TOKEN}` })).toContain('gentie_http_request_duration_seconds');
    await scrape(app, { ...remote, authorization: `bearer  ${TOKEN}` });
    await refused(app, remote);
    await refused(app, { ...remote, authorization: `Bearer ${TOKEN}x` });
    await refused(app, { ...remote, authorization: `Bearer ${TOKEN.slice(0, -1)}` });
    await refused(app, { ...remote, authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` });
    // A token that is given must be right, from loopback too.
    await refused(app, { authorization: 'Bearer wrong-token-wrong-token' });
    await scrape(app);
  });

  it('refuses a METRICS_TOKEN too short to be a secret, without repeating it', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(/^METRICS_TOKEN must be at least 16 .*its value is not shown/);
    expect(() => loadConfig({ METRICS_TOKEN: 'has spaces in it, sixteen+' })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
  });
});
