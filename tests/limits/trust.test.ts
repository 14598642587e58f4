import { type TestApp, startTestApp } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { type TestMember, createMember, createReply, createTestBoard, createThread, logInClient } from '../factories';
import { countImages, countLinks } from '../../server/text/links';

// Trust levels (issue 14): a member is new until both thresholds pass (account age,
// LIMITS_NEW_MEMBER_HOURS, and accepted posts, LIMITS_NEW_MEMBER_POSTS), unless an admin settled it
// by hand (`member:trust`). New members have the stricter paced windows, a cap on links and images
// per post, and no links in their profile.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const HOUR = 3600_000;
const THREE_LINKS = '<p><a href="https://a.example">一</a> <a href="https://b.example">二</a> https://c.example/x</p>';

/** Makes a member older (their account created `hours` ago). */
async function age(member: TestMember, hours: number): Promise<void> {
  await app.db
    .updateTable('users')
    .set({ created_at: new Date(Date.now() - hours * HOUR) })
    .where('id', '=', member.id)
    .execute();
}

/** A logged-in member; `posts` accepted posts written beforehand, aged by `hours`. */
async function writer(options: { hours?: number; posts?: number } = {}) {
  const member = await createMember(app.db);
  if (options.posts) {
    const own = await createThread(app.db, { author: member });
    for (let i = 1; i < options.posts; i++) await createReply(app.db, own.id, { author: member });
  }
  if (options.hours) await age(member, options.hours);
  const client = app.client();
  await logInClient(client, member);
  return { member, client };
}

describe('counting links and images', () => {
  it('counts links to other sites and bare addresses, not the site’s own links', () => {
    expect(countLinks(THREE_LINKS)).toBe(3);
    expect(countLinks('<p><a href="/u/someone">@someone</a> 看 /t/1</p>')).toBe(0);
    expect(countLinks('<p>www.example.com 和 <a href="mailto:a@b.c">信</a></p>')).toBe(2);
    expect(countImages('<p><img src="https://x/1.png" /><img src="https://x/2.png" /></p>')).toBe(2);
  });
});

describe('who is new', () => {
  it('keeps a member new until both the age and the count of accepted posts pass', async () => {
    const thread = await createThread(app.db);
    const cases: [string, { hours?: number; posts?: number }, number][] = [
      ['young, no posts', {}, 422],
      ['old, no posts', { hours: 25 }, 422],
      ['young, 3 posts', { posts: 3 }, 422],
      ['old, 2 posts', { hours: 25, posts: 2 }, 422],
      ['old, 3 posts', { hours: 25, posts: 3 }, 201],
    ];
    for (const [what, options, status] of cases) {
      const { client } = await writer(options);
      const res = await client.post(`/api/posts/${thread.id}/replies`, { title: what, body: THREE_LINKS });
      expect([what, res.status]).toEqual([what, status]);
    }
  });

  it('does not count deleted posts as accepted', async () => {
    const thread = await createThread(app.db);
    const { member, client } = await writer({ hours: 25, posts: 3 });
    await app.db.updateTable('posts').set({ deleted_at: new Date() }).where('author_id', '=', member.id).execute();
    expect((await client.post(`/api/posts/${thread.id}/replies`, { title: '刪過', body: THREE_LINKS })).status).toBe(422);
  });

  it('paces by the same decision: an old member without posts keeps the new member’s windows', async () => {
    const strict = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1', LIMITS_REPLY_NEW_MEMBER_BURST: '1/1m' } });
    try {
      const thread = await createThread(strict.db);
      const old = await createMember(strict.db);
      await strict.db
        .updateTable('users')
        .set({ created_at: new Date(Date.now() - 25 * HOUR) })
        .where('id', '=', old.id)
        .execute();
      const c = strict.client();
      await logInClient(c, old);
      expect((await c.post(`/api/posts/${thread.id}/replies`, { title: '一' })).status).toBe(201);
      expect((await c.post(`/api/posts/${thread.id}/replies`, { title: '二' })).status).toBe(429);
      // Trusted by hand, they have the member's windows (6 a minute).
      await strict.db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', old.id).execute();
      expect((await c.post(`/api/posts/${thread.id}/replies`, { title: '三' })).status).toBe(201);
    } finally {
      await strict.close();
    }
  });
});

