import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, logInClient, postThread, createTestBoard } from '../factories';

// Site settings in the admin console (issue 17): stored in the database, changed by admins only
// (page and API), each change audited with before and after; a setting its environment variable
// sets wins and is shown greyed; bad values refused in the reader's script; the site's name,
// default script and edit window applied at once.

let app: TestApp;
let admin: ReturnType<TestApp['client']>;
beforeAll(async () => {
  app = await startTestApp();
  admin = app.client();
  await logInClient(admin, await createMember(app.db, { name: 'settings_admin', role: 'admin' }));
});
afterAll(() => app.close());

const put = (client: ReturnType<TestApp['client']>, settings: Record<string, string | null>, query = '') =>
  client.request('PUT', `/api/admin/settings${query}`, { json: { settings } });

const auditOf = async (subject: string) =>
  (await admin.get(`/api/admin/audit?subject=${encodeURIComponent(subject)}`)).json.lines as {
    action: string;
    actorName: string;
    before: unknown;
    after: unknown;
  }[];

interface ApiSetting {
  name: string;
  value: string;
  source: string;
  env: string;
}
const settingOf = async (client: ReturnType<TestApp['client']>, name: string) =>
  ((await client.get('/api/admin/settings')).json.settings as ApiSetting[]).find((s) => s.name === name)!;

describe('site settings', () => {
  it('are for admins only, page and API', async () => {
    const member = app.client();
    await logInClient(member, await createMember(app.db));
    for (const client of [member, app.client()]) {
      const expected = client === member ? 403 : 401;
      expect((await client.get('/api/admin/settings')).status).toBe(expected);
      expect((await put(client, { 'site.name': '偷改' })).status).toBe(expected);
      expect((await client.get('/admin/settings')).status).toBe(expected);
      expect((await client.postForm('/admin/settings', { 'site.name': '偷改' })).status).toBe(expected);
      expect((await client.postForm('/admin/settings/reset', { reset: 'site.name' })).status).toBe(expected);
    }
    expect(await app.db.selectFrom('site_settings').selectAll().execute()).toEqual([]);
    expect(await auditOf('setting:site.name')).toEqual([]);
  });

  it('change the site name on every page, title, feed and preview, in the reader’s script, audited', async () => {
    const res = await put(admin, { 'site.name': '測試論壇', 'site.description': '一個測試用的論壇' });
    expect(res.status).toBe(200);
    expect(res.json.changed).toEqual(['site.name', 'site.description']);
    expect(await settingOf(admin, 'site.name')).toMatchObject({ value: '測試論壇', source: 'database', env: 'SITE_NAME' });

    const home = await app.client().get('/');
    expect(home.text).toContain('<title>');
    expect(home.text).toMatch(/<title>[^<]* - 測試論壇<\/title>/);
    expect(home.text).toContain('<a class="brand" href="/">測試論壇</a>');
    expect(home.text).toContain('<span class="tagline">一個測試用的論壇</span>');
    expect(home.text).toContain('<meta name="description" content="一個測試用的論壇"');
    expect(home.text).not.toContain('跟帖論壇');
    const hans = await app.client().get('/zh-hans/');
    expect(hans.text).toMatch(/<title>[^<]* - 测试论坛<\/title>/);
    expect(hans.text).toContain('一个测试用的论坛');

    const board = await createTestBoard(app.db);
    const thread = await postThread(admin, board, '看看站名');
    const page = await app.client().get(`/t/${thread.id}`);
    expect(page.text).toContain('<meta property="og:site_name" content="測試論壇"');
    const feed = await app.client().get('/zh-hans/feed.xml');
    expect(feed.text).toContain('测试论坛');
    expect(feed.text).not.toContain('跟帖论坛');

    const lines = await auditOf('setting:site.name');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      action: 'setting.set',
      actorName: 'settings_admin',
      before: { value: '跟帖論壇', stored: false },
      after: { value: '測試論壇', stored: true },
    });

    // Back to the default: the catalog's own name in each script again.
    expect((await put(admin, { 'site.name': null, 'site.description': null })).status).toBe(200);
    expect((await app.client().get('/zh-hans/')).text).toMatch(/<title>[^<]* - 跟帖论坛<\/title>/);
    expect((await auditOf('setting:site.name'))[0]).toMatchObject({ action: 'setting.unset', after: { value: '跟帖論壇', stored: false } });
  });

  it('refuse bad values with a 400 in the reader’s script, storing nothing', async () => {
    const rate = await put(admin, { 'limits.reply.member.burst': 'lots' });
    expect(rate.status).toBe(400);
    expect(rate.json.error.code).toBe('ValidationFailed');
    expect(rate.json.error.localized).toContain('次數/時長');
    const hans = await put(admin, { 'limits.newMemberHours': '9000' }, '?variant=zh-hans');
    expect(hans.status).toBe(400);
    expect(hans.json.error.localized).toContain('应是 0 到 8760 之间的整数');
    expect((await put(admin, { 'registration.mode': 'sometimes' })).status).toBe(400);
    expect((await put(admin, { 'site.name': '壞\u202E名' })).status).toBe(400);
    expect((await put(admin, { 'no.such.setting': '1' })).status).toBe(400);
    // One bad value refuses the whole change.
    expect((await put(admin, { 'hot.refreshSeconds': '7', 'uploads.maxSide': '1' })).status).toBe(400);
    expect((await admin.request('PUT', '/api/admin/settings', { json: { settings: 'x' } })).status).toBe(400);

    const form = await admin.postForm('/zh-hans/admin/settings', { 'limits.newMemberPosts': 'many', 'hot.refreshSeconds': '7' });
    expect(form.status).toBe(400);
    expect(form.text).toContain('应是 0 到 10000 之间的整数');
    expect(form.text).toContain('data-setting="limits.newMemberPosts"');
    expect(await app.db.selectFrom('site_settings').selectAll().execute()).toEqual([]);
  });

  it('save a group’s form without JavaScript, storing only what changed, and reset a setting', async () => {
    const page = await admin.get('/admin/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('站點設置');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.text).toContain('name="limits.reply.member.burst" value="6/1m"');
    const saved = await admin.postForm('/admin/settings', {
      'limits.reply.member.burst': '8/60s',
      'limits.reply.member.sustained': '60/1h',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/admin/settings?saved=1');
    expect(app.settings.get('limits.reply.member.burst')).toEqual({ points: 8, seconds: 60 });
    expect(await app.db.selectFrom('site_settings').select(['name', 'value']).execute()).toEqual([
      { name: 'limits.reply.member.burst', value: '8/1m' },
    ]);
    const after = await admin.get('/admin/settings?saved=1');
    expect(after.text).toContain('已保存');
    expect(after.text).toContain('name="reset" value="limits.reply.member.burst"');

    expect((await admin.postForm('/admin/settings/reset', { reset: 'limits.reply.member.burst' })).status).toBe(303);
    expect(app.settings.get('limits.reply.member.burst')).toEqual({ points: 6, seconds: 60 });
    expect((await auditOf('setting:limits.reply.member.burst')).map((l) => l.action)).toEqual(['setting.unset', 'setting.set']);
  });

  it('apply the default script to readers who chose none', async () => {
    const lang = async (headers: Record<string, string> = {}) =>
      /<html lang="([^"]+)"/.exec((await app.client().get('/', headers)).text)?.[1];
    expect(await lang()).toBe('zh-Hant');
    expect((await put(admin, { 'site.defaultVariant': 'zh-hans' })).status).toBe(200);
    expect(await lang()).toBe('zh-Hans');
    // A browser's own wish and a saved choice still win.
    expect(await lang({ 'accept-language': 'zh-TW' })).toBe('zh-Hant-TW');
    expect(await lang({ cookie: 'gentie_variant=original' })).toBe('zh-Hant');
    expect((await put(admin, { 'site.defaultVariant': null })).status).toBe(200);
    expect(await lang()).toBe('zh-Hant');
  });

  it('change the edit window for the next edit', async () => {
    const author = app.client();
    await logInClient(author, await createMember(app.db));
    const thread = await postThread(author, await createTestBoard(app.db), '改帖');
    await app.db
      .updateTable('posts')
      .set({ created_at: new Date(Date.now() - 11 * 60_000) })
      .where('id', '=', thread.id)
      .execute();
    const edit = () => author.request('PATCH', `/api/posts/${thread.id}`, { json: { title: '改帖', body: '改了' } });
    expect((await put(admin, { editWindowMinutes: '10' })).status).toBe(200);
    const refused = await edit();
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('EditWindowClosed');
    expect((await put(admin, { editWindowMinutes: '0' })).status).toBe(200);
    expect((await edit()).status).toBe(200);
  });
});

