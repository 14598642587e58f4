import { metricsHistory } from '../../server/metrics/metrics.history';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, logInClient, postReply, postThread } from '../factories';

// /admin/metrics and /api/admin/metrics: the process's numbers at a glance, for admins only, with
// small charts drawn on the server as SVG from the process's short history.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('the metrics at a glance', () => {
  it('shows admins the requests, writes and memory of the process, with SVG charts, in both scripts', async () => {
    const board = await createTestBoard(app.db);
    const writer = app.client();
    await logInClient(writer, await createMember(app.db));
    const thread = await postThread(writer, board, '量一量');
    await postReply(writer, thread.id, '跟一帖');
    for (let i = 0; i < 5; i++) expect((await app.client().get(`/t/${thread.id}`)).status).toBe(200);
    // Close a span now rather than waiting a minute for the timer.
    const sample = await metricsHistory().sample();
    expect(sample.postsPerMinute).toBeGreaterThan(0);
    expect(sample.routes.map((r) => r.route)).toContain('/t/:id');

    const admin = app.client();
    await logInClient(admin, await createMember(app.db, { role: 'admin' }));
    const json = await admin.get('/api/admin/metrics');
    expect(json.status).toBe(200);
    expect(json.headers.get('cache-control')).toBe('no-store');
    expect(json.json.intervalSeconds).toBe(60);
    const latest = json.json.samples.at(-1);
    expect(latest.requests.perSecond).toBeGreaterThan(0);
    expect(latest.rssBytes).toBeGreaterThan(0);
    expect(latest.routes.find((r: { route: string }) => r.route === '/t/:id').p99Ms).toBeGreaterThan(0);

    const page = await admin.get('/admin/metrics');
    expect(page.status).toBe(200);
    expect(page.text).toContain('運行數據');
    expect(page.text).toContain('<code>/t/:id</code>');
    expect(page.text).toMatch(/<svg class="chart"[^>]*role="img"/);
    expect(page.text).toContain('<polyline');
    // The figures are numbers, not dashes: requests per second of the last span.
    expect(page.text).toMatch(/<td>請求數／秒<\/td><td class="number">\d[\d.]*<\/td>/);
    // Nothing for the page's CSP to refuse.
    expect(page.text).not.toMatch(/<svg[^>]*\sstyle=|<script(?![^>]*\ssrc=)/);

    const hans = await admin.get('/zh-hans/admin/metrics');
    expect(hans.status).toBe(200);
    expect(hans.text).toContain('运行数据');
    expect(hans.text).toContain('最近 4 小时');
  });

  it('refuses everyone but admins', async () => {
    const member = app.client();
    await logInClient(member, await createMember(app.db));
    expect((await member.get('/api/admin/metrics')).status).toBe(403);
    expect((await member.get('/admin/metrics')).status).toBe(403);
    const moderator = app.client();
    await logInClient(moderator, await createMember(app.db, { role: 'moderator' }));
    expect((await moderator.get('/admin/metrics')).status).toBe(403);
    expect((await app.client().get('/api/admin/metrics')).status).toBe(401);
    expect((await app.client().get('/admin/metrics')).status).not.toBe(200);
  });
});
