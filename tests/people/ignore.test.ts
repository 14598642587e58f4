import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { readTree } from '../helpers/tree';
import { type TestMember, createTestBoard, memberClient, postReply, postThread } from '../factories';
import { countRows } from '../helpers/rows';

let app: TestApp;
let board: { slug: string };
// 甲 ignores 乙; 丙 ignores no one.
let jia: HttpClient;
let yi: HttpClient;
let bing: HttpClient;
let yiMember: TestMember;
let jiaMember: TestMember;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  jia = app.client();
  yi = app.client();
  bing = app.client();
  jiaMember = await memberClient(app.db, jia, { name: 'jia_ignores' });
  yiMember = await memberClient(app.db, yi, { name: '乙乙乙' });
  await memberClient(app.db, bing, { name: 'bing_sees_all' });
});
afterAll(() => app.close());

const collapsedFor = (name: string) => `<details class="ignored"><summary>已忽略 ${name} 的帖子</summary>`;

/**
 * A thread by 甲: 乙 replies, 甲 answers 乙, 乙 answers again, and 丙 replies at the top: 乙's two
 * follow-ups have children that must stay in place.
 */
async function mixedThread() {
  const root = await postThread(jia, board, '甲的主題');
  const y1 = await postReply(yi, root.id, '乙的跟帖');
  const j1 = await postReply(jia, y1.id, '甲回乙');
  const y2 = await postReply(yi, j1.id, '乙又說');
  const b1 = await postReply(bing, root.id, '丙的跟帖');
  return { root, y1, j1, y2, b1 };
}

