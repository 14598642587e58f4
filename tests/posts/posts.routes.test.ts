import type { HttpClient, Reply, TestApp } from '../helpers/app';
import { readTree } from '../helpers/tree';
import { createTestBoard, memberClient, postReply, postThread, startBoardApp } from '../factories';
import { countRows } from '../helpers/rows';

let app: TestApp;
let alice: HttpClient;
let bob: HttpClient;
let board: { slug: string };

beforeAll(async () => {
  ({ app, board, writer: alice } = await startBoardApp({ board: { name: '生活版' }, writer: { name: 'alice_w' } }));
  bob = app.client();
  await memberClient(app.db, bob, { name: '霧蒙蒙雨霏霏' });
});
afterAll(() => app.close());

describe('starting threads and replying', () => {
  it('starts a thread and answers 201 with the post in the contract shape', async () => {
    const res = await alice.post(`/api/boards/${board.slug}/threads`, { title: '  周末  去爬山 ', body: '<p>天氣很好</p>' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/t/${res.json.post.id}`);
    expect(res.json.post).toEqual({
      id: expect.stringMatching(/^\d+$/),
      threadId: res.json.post.id,
      parentId: null,
      depth: 0,
      title: '周末 去爬山',
      body: '<p>天氣很好</p>',
      bytes: 19,
      author: { name: 'alice_w', role: 'member' },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      editedAt: null,
      editedBy: null,
      deleted: false,
      replyCount: 0,
      // What its author wrote, given back to them (a body sent without a format with a tag in it is HTML).
      format: 'html',
      source: '<p>天氣很好</p>',
    });
  });

  it('takes a title-only follow-up: 0 bytes, shown as "(0 bytes)"', async () => {
    const root = await postThread(alice, board);
    const reply = await postReply(bob, root.id, '同感');
    expect(reply).toMatchObject({ bytes: 0, depth: 1, parentId: root.id, threadId: root.id });
    const page = await app.client().get(`/t/${root.id}`);
    expect(page.text).toMatch(new RegExp(`id="p${reply.id}"><a href="/t/${reply.id}" class="title">同感</a>.*?\\(0 bytes\\)`));
  });

  it('answers a follow-up with the post as stored (it is not read back: posts.service reply)', async () => {
    const root = await postThread(alice, board);
    const parent = await postReply(alice, root.id, '上一層');
    const res = await bob.post(`/api/posts/${parent.id}/replies`, { title: ' 回覆 ', body: '<p>@alice_w 你好</p>' });
    expect(res.status).toBe(201);
    // As its author reads it (with what was written: format and source).
    const stored = (await bob.get(`/api/posts/${res.json.post.id}`)).json.post;
    expect(res.json.post).toEqual(stored);
    expect(res.json.post).toMatchObject({
      parentId: parent.id,
      threadId: root.id,
      depth: 2,
      title: '回覆',
      author: { name: '霧蒙蒙雨霏霏' },
    });
    expect(res.json.post.body).toContain('href="/u/');
  });

  it('counts bytes as UTF-8 of what was written, not of the stored HTML: CJK 3, emoji 4', async () => {
    const root = await postThread(alice, board);
    const reply = await postReply(bob, root.id, '表情', '跟帖😀');
    // Written as 跟帖😀: 6 + 4 bytes (stored as <p>跟帖😀</p>).
    expect(reply.bytes).toBe(10);
    expect((await app.client().get(`/api/posts/${reply.id}`)).json.post.body).toBe('<p>跟帖😀</p>');
  });

  it('sanitizes bodies on write: hostile HTML is gone from the HTML served', async () => {
    const hostile = '<p>ok</p><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:x">l</a>';
    const root = await postThread(alice, board, 'xss', hostile);
    const row = await app.db.selectFrom('posts').select(['body', 'bytes']).where('id', '=', root.id).executeTakeFirstOrThrow();
    expect(row.body).toBe('<p>ok</p>l');
    // "(N bytes)" counts what was written (kept as the source, for its author to edit; never served as HTML).
    expect(row.bytes).toBe(Buffer.byteLength(hostile));
  });

  it('keeps a title with markup as text on the page', async () => {
    const root = await postThread(alice, board, '<script>alert(1)</script>');
    const page = await app.client().get(`/t/${root.id}`);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert(1)');
  });

  it('replies at any depth and returns the subtree in display order, whatever order replies arrived in', async () => {
    const root = await postThread(alice, board, '樹');
    const a = await postReply(bob, root.id, 'A');
    const b = await postReply(alice, root.id, 'B');
    const a1 = await postReply(alice, a.id, 'A1');
    const b1 = await postReply(bob, b.id, 'B1');
    const a2 = await postReply(bob, a.id, 'A2');
    const a1x = await postReply(bob, a1.id, 'A1x');
    const a1xy = await postReply(alice, a1x.id, 'A1xy');
    const res = await app.client().get(`/api/posts/${root.id}`);
    expect(res.json.replies.map((p: { title: string; depth: number }) => `${p.title}:${p.depth}`)).toEqual([
      'A:1',
      'A1:2',
      'A1x:3',
      'A1xy:4',
      'A2:2',
      'B:1',
      'B1:2',
    ]);
    expect(res.json.post.replyCount).toBe(7);
    expect(res.json.thread).toMatchObject({ replyCount: 7, locked: false, seq: 8 });
    expect(res.json.replies[0]).toMatchObject({ id: a.id, replyCount: 4 });

    // The page nests them the same way.
    const page = await app.client().get(`/t/${root.id}`);
    expect(readTree(page.text, '所有跟帖')).toEqual([
      { id: a.id, level: 1 },
      { id: a1.id, level: 2 },
      { id: a1x.id, level: 3 },
      { id: a1xy.id, level: 4 },
      { id: a2.id, level: 2 },
      { id: b.id, level: 1 },
      { id: b1.id, level: 2 },
    ]);

    // A follow-up's page shows its own subtree only, with links to the root and the parent.
    const sub = await app.client().get(`/api/posts/${a1.id}`);
    expect(sub.json.replies.map((p: { id: string }) => p.id)).toEqual([a1x.id, a1xy.id]);
    const subPage = await app.client().get(`/t/${a1.id}`);
    expect(readTree(subPage.text, '所有跟帖')).toEqual([
      { id: a1x.id, level: 1 },
      { id: a1xy.id, level: 2 },
    ]);
    expect(subPage.text).toContain(`href="/t/${root.id}"`);
    expect(subPage.text).toContain(`href="/t/${a.id}">上一帖</a>`);
  });

  it('writes one thread event per post and keeps the counters exact', async () => {
    const root = await postThread(alice, board);
    for (let i = 0; i < 3; i++) await postReply(bob, root.id, `r${i}`);
    const events = await app.db
      .selectFrom('thread_events')
      .select(['seq', 'kind'])
      .where('thread_id', '=', root.id)
      .orderBy('seq')
      .execute();
    expect(events).toEqual([1, 2, 3, 4].map((seq) => ({ seq: String(seq), kind: 'post:new' })));
    const state = await app.db.selectFrom('threads').selectAll().where('thread_id', '=', root.id).executeTakeFirstOrThrow();
    expect(state).toMatchObject({ reply_count: 3, seq: '4' });
  });
});

describe('refusals change nothing', () => {
  let root: { id: string };
  beforeAll(async () => {
    root = await postThread(alice, board, 'refusals');
  });

  async function expectRefused(request: Promise<Reply>, status: number, code: string) {
    const [posts, events] = [await countRows(app.db, 'posts'), await countRows(app.db, 'thread_events')];
    const res = await request;
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.message.length).toBeGreaterThan(5);
    expect([await countRows(app.db, 'posts'), await countRows(app.db, 'thread_events')]).toEqual([posts, events]);
  }

  it('401 for a reader who is not logged in', async () => {
    await expectRefused(app.client().post(`/api/posts/${root.id}/replies`, { title: 'anon' }), 401, 'NotLoggedIn');
    await expectRefused(app.client().post(`/api/boards/${board.slug}/threads`, { title: 'anon' }), 401, 'NotLoggedIn');
  });

  it('409 for a reply in a locked thread', async () => {
    const locked = await postThread(alice, board, 'locked');
    await app.db.updateTable('threads').set({ locked: true }).where('thread_id', '=', locked.id).execute();
    await expectRefused(bob.post(`/api/posts/${locked.id}/replies`, { title: 'late' }), 409, 'ThreadLocked');
    const state = await app.db
      .selectFrom('threads')
      .select(['reply_count', 'seq'])
      .where('thread_id', '=', locked.id)
      .executeTakeFirstOrThrow();
    expect(state).toEqual({ reply_count: 0, seq: '1' });
  });

  it('409 for a reply to a deleted post', async () => {
    const gone = await postReply(bob, root.id, 'to be deleted');
    await app.db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', gone.id).execute();
    await expectRefused(alice.post(`/api/posts/${gone.id}/replies`, { title: 'x' }), 409, 'PostDeleted');
  });

  it.each([
    ['a missing post', '99999999', 404, 'PostNotFound'],
    ['a non-numeric id', 'abc', 404, 'PostNotFound'],
    ['an id beyond bigint', '99999999999999999999999', 404, 'PostNotFound'],
    ['SQL in the id', '1;drop table posts', 404, 'PostNotFound'],
  ])('404 for a reply to %s', async (_what, id, status, code) => {
    await expectRefused(bob.post(`/api/posts/${encodeURIComponent(id)}/replies`, { title: 'x' }), status, code);
  });

  it('404 for a thread in a missing board', async () => {
    await expectRefused(alice.post('/api/boards/no-such-board/threads', { title: 'x' }), 404, 'BoardNotFound');
  });

  it.each([
    ['no title', { body: 'x' }],
    ['an empty title', { title: '   ' }],
    ['a number as title', { title: 42 }],
    ['an object as body', { title: 't', body: { html: 'x' } }],
    ['a 101-character title', { title: '長'.repeat(101) }],
    ['a bidi override in the title', { title: 'abc\u202edef' }],
  ])('400 for %s', async (_what, body) => {
    await expectRefused(bob.post(`/api/posts/${root.id}/replies`, body), 400, 'ValidationFailed');
  });

  it('413 for a body over 100,000 bytes as written, never truncated', async () => {
    await expectRefused(bob.post(`/api/posts/${root.id}/replies`, { title: 'long', body: '長'.repeat(40_000) }), 413, 'PayloadTooLarge');
  });

  it('accepts a body just under the limit', async () => {
    const reply = await postReply(bob, root.id, 'long', 'a'.repeat(100_000));
    expect(reply.bytes).toBe(100_000);
  });
});

describe('pages', () => {
  it('asks a reader who is not logged in to log in where the reply form would be', async () => {
    const root = await postThread(alice, board);
    const page = await app.client().get(`/t/${root.id}`);
    expect(page.text).toContain('請您先登陸,再發跟帖!');
    expect(page.text).not.toContain(`action="/t/${root.id}/reply"`);
    const member = await alice.get(`/t/${root.id}`);
    expect(member.text).not.toContain('請您先登陸,再發跟帖!');
    expect(member.text).toContain(`action="/t/${root.id}/reply"`);
  });

  it('shows a locked thread as locked, without a reply form', async () => {
    const root = await postThread(alice, board);
    await app.db.updateTable('threads').set({ locked: true }).where('thread_id', '=', root.id).execute();
    const page = await alice.get(`/t/${root.id}`);
    expect(page.text).toContain('本帖已鎖定，不能再跟帖。');
    expect(page.text).not.toContain(`action="/t/${root.id}/reply"`);
  });

  it('posts a reply through the form and lands on the thread at the new post', async () => {
    const root = await postThread(alice, board);
    const res = await bob.postForm(`/t/${root.id}/reply`, { title: '表單回覆', body: '第一行\n第二行' });
    expect(res.status).toBe(303);
    const [, threadId, postId] = res.headers.get('location')!.match(/^\/t\/(\d+)\?at=(\d+)#p\2$/)!;
    expect(threadId).toBe(root.id);
    const post = (await app.client().get(`/api/posts/${postId}`)).json.post;
    expect(post).toMatchObject({ title: '表單回覆', body: '<p>第一行<br />第二行</p>', parentId: root.id });
  });

  it('shows a refused form again with the message and what was typed', async () => {
    const root = await postThread(alice, board);
    const res = await bob.postForm(`/t/${root.id}/reply`, { title: '', body: '保留這段文字' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-code="ValidationFailed">標題：必須填寫。</p>');
    expect(res.text).toContain('保留這段文字');
  });

  it('answers a form post from a reader who is not logged in with a 401 page', async () => {
    const root = await postThread(alice, board);
    const res = await app.client().postForm(`/t/${root.id}/reply`, { title: 'x' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('<!doctype html>');
    expect(res.text).toContain(`href="/login?next=${encodeURIComponent(`/t/${root.id}/reply`)}"`);
  });

  it('answers a missing post with a 404 page', async () => {
    const res = await app.client().get('/t/987654321');
    expect(res.status).toBe(404);
    expect(res.text).toContain('沒有編號為 987654321 的帖子。');
  });
});

describe('the rendered tree is reused, never stale', () => {
  it('shows every change to the thread on the next page view', async () => {
    const root = await postThread(alice, board, '快取');
    const reader = app.client();
    const first = await postReply(bob, root.id, '第一條');
    expect((await reader.get(`/t/${root.id}`)).text).toContain('第一條'); // rendered and kept
    expect((await reader.get(`/t/${root.id}`)).text).toContain('第一條'); // served from the cache
    const second = await postReply(bob, first.id, '第二條');
    expect(readTree((await reader.get(`/t/${root.id}`)).text, '所有跟帖')).toEqual([
      { id: first.id, level: 1 },
      { id: second.id, level: 2 },
    ]);
    await bob.request('PATCH', `/api/posts/${second.id}`, { json: { title: '改過的第二條' } });
    expect((await reader.get(`/t/${root.id}`)).text).toContain('改過的第二條');
    await bob.request('DELETE', `/api/posts/${second.id}`);
    const after = (await reader.get(`/t/${root.id}`)).text;
    expect(after).not.toContain('改過的第二條');
    expect(after).toContain('此帖已被作者刪除');
    // Each variant has its own tree.
    expect((await reader.get(`/zh-hans/t/${root.id}`)).text).toContain('第一条');
  });
});

describe('the board index', () => {
  it('lists threads by latest activity, each with its follow-up tree, 20 a page', async () => {
    const own = await createTestBoard(app.db);
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) {
      ids.push((await alice.post(`/api/boards/${own.slug}/threads`, { title: `thread ${i}` })).json.post.id);
    }
    // A reply moves the oldest thread to the top.
    const r = await postReply(bob, ids[0]!, '頂');
    const rr = await postReply(alice, r.id, '再頂');
    const first = await app.client().get(`/api/boards/${own.slug}/threads`);
    expect(first.json).toMatchObject({ page: 1, pages: 2, total: 21 });
    expect(first.json.threads.map((t: { post: { id: string } }) => t.post.id)).toEqual([ids[0], ...ids.slice(2).reverse()]);
    const second = await app.client().get(`/api/boards/${own.slug}/threads?page=2`);
    expect(second.json.threads.map((t: { post: { id: string } }) => t.post.id)).toEqual([ids[1]]);

    const page = await app.client().get(`/b/${own.slug}`);
    expect(page.status).toBe(200);
    expect(readTree(page.text, `id="p${ids[0]}"`)).toEqual([
      { id: r.id, level: 1 },
      { id: rr.id, level: 2 },
    ]);
    expect(page.text).toContain('rel="next" href="/b/');
  });

  it('refuses a bad page number', async () => {
    const res = await app.client().get(`/api/boards/${board.slug}/threads?page=zero`);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationFailed');
  });

  it('answers an unknown board with 404', async () => {
    expect((await app.client().get('/api/boards/nope/threads')).status).toBe(404);
    expect((await app.client().get('/b/nope')).status).toBe(404);
  });
});

describe('member pages', () => {
  it('lists a member’s threads and follow-ups, newest first', async () => {
    const carol = app.client();
    await memberClient(app.db, carol, { name: '山丘上的风' });
    const t1 = (await carol.post(`/api/boards/${board.slug}/threads`, { title: '第一帖' })).json.post;
    const t2 = (await carol.post(`/api/boards/${board.slug}/threads`, { title: '第二帖' })).json.post;
    const r1 = await postReply(carol, t1.id, '自己頂');
    const page = await app.client().get(`/u/${encodeURIComponent('山丘上的风')}`);
    expect(page.status).toBe(200);
    const threadsSection = page.text.slice(page.text.indexOf('發表的主題'), page.text.indexOf('發表的跟帖'));
    expect(threadsSection.indexOf(`id="p${t2.id}"`)).toBeLessThan(threadsSection.indexOf(`id="p${t1.id}"`));
    expect(page.text.slice(page.text.indexOf('發表的跟帖'))).toContain(`id="p${r1.id}"`);
    expect((await app.client().get('/u/nobody_here')).status).toBe(404);
  });
});
