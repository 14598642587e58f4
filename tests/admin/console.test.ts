import { type TestApp, startTestApp } from '../helpers/app';
import { runCli } from '../helpers/cli';
import {
  type TestMember,
  createCast,
  createMember,
  createReply,
  createTestBoard,
  createThread,
  logInClient,
  memberClient,
  postReply,
  postThread,
} from '../factories';

// The admin console (issue 17): boards, members and the inbox, through HTTP and the CLI. Every
// change is refused to anyone but an admin and leaves an audit line with before and after.

let app: TestApp;
let cast: Awaited<ReturnType<typeof createCast<'admin' | 'member' | 'anonymous'>>>;
beforeAll(async () => {
  // The hot lists recomputed on the next request after a change (5 s later by default): the
  // archive test waits for an archived board's thread to leave them.
  app = await startTestApp({ env: { HOT_REFRESH_SECONDS: '0' } });
  cast = await createCast(app, ['admin', 'member', 'anonymous'] as const);
});
afterAll(() => app.close());

const auditOf = (subject: string) =>
  app.db
    .selectFrom('admin_audit')
    .select(['actor_name', 'action', 'before', 'after'])
    .where('subject', '=', subject)
    .orderBy('id')
    .execute();

describe('who may use the console', () => {
  it.each([
    ['GET', '/api/admin'],
    ['GET', '/admin'],
    ['GET', '/api/admin/inbox'],
    ['GET', '/admin/inbox'],
    ['GET', '/api/admin/boards'],
    ['GET', '/admin/boards'],
    ['POST', '/api/admin/boards'],
    ['POST', '/api/admin/boards/guarded/rename'],
    ['POST', '/api/admin/boards/guarded/describe'],
    ['POST', '/api/admin/boards/guarded/move'],
    ['POST', '/api/admin/boards/guarded/archive'],
    ['POST', '/api/admin/boards/guarded/unarchive'],
    ['POST', '/api/admin/boards/guarded/delete'],
    ['POST', '/api/admin/boards/guarded/moderators'],
    ['POST', '/api/admin/boards/guarded/moderators/remove'],
    ['POST', '/admin/boards/guarded/archive'],
    ['GET', '/api/admin/members?q=a'],
    ['GET', '/admin/members'],
    ['GET', '/api/admin/members/guarded_one'],
    ['GET', '/admin/members/guarded_one'],
    ['POST', '/api/admin/members/guarded_one/role'],
    ['POST', '/api/admin/members/guarded_one/ban'],
    ['POST', '/api/admin/members/guarded_one/unban'],
    ['POST', '/api/admin/members/guarded_one/delete'],
    ['POST', '/api/admin/members/guarded_one/reset-link'],
    ['POST', '/admin/members/guarded_one/delete'],
  ])('refuses %s %s to members (403) and readers (401), changing nothing', async (method, url) => {
    if (!(await app.db.selectFrom('boards').select('id').where('slug', '=', 'guarded').executeTakeFirst())) {
      await createTestBoard(app.db, { slug: 'guarded' });
      await createMember(app.db, { name: 'guarded_one' });
    }
    const body = {
      slug: 'sneaky',
      name: 'guarded_one',
      description: 'x',
      position: 1,
      role: 'admin',
      days: 3,
      reason: 'x',
      posts: 'remove',
      ban: '1',
    };
    const send = (c: (typeof cast.clients)['member']) =>
      url.startsWith('/api/')
        ? c.request(method, url, method === 'GET' ? {} : { json: body })
        : c.request(method, url, method === 'GET' ? {} : { form: { ...body, position: '1', days: '3' } });
    expect((await send(cast.clients.member)).status).toBe(403);
    expect((await send(cast.clients.anonymous)).status).toBe(401);
    const guarded = await app.db
      .selectFrom('boards')
      .select(['name', 'archived_at'])
      .where('slug', '=', 'guarded')
      .executeTakeFirstOrThrow();
    expect(guarded).toEqual({ name: '測試版', archived_at: null });
    const one = await app.db.selectFrom('users').select(['role', 'deleted_at']).where('name', '=', 'guarded_one').executeTakeFirstOrThrow();
    expect(one).toEqual({ role: 'member', deleted_at: null });
    expect(await auditOf('board:guarded')).toEqual([]);
    expect(await auditOf('member:guarded_one')).toEqual([]);
  });
});

