import type { TestApp } from '../helpers/app';
import { createCast, createModerator, createTestBoard, logInClient, postReply, postThread } from '../factories';
import { startTestApp } from '../helpers/app';
import { kindsFor, noticesOf } from './helpers';

// Who is told of what: each trigger, written by the change's own transaction, and nobody told of
// their own action.

let app: TestApp;
let board: { slug: string };
let cast: Awaited<ReturnType<typeof createCast<'starter' | 'second' | 'third' | 'fan'>>>;
let moderator: Awaited<ReturnType<typeof createModerator>>;
let modClient: ReturnType<TestApp['client']>;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  cast = await createCast(app, ['starter', 'second', 'third', 'fan'] as const);
  moderator = await createModerator(app.db, board);
  modClient = app.client();
  await logInClient(modClient, moderator);
});
afterAll(() => app.close());

const m = () => cast.members;
const c = () => cast.clients;

describe('follow-ups', () => {
  it("tell a post's author of a direct reply, once: a reply to the starter is a 'reply', not also a 'thread-reply'", async () => {
    const root = await postThread(c().starter, board, '主題一');
    const reply = await postReply(c().second, root.id, '回覆樓主');
    expect(await kindsFor(app.db, m().starter.id, reply.id)).toEqual(['reply']);
    const [n] = (await noticesOf(app.db, m().starter.id)).filter((x) => x.post_id === reply.id);
    expect(n).toMatchObject({ actor_id: m().second.id, thread_id: root.id });
  });

  it("tell the thread's starter of a follow-up anywhere in it ('thread-reply') and the parent's author ('reply')", async () => {
    const root = await postThread(c().starter, board, '主題二');
    const first = await postReply(c().second, root.id, '第一層');
    const deep = await postReply(c().third, first.id, '第二層');
    expect(await kindsFor(app.db, m().second.id, deep.id)).toEqual(['reply']);
    expect(await kindsFor(app.db, m().starter.id, deep.id)).toEqual(['thread-reply']);
  });

  it('tell nobody of their own follow-ups', async () => {
    const root = await postThread(c().starter, board, '自言自語');
    const own = await postReply(c().starter, root.id, '自己跟自己');
    const ownDeeper = await postReply(c().starter, own.id, '再跟一帖');
    expect(await kindsFor(app.db, m().starter.id, own.id)).toEqual([]);
    expect(await kindsFor(app.db, m().starter.id, ownDeeper.id)).toEqual([]);
    // The starter answering someone in their own thread tells that someone, not the starter.
    const other = await postReply(c().second, root.id, '路過');
    const answer = await postReply(c().starter, other.id, '謝謝');
    expect(await kindsFor(app.db, m().second.id, answer.id)).toEqual(['reply']);
    expect(await kindsFor(app.db, m().starter.id, answer.id)).toEqual([]);
  });

  it('reach nobody who ignores the one replying', async () => {
    await app.db.insertInto('ignores').values({ member_id: m().starter.id, ignored_id: m().third.id }).execute();
    try {
      const root = await postThread(c().starter, board, '不想聽');
      const reply = await postReply(c().third, root.id, '偏要說');
      const mention = await postReply(c().third, reply.id, `@${m().starter.name} 聽到沒`);
      expect(await kindsFor(app.db, m().starter.id, reply.id)).toEqual([]);
      expect(await kindsFor(app.db, m().starter.id, mention.id)).toEqual([]);
    } finally {
      await app.db.deleteFrom('ignores').where('member_id', '=', m().starter.id).execute();
    }
  });

  it('respect a kind the member turned off', async () => {
    await app.db
      .updateTable('users')
      .set({ notify_prefs: JSON.stringify({ reply: false }) })
      .where('id', '=', m().second.id)
      .execute();
    try {
      const root = await postThread(c().second, board, '不要回覆通知');
      const reply = await postReply(c().third, root.id, '回覆');
      expect(await kindsFor(app.db, m().second.id, reply.id)).toEqual([]);
    } finally {
      await app.db.updateTable('users').set({ notify_prefs: '{}' }).where('id', '=', m().second.id).execute();
    }
  });
});

