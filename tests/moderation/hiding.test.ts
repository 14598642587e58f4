import { sql } from 'kysely';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { type TestMember, createCast, createTestBoard } from '../factories';

// A moderator's edit took a phone number out; the version that had it can be hidden from everyone
// but the board's moderators and admins, and shown again.

type Who = 'anonymous' | 'author' | 'other' | 'modElsewhere' | 'modHere' | 'admin';
const WHO: Who[] = ['anonymous', 'author', 'other', 'modElsewhere', 'modHere', 'admin'];
const MAY_SEE: Who[] = ['modHere', 'admin'];

let app: TestApp;
let board: { slug: string };
let members: Record<Exclude<Who, 'anonymous'>, TestMember>;
let clients: Record<Who, HttpClient>;

const PHONE = '13800138000';

beforeAll(async () => {
  app = await startTestApp();
  ({ members, clients } = await createCast(app, WHO));
  board = await createTestBoard(app.db, { moderators: [members.modHere.name] });
  await createTestBoard(app.db, { moderators: [members.modElsewhere.name] });
});
afterAll(() => app.close());

async function edit(client: HttpClient, id: string, body: string, reason?: string) {
  const res = await client.request('PATCH', `/api/posts/${id}`, { json: { body, reason } });
  expect(res.status).toBe(200);
}

/** v0 harmless, v1 adds the phone number (with it in the reason too), v2 the moderator takes it out. */
async function postWithPhone(): Promise<string> {
  const root = await clients.author.post(`/api/boards/${board.slug}/threads`, { title: '聯繫方式', body: '<p>你好</p>' });
  const id = root.json.post.id as string;
  await edit(clients.author, id, `<p>你好，電話 ${PHONE}</p>`, `加上電話 ${PHONE}`);
  await edit(clients.modHere, id, '<p>你好，電話已刪除</p>', '刪除電話號碼');
  return id;
}

const hiddenAt = async (id: string, revision: number) =>
  (
    await app.db
      .selectFrom('post_revisions')
      .select('hidden_at')
      .where('post_id', '=', id)
      .where('revision', '=', revision)
      .executeTakeFirstOrThrow()
  ).hidden_at;
const logRows = async (id: string) =>
  (
    await sql<{
      action: string;
      revision: number | null;
      reason: string | null;
    }>`select action, revision, reason from moderation_log where post_id = ${id} and action like '%revision' order by id`.execute(app.db)
  ).rows;