describe('boards', () => {
  const admin = () => cast.clients.admin;

  it('creates, renames, describes and moves a board, each audited with before and after', async () => {
    expect((await admin().post('/api/admin/boards', { slug: 'tea', name: '茶館', description: '喝茶' })).status).toBe(201);
    expect((await admin().post('/api/admin/boards', { slug: 'tea', name: '茶館' })).status).toBe(409);
    expect((await admin().post('/api/admin/boards/tea/rename', { name: '老茶館' })).json.board).toMatchObject({ name: '老茶館' });
    expect((await admin().post('/api/admin/boards/tea/describe', { description: '喝茶聊天' })).status).toBe(200);
    expect((await admin().post('/api/admin/boards/tea/move', { position: 0 })).json.board).toMatchObject({ position: 0 });
    expect((await admin().post('/api/admin/boards/tea/move', { position: -1 })).status).toBe(400);
    const boards = (await admin().get('/api/admin/boards')).json.boards as { slug: string }[];
    expect(boards[0]!.slug).toBe('tea');
    // `/api/boards` follows the order too.
    expect(((await app.client().get('/api/boards')).json.boards as { slug: string }[])[0]!.slug).toBe('tea');
    const lines = await auditOf('board:tea');
    expect(lines.map((l) => l.action)).toEqual(['board.create', 'board.rename', 'board.describe', 'board.move']);
    expect(lines.every((l) => l.actor_name === cast.members.admin.name)).toBe(true);
    expect(lines[1]).toMatchObject({ before: { name: '茶館' }, after: { name: '老茶館' } });
    expect(lines[0]!.before).toBeNull();
  });

  it('archives a board: read-only, said on its page, gone from /, /api/boards and the site hot list; unarchiving brings it back', async () => {
    const board = await createTestBoard(app.db, { slug: 'attic', name: '閣樓' });
    const writer = await createMember(app.db);
    const thread = await createThread(app.db, { board, author: writer, title: '閣樓熱帖' });
    for (let i = 0; i < 3; i++) await createReply(app.db, thread.id, { author: await createMember(app.db) });
    const siteHot = async () => ((await app.client().get('/api/hot')).json.threads as { threadId: string }[]).map((t) => t.threadId);
    expect(await siteHot()).toContain(thread.id);

    expect((await admin().post('/api/admin/boards/attic/archive', {})).json.board).toMatchObject({ archived: true });
    const w = app.client();
    await logInClient(w, writer);
    const newThread = await w.post('/api/boards/attic/threads', { title: '新帖', body: '內容' });
    expect(newThread.status).toBe(409);
    expect(newThread.json.error.code).toBe('BoardArchived');
    expect((await w.post(`/api/posts/${thread.id}/replies`, { title: '跟帖', body: '內容' })).status).toBe(409);
    expect((await cast.clients.admin.post(`/api/posts/${thread.id}/replies`, { title: '跟帖', body: '內容' })).status).toBe(409);
    const edit = await w.request('PATCH', `/api/posts/${thread.id}`, { json: { body: '改了' } });
    expect(edit.status).toBe(409);
    const page = await w.get('/b/attic');
    expect(page.status).toBe(200);
    expect(page.text).toContain('本版已封存');
    expect(page.text).not.toContain('class="new-thread"');
    expect((await w.get('/zh-hans/b/attic')).text).toContain('本版已封存：只能阅读');
    const boardList = (html: string) => html.slice(html.indexOf('<ul class="boards">'));
    expect(boardList((await app.client().get('/')).text)).not.toContain('/b/attic');
    expect(((await app.client().get('/api/boards')).json.boards as { slug: string }[]).map((b) => b.slug)).not.toContain('attic');
    // The hot list is recomputed at its next use after HOT_REFRESH_SECONDS at most.
    for (let i = 0; i < 50 && (await siteHot()).includes(thread.id); i++) await new Promise((r) => setTimeout(r, 200));
    expect(await siteHot()).not.toContain(thread.id);
    // Its thread stays readable.
    expect((await app.client().get(`/t/${thread.id}`)).status).toBe(200);

    expect((await admin().post('/api/admin/boards/attic/unarchive', {})).json.board).toMatchObject({ archived: false });
    expect((await w.post('/api/boards/attic/threads', { title: '新帖', body: '內容' })).status).toBe(201);
    expect(boardList((await app.client().get('/')).text)).toContain('/b/attic');
    expect((await auditOf('board:attic')).map((l) => [l.action, (l.after as { archived: boolean }).archived])).toEqual([
      ['board.archive', true],
      ['board.unarchive', false],
    ]);
  });

  it('deletes an empty board and refuses one with posts, saying why', async () => {
    const full = await createTestBoard(app.db, { slug: 'full' });
    await createThread(app.db, { board: full });
    const refused = await admin().post('/api/admin/boards/full/delete', {});
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('BoardNotEmpty');
    const page = await admin().postForm('/admin/boards/full/delete', {});
    expect(page.status).toBe(409);
    expect(page.text).toContain('只能刪除空的版面');
    await createTestBoard(app.db, { slug: 'empty' });
    expect((await admin().post('/api/admin/boards/empty/delete', {})).status).toBe(200);
    expect(await app.db.selectFrom('boards').select('id').where('slug', '=', 'empty').executeTakeFirst()).toBeUndefined();
    expect((await auditOf('board:empty')).map((l) => [l.action, l.after])).toEqual([['board.delete', null]]);
    expect(await auditOf('board:full')).toEqual([]);
  });

  it('adds and removes a moderator; their site role follows', async () => {
    await createTestBoard(app.db, { slug: 'garden' });
    const gardener = await createMember(app.db, { name: 'gardener' });
    expect((await admin().postForm('/admin/boards/garden/moderators', { name: 'gardener' })).status).toBe(303);
    expect((await app.db.selectFrom('users').select('role').where('id', '=', gardener.id).executeTakeFirstOrThrow()).role).toBe(
      'moderator',
    );
    expect((await admin().get('/admin/boards')).text).toContain('gardener');
    expect((await admin().post('/api/admin/boards/garden/moderators/remove', { name: 'gardener' })).json.board.moderators).toEqual([]);
    expect((await app.db.selectFrom('users').select('role').where('id', '=', gardener.id).executeTakeFirstOrThrow()).role).toBe('member');
    expect((await auditOf('board:garden')).map((l) => [l.action, l.before, l.after])).toEqual([
      ['board.moderator.add', expect.objectContaining({ moderators: [] }), expect.objectContaining({ moderators: ['gardener'] })],
      ['board.moderator.remove', expect.objectContaining({ moderators: ['gardener'] }), expect.objectContaining({ moderators: [] })],
    ]);
  });
});