describe('ignoring a member', () => {
  it('collapses their follow-ups on a thread page for the reader who ignores them, the tree intact', async () => {
    const t = await mixedThread();
    const before = readTree((await jia.get(`/t/${t.root.id}`)).text);
    const res = await jia.post(`/api/members/${encodeURIComponent('乙乙乙')}/ignore`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ignoring: true });

    const page = await jia.get(`/t/${t.root.id}`);
    expect(page.status).toBe(200);
    // Each of 乙's lines sits behind its summary; the lines and their nesting are exactly as before.
    expect(readTree(page.text)).toEqual(before);
    for (const id of [t.y1.id, t.y2.id]) {
      expect(page.text).toContain(`${collapsedFor('乙乙乙')}<span class="line title-only" id="p${id}">`);
    }
    // Lines with follow-ups head a folding subtree; the others are plain items.
    expect(page.text).toContain(`<li><details class="sub" open><summary><span class="line title-only" id="p${t.j1.id}">`);
    expect(page.text).toContain(`<li><span class="line title-only" id="p${t.b1.id}">`);
    // 甲's answer to 乙 is a child of 乙's (collapsed) line, not inside the collapsed line's <details>.
    expect(page.text).toMatch(
      new RegExp(
        `</details> <span class="fold">2 條跟帖</span></summary><ul><li><details class="sub" open><summary><span class="line title-only" id="p${t.j1.id}">`,
      ),
    );
    // The browser module learns whose live lines to collapse, and how to word them.
    expect(page.text).toContain('data-ignored="[&quot;乙乙乙&quot;]"');
    expect(page.text).toContain('data-ignored-label="已忽略 %s 的帖子"');
  });

  it('collapses them on a board index, roots included, in the reader’s script', async () => {
    const theirs = await postThread(yi, board, '乙開的主題');
    const reply = await postReply(yi, theirs.id, '乙自己頂');
    const page = await jia.get(`/zh-hans/b/${board.slug}`);
    expect(page.text).toContain(`${collapsedFor('乙乙乙')}<span class="line title-only" id="p${theirs.id}">`);
    expect(page.text).toContain(`${collapsedFor('乙乙乙')}<span class="line title-only" id="p${reply.id}">`);
    // Their own page of a post shows it collapsed too, expandable without JavaScript.
    const post = await jia.get(`/t/${theirs.id}`);
    expect(post.text).toMatch(
      /<article class="post" id="p\d+"><details class="ignored"><summary>已忽略 乙乙乙 的帖子<\/summary><h1>乙開的主題<\/h1>/,
    );
  });

  it('is private: nobody else, the ignored member included, sees any trace of it', async () => {
    const t = await mixedThread();
    // The ignorer first, so a cached tree would be theirs.
    expect((await jia.get(`/t/${t.root.id}`)).text).toContain('class="ignored"');
    for (const [who, client] of [
      ['丙', bing],
      ['乙', yi],
      ['anonymous', app.client()],
    ] as const) {
      for (const path of [`/t/${t.root.id}`, `/b/${board.slug}`, `/u/jia_ignores`, `/u/${encodeURIComponent('乙乙乙')}`]) {
        const page = await client.get(path);
        expect({ who, path, status: page.status }).toEqual({ who, path, status: 200 });
        expect({ who, path, leaked: /已忽略|data-ignored|class="ignored"|取消忽略/.test(page.text) }).toEqual({ who, path, leaked: false });
      }
    }
    // The API says whether *you* ignore someone, never whether someone ignores you.
    const aboutJia = await yi.get('/api/members/jia_ignores');
    expect(aboutJia.json.member).toMatchObject({ following: false, ignoring: false });
    expect((await bing.get(`/api/members/${encodeURIComponent('乙乙乙')}`)).json.member.ignoring).toBe(false);
    expect((await jia.get(`/api/members/${encodeURIComponent('乙乙乙')}`)).json.member.ignoring).toBe(true);
    expect((await app.client().get(`/api/members/${encodeURIComponent('乙乙乙')}`)).json.member).not.toHaveProperty('ignoring');
    // And the list is the ignorer's own.
    expect((await yi.get('/api/me/ignored')).json.ignored).toEqual([]);
    expect((await app.client().get('/api/me/ignored')).status).toBe(401);
  });

  it('is undone from /settings/ignored, without JavaScript', async () => {
    const t = await mixedThread();
    const list = await jia.get('/zh-hans/settings/ignored');
    expect(list.status).toBe(200);
    expect(list.text).toContain('已忽略的用户');
    expect(list.text).toContain(`href="/zh-hans/u/${encodeURIComponent('乙乙乙')}"`);
    const action = `/zh-hans/u/${encodeURIComponent('乙乙乙')}/unignore`;
    expect(list.text).toContain(`action="${action}"`);
    expect(list.text).toContain('name="back" value="/zh-hans/settings/ignored"');

    const undone = await jia.postForm(action, { back: '/zh-hans/settings/ignored' });
    expect(undone.status).toBe(303);
    expect(undone.headers.get('location')).toBe('/zh-hans/settings/ignored');
    expect((await jia.get('/zh-hans/settings/ignored')).text).toContain('您没有忽略任何人。');
    const page = await jia.get(`/t/${t.root.id}`);
    expect(page.text).not.toContain('class="ignored"');
    expect(page.text).not.toContain('data-ignored');

    // And again from the member's page, which then offers the undo.
    const again = await jia.postForm(`/u/${encodeURIComponent('乙乙乙')}/ignore`, {});
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/u/${encodeURIComponent('乙乙乙')}`);
    const home = await jia.get(`/u/${encodeURIComponent('乙乙乙')}`);
    expect(home.text).toContain('取消忽略');
    expect(home.text).toContain('您已忽略 乙乙乙');
  });

  it('refuses to ignore oneself, in the reader’s script, and changes nothing', async () => {
    const before = await countRows(app.db, 'ignores');
    const api = await jia.post('/api/members/jia_ignores/ignore');
    expect(api.status).toBe(400);
    expect(api.json.error).toMatchObject({ code: 'NotAllowed', localized: '不能忽略自己。' });
    const form = await jia.postForm('/zh-hans/u/jia_ignores/ignore', {});
    expect(form.status).toBe(400);
    expect(form.text).toContain('不能忽略自己。');
    expect(await countRows(app.db, 'ignores')).toBe(before);
    // The member's own page offers no such button.
    expect((await jia.get('/u/jia_ignores')).text).not.toContain('/ignore"');
  });

  it('answers unknown members with 404 and readers who are not logged in with 401', async () => {
    expect((await jia.post('/api/members/nobody_at_all/ignore')).status).toBe(404);
    expect((await jia.request('DELETE', '/api/members/nobody_at_all/ignore')).status).toBe(404);
    expect((await jia.postForm('/u/nobody_at_all/ignore', {})).status).toBe(404);
    expect((await app.client().post(`/api/members/${encodeURIComponent('乙乙乙')}/ignore`)).status).toBe(401);
    expect((await app.client().postForm(`/u/${encodeURIComponent('乙乙乙')}/ignore`, {})).status).toBe(401);
  });

  it('stops with DELETE, and both are idempotent', async () => {
    const name = encodeURIComponent(yiMember.name);
    expect((await bing.post(`/api/members/${name}/ignore`)).json).toEqual({ ignoring: true });
    expect((await bing.post(`/api/members/${name}/ignore`)).json).toEqual({ ignoring: true });
    const rows = await app.db.selectFrom('ignores').selectAll().where('ignored_id', '=', yiMember.id).execute();
    expect(rows.filter((r) => r.member_id !== jiaMember.id)).toHaveLength(1);
    expect((await bing.request('DELETE', `/api/members/${name}/ignore`)).json).toEqual({ ignoring: false });
    expect((await bing.request('DELETE', `/api/members/${name}/ignore`)).json).toEqual({ ignoring: false });
    expect((await bing.get('/api/me/ignored')).json.ignored).toEqual([]);
  });
});
