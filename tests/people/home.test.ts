import { sql } from 'kysely';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { countRows } from '../helpers/rows';
import { type TestMember, createReply, createTestBoard, createThread, memberClient, postReply, postThread } from '../factories';
import { MEMBER_POSTS_PER_PAGE } from '../../server/people/people.service';

let app: TestApp;
let board: { slug: string };
let owner: HttpClient;
let ownerMember: TestMember;
let visitor: HttpClient;
let visitorMember: TestMember;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  owner = app.client();
  visitor = app.client();
  // A name in traditional characters: never converted, whatever the reader's script.
  ownerMember = await memberClient(app.db, owner, { name: '張三豐' });
  visitorMember = await memberClient(app.db, visitor, { name: 'visitor_x' });
});
afterAll(() => app.close());

const home = `/u/${encodeURIComponent('張三豐')}`;
const api = `/api/members/${encodeURIComponent('張三豐')}`;

/** Today in the display time zone of the tests (Asia/Shanghai), as 'YYYY-MM-DD'. */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

describe('the member home page', () => {
  it('shows the join date, counts of threads and follow-ups (deleted ones left out) and the day last seen', async () => {
    const t1 = await postThread(owner, board, '第一帖');
    await postThread(owner, board, '第二帖');
    const gone = await postThread(owner, board, '刪掉的帖');
    await postReply(owner, t1.id, '自己頂');
    await postReply(visitor, t1.id, '別人的跟帖');
    expect((await owner.request('DELETE', `/api/posts/${gone.id}`)).status).toBe(200);

    const res = await visitor.get(api);
    expect(res.status).toBe(200);
    expect(res.json.member).toEqual({
      name: '張三豐',
      role: 'member',
      joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastSeenOn: today(),
      threads: 2,
      replies: 1,
      profile: '',
      deleted: false,
      following: false,
      ignoring: false,
    });

    const page = await app.client().get(home);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<dt>主題<\/dt><dd class="thread-count">2<\/dd>/);
    expect(page.text).toMatch(/<dt>跟帖<\/dt><dd class="reply-count">1<\/dd>/);
    expect(page.text).toContain(`<dt>最近來訪</dt><dd><time datetime="${today()}">${today()}</time></dd>`);
    expect(page.text).toContain('<dt>註冊於</dt>');
    expect(page.text).not.toContain('刪掉的帖');
  });

  it('updates last seen at most once a day, where sessions are used', async () => {
    // Yesterday, as far as the database knows: the next request moves it to today, once.
    await app.db.updateTable('users').set({ last_seen_on: '2020-01-02' }).where('id', '=', ownerMember.id).execute();
    expect((await visitor.get(api)).json.member.lastSeenOn).toBe('2020-01-02');
    await owner.get('/api/me');
    expect((await visitor.get(api)).json.member.lastSeenOn).toBe(today());
    // Seen today already: more requests leave the row alone (an update would give it a new xmin).
    const version = async () =>
      (await sql<{ v: string }>`select xmin::text as v from users where id = ${ownerMember.id}`.execute(app.db)).rows[0]!.v;
    const before = await version();
    await owner.get('/api/me');
    await owner.get('/api/me');
    expect(await version()).toBe(before);
  });

  it('hides the day last seen when the member chose so', async () => {
    const res = await owner.request('PATCH', '/api/me/settings', { json: { hideLastSeen: true } });
    expect(res.status).toBe(200);
    expect((await visitor.get(api)).json.member.lastSeenOn).toBeNull();
    expect((await app.client().get(home)).text).not.toContain('最近來訪');
    await owner.request('PATCH', '/api/me/settings', { json: { hideLastSeen: false } });
    expect((await app.client().get(home)).text).toContain('最近來訪');
  });

  it('shows the profile sanitized, converted for the reader, the name never converted', async () => {
    const saved = await owner.postForm('/settings/profile', {
      profile:
        '<p onclick="steal()">歡迎來到我的網頁，這裡談軟體。<a href="/t/1">舊帖</a></p><script>alert(1)</script><img src="javascript:x">',
      format: 'html',
    });
    expect(saved.status).toBe(303);
    const page = await app.client().get(`/zh-hans${home}`);
    expect(page.text).toContain(
      '<div class="body"><p>欢迎来到我的网页，这里谈软件。<a href="/zh-hans/t/1" rel="nofollow ugc noopener" target="_blank">旧帖</a></p></div>',
    );
    expect(page.text).not.toMatch(/onclick|<script>alert|javascript:/);
    // The name as registered, in the heading and the title; never 张三丰.
    expect(page.text).toContain('<h1>張三豐</h1>');
    expect(page.text).not.toContain('张三丰');
    const tw = await app.client().get(`/zh-tw${home}`);
    expect(tw.text).toContain('這裡談軟體');
    expect((await visitor.get(`${api}?variant=zh-hans`)).json.member.profile).toContain('欢迎来到我的网页');
    expect((await visitor.get(api)).json.member.profile).toContain('歡迎來到我的網頁');
  });

  it('lists threads and follow-ups newest first, a page at a time (keyset)', async () => {
    const pager = app.client();
    const author = await memberClient(app.db, pager, { name: 'many_threads' });
    const ids: string[] = [];
    for (let i = 0; i < MEMBER_POSTS_PER_PAGE + 5; i++) ids.push((await createThread(app.db, { board, author, title: `帖 ${i}` })).id);
    const reply = await createReply(app.db, ids[0]!, { author: ownerMember, title: '別人的跟帖' });
    const page = await app.client().get('/u/many_threads');
    const shown = [...page.text.matchAll(/<span class="line[^"]*" id="p(\d+)"/g)].map((m) => m[1]);
    expect(shown).toEqual(ids.slice(5).reverse());
    const last = ids[5]!;
    expect(page.text).toContain(`href="/u/many_threads?list=threads&amp;before=${last}"`);
    expect(page.text).not.toContain(`id="p${reply.id}"`);

    const next = await app.client().get(`/u/many_threads?list=threads&before=${last}`);
    expect(next.status).toBe(200);
    const rest = [...next.text.matchAll(/<span class="line[^"]*" id="p(\d+)"/g)].map((m) => m[1]);
    expect(rest).toEqual(ids.slice(0, 5).reverse());
    expect(next.text).not.toContain('rel="next"');
    expect(next.text).toContain('回到最新');
    expect(next.text).not.toContain('發表的跟帖');

    const json = await app.client().get(`/api/members/many_threads/posts?list=threads&before=${last}`);
    expect(json.json.posts.map((p: { id: string }) => p.id)).toEqual(ids.slice(0, 5).reverse());
    expect(json.json.nextBefore).toBeNull();
    const first = await app.client().get('/api/members/many_threads/posts?list=threads');
    expect(first.json.nextBefore).toBe(last);
  });

  it('answers an unknown member with 404 and bad paging with 400, in the reader’s script', async () => {
    for (const path of ['/u/nobody_here', '/api/members/nobody_here', '/api/members/nobody_here/posts']) {
      expect((await app.client().get(path)).status).toBe(404);
    }
    const missing = await app.client().get('/zh-hans/u/nobody_here');
    expect(missing.text).toContain('没有“nobody_here”这个用户。');
    for (const q of ['?before=abc', '?before=-1', '?list=everything', '?before=1&before=2']) {
      const res = await app.client().get(`${home}${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
    expect((await app.client().get(`${api}/posts?list=bogus`)).json.error.code).toBe('ValidationFailed');
    expect((await app.client().get(`${api}?variant=klingon`)).status).toBe(400);
  });
});

describe('following', () => {
  it('follows and unfollows from the member’s page, without JavaScript', async () => {
    const before = await visitor.get(home);
    expect(before.text).toContain(`action="${home}/follow"`);
    expect(before.text).toContain(`href="/messages/new?to=${encodeURIComponent('張三豐')}"`);
    const res = await visitor.postForm(`${home}/follow`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(home);
    const after = await visitor.get(home);
    expect(after.text).toContain(`action="${home}/unfollow"`);
    expect(after.text).toContain('您已關注 張三豐');
    const row = await app.db.selectFrom('follows').selectAll().where('follower_id', '=', visitorMember.id).executeTakeFirst();
    expect(row?.followee_id).toBe(ownerMember.id);
    // Nobody else is told.
    expect((await app.client().get(home)).text).not.toContain('您已關注');
    expect((await visitor.postForm(`/zh-hans${home}/unfollow`, {})).headers.get('location')).toBe(`/zh-hans${home}`);
    expect((await visitor.get(home)).text).toContain(`action="${home}/follow"`);
    expect(await countRows(app.db, 'follows')).toBe(0);
  });

  it('follows and unfollows through the API, idempotently; never oneself', async () => {
    expect((await visitor.post(`${api}/follow`)).json).toEqual({ following: true });
    expect((await visitor.post(`${api}/follow`)).json).toEqual({ following: true });
    expect((await visitor.get(api)).json.member.following).toBe(true);
    expect(await countRows(app.db, 'follows')).toBe(1);
    expect((await visitor.request('DELETE', `${api}/follow`)).json).toEqual({ following: false });
    expect((await visitor.get(api)).json.member.following).toBe(false);
    const self = await owner.post(`${api}/follow`, undefined, { 'accept-language': 'zh-CN' });
    expect(self.status).toBe(400);
    expect(self.json.error).toMatchObject({ code: 'NotAllowed', localized: '不能关注自己。' });
    expect((await app.client().post(`${api}/follow`)).status).toBe(401);
    expect((await visitor.post('/api/members/nobody_here/follow')).status).toBe(404);
    expect(await countRows(app.db, 'follows')).toBe(0);
  });
});