describe('members', () => {
  const admin = () => cast.clients.admin;

  it('finds a member by name in either script and in full width', async () => {
    await createMember(app.db, { name: '张三丰' });
    await createMember(app.db, { name: 'Lisland_2013' });
    const names = async (q: string) =>
      ((await admin().get(`/api/admin/members?q=${encodeURIComponent(q)}`)).json.members as { name: string }[]).map((m) => m.name);
    expect(await names('张三')).toContain('张三丰');
    expect(await names('張三')).toContain('张三丰');
    expect(await names('ｌｉｓｌａｎｄ')).toContain('Lisland_2013');
    expect(await names('LISL')).toContain('Lisland_2013');
    expect(await names('%')).toEqual([]);
    const page = await admin().get(`/zh-hans/admin/members?q=${encodeURIComponent('張三')}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('张三丰');
  });

  it("shows a member's posts, reports, bans and sign-ins, and bans and lifts site-wide with an audit line", async () => {
    const target = await createMember(app.db, { name: 'watched_one' });
    const c = app.client();
    await logInClient(c, target);
    const board = await createTestBoard(app.db);
    const post = await postThread(c, board, '被看的帖子', '內容');
    await cast.clients.member.post(`/api/posts/${post.id}/report`, { reason: '廣告' });
    const detail = (await admin().get('/api/admin/members/watched_one')).json.member;
    expect(detail.posts.map((p: { id: string }) => p.id)).toEqual([post.id]);
    expect(detail.reportsAbout).toEqual([expect.objectContaining({ postId: post.id, reason: '廣告', open: true })]);
    expect(detail.signIns.length).toBeGreaterThan(0);
    expect((await admin().get('/admin/members/watched_one')).text).toContain('被看的帖子');

    expect((await admin().postForm('/admin/members/watched_one/ban', { days: '3', reason: '洗版' })).status).toBe(303);
    expect((await c.post('/api/boards/' + board.slug + '/threads', { title: 'x', body: 'y' })).status).toBe(403);
    const ban = (await admin().get('/api/admin/members/watched_one')).json.member.bans[0];
    expect(ban).toMatchObject({ board: null, reason: '洗版', inForce: true });
    expect((await admin().post('/api/admin/members/watched_one/unban', { ban: ban.id })).status).toBe(200);
    expect((await auditOf('member:watched_one')).map((l) => l.action)).toEqual(['member.ban', 'member.unban']);
  });

  it('changes a role (not their own) with an audit line', async () => {
    await createMember(app.db, { name: 'rising_one' });
    expect((await admin().post('/api/admin/members/rising_one/role', { role: 'admin' })).status).toBe(200);
    expect((await admin().post('/api/admin/members/rising_one/role', { role: 'moderator' })).status).toBe(400);
    expect((await admin().post(`/api/admin/members/${cast.members.admin.name}/role`, { role: 'member' })).status).toBe(403);
    expect((await auditOf('member:rising_one')).map((l) => [l.action, l.before, l.after])).toEqual([
      ['member.role', { role: 'member' }, { role: 'admin' }],
    ]);
  });

  it("shows a member's new site role on their posts, in answers kept and tagged before (made admin, made a board's moderator)", async () => {
    const c = app.client();
    await memberClient(app.db, c, { name: 'promoted_one' });
    const board = await createTestBoard(app.db);
    const thread = await postThread(c, board, 'promoted_one 的帖子', '內容');
    const path = `/api/posts/${thread.id}`;
    // Read twice by anonymous readers: the second answer is the kept one (posts.pages.ts).
    for (let i = 0; i < 2; i++) expect((await app.client().get(path)).json.post.author).toEqual({ name: 'promoted_one', role: 'member' });
    const tag = (await app.client().get(path)).headers.get('etag')!;
    // The change is heard by NOTIFY: read until it shows.
    const roleShown = async (role: string) => {
      let shown = '';
      for (let i = 0; i < 40 && shown !== role; i++) {
        if (i) await new Promise((r) => setTimeout(r, 50));
        shown = (await app.client().get(path)).json.post.author.role;
      }
      return shown;
    };
    expect((await admin().post('/api/admin/members/promoted_one/role', { role: 'admin' })).status).toBe(200);
    expect(await roleShown('admin')).toBe('admin');
    // A reader holding the old answer is not told it is still good.
    expect((await app.client().get(path, { 'if-none-match': tag })).status).toBe(200);
    expect((await admin().post('/api/admin/members/promoted_one/role', { role: 'member' })).status).toBe(200);
    expect(await roleShown('member')).toBe('member');
    expect((await admin().post(`/api/admin/boards/${board.slug}/moderators`, { name: 'promoted_one' })).status).toBe(200);
    expect(await roleShown('moderator')).toBe('moderator');
  });

  const deletedCase = async (name: string, posts: 'keep' | 'remove') => {
    const gone: TestMember = await createMember(app.db, { name });
    const c = app.client();
    await logInClient(c, gone);
    const board = await createTestBoard(app.db);
    const thread = await postThread(c, board, `${name} 的帖子`, '內容');
    const res = await admin().post(`/api/admin/members/${name}/delete`, { posts });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name, posts, changed: 1 });
    // Sessions ended, no login, the name stays taken.
    expect((await c.get('/api/me')).status).toBe(401);
    expect((await app.client().post('/api/login', { username: name, password: gone.password })).status).toBe(401);
    expect((await app.client().post('/api/register', { username: name, password: 'another good password' })).status).toBe(409);
    const audit = await auditOf(`member:${name}`);
    expect(audit.map((l) => l.action)).toEqual(['member.delete']);
    return { thread };
  };

  it('deletes an account keeping its posts, shown as 已註銷用戶', async () => {
    const { thread } = await deletedCase('leaving_one', 'keep');
    const page = await app.client().get(`/t/${thread.id}`);
    expect(page.text).toContain('已註銷用戶');
    expect(page.text).toContain('>已註銷用戶</a>');
    expect(page.text).not.toContain('>leaving_one</a>');
  });

  it('shows 已註銷用戶 on the deleted posts it had, on pages and answers kept before', async () => {
    const gone: TestMember = await createMember(app.db, { name: 'erased_one' });
    const c = app.client();
    await logInClient(c, gone);
    const board = await createTestBoard(app.db);
    const thread = await postThread(admin(), board, '別人的帖子', '內容');
    const reply = await postReply(c, thread.id, 'erased_one 的跟帖');
    expect((await admin().request('DELETE', `/api/posts/${reply.id}`, { json: { reason: '清理' } })).status).toBe(200);
    // Read twice by anonymous readers: the page and the JSON are kept (posts.pages.ts), the tombstone named.
    for (let i = 0; i < 2; i++) {
      expect((await app.client().get(`/t/${thread.id}`)).text).toContain('erased_one');
      expect((await app.client().get(`/api/posts/${thread.id}`)).text).toContain('erased_one');
    }
    expect((await admin().post('/api/admin/members/erased_one/delete', { posts: 'keep' })).status).toBe(200);
    // The deletion is a change to each thread they wrote in, deleted posts' threads too (heard by NOTIFY).
    let page = '';
    let json = '';
    for (let i = 0; i < 40; i++) {
      page = (await app.client().get(`/t/${thread.id}`)).text;
      json = (await app.client().get(`/api/posts/${thread.id}`)).text;
      if (!page.includes('erased_one') && !json.includes('erased_one')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(page).not.toContain('erased_one');
    expect(json).not.toContain('erased_one');
    expect(json).toContain('已註銷用戶');
  });

  it('deletes an account removing its posts', async () => {
    const { thread } = await deletedCase('purged_one', 'remove');
    const api = await app.client().get(`/api/posts/${thread.id}`);
    expect(api.json.post.deleted).toBe(true);
    expect((await app.client().get(`/t/${thread.id}`)).text).not.toContain('purged_one 的帖子');
  });

  it('removes every post of an account at once, each marked as an admin’s deletion and gone from search, others’ posts left', async () => {
    const c = app.client();
    await memberClient(app.db, c, { name: 'prolific_one' });
    const board = await createTestBoard(app.db);
    const own = await postThread(c, board, '多產的主題', '內容');
    const other = await postThread(admin(), board, '別人的主題', '內容');
    const replies = [await postReply(c, other.id, '多產的跟帖一'), await postReply(c, own.id, '多產的跟帖二')];
    const kept = await postReply(admin(), own.id, '管理員的跟帖');
    expect((await admin().post('/api/admin/members/prolific_one/delete', { posts: 'remove' })).status).toBe(200);
    const mine = [own.id, ...replies.map((r) => r.id)];
    const rows = await app.db
      .selectFrom('posts')
      .leftJoin('post_search', 'post_search.post_id', 'posts.id')
      .select(['posts.id', 'posts.deleted_at', 'posts.deleted_role', 'posts.deleted_reason', 'post_search.deleted as searchDeleted'])
      .where('posts.id', 'in', [...mine, kept.id, other.id])
      .execute();
    for (const id of mine) {
      expect(rows.find((r) => r.id === id)).toMatchObject({
        deleted_role: 'admin',
        deleted_reason: 'account deleted',
        searchDeleted: true,
      });
      expect(rows.find((r) => r.id === id)!.deleted_at).not.toBeNull();
    }
    for (const id of [kept.id, other.id]) expect(rows.find((r) => r.id === id)).toMatchObject({ deleted_at: null, searchDeleted: false });
  });

  it('makes a one-time reset link that works once', async () => {
    const lost = await createMember(app.db, { name: 'forgetful_one' });
    const made = await admin().post('/api/admin/members/forgetful_one/reset-link', {});
    expect(made.status).toBe(200);
    // No PUBLIC_URL here: the path alone (never the request's Host), and the console says so.
    expect(made.json).toMatchObject({ absolute: false });
    expect(made.json.url).toMatch(/^\/password\/reset\?token=/);
    const url = new URL(made.json.url as string, 'http://x');
    const token = url.searchParams.get('token')!;
    expect(JSON.stringify(await auditOf('member:forgetful_one'))).not.toContain(token);
    expect((await app.client().get(`${url.pathname}${url.search}`)).status).toBe(200);
    expect((await app.client().post('/api/password/reset', { token, password: 'a brand new secret' })).status).toBe(200);
    expect((await app.client().post('/api/password/reset', { token, password: 'another new secret' })).status).not.toBe(200);
    expect((await app.client().post('/api/login', { username: lost.name, password: 'a brand new secret' })).status).toBe(200);
    const page = await admin().postForm('/admin/members/forgetful_one/reset-link', {});
    expect(page.status).toBe(200);
    expect(page.text).toContain('/password/reset?token=');
    expect(page.text).toContain('服務器沒有設置 PUBLIC_URL');
  });
});

describe('the inbox and the console home', () => {
  it('gathers open reports, held posts, message reports and address bans, with counts on /admin', async () => {
    const board = await createTestBoard(app.db, { slug: 'inboxed', name: '收件版' });
    const thread = await createThread(app.db, { board, title: '被舉報的帖子' });
    await cast.clients.member.post(`/api/posts/${thread.id}/report`, { reason: '灌水' });
    await cast.clients.admin.post('/api/admin/address-bans', { range: '198.51.100.0/24', until: '7d', reason: '機器人' });
    // A new member's reply on a board that reviews new members waits in its queue.
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', board.id).execute();
    const newcomer = app.client();
    await logInClient(newcomer, await createMember(app.db));
    expect((await newcomer.post(`/api/posts/${thread.id}/replies`, { title: '待審的跟帖' })).status).toBe(202);
    // A 悄悄話 its addressee reports.
    const sent = await newcomer.post('/api/messages', { to: cast.members.member.name, title: '買不買', body: '便宜' });
    expect(sent.status).toBe(201);
    const reported = await cast.clients.member.post(`/api/messages/${sent.json.message.id}/report`, { reason: '推銷訊息' });
    expect(reported.status).toBeLessThan(300);
    const data = (await cast.clients.admin.get('/api/admin/inbox')).json;
    expect(data.reports).toEqual(expect.arrayContaining([expect.objectContaining({ board: 'inboxed', postId: thread.id, count: 1 })]));
    expect(data.held).toEqual(expect.arrayContaining([expect.objectContaining({ board: 'inboxed', count: 1 })]));
    expect(data.messageReports).toEqual(expect.arrayContaining([expect.objectContaining({ reason: '推銷訊息' })]));
    expect(data.addressBans).toEqual(expect.arrayContaining([expect.objectContaining({ range: '198.51.100.0/24' })]));
    expect(data.counts).toMatchObject({ held: expect.any(Number), messageReports: expect.any(Number) });
    expect(Math.min(data.counts.reports, data.counts.held, data.counts.messageReports, data.counts.addressBans)).toBeGreaterThanOrEqual(1);
    const page = await cast.clients.admin.get('/admin/inbox');
    expect(page.text).toContain('/b/inboxed/reports');
    expect(page.text).toContain('/b/inboxed/queue');
    expect(page.text).toContain('推銷訊息');
    expect(page.text).toContain('198.51.100.0/24');
    const home = await cast.clients.admin.get('/zh-hans/admin');
    expect(home.status).toBe(200);
    expect(home.text).toContain(`${data.counts.reports} 条未处理的帖子举报`);
    for (const part of [
      '/admin/boards',
      '/admin/members',
      '/admin/inbox',
      '/admin/settings',
      '/admin/invites',
      '/admin/metrics',
      '/admin/audit',
    ]) {
      expect(home.text).toContain(part);
    }
  });
});

describe('the CLI', () => {
  it('runs each board and member command, audited as the CLI', async () => {
    const env = { DATABASE_URL: app.url };
    await createMember(app.db, { name: 'cli_target' });
    const ok = async (...args: string[]) => {
      const out = await runCli(args, env);
      expect([out.code, out.stderr]).toEqual([0, '']);
      return out.stdout;
    };
    await ok('board:create', 'clibo', '命令行版');
    await ok('board:rename', 'clibo', '命令行');
    await ok('board:describe', 'clibo', '說明');
    await ok('board:move', 'clibo', '7');
    await ok('board:moderator', 'clibo', 'cli_target');
    await ok('board:unmoderator', 'clibo', 'cli_target');
    await ok('board:archive', 'clibo');
    await ok('board:unarchive', 'clibo');
    await ok('board:delete', 'clibo');
    expect((await auditOf('board:clibo')).map((l) => [l.action, l.actor_name])).toEqual(
      [
        'board.create',
        'board.rename',
        'board.describe',
        'board.move',
        'board.moderator.add',
        'board.moderator.remove',
        'board.archive',
        'board.unarchive',
        'board.delete',
      ].map((a) => [a, 'CLI']),
    );
    const full = await createTestBoard(app.db, { slug: 'clifull' });
    await createThread(app.db, { board: full });
    const refused = await runCli(['board:delete', 'clifull'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not empty');

    await ok('member:role', 'cli_target', 'admin');
    const link = await ok('member:reset-link', 'cli_target');
    expect(link).toMatch(/\/password\/reset\?token=[A-Za-z0-9_-]{43}/);
    await ok('member:delete', 'cli_target', '--posts', 'keep');
    expect((await runCli(['member:delete', 'cli_target'], env)).code).toBe(2);
    expect((await auditOf('member:cli_target')).map((l) => l.action)).toEqual(['member.role', 'member.reset-link', 'member.delete']);
  }, 240_000);
});