describe('hiding a version of a post', () => {
  it('is refused to readers, members, the author and moderators of another board, and changes nothing', async () => {
    const id = await postWithPhone();
    const expected: Record<string, [number, string]> = {
      anonymous: [401, 'NotLoggedIn'],
      author: [403, 'NotAllowed'],
      other: [403, 'NotAllowed'],
      modElsewhere: [403, 'NotAllowed'],
    };
    for (const [who, [status, code]] of Object.entries(expected)) {
      for (const change of ['hide', 'unhide']) {
        const res = await clients[who as Who].post(`/api/posts/${id}/revisions/1/${change}`, {});
        expect([who, change, res.status, res.json.error.code]).toEqual([who, change, status, code]);
      }
      const form = await clients[who as Who].postForm(`/t/${id}/revisions/1/hide`, { reason: '' }, { accept: 'text/html' });
      expect([who, form.status]).toEqual([who, status]);
    }
    expect(await hiddenAt(id, 1)).toBeNull();
    expect(await logRows(id)).toEqual([]);
  });

  it('is done and undone by the board’s moderators and admins, each change logged once', async () => {
    const id = await postWithPhone();
    const hide = await clients.modHere.post(`/api/posts/${id}/revisions/1/hide`, { reason: '個人資料' });
    expect(hide.status).toBe(200);
    expect(hide.json).toEqual({ postId: id, revision: 1, hidden: true });
    expect(await hiddenAt(id, 1)).toBeInstanceOf(Date);
    // Hiding what is hidden changes nothing and logs nothing.
    expect((await clients.admin.post(`/api/posts/${id}/revisions/1/hide`, {})).status).toBe(200);
    expect((await clients.admin.post(`/api/posts/${id}/revisions/1/unhide`, {})).json).toEqual({ postId: id, revision: 1, hidden: false });
    expect(await hiddenAt(id, 1)).toBeNull();
    expect((await clients.modHere.post(`/api/posts/${id}/revisions/0/hide`)).status).toBe(200);
    expect(await logRows(id)).toEqual([
      { action: 'hide-revision', revision: 1, reason: '個人資料' },
      { action: 'unhide-revision', revision: 1, reason: null },
      { action: 'hide-revision', revision: 0, reason: null },
    ]);
  });

  it('refuses the current version, versions that do not exist and ids that are not ids', async () => {
    const id = await postWithPhone();
    const current = await clients.modHere.post(`/api/posts/${id}/revisions/2/hide`, {});
    expect([current.status, current.json.error.code]).toEqual([409, 'RevisionIsCurrent']);
    const missing = await clients.modHere.post(`/api/posts/${id}/revisions/3/hide`, {});
    expect([missing.status, missing.json.error.code]).toEqual([404, 'RevisionNotFound']);
    for (const bad of ['x', '-1', '1.5', '99999999999']) {
      const res = await clients.modHere.post(`/api/posts/${id}/revisions/${bad}/hide`, {});
      expect([bad, res.status, res.json.error.code]).toEqual([bad, 400, 'ValidationFailed']);
    }
    expect((await clients.modHere.post('/api/posts/999999999/revisions/0/hide', {})).json.error.code).toBe('PostNotFound');
    expect((await clients.modHere.post('/api/posts/abc/revisions/0/hide', {})).status).toBe(404);
    expect((await clients.modHere.post(`/api/posts/${id}/revisions/1/conceal`, {})).status).toBe(404);
    const wrongReason = await clients.modHere.post(`/api/posts/${id}/revisions/1/hide`, { reason: 5 });
    expect([wrongReason.status, wrongReason.json.error.code]).toEqual([400, 'ValidationFailed']);
    expect(await logRows(id)).toEqual([]);
  });

  it('leaves nothing of a hidden version, its reason or the diffs beside it to those who may not see it', async () => {
    const id = await postWithPhone();
    // Seen before it was hidden: whatever was cached then must not come back.
    for (const who of WHO) expect((await clients[who].get(`/t/${id}/revisions`)).text).toContain(PHONE);
    expect((await clients.modHere.post(`/api/posts/${id}/revisions/1/hide`, {})).status).toBe(200);

    for (const who of WHO) {
      const page = await clients[who].get(`/t/${id}/revisions`);
      const api = await clients[who].get(`/api/posts/${id}/revisions`);
      const simplified = await clients[who].get(`/zh-hans/t/${id}/revisions`);
      const hidden = api.json.revisions.find((v: { revision: number }) => v.revision === 1);
      if (MAY_SEE.includes(who)) {
        expect([who, page.text.includes(PHONE), api.text.includes(PHONE)]).toEqual([who, true, true]);
        expect(page.text).toContain('此版本已隱藏：只有版主和管理員能看到');
        expect(page.text).toContain(`你好，電話<del> ${PHONE}</del><ins>已刪除</ins>`); // v2 against v1, as it was
        expect(hidden).toMatchObject({ hidden: true, body: `<p>你好，電話 ${PHONE}</p>`, reason: `加上電話 ${PHONE}` });
        expect(page.text).toContain(`action="/t/${id}/revisions/1/unhide"`);
        expect(page.text).toContain(`action="/t/${id}/revisions/0/hide"`);
        expect(page.text).not.toContain(`action="/t/${id}/revisions/2/`);
      } else {
        expect([who, page.text.includes(PHONE), api.text.includes(PHONE), simplified.text.includes(PHONE)]).toEqual([
          who,
          false,
          false,
          false,
        ]);
        expect(page.text).toContain('此版本已被版主隱藏');
        expect(simplified.text).toContain('此版本已被版主隐藏');
        expect(hidden).toEqual({
          revision: 1,
          hidden: true,
          title: '',
          body: '',
          bytes: 0,
          reason: null,
          by: { name: members.author.name, role: 'member' },
          at: expect.any(String),
        });
        // The moderator's version is compared with the version before the hidden one.
        const v2 = page.text.slice(page.text.indexOf('id="v2"'), page.text.indexOf('id="v1"'));
        expect(v2).toContain('刪除電話號碼');
        expect(v2).toContain('你好<ins>，電話已刪除</ins>');
        expect(page.text).not.toContain('/revisions/1/');
      }
    }
  });

  it('works through forms without JavaScript, and the logs say it in both scripts', async () => {
    const id = await postWithPhone();
    const back = `/zh-hans/t/${id}/revisions`;
    const hide = await clients.modHere.postForm(`/t/${id}/revisions/1/hide`, { reason: '電話', back });
    expect([hide.status, hide.headers.get('location')]).toEqual([303, back]);
    expect((await clients.anonymous.get(back)).text).toContain('此版本已被版主隐藏');
    const unhide = await clients.admin.postForm(`/t/${id}/revisions/1/unhide`, { reason: '' });
    expect([unhide.status, unhide.headers.get('location')]).toEqual([303, `/t/${id}/revisions#v1`]);
    expect((await clients.anonymous.get(`/t/${id}/revisions`)).text).toContain(PHONE);

    const log = await clients.modHere.get(`/b/${board.slug}/log`);
    expect(log.text).toContain('隱藏舊版本');
    expect(log.text).toContain('取消隱藏舊版本');
    expect(log.text).toContain(`<a href="/t/${id}/revisions#v1">第 2 版</a>`);
    expect((await clients.modHere.get(`/zh-hans/b/${board.slug}/log`)).text).toContain('取消隐藏旧版本');
    expect((await clients.admin.get('/zh-hans/log')).text).toContain('隐藏旧版本');
    const entries = (await clients.modHere.get(`/api/boards/${board.slug}/log`)).json.entries.filter(
      (e: { postId: string }) => e.postId === id,
    );
    expect(entries.map((e: { action: string; revision: number; reason: string }) => [e.action, e.revision, e.reason])).toEqual(
      expect.arrayContaining([
        ['hide-revision', 1, '電話'],
        ['unhide-revision', 1, null],
      ]),
    );
  });

  it('compares a page’s oldest version with the newest shown one below the page', async () => {
    const root = await clients.author.post(`/api/boards/${board.slug}/threads`, { title: '長歷史', body: '<p>第零版</p>' });
    const id = root.json.post.id as string;
    await edit(clients.author, id, `<p>秘密 ${PHONE}</p>`);
    for (let i = 2; i <= 21; i++) await edit(clients.author, id, `<p>第零版 ${i}</p>`);
    expect((await clients.modHere.post(`/api/posts/${id}/revisions/1/hide`, {})).status).toBe(200);
    // Page 1 holds versions 21 to 2: version 2 is compared with version 0, not the hidden 1.
    const page = await clients.other.get(`/t/${id}/revisions`);
    const v2 = page.text.slice(page.text.indexOf('id="v2"'));
    expect(v2).toContain('第零版<ins> 2</ins>');
    expect(page.text).not.toContain(PHONE);
    expect((await clients.modHere.get(`/t/${id}/revisions`)).text).toContain(
      `<del>秘密</del><ins>第零版</ins> <del>${PHONE}</del><ins>2</ins>`,
    );
  });
});
