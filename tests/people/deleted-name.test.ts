import { type TestApp, startTestApp } from '../helpers/app';
import { createCast, createMember, logInClient } from '../factories';

// 已註銷用戶, the name a deleted account's kept posts are shown under, wherever it is shown goes
// through one function (views/member.tsx, text/localize.ts shownName): in the reader's script on
// 悄悄話, the admin pages and the member page; /u/已註銷用戶 explains itself; its avatar is the
// default; nobody may register it; an admin reaches a deleted account by the name it registered.

let app: TestApp;
let cast: Awaited<ReturnType<typeof createCast<'admin' | 'member'>>>;
beforeAll(async () => {
  app = await startTestApp();
  cast = await createCast(app, ['admin', 'member'] as const);
});
afterAll(() => app.close());

it('is shown in the reader’s script everywhere, is nobody’s page or name, and leaves the account reachable to admins', async () => {
  const leaver = await createMember(app.db, { name: 'gone_soon' });
  const c = app.client();
  await logInClient(c, leaver);
  expect((await c.post('/api/messages', { to: cast.members.member.name, title: '再見', body: '保重' })).status).toBe(201);
  expect((await cast.clients.admin.post('/api/admin/members/gone_soon/delete', { posts: 'keep' })).status).toBe(200);
  const reader = cast.clients.member;

  // 悄悄話: the list, the message and the JSON.
  expect((await reader.get('/zh-hans/messages')).text).toContain('已注销用户');
  const inbox = await reader.get('/api/messages?box=inbox&variant=zh-hans', { 'accept-language': 'zh-CN' });
  const id = inbox.json.messages[0].id as string;
  expect((await reader.get(`/zh-hans/messages/${id}`)).text).toContain('>已注销用户</a>');
  expect((await reader.get(`/messages/${id}`)).text).toContain('>已註銷用戶</a>');

  // The member page of the name: a 404 that says what the name is, in the reader's script.
  for (const [path, words] of [
    [`/u/${encodeURIComponent('已註銷用戶')}`, '帳號註銷後'],
    [`/zh-hans/u/${encodeURIComponent('已注销用户')}`, '帐号注销后'],
    [`/zh-hans/u/${encodeURIComponent('已註銷用戶')}`, '帐号注销后'],
  ] as const) {
    const page = await app.client().get(path);
    expect([path, page.status, page.text.includes(words)]).toEqual([path, 404, true]);
  }
  const api = await app.client().get(`/api/members/${encodeURIComponent('已註銷用戶')}`);
  expect([api.status, api.json.error.code]).toEqual([404, 'AccountDeleted']);
  // The account's own page (by the name it registered) shows the name in the reader's script.
  expect((await app.client().get('/zh-hans/u/gone_soon')).text).toContain('<h1>已注销用户');

  // Its avatar: the default picture, never an error or someone's picture.
  for (const name of ['已註銷用戶', '已注销用户']) {
    const avatar = await app.client().get(`/avatars/${encodeURIComponent(name)}/64`);
    expect([avatar.status, avatar.headers.get('content-type')]).toEqual([200, expect.stringContaining('image/svg+xml')]);
  }

  // Nobody registers it, in either script.
  for (const username of ['已註銷用戶', '已注销用户']) {
    const res = await app.client().post('/api/register', { username, password: 'a long enough password' });
    expect([username, res.status, res.json.error.code]).toEqual([username, 409, 'NameConfusable']);
  }

  // Admins: found by the name it registered, shown as 已注销用户, and its page reached by that name.
  const found = await cast.clients.admin.get('/zh-hans/admin/members?q=gone_soon');
  expect(found.text).toContain('>已注销用户</a>');
  expect(found.text).toContain('/zh-hans/admin/members/gone_soon');
  const detail = await cast.clients.admin.get('/zh-hans/admin/members/gone_soon');
  expect(detail.status).toBe(200);
  expect(detail.text).toContain('<title>已注销用户');
  expect((await cast.clients.admin.get('/api/admin/members?q=gone_soon')).json.members[0]).toMatchObject({
    name: '已註銷用戶',
    key: 'gone_soon',
    deleted: true,
  });
});