describe('a setting the environment sets', () => {
  let second: TestApp;
  beforeAll(async () => {
    second = await startTestApp({ databaseOf: app, env: { LIMITS_NEW_MEMBER_HOURS: '48' } });
  });
  afterAll(() => second.close());

  it('wins, is shown greyed with its variable, and cannot be changed in the console', async () => {
    const boss = second.client();
    await logInClient(boss, await createMember(app.db, { name: 'env_admin', role: 'admin' }));
    expect(await settingOf(boss, 'limits.newMemberHours')).toMatchObject({ value: '48', source: 'env', env: 'LIMITS_NEW_MEMBER_HOURS' });
    const page = await boss.get('/admin/settings');
    expect(page.text).toMatch(/<tr class="setting locked" data-setting="limits.newMemberHours" data-source="env">/);
    expect(page.text).toMatch(/name="limits.newMemberHours"[^>]*disabled/);
    expect(page.text).toContain('由環境變量 LIMITS_NEW_MEMBER_HOURS 決定');
    const refused = await put(boss, { 'limits.newMemberHours': '12' }, '?variant=zh-hans');
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('SettingFromEnvironment');
    expect(refused.json.error.localized).toContain('由环境变量 LIMITS_NEW_MEMBER_HOURS 决定');
    expect(second.settings.get('limits.newMemberHours')).toBe(48);
    expect(await auditOf('setting:limits.newMemberHours')).toEqual([]);

    // Stored in the database through a process without the variable: the variable still wins there.
    expect((await put(admin, { 'limits.newMemberHours': '12' })).status).toBe(200);
    expect(app.settings.get('limits.newMemberHours')).toBe(12);
    await second.settings.refresh();
    expect(second.settings.get('limits.newMemberHours')).toBe(48);
    expect(await settingOf(boss, 'limits.newMemberHours')).toMatchObject({ value: '48', source: 'env', stored: '12' });
    expect((await put(admin, { 'limits.newMemberHours': null })).status).toBe(200);
  });
});
