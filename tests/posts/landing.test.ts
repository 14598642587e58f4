import { type HttpClient, type Reply, type TestApp, startTestApp } from '../helpers/app';
import { createReply, createTestBoard, createThread, memberClient } from '../factories';
import { sleep } from '../helpers/live';
import type { Post } from '../../server/posts/posts.model';

// A returning reader who opens /t/:id plainly lands on the window holding the first follow-up new
// to them when the first window holds none (windows of 20 lines here); otherwise on the first
// window, as before. The visit is recorded once, by the plain request.

let app: TestApp;
let board: { slug: string };
beforeAll(async () => {
  app = await startTestApp({ env: { THREAD_WINDOW_LINES: '20' } });
  board = await createTestBoard(app.db);
});
afterAll(() => app.close());

const lineIds = (html: string) => [...html.matchAll(/<span class="line[^"]*" id="p(\d+)"/g)].map((m) => m[1]!);
const newMarked = (html: string) => [...html.matchAll(/id="p(\d+)"><(?:a|span) class="new-mark"/g)].map((m) => m[1]!);
const topLink = (html: string) => /<a href="([^"]+)" rel="start">/.exec(html)?.[1]?.replace(/&amp;/g, '&');

/** A thread of 25 follow-ups to the root: the first window holds 20 of them. */
async function longThread(): Promise<{ root: Post; replies: Post[] }> {
  const root = await createThread(app.db, { board, title: '長帖' });
  const replies: Post[] = [];
  for (let i = 0; i < 25; i++) replies.push(await createReply(app.db, root.id, { title: `第${i}條` }));
  return { root, replies };
}

/** The member's position in the thread, once `ok` (it is written while the page goes out). */
async function positionOf(memberId: string, threadId: string, ok: (seen: string | undefined) => boolean) {
  const read = async () =>
    (
      await app.db
        .selectFrom('thread_reads')
        .select('seen_post_id')
        .where('user_id', '=', memberId)
        .where('thread_id', '=', threadId)
        .executeTakeFirst()
    )?.seen_post_id;
  let seen = await read();
  for (let i = 0; i < 40 && !ok(seen); i++) {
    await sleep(25);
    seen = await read();
  }
  return seen;
}

/** Opens the thread plainly as a page; the page must be a 200. */
async function firstWindow(client: HttpClient, rootId: string): Promise<Reply> {
  const page = await client.get(`/t/${rootId}`);
  expect(page.status).toBe(200);
  return page;
}

describe('a member coming back to a long thread', () => {
  let reader: HttpClient;
  let readerId: string;
  beforeAll(async () => {
    reader = app.client();
    readerId = (await memberClient(app.db, reader, { name: 'landing_reader' })).id;
  });

  it('lands on the window holding the first new follow-up in display order when the first window holds none', async () => {
    const { root, replies } = await longThread();
    await firstWindow(reader, root.id);
    const before = await positionOf(readerId, root.id, (s) => s === replies[24]!.id);
    expect(before).toBe(replies[24]!.id);
    // Written first but shown last (an answer to the root), then one under line 22: that one comes first.
    const last = await createReply(app.db, root.id, { title: '最後' });
    const under22 = await createReply(app.db, replies[22]!.id, { title: '回第22條' });

    const res = await reader.get(`/t/${root.id}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/t/${root.id}?at=${under22.id}&seen=${before}#p${under22.id}`);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    // The plain request was the visit: it recorded the position.
    expect(await positionOf(readerId, root.id, (s) => s === under22.id)).toBe(under22.id);

    // A follow-up written in between is on the landing page, but the landing records nothing.
    const meanwhile = await createReply(app.db, root.id, { title: '其間' });
    const landing = await reader.get(res.headers.get('location')!.split('#')[0]!);
    expect(landing.status).toBe(200);
    expect(lineIds(landing.text)).toEqual(expect.arrayContaining([under22.id, last.id]));
    expect(newMarked(landing.text)).toEqual([under22.id, last.id, meanwhile.id]);
    await sleep(100);
    expect(await positionOf(readerId, root.id, () => true)).toBe(under22.id);

    // Its way back to the top opens the first window and does not send the reader on again.
    const top = topLink(landing.text)!;
    expect(top).toBe(`/t/${root.id}?at=${root.id}&seen=${before}`);
    const first = await reader.get(top);
    expect(first.status).toBe(200);
    expect(first.text).toContain(`<article class="post" id="p${root.id}">`);
    expect(lineIds(first.text)[0]).toBe(replies[0]!.id);
    expect(first.text).toContain('<section class="reply"');
  });

  it('keeps the first window when it holds a new follow-up', async () => {
    const { root, replies } = await longThread();
    await firstWindow(reader, root.id);
    await positionOf(readerId, root.id, (s) => s === replies[24]!.id);
    const early = await createReply(app.db, replies[1]!.id, { title: '早的' });
    await createReply(app.db, root.id, { title: '晚的' });
    const page = await firstWindow(reader, root.id);
    expect(newMarked(page.text)).toEqual([early.id]);
    expect(page.text).toContain('自您上次來過，有 2 條新跟帖');
  });

  it('keeps the first window when nothing is new, and when only its own posts are', async () => {
    const { root, replies } = await longThread();
    await firstWindow(reader, root.id);
    await positionOf(readerId, root.id, (s) => s === replies[24]!.id);
    await firstWindow(reader, root.id);
    const me = { id: readerId, name: 'landing_reader', role: 'member' as const };
    await createReply(app.db, root.id, { title: '我自己的', author: me });
    await firstWindow(reader, root.id);
  });
});

describe('an anonymous reader coming back to a long thread', () => {
  it('lands on the window holding the first new follow-up, carried by the cookie, and then the first window again', async () => {
    const { root } = await longThread();
    const reader = app.client();
    await firstWindow(reader, root.id);
    const cookie = reader.cookies.get('gentie_seen');
    expect(cookie).toBeDefined();
    const later = await createReply(app.db, root.id, { title: '新的' });

    const res = await reader.get(`/t/${root.id}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(new RegExp(`^/t/${root.id}\\?at=${later.id}&seen=\\d+#p${later.id}$`));
    // The visit is recorded by the redirect: the cookie moves on with it.
    expect(reader.cookies.get('gentie_seen')).not.toBe(cookie);
    const landing = await reader.get(res.headers.get('location')!.split('#')[0]!);
    expect(landing.status).toBe(200);
    expect(newMarked(landing.text)).toEqual([later.id]);
    expect((await reader.get(topLink(landing.text)!)).status).toBe(200);
    // Nothing new any more: the plain page is the first window.
    await firstWindow(reader, root.id);
  });

  it('keeps the first window when it holds something new', async () => {
    const { root, replies } = await longThread();
    const reader = app.client();
    await firstWindow(reader, root.id);
    const early = await createReply(app.db, replies[0]!.id, { title: '早的' });
    const page = await firstWindow(reader, root.id);
    expect(newMarked(page.text)).toEqual([early.id]);
  });

  it('is not sent anywhere under a prefix but the same window under that prefix', async () => {
    const { root } = await longThread();
    const reader = app.client();
    await firstWindow(reader, root.id);
    const later = await createReply(app.db, root.id, { title: '新的' });
    const res = await reader.get(`/zh-hans/t/${root.id}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(new RegExp(`^/zh-hans/t/${root.id}\\?at=${later.id}&seen=\\d+#p${later.id}$`));
  });
});
