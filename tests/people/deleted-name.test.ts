import { type TestApp, startTestApp } from '../helpers/app';
import { createCast, createMember, createModerator, createTestBoard, logInClient, postReply, postThread } from '../factories';

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

const HANT = '已註銷用戶';
const HANS = '已注销用户';

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

// Beyond the author of a post: the one who edited it, who wrote a version of it, who sent a
// 悄悄話, in lists and the live catch-up. In zh-hans no answer carries the traditional form, and
// none the registered name; the admins' pages link to the account by the name it registered.

describe("a deleted account's name in the reader's script", () => {
  it('as author, editor, writer of versions and sender, in every JSON answer that takes a variant, and on the history page', async () => {
    const board = await createTestBoard(app.db, { slug: 'leaving' });
    const leaver = await createModerator(app.db, board, { name: 'Gone_Moderator' });
    const c = app.client();
    await logInClient(c, leaver);
    const owner = cast.clients.member;
    const root = await postThread(owner, board, '一個主題', '開頭');
    const reply = await postReply(c, root.id, '一則回覆', '初稿');
    // The moderator edits the owner's root and their own reply; then writes to the owner.
    expect((await c.request('PATCH', `/api/posts/${root.id}`, { json: { body: '版主改過', format: 'text' } })).status).toBe(200);
    expect((await c.request('PATCH', `/api/posts/${reply.id}`, { json: { body: '二稿', format: 'text' } })).status).toBe(200);
    const sent = await c.post('/api/messages', { to: cast.members.member.name, title: '再見', body: '保重', format: 'text' });
    expect(sent.status).toBe(201);
    expect((await cast.clients.admin.post('/api/admin/members/Gone_Moderator/delete', { posts: 'keep' })).status).toBe(200);

    const hans = async (path: string, client = app.client()) => {
      const res = await client.get(`${path}${path.includes('?') ? '&' : '?'}variant=zh-hans`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const text = JSON.stringify(res.json);
      expect({ path, hant: text.includes(HANT), registered: text.toLowerCase().includes('gone_moderator') }).toEqual({
        path,
        hant: false,
        registered: false,
      });
      return res.json;
    };

    expect((await hans(`/api/posts/${root.id}`)).post.editedBy.name).toBe(HANS);
    expect((await hans(`/api/posts/${reply.id}`)).post.author.name).toBe(HANS);
    const versions = (await hans(`/api/posts/${reply.id}/revisions`)).revisions as { by: { name: string } }[];
    expect(versions.map((v) => v.by.name)).toEqual([HANS, HANS]);
    const rootVersions = (await hans(`/api/posts/${root.id}/revisions`)).revisions as { by: { name: string } }[];
    expect(rootVersions[0]!.by.name).toBe(HANS);
    expect(JSON.stringify(await hans(`/api/threads/${root.id}/posts?by=${cast.members.member.name}`))).toContain(HANS);
    await hans(`/api/threads/${root.id}/latest`);
    await hans(`/api/boards/${board.slug}/threads`);
    await hans('/api/hot');
    expect(JSON.stringify(await hans(`/api/threads/${root.id}/events?since=0`))).toContain(HANS);
    const box = (await hans('/api/messages', owner)).messages as { id: string; from: { name: string } }[];
    expect(box[0]!.from.name).toBe(HANS);
    expect((await hans(`/api/messages/${box[0]!.id}`, owner)).message.from.name).toBe(HANS);

    // Without a variant, as written: the traditional form.
    expect((await app.client().get(`/api/posts/${root.id}`)).json.post.editedBy.name).toBe(HANT);
    expect((await app.client().get(`/api/posts/${reply.id}/revisions`)).json.revisions[0].by.name).toBe(HANT);

    const page = await app.client().get(`/zh-hans/t/${reply.id}/revisions`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(HANS);
    expect(page.text).not.toContain(HANT);
    const rootPage = await app.client().get(`/zh-hans/t/${root.id}`);
    expect(rootPage.text).not.toContain(HANT);
    expect(rootPage.text.toLowerCase()).not.toContain('gone_moderator');
  });
});

describe("a deleted account on the admins' pages", () => {
  it('links to its console page and its audit lines by the name it registered, in any case, never to a missing page', async () => {
    await createMember(app.db, { name: 'Mixed_Case_Leaver' });
    const admin = cast.clients.admin;
    expect((await admin.post('/api/admin/members/Mixed_Case_Leaver/delete', { posts: 'keep' })).status).toBe(200);

    const consolePage = await admin.get('/admin/members/mixed_case_leaver');
    expect(consolePage.status).toBe(200);
    const links = [...consolePage.text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(links.filter((l) => l.startsWith('/u/%E5%B7%B2') || l.toLowerCase().startsWith('/u/mixed'))).toEqual([]);
    const auditLink = links.find((l) => l.startsWith('/admin/audit?'));
    expect(auditLink).toBeDefined();
    const lines = await admin.get(auditLink!.replace('/admin/audit', '/api/admin/audit'));
    expect((lines.json.lines as { action: string }[]).map((l) => l.action)).toEqual(['member.delete']);

    // The audit page names the account by its subject and links to the console's view of it.
    const audit = await admin.get('/admin/audit?subject=member:Mixed_Case_Leaver');
    expect(audit.status).toBe(200);
    const auditLinks = [...audit.text.matchAll(/href="(\/admin\/members\/[^"]+)"/g)].map((m) => m[1]!);
    expect(auditLinks.length).toBeGreaterThan(0);
    for (const link of auditLinks) expect((await admin.get(link)).status).toBe(200);
    expect(audit.text).not.toMatch(/href="\/u\/(%E5%B7%B2|mixed)/i);
  });
});

// Every JSON answer that shows member-, moderator- or admin-written text takes `variant=` (issue 18,
// "Everywhere text is shown"): texts written in traditional (each holding 舊書 and the pin
// -{圖書館}-) and in simplified (旧书, -{图书馆}-) come back in the asked script, pins as pinned.
// An endpoint that forgets to convert a field shows the other script's 舊書/旧书 and fails here.

const T = '舊書-{圖書館}-';
const S = '旧书-{图书馆}-';

describe('every JSON answer with written text, read in either script', () => {
  it('converts board names and descriptions, posts, reasons, notices, 悄悄話 and admin views, pins kept', async () => {
    const admin = cast.clients.admin;
    const slug = 'oldbooks';
    expect((await admin.post('/api/admin/boards', { slug, name: `${T}版`, description: `${S}说明` })).status).toBe(201);
    const mod = await createMember(app.db, { name: 'book_mod' });
    expect((await admin.post(`/api/admin/boards/${slug}/moderators`, { name: mod.name })).status).toBe(200);
    const modClient = app.client();
    await logInClient(modClient, mod);
    const writer = await createMember(app.db, { name: 'book_writer' });
    const w = app.client();
    await logInClient(w, writer);
    const replier = await createMember(app.db, { name: 'book_replier' });
    const r = app.client();
    await logInClient(r, replier);

    const root = await postThread(w, { slug }, `${T}主題`, `${S}正文`);
    const reply = await postReply(r, root.id, `${S}回覆`, `${T}內容`);
    const edit = await w.request('PATCH', `/api/posts/${root.id}`, { json: { body: `${S}二稿`, format: 'text', reason: `${T}修正` } });
    expect(edit.status).toBe(200);
    expect((await w.post(`/api/posts/${reply.id}/report`, { reason: `${T}舉報` })).status).toBe(201);
    expect((await cast.clients.member.post(`/api/posts/${reply.id}/report`, { reason: `${S}举报` })).status).toBe(201);
    expect((await r.post(`/api/posts/${root.id}/conversion-flag`, { wrong: '書本', fixed: '书本', variant: 'zh-hant' })).status).toBe(201);
    expect((await modClient.post(`/api/boards/${slug}/public-bans`, { on: true })).status).toBe(200);
    expect((await modClient.post(`/api/boards/${slug}/bans`, { username: replier.name, days: 3, reason: `${T}禁言` })).status).toBe(201);
    expect((await admin.post('/api/admin/address-bans', { range: '198.51.100.0/24', until: '7d', reason: `${S}广告` })).status).toBe(201);
    const sent = await w.post('/api/messages', { to: replier.name, title: `${T}悄悄話`, body: `${S}内容`, format: 'text' });
    expect(sent.status).toBe(201);
    const messageId = sent.json.message.id as string;
    expect((await r.post(`/api/messages/${messageId}/report`, { reason: `${S}骚扰` })).status).toBe(201);
    // A newcomer's thread waits in the board's review queue.
    await app.db.updateTable('boards').set({ review: 'new' }).where('slug', '=', slug).execute();
    const newcomer = app.client();
    await logInClient(newcomer, await createMember(app.db, { name: 'book_newcomer' }));
    expect((await newcomer.post(`/api/boards/${slug}/threads`, { title: `${T}待審`, body: `${S}正文` })).status).toBe(202);
    const messageReport = (await admin.get('/api/admin/message-reports')).json.reports.find(
      (m: { messageId: string }) => m.messageId === messageId,
    ).id as string;

    // Which answer shows texts of which script: each must read in the asked one.
    const answers: [string, HttpClientLike, { t: boolean; s: boolean }][] = [
      ['/api/boards', app.client(), { t: true, s: true }],
      [`/api/boards/${slug}/threads`, app.client(), { t: true, s: true }],
      [`/api/posts/${root.id}`, app.client(), { t: true, s: true }],
      [`/api/threads/${root.id}/new?since=0`, app.client(), { t: true, s: true }],
      [`/api/threads/${root.id}/posts?by=${replier.name}`, app.client(), { t: true, s: true }],
      [`/api/threads/${root.id}/latest`, app.client(), { t: true, s: true }],
      [`/api/threads/${root.id}/events?since=0`, app.client(), { t: true, s: true }],
      [`/api/posts/${root.id}/revisions`, app.client(), { t: true, s: true }],
      [`/api/hot?board=${slug}&period=week`, app.client(), { t: true, s: false }],
      [`/api/search?q=${encodeURIComponent('内容')}&board=${slug}`, app.client(), { t: true, s: true }],
      [`/api/members/${replier.name}/posts?list=replies`, app.client(), { t: false, s: true }],
      [`/api/boards/${slug}/bans`, app.client(), { t: true, s: false }],
      ['/api/notifications', w, { t: true, s: true }],
      ['/api/notifications', r, { t: true, s: false }],
      ['/api/messages', r, { t: true, s: true }],
      [`/api/messages/${messageId}`, r, { t: true, s: true }],
      [`/api/boards/${slug}/reports`, modClient, { t: true, s: true }],
      [`/api/boards/${slug}/log`, modClient, { t: true, s: false }],
      [`/api/boards/${slug}/queue`, modClient, { t: true, s: true }],
      ['/api/me/held', newcomer, { t: true, s: true }],
      [`/api/boards/${slug}/glossary/flags`, modClient, { t: true, s: false }],
      ['/api/moderation/log', admin, { t: true, s: false }],
      ['/api/admin/inbox', admin, { t: true, s: true }],
      ['/api/admin/boards', admin, { t: true, s: true }],
      [`/api/admin/members/${replier.name}`, admin, { t: true, s: true }],
      [`/api/admin/members/${writer.name}`, admin, { t: true, s: false }],
      ['/api/admin/address-bans', admin, { t: false, s: true }],
      ['/api/admin/message-reports', admin, { t: false, s: true }],
      [`/api/admin/message-reports/${messageReport}`, admin, { t: true, s: true }],
    ];
    const failures: unknown[] = [];
    for (const [path, client, shows] of answers) {
      for (const variant of ['zh-hans', 'zh-hant'] as const) {
        const res = await client.get(`${path}${path.includes('?') ? '&' : '?'}variant=${variant}`);
        // What a member wrote to edit it again (`source`) stays as written, by design.
        const text = JSON.stringify(res.json, (key, value: unknown) => (key === 'source' ? undefined : value));
        const seen = {
          status: res.status,
          other: text.includes(variant === 'zh-hans' ? '舊書' : '旧书'),
          own: text.includes(variant === 'zh-hans' ? '旧书' : '舊書'),
          pinSyntax: text.includes('-{'),
          // A pin reads as pinned whatever the script asked: 圖書館 in zh-hans where a traditional text shows.
          pin: text.includes(variant === 'zh-hans' ? '圖書館' : '图书馆'),
        };
        // (Where no text of the other script is shown, the pin may or may not be there.)
        const want = {
          status: 200,
          other: false,
          own: true,
          pinSyntax: false,
          pin: (variant === 'zh-hans' ? shows.t : shows.s) || seen.pin,
        };
        if (JSON.stringify(seen) !== JSON.stringify(want)) failures.push({ path, variant, seen, want });
      }
    }
    if (process.env.SHOW_FAILURES) console.log(failures.map((f) => JSON.stringify(f)).join('\n'));
    expect(failures).toEqual([]);
  });
});

type HttpClientLike = ReturnType<TestApp['client']>;
