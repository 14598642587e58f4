import type { HttpClient, TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { createTestBoard, memberClient, postReply, postThread } from '../factories';
import { snapshot } from '../helpers/rows';
import { noticesOf } from './helpers';

// GET /api/notifications and POST /api/notifications/read: the contract's shape, the reader's
// words, keyset pages, and bad input answered with a clear 400/404 that changes nothing.

let app: TestApp;
let board: { slug: string };
let owner: HttpClient;
let ownerId: string;
let other: HttpClient;
let otherName: string;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  owner = app.client();
  ownerId = (await memberClient(app.db, owner)).id;
  other = app.client();
  otherName = (await memberClient(app.db, other, { name: '回帖者' })).name;
});
afterAll(() => app.close());

const TABLES = ['notifications', 'thread_mutes'] as const;

describe('GET /api/notifications', () => {
  let root: { id: string };
  let reply: { id: string };
  beforeAll(async () => {
    root = await postThread(owner, board, '软件问题');
    reply = await postReply(other, root.id, '我来回答');
  });

  it('lists them newest first, in the contract’s shape, worded in the reader’s script', async () => {
    const res = await owner.get('/api/notifications', { 'accept-language': 'zh-TW' });
    expect(res.status).toBe(200);
    const [id] = (await noticesOf(app.db, ownerId)).map((n) => n.id);
    expect(res.json).toEqual({
      notifications: [
        {
          id,
          kind: 'reply',
          actor: { name: otherName, role: 'member' },
          threadId: root.id,
          postId: reply.id,
          title: '軟體問題',
          text: '回帖者 回覆了您的帖子：我來回答',
          url: `/t/${root.id}?at=${reply.id}#p${reply.id}`,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          readAt: null,
        },
      ],
      nextCursor: null,
      unread: 1,
    });
    const hans = await owner.get('/api/notifications', { 'accept-language': 'zh-CN' });
    expect(hans.json.notifications[0].text).toBe('回帖者 回复了您的帖子：我来回答');
  });

  it('pages by cursor', async () => {
    for (let i = 0; i < 31; i++) await postReply(other, root.id, `第${i}條`);
    const first = await owner.get('/api/notifications');
    expect(first.json.notifications).toHaveLength(30);
    expect(first.json.unread).toBe(32);
    const second = await owner.get(`/api/notifications?cursor=${first.json.nextCursor}`);
    expect(second.json.notifications).toHaveLength(2);
    expect(second.json.nextCursor).toBeNull();
    const ids = [...first.json.notifications, ...second.json.notifications].map((n: { id: string }) => n.id);
    expect(ids).toEqual((await noticesOf(app.db, ownerId)).map((n) => n.id).reverse());
  });

  it('refuses a bad cursor and a reader who is not logged in', async () => {
    for (const q of ['cursor=abc', 'cursor=-1', 'cursor=1.5', 'cursor=', 'cursor=1&cursor=2']) {
      const res = await owner.get(`/api/notifications?${q}`);
      expect([res.status, res.json.error.code]).toEqual([400, 'ValidationFailed']);
    }
    const anonymous = await app.client().get('/api/notifications');
    expect([anonymous.status, anonymous.json.error.code]).toEqual([401, 'NotLoggedIn']);
  });
});

describe('POST /api/notifications/read', () => {
  it('marks the ids given, then all of them', async () => {
    const ids = (await noticesOf(app.db, ownerId)).map((n) => n.id);
    const res = await owner.post('/api/notifications/read', { ids: [ids[0], Number(ids[1])] });
    expect(res.json).toEqual({ read: 2 });
    expect((await owner.get('/api/notifications')).json.unread).toBe(ids.length - 2);
    expect((await owner.post('/api/notifications/read', { ids: [ids[0]] })).json).toEqual({ read: 0 });
    expect((await owner.post('/api/notifications/read')).json).toEqual({ read: ids.length - 2 });
    expect((await owner.get('/api/notifications')).json.unread).toBe(0);
  });

  it("refuses another member's ids and unknown ids with a 404, changing nothing", async () => {
    const theirs = await postThread(other, board, '別人的');
    await postReply(owner, theirs.id, '回覆別人');
    const [foreign] = (
      await noticesOf(app.db, (await app.db.selectFrom('users').select('id').where('name', '=', otherName).executeTakeFirstOrThrow()).id)
    ).map((n) => n.id);
    await app.db.updateTable('notifications').set({ read_at: null }).where('member_id', '=', ownerId).execute();
    const [mine] = (await noticesOf(app.db, ownerId)).map((n) => n.id);
    const before = await snapshot(app.db, TABLES);
    for (const ids of [[foreign], [mine, foreign], ['999999999']]) {
      const res = await owner.post('/api/notifications/read', { ids });
      expect([res.status, res.json.error.code]).toEqual([404, 'NotificationNotFound']);
      expect(res.json.error.localized).toBe('找不到這條通知。');
    }
    expect(await snapshot(app.db, TABLES)).toEqual(before);
  });

  it('refuses wrong types with a 400 naming the field, changing nothing', async () => {
    const before = await snapshot(app.db, TABLES);
    for (const body of [
      { ids: 'all' },
      { ids: [true] },
      { ids: ['abc'] },
      { ids: [-3] },
      { ids: [1.5] },
      { ids: {} },
      { ids: null },
      { ids: Array(201).fill('1') },
    ]) {
      const res = await owner.post('/api/notifications/read', body);
      expect([res.status, res.json.error.code]).toEqual([400, 'ValidationFailed']);
      expect(res.json.error.message).toMatch(/^ids/);
    }
    const form = await owner.request('POST', '/api/notifications/read', { form: { ids: '1' } });
    expect(form.status).toBe(415);
    const broken = await owner.request('POST', '/api/notifications/read', { raw: '{"ids":[', contentType: 'application/json' });
    expect(broken.status).toBe(400);
    expect((await app.client().post('/api/notifications/read', {})).status).toBe(401);
    expect(await snapshot(app.db, TABLES)).toEqual(before);
  });
});
