import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createSettingsStore } from '../../server/settings/settings';
import { createLogger } from '../../server/log';
import type { Member } from '../../server/members/members.service';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { readTree } from '../helpers/tree';
import { createMember, createModerator, createTestBoard, logInClient, postThread } from '../factories';

let app: TestApp;
let board: { slug: string };
let author: HttpClient;
let mod: HttpClient;
let reader: HttpClient;
let modMember: Member & { password: string };
let authorMember: Member & { password: string };

beforeAll(async () => {
  app = await startTestApp();
  authorMember = await createMember(app.db, { name: 'lionhill' });
  board = await createTestBoard(app.db);
  modMember = await createModerator(app.db, board, { name: '版主老王' });
  [author, mod, reader] = [app.client(), app.client(), app.client()];
  await logInClient(author, { name: 'lionhill', password: authorMember.password });
  await logInClient(mod, { name: '版主老王', password: modMember.password });
  await logInClient(reader, await createMember(app.db, { name: 'reader_1' }));
});
afterAll(() => app.close());

const newThread = (title = '出口管制的新聞', body = '<p>第一版內容</p>') => postThread(author, board, title, body);

describe('editing', () => {
  it('keeps every version and shows the banner naming the editor’s role, in both scripts', async () => {
    const post = await newThread();
    const own = await author.request('PATCH', `/api/posts/${post.id}`, { json: { body: '<p>第二版內容</p>', reason: '錯字' } });
    expect(own.status).toBe(200);
    expect(own.json.post).toMatchObject({ body: '<p>第二版內容</p>', editedBy: { name: 'lionhill', role: 'member' } });

    const traditional = await app.client().get(`/t/${post.id}`);
    expect(traditional.text).toMatch(/本帖於 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d 時間, 由普通用戶 lionhill 編輯/);
    const simplified = await app.client().get(`/zh-hans/t/${post.id}`);
    expect(simplified.text).toMatch(/本帖于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d 时间, 由普通用户 lionhill 编辑/);
    expect(simplified.text).toContain('<html lang="zh-Hans">');

    await mod.request('PATCH', `/api/posts/${post.id}`, { json: { title: '出口管制的新聞（已核實）', reason: '補充' } });
    expect((await app.client().get(`/t/${post.id}`)).text).toContain('由版主 版主老王 編輯');
    expect((await app.client().get(`/zh-hans/t/${post.id}`)).text).toContain('由版主 版主老王 编辑');

    const revisions = await app.client().get(`/api/posts/${post.id}/revisions`);
    expect(
      revisions.json.revisions.map(
        (v: { revision: number; title: string; body: string; by: { name: string; role: string }; reason: string | null }) => [
          v.revision,
          v.title,
          v.body,
          v.by.name,
          v.by.role,
          v.reason,
        ],
      ),
    ).toEqual([
      [2, '出口管制的新聞（已核實）', '<p>第二版內容</p>', '版主老王', 'moderator', '補充'],
      [1, '出口管制的新聞', '<p>第二版內容</p>', 'lionhill', 'member', '錯字'],
      [0, '出口管制的新聞', '<p>第一版內容</p>', 'lionhill', 'member', null],
    ]);
  });

  it('shows every version newest first on /t/:id/revisions, with a character diff, in both scripts', async () => {
    const post = await newThread('標題', '<p>只是方面的問題</p>');
    await author.request('PATCH', `/api/posts/${post.id}`, { json: { body: '<p>只是這方面的問題</p>' } });
    const page = await app.client().get(`/t/${post.id}/revisions`);
    expect(page.status).toBe(200);
    expect(page.text.indexOf('id="v1"')).toBeLessThan(page.text.indexOf('id="v0"'));
    expect(page.text).toContain('只是<ins>這</ins>方面的問題');
    expect(page.text).toContain('普通用戶 lionhill 修改於');
    expect(page.text).toContain('lionhill 發表於');
    const hans = await app.client().get(`/zh-hans/t/${post.id}/revisions`);
    expect(hans.text).toContain('修改记录');
    expect(hans.text).toContain('普通用户 lionhill 修改于');
  });

  it('goes through the sanitizer: an edit cannot inject HTML', async () => {
    const post = await newThread();
    const res = await author.request('PATCH', `/api/posts/${post.id}`, {
      json: {
        title: '<img src=x onerror=alert(1)>',
        body: '<p onmouseover="steal()">新</p><script>alert(1)</script><a href="javascript:x">l</a>',
      },
    });
    expect(res.json.post.body).toBe('<p>新</p>l');
    const page = await app.client().get(`/t/${post.id}`);
    expect(page.text).not.toMatch(/<img src=x|onmouseover|<script>alert/);
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('writes no version when nothing changed', async () => {
    const post = await newThread();
    const res = await author.request('PATCH', `/api/posts/${post.id}`, { json: { title: '出口管制的新聞' } });
    expect(res.json.post.editedAt).toBeNull();
    expect((await app.client().get(`/api/posts/${post.id}/revisions`)).json.revisions).toHaveLength(1);
  });

  it('edits through the form, keeping plain-text bodies plain in the edit box', async () => {
    const root = await author.postForm(`/b/${board.slug}/threads`, { title: '表單', body: '第一行\n第二行' });
    const id = root.headers.get('location')!.split('/').pop()!;
    const form = await author.get(`/t/${id}/edit`);
    expect(form.text).toContain('<textarea name="body" rows="12">第一行\n第二行</textarea>');
    const res = await author.postForm(`/t/${id}/edit`, { title: '表單', body: '第一行\n改過的第二行', reason: '' });
    expect(res.status).toBe(303);
    expect((await app.client().get(`/api/posts/${id}`)).json.post.body).toBe('<p>第一行<br />改過的第二行</p>');
  });

  it('honours the edit window for authors, not for moderators', async () => {
    const env = { DATABASE_URL: app.url, LOG_LEVEL: 'silent', EDIT_WINDOW_MINUTES: '10', RATE_LIMIT_MULTIPLIER: '1000' };
    const settings = createSettingsStore(app.db, env, { refreshMs: 0 });
    const server = http.createServer(createApp({ config: loadConfig(env), settings, db: app.db, log: createLogger('silent') }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const post = await newThread();
      await app.db
        .updateTable('posts')
        .set({ created_at: new Date(Date.now() - 11 * 60_000) })
        .where('id', '=', post.id)
        .execute();
      const patch = (client: HttpClient) =>
        fetch(`${base}/api/posts/${post.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', cookie: `gentie_session=${client.cookies.get('gentie_session')}` },
          body: JSON.stringify({ body: '太晚了' }),
        });
      const late = await patch(author);
      expect(late.status).toBe(403);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe('EditWindowClosed');
      expect((await patch(mod)).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('deleting', () => {
  it('leaves a tombstone in place; its follow-ups stay; only moderators see what it said', async () => {
    const root = await newThread();
    const middle = (await reader.post(`/api/posts/${root.id}/replies`, { title: '要刪的跟帖', body: '<p>秘密內容</p>' })).json.post;
    const child = (await author.post(`/api/posts/${middle.id}/replies`, { title: '它的跟帖' })).json.post;
    expect((await reader.request('DELETE', `/api/posts/${middle.id}`)).status).toBe(200);

    for (const [prefix, text] of [
      ['', '此帖已被作者刪除'],
      ['/zh-hans', '此帖已被作者删除'],
    ] as const) {
      const page = await app.client().get(`${prefix}/t/${root.id}`);
      expect(readTree(page.text, prefix ? '所有跟帖' : '所有跟帖')).toEqual([
        { id: middle.id, level: 1 },
        { id: child.id, level: 2 },
      ]);
      expect(page.text).toContain(text);
      expect(page.text).not.toContain('要刪的跟帖');
      expect(page.text).toContain('它的跟帖');
    }
    const api = (await reader.get(`/api/posts/${root.id}`)).json.replies[0];
    expect(api).toMatchObject({ id: middle.id, deleted: true, title: '', body: '', bytes: 0 });
    const single = await app.client().get(`/t/${middle.id}`);
    expect(single.text).not.toContain('秘密內容');

    const modView = await mod.get(`/t/${root.id}`);
    expect(modView.text).toContain('此帖已被作者刪除');
    expect(modView.text).toContain('<del class="title">要刪的跟帖</del>');
    expect((await mod.get(`/api/posts/${middle.id}`)).json.post.body).toBe('<p>秘密內容</p>');
  });

  it('names the moderator’s deletion and its reason; a moderator restores it', async () => {
    const root = await newThread();
    const bad = (await reader.post(`/api/posts/${root.id}/replies`, { title: '廣告帖' })).json.post;
    expect((await mod.request('DELETE', `/api/posts/${bad.id}`)).status).toBe(400); // a reason is required
    expect((await mod.request('DELETE', `/api/posts/${bad.id}`, { json: { reason: '廣告' } })).status).toBe(200);
    expect((await app.client().get(`/t/${root.id}`)).text).toContain('此帖已被版主刪除');
    expect((await app.client().get(`/zh-hans/t/${root.id}`)).text).toContain('此帖已被版主删除');
    expect((await app.client().get(`/t/${bad.id}`)).text).toContain('此帖已被版主刪除（廣告）');
    // Deleted: no replies to it, no edits of it.
    expect((await author.post(`/api/posts/${bad.id}/replies`, { title: 'x' })).status).toBe(409);
    expect((await mod.post(`/api/posts/${bad.id}/restore`)).status).toBe(200);
    expect((await app.client().get(`/t/${root.id}`)).text).toContain('廣告帖');
    expect((await mod.post(`/api/posts/${bad.id}/restore`)).json.error.code).toBe('PostNotDeleted');
  });
});

describe('review fixes', () => {
  it('does not show a deleted post in the edit form to members', async () => {
    const post = await newThread('秘密', '<p>刪掉的內容</p>');
    await author.request('DELETE', `/api/posts/${post.id}`);
    const res = await reader.get(`/t/${post.id}/edit`);
    expect(res.status).toBe(409);
    expect(res.text).not.toContain('刪掉的內容');
    const other = await newThread('別人的');
    expect((await reader.get(`/t/${other.id}/edit`)).status).toBe(403);
  });

  it('refuses to close reports of another board through a ban', async () => {
    const elsewhere = await createTestBoard(app.db);
    const post = (await author.post(`/api/boards/${elsewhere.slug}/threads`, { title: '別版' })).json.post;
    await reader.post(`/api/posts/${post.id}/report`, { reason: 'x' });
    const res = await mod.post(`/api/boards/${board.slug}/bans`, { username: 'lionhill', days: 1, reason: 'x', postId: post.id });
    expect(res.status).toBe(400);
    const open = await app.db.selectFrom('reports').select('id').where('post_id', '=', post.id).where('resolved_at', 'is', null).execute();
    expect(open).toHaveLength(1);
    expect(
      (await mod.post(`/api/boards/${board.slug}/bans`, { username: 'lionhill', days: 1, reason: 'x', postId: '9'.repeat(25) })).status,
    ).toBe(400);
  });
});

describe('threads: lock, pin, feature', () => {
  it('a locked thread says so on the page and in the API, and refuses replies', async () => {
    const root = await newThread();
    expect((await mod.post(`/api/threads/${root.id}/lock`)).json.thread).toMatchObject({ locked: true });
    expect((await app.client().get(`/api/posts/${root.id}`)).json.thread.locked).toBe(true);
    expect((await reader.get(`/t/${root.id}`)).text).toContain('本帖已鎖定，不能再跟帖。');
    expect((await app.client().get(`/zh-hans/t/${root.id}`)).text).toContain('本帖已锁定，不能再跟帖。');
    expect((await reader.post(`/api/posts/${root.id}/replies`, { title: 'x' })).json.error.code).toBe('ThreadLocked');
    // Authors cannot change a locked thread either; moderators can.
    expect((await author.request('PATCH', `/api/posts/${root.id}`, { json: { title: 'y' } })).status).toBe(403);
    await mod.post(`/api/threads/${root.id}/unlock`);
    expect((await reader.post(`/api/posts/${root.id}/replies`, { title: 'x' })).status).toBe(201);
  });

  it('pinned threads come first on the board; featured ones are marked and can be listed alone', async () => {
    const own = await createTestBoard(app.db, { moderators: [modMember.name] });
    const ids: string[] = [];
    for (const title of ['一', '二', '三']) ids.push((await author.post(`/api/boards/${own.slug}/threads`, { title })).json.post.id);
    await mod.post(`/api/threads/${ids[0]}/pin`);
    await mod.post(`/api/threads/${ids[1]}/feature`);
    const list = (await app.client().get(`/api/boards/${own.slug}/threads`)).json.threads;
    expect(list.map((t: { post: { id: string } }) => t.post.id)).toEqual([ids[0], ids[2], ids[1]]);
    expect(list.map((t: { pinned: boolean; featured: boolean }) => [t.pinned, t.featured])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
    const featured = await app.client().get(`/b/${own.slug}/featured`);
    expect(featured.text).toContain(`id="p${ids[1]}"`);
    expect(featured.text).not.toContain(`id="p${ids[0]}"`);
    const boardPage = (await app.client().get(`/b/${own.slug}`)).text;
    expect(boardPage).toContain('[精]');
    expect(boardPage).toContain('[置頂]');
  });

  it('records each change as a thread event', async () => {
    const root = await newThread();
    await author.request('PATCH', `/api/posts/${root.id}`, { json: { body: 'x' } });
    await mod.post(`/api/threads/${root.id}/lock`);
    await mod.request('DELETE', `/api/posts/${root.id}`, { json: { reason: 'r' } });
    await mod.post(`/api/posts/${root.id}/restore`);
    const events = await app.db
      .selectFrom('thread_events')
      .select(['seq', 'kind'])
      .where('thread_id', '=', root.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.kind)).toEqual(['post:new', 'post:edit', 'thread:lock', 'post:delete', 'post:restore']);
  });
});

describe('reports', () => {
  it('reach the board’s moderators only, count reporters, and close when acted on', async () => {
    const root = await newThread('被舉報的帖子');
    const others = [app.client(), app.client()];
    for (const c of others) await logInClient(c, await createMember(app.db));
    for (const c of [reader, ...others]) expect((await c.post(`/api/posts/${root.id}/report`, { reason: '廣告' })).status).toBe(201);
    const again = await reader.post(`/api/posts/${root.id}/report`, { reason: '再報' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('AlreadyReported');

    expect((await reader.get(`/api/boards/${board.slug}/reports`)).status).toBe(403);
    const queue = (await mod.get(`/api/boards/${board.slug}/reports`)).json.reports;
    const entry = queue.find((e: { post: { id: string } }) => e.post.id === root.id);
    expect(entry.count).toBe(3);
    expect(entry.reports.map((r: { reporter: string }) => r.reporter)).toContain('reader_1');
    const page = await mod.get(`/b/${board.slug}/reports`);
    expect(page.text).toContain('3 人舉報');
    expect(page.text).toContain('舉報人：reader_1');
    // The reporter's name appears nowhere a member can see.
    expect((await author.get(`/t/${root.id}`)).text).not.toContain('reader_1');

    // Deleting from the queue closes the reports, and the log says who did what, and why.
    const del = await mod.postForm(`/t/${root.id}/delete`, { reason: '確認是廣告', back: `/b/${board.slug}/reports` });
    expect(del.status).toBe(303);
    expect(del.headers.get('location')).toBe(`/b/${board.slug}/reports`);
    const after = (await mod.get(`/api/boards/${board.slug}/reports`)).json.reports;
    expect(after.find((e: { post: { id: string } }) => e.post.id === root.id)).toBeUndefined();
    const log = (await mod.get(`/api/boards/${board.slug}/log`)).json.entries[0];
    expect(log).toMatchObject({ action: 'delete', actor: { name: '版主老王', role: 'moderator' }, postId: root.id, reason: '確認是廣告' });
    const logPage = await mod.get(`/b/${board.slug}/log`);
    expect(logPage.text).toContain('版主 版主老王');
    expect(logPage.text).toContain('確認是廣告');
  });

  it('can be dismissed, or answered with a ban of the author, from the queue', async () => {
    const a = await newThread('A');
    const b = await newThread('B');
    await reader.post(`/api/posts/${a.id}/report`, { reason: 'x' });
    await reader.post(`/api/posts/${b.id}/report`, { reason: 'y' });
    expect((await mod.postForm(`/b/${board.slug}/reports/${a.id}/dismiss`, {})).status).toBe(303);
    const ban = await mod.postForm(`/b/${board.slug}/bans`, { username: 'lionhill', postId: b.id, days: '1', reason: '屢次廣告' });
    expect(ban.status).toBe(303);
    const left = (await mod.get(`/api/boards/${board.slug}/reports`)).json.reports.map((e: { post: { id: string } }) => e.post.id);
    expect(left).not.toContain(a.id);
    expect(left).not.toContain(b.id);
    const refused = await author.post(`/api/boards/${board.slug}/threads`, { title: 'x' });
    // The reason is quoted in the reader's words (`localized`), not in the English message.
    expect(refused.json.error.localized).toContain('屢次廣告');
    expect(refused.json.error.message).not.toContain('屢次廣告');
  });
});