describe('a new member’s posts', () => {
  it('refuses too many links or images with a clear 422 in the reader’s script', async () => {
    const board = await createTestBoard(app.db);
    const thread = await createThread(app.db, { board });
    const { client } = await writer();
    const reply = await client.post(`/api/posts/${thread.id}/replies`, { title: '連結', body: THREE_LINKS });
    expect(reply.status).toBe(422);
    expect(reply.json.error.code).toBe('NewMemberLimit');
    expect(reply.json.error.message).toBe('New members may put at most 2 links in a post; this one has 3.');
    const images = '<p>' + [1, 2, 3].map((i) => `<img src="https://img.example/${i}.png" alt="" />`).join('') + '</p>';
    const started = await client.post(`/api/boards/${board.slug}/threads`, { title: '圖片', body: images });
    expect(started.status).toBe(422);
    expect(started.json.error.message).toBe('New members may put at most 2 images in a post; this one has 3.');
    // Within the caps, it goes through; nothing was written by the refusals.
    expect(
      (await client.post(`/api/posts/${thread.id}/replies`, { title: '兩個', body: 'https://a.example https://b.example' })).status,
    ).toBe(201);
    const rows = await app.db.selectFrom('posts').select('title').where('thread_id', '=', thread.id).execute();
    expect(rows.map((r) => r.title).sort()).toEqual(['兩個', '測試主題']);
  });

  it('keeps the typed text on a refused form, with the refusal worded in the page’s script', async () => {
    const thread = await createThread(app.db);
    const { client } = await writer();
    const body = '看 https://a.example 和 https://b.example 還有 https://c.example';
    const hans = await client.postForm(`/zh-hans/t/${thread.id}/reply`, { title: '打好的标题', body });
    expect(hans.status).toBe(422);
    expect(hans.text).toContain('新用户每帖最多 2 个外站链接，这一帖有 3 个');
    expect(hans.text).toContain('打好的标题');
    expect(hans.text).toContain('https://c.example');
    const hant = await client.postForm(`/zh-tw/t/${thread.id}/reply`, { title: '打好的標題', body });
    expect(hant.text).toContain('新用戶每帖最多 2 個外站鏈接，這一帖有 3 個');
  });

  it('holds an edit by the new author to the same caps', async () => {
    const { member, client } = await writer();
    const own = await createThread(app.db, { author: member });
    const res = await client.request('PATCH', `/api/posts/${own.id}`, { json: { body: THREE_LINKS } });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('NewMemberLimit');
  });
});

describe('a new member’s profile', () => {
  it('may hold no link until the member is trusted', async () => {
    const { member, client } = await writer();
    const res = await client.request('PATCH', '/api/me/settings', { json: { profile: '我的站 https://spam.example' } });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toBe('New members may not put links in their profile.');
    const form = await client.postForm('/zh-hans/settings/profile', { profile: '我的站 https://spam.example' });
    expect(form.status).toBe(422);
    expect(form.text).toContain('新用户的简介里不能有链接');
    expect(form.text).toContain('https://spam.example');
    // Text without links is fine; a trusted member may link.
    expect((await client.request('PATCH', '/api/me/settings', { json: { profile: '喜歡讀書' } })).status).toBe(200);
    await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', member.id).execute();
    expect((await client.request('PATCH', '/api/me/settings', { json: { profile: '我的站 https://ok.example' } })).status).toBe(200);
  });
});

describe('member:trust', () => {
  it('trusts, un-trusts and gives back to the thresholds by hand', async () => {
    const thread = await createThread(app.db);
    const { member, client } = await writer();
    const post = () => client.post(`/api/posts/${thread.id}/replies`, { title: '連結', body: THREE_LINKS });
    const env = { DATABASE_URL: app.url };
    const on = await runCli(['member:trust', member.name.toUpperCase(), 'on'], env);
    expect(on.stderr).toBe('');
    expect(on.stdout).toContain(`${member.name} is trusted (never a new member)`);
    expect((await post()).status).toBe(201);
    // Old with posts, yet untrusted by hand: new again.
    await age(member, 25);
    await createReply(app.db, thread.id, { author: member });
    await createReply(app.db, thread.id, { author: member });
    expect((await runCli(['member:trust', member.name, 'off'], env)).code).toBe(0);
    expect((await post()).status).toBe(422);
    expect((await runCli(['member:trust', member.name, 'auto'], env)).code).toBe(0);
    expect((await post()).status).toBe(201);
    const bad = await runCli(['member:trust', member.name, 'maybe'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('member:trust takes on, off or auto');
    expect((await runCli(['member:trust', 'ghost_nobody', 'on'], env)).stderr).toContain('There is no member "ghost_nobody"');
  });
});
