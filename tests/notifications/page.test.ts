import type { HttpClient, TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { createTestBoard, memberClient, postReply, postThread } from '../factories';
import { noticesOf } from './helpers';

// /notifications: newest first, grouped per thread, in the reader's script (names as written),
// each link marking its notification read on the way to the follow-up; "mark all read"; the
// header's count drops; older pages by keyset.

let app: TestApp;
let board: { slug: string };
let starter: HttpClient;
let starterId: string;
let poster: HttpClient;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  starter = app.client();
  starterId = (await memberClient(app.db, starter, { name: 'starter_1' })).id;
  poster = app.client();
  // A simplified name: it must never be shown converted.
  await memberClient(app.db, poster, { name: '发帖人' });
});
afterAll(() => app.close());

const unreadBadge = (html: string) => /data-unread="notifications"[^>]*>([^<]*)</.exec(html)?.[1];

describe('the notifications page', () => {
  let busy: { id: string };
  let quiet: { id: string };
  const replies: string[] = [];

  beforeAll(async () => {
    busy = await postThread(starter, board, '软件讨论');
    quiet = await postThread(starter, board, '另一个主题');
    for (const title of ['一', '二', '三']) replies.push((await postReply(poster, busy.id, `跟帖${title}`)).id);
    replies.push((await postReply(poster, quiet.id, '单独一条')).id);
  });

  it('groups follow-ups per thread, newest first, titles converted and names as written', async () => {
    const page = await starter.get('/zh-tw/notifications');
    expect(page.status).toBe(200);
    // The newest (the quiet thread's) comes first, then the busy thread's three as one group.
    const quietAt = page.text.indexOf('單獨一條');
    const groupAt = page.text.indexOf('3 條新跟帖：');
    expect(quietAt).toBeGreaterThan(0);
    expect(groupAt).toBeGreaterThan(quietAt);
    expect(page.text).toContain(`3 條新跟帖：<a href="/zh-tw/t/${busy.id}">軟體討論</a>`);
    expect(page.text).toContain('发帖人 回覆了您的帖子：跟帖一');
    expect(page.text).not.toContain('發帖人');
    // Each links through the route that marks it read.
    for (const n of await noticesOf(app.db, starterId)) expect(page.text).toContain(`href="/zh-tw/notifications/${n.id}"`);
    expect(unreadBadge(page.text)).toBe('4');
    // In simplified, the catalog's own words.
    expect((await starter.get('/zh-hans/notifications')).text).toContain('3 条新跟帖：');
  });

  it('marks one read when it is opened, on the way to the follow-up in its thread, and the header count drops', async () => {
    const [first] = (await noticesOf(app.db, starterId)).filter((n) => n.post_id === replies[0]);
    const res = await starter.get(`/zh-hans/notifications/${first!.id}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/zh-hans/t/${busy.id}?at=${replies[0]}#p${replies[0]}`);
    expect((await noticesOf(app.db, starterId)).find((n) => n.id === first!.id)!.read_at).not.toBeNull();
    const page = await starter.get('/notifications');
    expect(unreadBadge(page.text)).toBe('3');
    // And the thread it leads to has the follow-up's line.
    expect((await starter.get(`/t/${busy.id}`)).text).toContain(`id="p${replies[0]}"`);
  });

  it('marks them all read with one button', async () => {
    expect((await starter.get('/notifications')).text).toContain('action="/notifications/read"');
    const res = await starter.postForm('/zh-hans/notifications/read', {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/zh-hans/notifications');
    const page = await starter.get('/notifications');
    expect(unreadBadge(page.text)).toBe('0');
    expect(page.text).not.toContain('action="/notifications/read"');
    expect((await noticesOf(app.db, starterId)).every((n) => n.read_at !== null)).toBe(true);
  });

  it("answers another member's notification, or none, like a missing page, and asks a reader to log in", async () => {
    const [mine] = await noticesOf(app.db, starterId);
    await app.db.updateTable('notifications').set({ read_at: null }).where('id', '=', mine!.id).execute();
    const res = await poster.get(`/notifications/${mine!.id}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('找不到這條通知');
    expect((await noticesOf(app.db, starterId)).find((n) => n.id === mine!.id)!.read_at).toBeNull();
    expect((await starter.get('/notifications/99999999')).status).toBe(404);
    expect((await starter.get('/notifications/x1')).status).toBe(404);
    expect((await app.client().get('/notifications')).status).toBe(401);
    expect((await starter.get('/notifications?cursor=abc')).status).toBe(400);
  });

  it('pages older notifications by keyset, none twice and none missed', async () => {
    const root = await postThread(starter, board, '很多跟帖');
    for (let i = 0; i < 35; i++) await postReply(poster, root.id, `第${i}條`);
    const all = (await noticesOf(app.db, starterId)).map((n) => n.id).reverse();
    const first = await starter.get('/notifications');
    const cursor = /href="\/notifications\?cursor=(\d+)"/.exec(first.text)?.[1];
    expect(cursor).toBe(all[29]);
    const second = await starter.get(`/notifications?cursor=${cursor}`);
    const shown = (html: string) => [...html.matchAll(/href="\/notifications\/(\d+)"/g)].map((m) => m[1]);
    expect([...shown(first.text), ...shown(second.text)]).toEqual(all);
  });
});