describe('muting a thread', () => {
  it("stops 'thread-reply' only: direct replies and mentions still notify, and unmuting brings it back", async () => {
    const root = await postThread(c().starter, board, '靜音測試');
    const first = await postReply(c().second, root.id, '一樓');
    expect((await c().starter.post(`/api/threads/${root.id}/mute`)).json).toEqual({ threadId: root.id, muted: true });

    const muted = await postReply(c().third, first.id, '靜音時跟帖');
    expect(await kindsFor(app.db, m().starter.id, muted.id)).toEqual([]);
    expect(await kindsFor(app.db, m().second.id, muted.id)).toEqual(['reply']);
    const direct = await postReply(c().third, root.id, '直接回覆樓主');
    expect(await kindsFor(app.db, m().starter.id, direct.id)).toEqual(['reply']);
    const mention = await postReply(c().third, first.id, `提一下 @${m().starter.name}`);
    expect(await kindsFor(app.db, m().starter.id, mention.id)).toEqual(['mention']);

    expect((await c().starter.post(`/api/threads/${root.id}/unmute`)).json).toEqual({ threadId: root.id, muted: false });
    const after = await postReply(c().third, first.id, '取消靜音後');
    expect(await kindsFor(app.db, m().starter.id, after.id)).toEqual(['thread-reply']);
  });

  it('works from the thread page without JavaScript (a form POST back to the page)', async () => {
    const root = await postThread(c().starter, board, '表單靜音');
    const page = await c().starter.get(`/zh-hans/t/${root.id}`);
    expect(page.text).toContain(`action="/zh-hans/t/${root.id}/mute"`);
    expect(page.text).toContain('不再提醒本主题的跟帖');
    const res = await c().starter.postForm(`/zh-hans/t/${root.id}/mute`, { back: `/zh-hans/t/${root.id}` });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/zh-hans/t/${root.id}`);
    const again = await c().starter.get(`/t/${root.id}`);
    expect(again.text).toContain(`action="/t/${root.id}/unmute"`);
    expect(await app.db.selectFrom('thread_mutes').selectAll().where('thread_id', '=', root.id).execute()).toHaveLength(1);
    // Readers who are not logged in get no button.
    expect((await app.client().get(`/t/${root.id}`)).text).not.toContain('/mute"');
  });

  it('refuses a follow-up, an unknown thread, a malformed id and a reader who is not logged in', async () => {
    const root = await postThread(c().starter, board, '只能靜音主題');
    const reply = await postReply(c().second, root.id, '跟帖');
    expect((await c().starter.post(`/api/threads/${reply.id}/mute`)).status).toBe(404);
    expect((await c().starter.post('/api/threads/999999999/mute')).json.error.code).toBe('PostNotFound');
    expect((await c().starter.post('/api/threads/abc/mute')).status).toBe(404);
    expect((await c().starter.post('/api/threads/1e9/unmute')).status).toBe(404);
    expect((await app.client().post(`/api/threads/${root.id}/mute`)).status).toBe(401);
    expect(await app.db.selectFrom('thread_mutes').selectAll().where('thread_id', '=', reply.id).execute()).toHaveLength(0);
  });
});

describe('following', () => {
  it("tells a member's followers of each thread they start, and nobody else", async () => {
    await app.db.insertInto('follows').values({ follower_id: m().fan.id, followee_id: m().second.id }).execute();
    const thread = await postThread(c().second, board, '新主題');
    expect(await kindsFor(app.db, m().fan.id, thread.id)).toEqual(['followed-thread']);
    expect(await kindsFor(app.db, m().third.id, thread.id)).toEqual([]);
    // A follow-up by the followed member is not a new thread.
    const reply = await postReply(c().second, thread.id, '自己跟帖');
    expect(await kindsFor(app.db, m().fan.id, reply.id)).toEqual([]);
  });
});

describe('moderation', () => {
  let post: { id: string; threadId: string };
  beforeAll(async () => {
    const root = await postThread(c().starter, board, '版務主題');
    post = await postReply(c().second, root.id, '要被處理的帖子', '內容');
  });

  it("tells the author a moderator edited their post ('post-edited'), not when they edit it themselves", async () => {
    expect((await c().second.request('PATCH', `/api/posts/${post.id}`, { json: { body: '自己改的' } })).status).toBe(200);
    expect(await kindsFor(app.db, m().second.id, post.id)).toEqual([]);
    expect((await modClient.request('PATCH', `/api/posts/${post.id}`, { json: { body: '版主改的', reason: '排版' } })).status).toBe(200);
    const [n] = (await noticesOf(app.db, m().second.id)).filter((x) => x.post_id === post.id);
    expect(n).toMatchObject({ kind: 'post-edited', actor_id: moderator.id, data: { role: 'moderator', reason: '排版' } });
  });

  it('tells each reporter their report was handled, and the author of the deletion and its reason', async () => {
    expect((await c().third.post(`/api/posts/${post.id}/report`, { reason: '廣告' })).status).toBe(201);
    expect((await c().fan.post(`/api/posts/${post.id}/report`, { reason: '灌水' })).status).toBe(201);
    expect((await modClient.request('DELETE', `/api/posts/${post.id}`, { json: { reason: '廣告帖' } })).status).toBe(200);
    for (const reporter of [m().third, m().fan]) {
      const handled = (await noticesOf(app.db, reporter.id)).filter((x) => x.kind === 'report-handled' && x.post_id === post.id);
      expect(handled).toHaveLength(1);
      expect(handled[0]!.data).toEqual({ resolution: 'deleted' });
    }
    const deleted = (await noticesOf(app.db, m().second.id)).filter((x) => x.kind === 'post-deleted');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({ post_id: post.id, actor_id: moderator.id, data: { reason: '廣告帖', role: 'moderator' } });
  });

  it('tells a reporter of a dismissed report', async () => {
    const other = await postReply(c().second, post.threadId, '沒問題的帖子');
    await c().third.post(`/api/posts/${other.id}/report`, { reason: '看錯了' });
    expect((await modClient.post(`/api/posts/${other.id}/reports/dismiss`, {})).status).toBe(200);
    const [n] = (await noticesOf(app.db, m().third.id)).filter((x) => x.kind === 'report-handled' && x.post_id === other.id);
    expect(n!.data).toEqual({ resolution: 'dismissed' });
  });

  it("tells a banned member why and until when ('banned'), even if they ignore the moderator", async () => {
    await app.db.insertInto('ignores').values({ member_id: m().fan.id, ignored_id: moderator.id }).execute();
    const res = await modClient.post(`/api/boards/${board.slug}/bans`, { username: m().fan.name, days: 3, reason: '刷屏' });
    expect(res.status).toBe(201);
    const [n] = (await noticesOf(app.db, m().fan.id)).filter((x) => x.kind === 'banned');
    expect(n).toMatchObject({ actor_id: moderator.id, data: { reason: '刷屏', board: board.slug } });
    const until = new Date(String(n!.data.until)).getTime();
    expect(Math.abs(until - (Date.now() + 3 * 86400_000))).toBeLessThan(60_000);
  });

  it('tells the author nothing when they delete their own post', async () => {
    const own = await postReply(c().third, post.threadId, '我自己刪');
    expect((await c().third.request('DELETE', `/api/posts/${own.id}`, { json: {} })).status).toBe(200);
    expect(await kindsFor(app.db, m().third.id, own.id)).toEqual([]);
  });
});
