import { type TestApp, startTestApp } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { createCast, createMember, createTestBoard, logInClient, postReply, postThread } from '../factories';

// Issue 17's gaps closed after the console landed: an archived board's threads read-only on their
// pages, the sitemap without archived boards, links an admin passes on built from PUBLIC_URL only,
// a site ban from the CLI, and 已註銷用戶 shown in the reader's script.

const ORIGIN = 'https://bbs.example.org';

let app: TestApp;
/** A second app on the same database, with PUBLIC_URL set. */
let published: TestApp;
let cast: Awaited<ReturnType<typeof createCast<'admin' | 'member' | 'anonymous'>>>;
beforeAll(async () => {
  app = await startTestApp();
  published = await startTestApp({ databaseOf: app, env: { PUBLIC_URL: ORIGIN } });
  cast = await createCast(app, ['admin', 'member', 'anonymous'] as const);
});
afterAll(async () => {
  await published.close();
  await app.close();
});

const auditOf = (subject: string) =>
  app.db.selectFrom('admin_audit').select(['actor_name', 'action']).where('subject', '=', subject).orderBy('id').execute();

describe('an archived board', () => {
  it("shows its threads without reply form, quote or edit, saying it is archived; anonymous readers' kept pages follow", async () => {
    const board = await createTestBoard(app.db, { slug: 'shelved', name: '書架' });
    const author = cast.clients.member;
    const thread = await postThread(author, board, '封存前的帖子', '內容');
    await postReply(author, thread.id, '一條跟帖', '內容');
    const anonymous = () => app.client().get(`/t/${thread.id}`);
    // Read twice: the second is served from the pages kept whole for anonymous readers.
    for (let i = 0; i < 2; i++) expect((await anonymous()).text).toContain('class="login-to-reply"');
    const before = await author.get(`/t/${thread.id}`);
    for (const part of ['<section class="reply"', 'class="quote-post"', `/t/${thread.id}/edit`]) expect(before.text).toContain(part);

    expect((await cast.clients.admin.post('/api/admin/boards/shelved/archive', {})).status).toBe(200);
    const page = await author.get(`/t/${thread.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('本版已封存：只能閱讀，不能發帖、跟帖或修改。');
    for (const part of ['<section class="reply"', 'class="quote-post"', `/t/${thread.id}/edit`, 'class="composer']) {
      expect([part, page.text.includes(part)]).toEqual([part, false]);
    }
    expect((await author.get(`/zh-hans/t/${thread.id}`)).text).toContain('本版已封存：只能阅读，不能发帖、跟帖或修改。');
    // The page that opens the reply form with a quote (no JavaScript) has none either.
    const quoted = await author.get(`/t/${thread.id}/quote`);
    expect(quoted.text).toContain('本版已封存');
    expect(quoted.text).not.toContain('<section class="reply"');
    const shown = await anonymous();
    expect(shown.text).toContain('本版已封存');
    expect(shown.text).not.toContain('class="login-to-reply"');
    expect((await author.get('/b/shelved')).text).toContain('本版已封存');

    expect((await cast.clients.admin.post('/api/admin/boards/shelved/unarchive', {})).status).toBe(200);
    expect((await author.get(`/t/${thread.id}`)).text).toContain('<section class="reply"');
    expect((await anonymous()).text).toContain('class="login-to-reply"');
  });

  it('is left out of the boards sitemap, as from /, while its threads stay listed', async () => {
    const board = await createTestBoard(app.db, { slug: 'mapped' });
    const thread = await postThread(cast.clients.member, board, '地圖上的帖子', '內容');
    const boardsMap = async () => (await published.client().get('/sitemap-boards.xml')).text;
    expect(await boardsMap()).toContain(`<loc>${ORIGIN}/b/mapped</loc>`);
    expect((await cast.clients.admin.post('/api/admin/boards/mapped/archive', {})).status).toBe(200);
    const map = await boardsMap();
    expect(map).not.toContain('/b/mapped');
    expect(map).toContain(`<loc>${ORIGIN}/</loc>`);
    const index = (await published.client().get('/sitemap.xml')).text;
    const threadMaps = [...index.matchAll(/sitemap-threads-\d+\.xml/g)].map((m) => m[0]);
    let all = '';
    for (const m of threadMaps) all += (await published.client().get(`/${m}`)).text;
    expect(all).toContain(`<loc>${ORIGIN}/t/${thread.id}</loc>`);
  });
});

describe('links an admin passes on', () => {
  it('are under PUBLIC_URL, whatever Host the request named', async () => {
    const admin = published.client();
    await logInClient(admin, cast.members.admin);
    await createMember(app.db, { name: 'passed_on' });
    const reset = await admin.post('/api/admin/members/passed_on/reset-link', {}, { 'x-forwarded-host': 'evil.example' });
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ absolute: true });
    expect(reset.json.url).toMatch(new RegExp(`^${ORIGIN}/password/reset\\?token=[A-Za-z0-9_-]{43}$`));
    const page = await admin.postForm('/zh-hans/admin/members/passed_on/reset-link', {});
    expect(page.text).toContain(`${ORIGIN}/zh-hans/password/reset?token=`);
    expect(page.text).not.toContain('PUBLIC_URL');
    const invite = await admin.post('/api/admin/invites', { expires: '1d' });
    expect(invite.status).toBe(201);
    expect(invite.json).toMatchObject({ absolute: true });
    expect(invite.json.link).toMatch(new RegExp(`^${ORIGIN}/register\\?invite=`));
  });
});

describe('a site ban from the CLI', () => {
  it('bans and lifts as the console does, audited as the CLI, shown in the moderation log', async () => {
    const env = { DATABASE_URL: app.url };
    const target = await createMember(app.db, { name: 'cli_banned' });
    const c = app.client();
    await logInClient(c, target);
    const board = await createTestBoard(app.db);
    const post = () => c.post(`/api/boards/${board.slug}/threads`, { title: '還能發嗎', body: '內容' });

    const banned = await runCli(['member:ban', 'cli_banned', '--days', '3', '--reason', '洗版'], env);
    expect([banned.code, banned.stderr]).toEqual([0, '']);
    expect(banned.stdout).toContain('banned cli_banned from the whole site until');
    expect((await post()).status).toBe(403);
    const ban = (await cast.clients.admin.get('/api/admin/members/cli_banned')).json.member.bans[0];
    expect(ban).toMatchObject({ board: null, reason: '洗版', inForce: true });
    const log = (await cast.clients.admin.get('/api/moderation/log')).json.entries as { action: string; actor: unknown }[];
    expect(log[0]).toMatchObject({ action: 'site-ban', actor: { name: 'CLI', role: 'admin' } });
    expect((await cast.clients.admin.get('/log')).text).toContain('（命令行）');
    const notices = (await c.get('/api/notifications')).json.notifications as { kind: string; text: string }[];
    expect(notices[0]).toMatchObject({ kind: 'banned' });
    expect(notices[0]!.text).toContain('洗版');

    const lifted = await runCli(['member:unban', 'cli_banned'], env);
    expect([lifted.code, lifted.stdout]).toEqual([0, 'lifted 1 site ban of cli_banned\n']);
    expect((await post()).status).toBe(201);

    const forever = await runCli(['member:ban', 'cli_banned', '--forever', '--reason', '屢教不改'], env);
    expect(forever.code).toBe(0);
    const bans = (await cast.clients.admin.get('/api/admin/members/cli_banned')).json.member.bans as { until: string; reason: string }[];
    expect(JSON.stringify(bans)).toContain('9999-12-31');
    expect((await auditOf('member:cli_banned')).map((l) => [l.action, l.actor_name])).toEqual([
      ['member.ban', 'CLI'],
      ['member.unban', 'CLI'],
      ['member.ban', 'CLI'],
    ]);

    // Refused: an admin; a ban without a reason (a usage error, before the database).
    const admin = await runCli(['member:ban', cast.members.admin.name, '--days', '1', '--reason', 'x'], env);
    expect([admin.code, admin.stderr]).toEqual([1, expect.stringContaining('Admins cannot be banned')]);
    expect((await runCli(['member:ban', 'cli_banned', '--days', '1'], env)).code).toBe(2);
  }, 120_000);
});

describe("a deleted account's kept posts", () => {
  it('show 已註銷用戶 in the reader’s script on pages, JSON, feeds, search and notifications', async () => {
    const board = await createTestBoard(app.db, { slug: 'farewell' });
    const leaver = await createMember(app.db, { name: 'soon_gone' });
    const c = app.client();
    await logInClient(c, leaver);
    const owner = cast.clients.member;
    const root = await postThread(owner, board, '告別帖', '內容');
    const reply = await postReply(c, root.id, '再會了朋友們', '獨一無二的告別詞');
    expect((await cast.clients.admin.post('/api/admin/members/soon_gone/delete', { posts: 'keep' })).status).toBe(200);

    const hant = await app.client().get(`/t/${root.id}`);
    expect(hant.text).toContain('>已註銷用戶</a>');
    const hans = await app.client().get(`/zh-hans/t/${root.id}`);
    expect(hans.text).toContain('>已注销用户</a>');
    expect(hans.text).not.toContain('>已註銷用戶</a>');
    expect((await app.client().get(`/zh-hans/t/${reply.id}`)).text).toContain('>已注销用户</a>');

    const api = await app.client().get(`/api/posts/${reply.id}?variant=zh-hans`);
    expect(api.json.post.author.name).toBe('已注销用户');
    expect((await app.client().get(`/api/posts/${reply.id}`)).json.post.author.name).toBe('已註銷用戶');

    const feed = await app.client().get(`/zh-hans/t/${root.id}/feed.xml`);
    expect(feed.status).toBe(200);
    expect(feed.text).toContain('<name>已注销用户</name>');

    const found = await app.client().get(`/api/search?q=${encodeURIComponent('告別詞')}&variant=zh-hans`);
    expect(found.status).toBe(200);
    expect(JSON.stringify(found.json)).toContain('已注销用户');
    expect((await app.client().get(`/zh-hans/search?q=${encodeURIComponent('告別詞')}`)).text).toContain('已注销用户');

    const notices = await owner.get('/api/notifications', { 'accept-language': 'zh-CN' });
    const fromLeaver = (notices.json.notifications as { postId: string; actor: { name: string } }[]).find((n) => n.postId === reply.id);
    expect(fromLeaver?.actor.name).toBe('已注销用户');
  });
});
