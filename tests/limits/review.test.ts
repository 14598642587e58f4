import { sql } from 'kysely';
import { io, type Socket } from 'socket.io-client';
import type { Board } from '../../server/boards/boards.service';
import type { BoardReview } from '../../server/db/database';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { readersOf } from '../helpers/live';
import { until } from '../helpers/wait';
import {
  type TestMember,
  createMember,
  createModerator,
  createReply,
  createTestBoard,
  createThread,
  logInClient,
  postReply,
  postThread,
} from '../factories';

// The review queue (issue 14): on a board with review on, a new member's posts (or, with 'links',
// those with links to other sites) wait for a moderator. The author sees theirs marked 等待審核;
// nobody else does, live readers get nothing, counts do not move; approving publishes it live in
// its place with its own time, rejecting tells the author why; both are logged.
jest.setTimeout(60_000);

let app: TestApp;
const reader = readersOf(() => app.baseUrl);
const sockets: Socket[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => app.close());

const LINK = '<p>看這裡 <a href="https://spam.example/buy?a=1&amp;b=2">便宜</a></p>';

/** A board with its review setting, a moderator, and a thread started by an established member. */
async function reviewedBoard(review: BoardReview) {
  const board = await createTestBoard(app.db);
  await app.db.updateTable('boards').set({ review }).where('id', '=', board.id).execute();
  const moderator = await createModerator(app.db, board);
  const mod = app.client();
  await logInClient(mod, moderator);
  const starter = await createMember(app.db);
  await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', starter.id).execute();
  const root = await createThread(app.db, { board, author: starter, title: '主題' });
  const parent = await createReply(app.db, root.id, { author: starter, title: '第一條跟帖' });
  return { board, moderator, mod, starter, root, parent };
}

/** A logged-in member who is new (a young account without posts: limits/new-member.ts). */
async function newcomer(): Promise<{ member: TestMember; client: HttpClient }> {
  const member = await createMember(app.db);
  const client = app.client();
  await logInClient(client, member);
  return { member, client };
}

async function threadState(threadId: string) {
  return app.db.selectFrom('threads').select(['reply_count', 'seq']).where('thread_id', '=', threadId).executeTakeFirstOrThrow();
}

async function countPosts(threadId: string): Promise<number> {
  const row = await app.db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('thread_id', '=', threadId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function notificationsOf(memberId: string) {
  return app.db.selectFrom('notifications').selectAll().where('member_id', '=', memberId).orderBy('id').execute();
}

/** A member's open page: a socket with their session cookie, recording unread:changed and notification:new. */
async function openPage(client: HttpClient): Promise<{ name: string; unread: { held?: number } }[]> {
  const heard: { name: string; unread: { held?: number } }[] = [];
  const socket = io(app.baseUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  sockets.push(socket);
  for (const name of ['unread:changed', 'notification:new'])
    socket.on(name, (e: { unread: { held?: number } }) => heard.push({ name, ...e }));
  // Connected means in the member's room: the server checks the session before it accepts a socket.
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return heard;
}

describe('a held follow-up', () => {
  it('is 202 with the held post, takes no post, count, event or notification, and only its author sees it', async () => {
    const { root, parent, starter, mod } = await reviewedBoard('new');
    const { client } = await newcomer();
    const live = reader();
    await live.join(root.id);
    const before = await threadState(root.id);
    const posts = await countPosts(root.id);

    const res = await client.post(`/api/posts/${parent.id}/replies`, { title: '新人的跟帖', body: '<p>你好</p>' });
    expect(res.status).toBe(202);
    expect(res.json.held).toBe(true);
    const held = res.json.heldPost;
    expect(held).toMatchObject({
      threadId: root.id,
      parentId: parent.id,
      title: '新人的跟帖',
      status: 'waiting',
      reason: 'new',
      postId: null,
    });
    expect(res.headers.get('location')).toBe(`/held/${held.id}`);

    expect(await threadState(root.id)).toEqual(before);
    expect(await countPosts(root.id)).toBe(posts);
    expect(await notificationsOf(starter.id)).toEqual([]);

    // The author: in its place under its parent, marked.
    const own = await client.get(`/t/${root.id}`);
    expect(own.text).toContain(`id="h${held.id}"`);
    expect(own.text).toContain('等待審核');
    expect(own.text.indexOf(`id="h${held.id}"`)).toBeGreaterThan(own.text.indexOf(`id="p${parent.id}"`));
    expect((await client.get(`/api/held/${held.id}`)).json.heldPost.id).toBe(held.id);

    // Anyone else: not on the page (twice: the second is the warm page), not in the API, not there.
    const other = await newcomer();
    for (const viewer of [app.client(), app.client(), other.client]) {
      const page = await viewer.get(`/t/${root.id}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('新人的跟帖');
      expect(page.text).not.toContain(`id="h${held.id}"`);
    }
    const api = await app.client().get(`/api/posts/${root.id}`);
    expect(api.json.replies.map((p: { title: string }) => p.title)).not.toContain('新人的跟帖');
    expect((await other.client.get(`/api/held/${held.id}`)).status).toBe(404);
    expect((await other.client.get(`/held/${held.id}`)).status).toBe(404);
    expect((await app.client().get(`/api/held/${held.id}`)).status).toBe(401);

    // Live readers hear nothing: the next thing they hear is the follow-up written after it.
    const next = await postReply(mod, parent.id, '版主的跟帖');
    const [event] = await live.waitFor(1);
    expect(event).toMatchObject({ name: 'post:new', seq: Number(before.seq) + 1, post: { id: next.id } });
    expect(live.events).toHaveLength(1);
  });

  it('is published live by approval, in its place, with its own time; counts and notices come only then', async () => {
    const { root, parent, starter, mod, board } = await reviewedBoard('new');
    const { member, client } = await newcomer();
    const held = (await client.post(`/api/posts/${parent.id}/replies`, { title: '等候的跟帖 甯靜蟾蜍' })).json.heldPost;
    // Held a minute ago (rather than waiting): the post keeps that time, not its approval's.
    const { created_at: heldAt } = await app.db
      .updateTable('held_posts')
      .set({ created_at: sql<Date>`created_at - interval '1 minute'` })
      .where('id', '=', held.id)
      .returning('created_at')
      .executeTakeFirstOrThrow();
    // Search finds it for nobody, its author included, until it is approved.
    const search = (c: HttpClient) => c.get(`/api/search?q=${encodeURIComponent('甯靜蟾蜍')}&board=${board.slug}`);
    for (const c of [client, mod, app.client()]) expect((await search(c)).json.results).toEqual([]);
    const live = reader();
    await live.join(root.id);
    const before = await threadState(root.id);

    const res = await mod.post(`/api/held/${held.id}/approve`);
    expect(res.status).toBe(200);
    const post = res.json.post;
    expect(post).toMatchObject({ parentId: parent.id, threadId: root.id, title: '等候的跟帖 甯靜蟾蜍', createdAt: heldAt.toISOString() });
    expect(res.json.heldPost).toMatchObject({ status: 'approved', postId: post.id });
    const [event] = await live.waitFor(1);
    expect(event).toMatchObject({ name: 'post:new', seq: Number(before.seq) + 1 });
    expect(event!.post).toMatchObject({ id: post.id, parentId: parent.id });

    const after = await threadState(root.id);
    expect(after.reply_count).toBe(before.reply_count + 1);
    // The post got its id at approval: readers who saw the thread before see it as new.
    expect(BigInt(post.id)).toBeGreaterThan(BigInt(parent.id));
    // The thread's starter (whose post it answers) is told now, and the author that it passed.
    expect((await notificationsOf(starter.id)).map((n) => [n.kind, n.post_id])).toEqual([['reply', post.id]]);
    const approved = (await client.get('/api/notifications')).json.notifications[0];
    expect(approved).toMatchObject({ kind: 'post-approved', postId: post.id, url: `/t/${root.id}?at=${post.id}#p${post.id}` });

    const log = (await mod.get(`/api/boards/${board.slug}/log`)).json.entries[0];
    expect(log).toMatchObject({ action: 'approve', postId: post.id, heldId: held.id, target: member.name });

    // Once only: the second is a 409, never a second post.
    const again = await mod.post(`/api/held/${held.id}/approve`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('HeldPostDecided');
    expect((await threadState(root.id)).reply_count).toBe(before.reply_count + 1);

    expect((await search(app.client())).json.results.map((h: { post: { id: string } }) => h.post.id)).toEqual([post.id]);

    const page = await client.get(`/t/${root.id}`);
    expect(page.text).not.toContain(`id="h${held.id}"`);
    expect(page.text).toContain(`id="p${post.id}"`);
  });

  it('two moderators approving at once publish it once', async () => {
    const { root, parent, mod, board } = await reviewedBoard('new');
    const second = await createModerator(app.db, board);
    const mod2 = app.client();
    await logInClient(mod2, second);
    const { client } = await newcomer();
    const held = (await client.post(`/api/posts/${parent.id}/replies`, { title: '同時審核' })).json.heldPost;
    const answers = await Promise.all([mod.post(`/api/held/${held.id}/approve`), mod2.post(`/api/held/${held.id}/approve`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const titles = await app.db
      .selectFrom('posts')
      .select('title')
      .where('thread_id', '=', root.id)
      .where('title', '=', '同時審核')
      .execute();
    expect(titles).toHaveLength(1);
  });

  it('is removed by a rejection, which needs a reason, is logged and tells the author why', async () => {
    const { root, parent, mod, board } = await reviewedBoard('new');
    const { member, client } = await newcomer();
    const held = (await client.post(`/api/posts/${parent.id}/replies`, { title: '廣告帖', body: LINK })).json.heldPost;
    const before = await threadState(root.id);

    const noReason = await mod.post(`/api/held/${held.id}/reject`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.code).toBe('ValidationFailed');
    const res = await mod.post(`/api/held/${held.id}/reject`, { reason: '廣告' });
    expect(res.status).toBe(200);
    expect(res.json.heldPost).toMatchObject({ status: 'rejected', decisionReason: '廣告', postId: null });

    expect(await threadState(root.id)).toEqual(before);
    const notice = (await client.get('/api/notifications', undefined)).json.notifications[0];
    expect(notice).toMatchObject({ kind: 'post-rejected', url: `/held/${held.id}` });
    expect(notice.text).toContain('廣告帖');
    expect(notice.text).toContain('理由：廣告');
    const hans = (await client.get('/zh-hans/api/notifications')).json.notifications[0];
    expect(hans.text).toContain('没有通过您的帖子');

    const log = (await mod.get(`/api/boards/${board.slug}/log`)).json.entries[0];
    expect(log).toMatchObject({ action: 'reject', postId: null, heldId: held.id, reason: '廣告', target: member.name });
    const logPage = await mod.get(`/b/${board.slug}/log`);
    expect(logPage.text).toContain('審核未通過');
    expect(logPage.text).toContain(`/held/${held.id}`);

    // The author still reads what they wrote, and why; the thread page no longer shows it.
    const own = await client.get(`/held/${held.id}`);
    expect(own.status).toBe(200);
    expect(own.text).toContain('未通過');
    expect(own.text).toContain('廣告');
    expect((await client.get(`/t/${root.id}`)).text).not.toContain(`id="h${held.id}"`);
    expect((await mod.post(`/api/held/${held.id}/approve`)).status).toBe(409);
  });
});

describe('approving what can no longer be a follow-up there', () => {
  it('is refused as a reply would be (parent deleted, thread locked), and stays in the queue to reject', async () => {
    const { root, parent, mod, starter } = await reviewedBoard('new');
    const { client } = await newcomer();
    const underParent = (await client.post(`/api/posts/${parent.id}/replies`, { title: '上一帖被刪' })).json.heldPost;
    const underRoot = (await client.post(`/api/posts/${root.id}/replies`, { title: '主題被鎖' })).json.heldPost;
    const starterClient = app.client();
    await logInClient(starterClient, starter);
    expect((await starterClient.request('DELETE', `/api/posts/${parent.id}`, { json: {} })).status).toBe(200);
    const deleted = await mod.post(`/api/held/${underParent.id}/approve`);
    expect(deleted.status).toBe(409);
    expect(deleted.json.error.code).toBe('PostDeleted');
    expect((await mod.post(`/api/threads/${root.id}/lock`)).status).toBe(200);
    const locked = await mod.post(`/api/held/${underRoot.id}/approve`);
    expect(locked.status).toBe(409);
    expect(locked.json.error.code).toBe('ThreadLocked');
    // Nothing was written; both still wait, and can be rejected.
    expect((await mod.get(`/api/held/${underRoot.id}`)).json.heldPost.status).toBe('waiting');
    expect((await mod.post(`/api/held/${underParent.id}/reject`, { reason: '上一帖已刪' })).status).toBe(200);
  });
});

describe('who is held', () => {
  it("on a 'links' board, holds only new members' posts with links to other sites", async () => {
    const { parent } = await reviewedBoard('links');
    const { client } = await newcomer();
    expect(
      (await client.post(`/api/posts/${parent.id}/replies`, { title: '沒有鏈接', body: '<p>站內 <a href="/t/1">帖子</a></p>' })).status,
    ).toBe(201);
    const linked = await client.post(`/api/posts/${parent.id}/replies`, { title: '有鏈接', body: '<p>看 https://spam.example</p>' });
    expect(linked.status).toBe(202);
    expect(linked.json.heldPost.reason).toBe('links');
  });

  it('never holds a trusted member, a moderator of the board (even untrusted by hand) or an admin', async () => {
    const { parent, moderator, mod } = await reviewedBoard('new');
    const trusted = await newcomer();
    await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', trusted.member.id).execute();
    expect((await trusted.client.post(`/api/posts/${parent.id}/replies`, { title: '信任' })).status).toBe(201);
    await app.db.updateTable('users').set({ trust: 'untrusted' }).where('id', '=', moderator.id).execute();
    expect((await mod.post(`/api/posts/${parent.id}/replies`, { title: '版主' })).status).toBe(201);
    const admin = await createMember(app.db, { role: 'admin' });
    const adminClient = app.client();
    await logInClient(adminClient, admin);
    expect((await adminClient.post(`/api/posts/${parent.id}/replies`, { title: '管理員' })).status).toBe(201);
  });

  it('holds nothing on a board with review off', async () => {
    const { parent } = await reviewedBoard('off');
    const { client } = await newcomer();
    expect((await client.post(`/api/posts/${parent.id}/replies`, { title: '照常', body: LINK })).status).toBe(201);
  });

  it("keeps a new member's caps: too many links is refused, not held", async () => {
    const { parent } = await reviewedBoard('new');
    const { client } = await newcomer();
    const many = `<p>${[1, 2, 3, 4, 5, 6].map((n) => `https://x${n}.example`).join(' ')}</p>`;
    const res = await client.post(`/api/posts/${parent.id}/replies`, { title: '太多鏈接', body: many });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('NewMemberLimit');
  });
});

describe('a held thread', () => {
  it('is shown to its author on the board page and its own page, 404 to others, and approved as a thread', async () => {
    const { board, mod } = await reviewedBoard('new');
    const { client } = await newcomer();
    const res = await client.post(`/api/boards/${board.slug}/threads`, { title: '新人的主題', body: '<p>內容</p>' });
    expect(res.status).toBe(202);
    const held = res.json.heldPost;
    expect(held).toMatchObject({ threadId: null, parentId: null, board: board.slug });

    const own = await client.get(`/b/${board.slug}?held=${held.id}`);
    expect(own.text).toContain(`id="h${held.id}"`);
    expect(own.text).toContain('等待審核');
    expect(own.text).toContain('held-notice');
    // The board page as the author comes back to it: their thread listed among their held ones.
    const later = await client.get(`/b/${board.slug}`);
    expect(later.status).toBe(200);
    expect(later.text).toMatch(new RegExp(`class="held-threads"[^]*href="/held/${held.id}"`));
    expect((await client.get(`/zh-hans/b/${board.slug}`)).text).toMatch(/class="held-threads"[^]*新人的主题/);
    const other = await newcomer();
    for (const viewer of [app.client(), other.client]) {
      const page = await viewer.get(`/b/${board.slug}?held=${held.id}`);
      expect(page.text).not.toContain('新人的主題');
      expect(page.text).not.toContain('held-notice');
    }
    expect((await client.get(`/held/${held.id}`)).text).toContain('新人的主題');
    expect((await other.client.get(`/held/${held.id}`)).status).toBe(404);
    const threads = (await app.client().get(`/api/boards/${board.slug}/threads`)).json;
    expect(threads.total).toBe(1);

    const approved = await mod.post(`/api/held/${held.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.json.post).toMatchObject({ parentId: null, title: '新人的主題', createdAt: held.createdAt });
    const after = (await app.client().get(`/api/boards/${board.slug}/threads`)).json;
    expect(after.total).toBe(2);
    expect(after.threads.map((t: { post: { title: string } }) => t.post.title)).toContain('新人的主題');
  });
});

describe('the queue', () => {
  it('is for the board’s moderators and admins: 403 for other members, 404 for held posts they cannot see', async () => {
    const { board, parent, mod } = await reviewedBoard('new');
    const { client } = await newcomer();
    const held = (await client.post(`/api/posts/${parent.id}/replies`, { title: '排隊' })).json.heldPost;
    const other = await newcomer();
    expect((await other.client.get(`/b/${board.slug}/queue`)).status).toBe(403);
    expect((await other.client.get(`/api/boards/${board.slug}/queue`)).status).toBe(403);
    expect((await other.client.get('/api/queue')).status).toBe(403);
    expect((await app.client().get(`/api/boards/${board.slug}/queue`)).status).toBe(401);
    const approve = await other.client.post(`/api/held/${held.id}/approve`);
    expect(approve.status).toBe(404);
    expect(approve.json.error.code).toBe('HeldPostNotFound');
    expect((await other.client.post(`/api/held/${held.id}/reject`, { reason: 'x' })).status).toBe(404);
    // The author may see theirs, not decide on it.
    expect((await client.post(`/api/held/${held.id}/approve`)).status).toBe(403);
    // A moderator of another board is anyone else here.
    const elsewhere = await createTestBoard(app.db);
    const otherMod = await createModerator(app.db, elsewhere);
    const otherModClient = app.client();
    await logInClient(otherModClient, otherMod);
    expect((await otherModClient.post(`/api/held/${held.id}/approve`)).status).toBe(404);
    expect((await otherModClient.get(`/api/boards/${board.slug}/queue`)).status).toBe(403);
    // Unknown ids.
    for (const id of ['999999999', 'abc']) {
      const res = await mod.post(`/api/held/${id}/approve`);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('HeldPostNotFound');
    }

    const queue = (await mod.get(`/api/boards/${board.slug}/queue`)).json;
    expect(queue.board).toMatchObject({ slug: board.slug, review: 'new' });
    expect(queue.held.map((h: { id: string }) => h.id)).toEqual([held.id]);
    expect((await mod.get('/api/queue')).json.held.map((h: { id: string }) => h.id)).toEqual([held.id]);
  });

  it('works without JavaScript: the page shows each post with its context and links as text, and its forms decide', async () => {
    const { board, parent, mod } = await reviewedBoard('new');
    const { client } = await newcomer();
    // The form: back to the thread page, where the author sees the notice and their post.
    const form = await client.postForm(`/t/${parent.id}/reply`, {
      title: '表單跟帖',
      body: '看 https://spam.example/x 和 <a href="https://b.example/">這</a>',
    });
    expect(form.status).toBe(303);
    const location = form.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/t/${parent.threadId}\\?held=\\d+&at=${parent.id}#h\\d+$`));
    const heldId = /held=(\d+)/.exec(location)![1]!;
    const landed = await client.get(location.replace(/#.*/, ''));
    expect(landed.text).toContain('held-notice');
    expect(landed.text).toContain(`id="h${heldId}"`);
    // In the author's script as they read the page, as every other line of it.
    expect((await client.get(`/zh-hans${location.replace(/#.*/, '')}`)).text).toMatch(/id="h\d+"[^]*表单跟帖/);
    // The notice is the author's only.
    expect((await app.client().get(location.replace(/#.*/, ''))).text).not.toContain('held-notice');

    const page = await mod.get(`/b/${board.slug}/queue`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('表單跟帖');
    expect(page.text).toContain('第一條跟帖');
    expect(page.text).toContain('<code>https://spam.example/x</code>');
    expect(page.text).toContain('<code>https://b.example/</code>');
    expect(page.text).not.toContain('href="https://b.example/"');
    expect(page.text).toContain(`action="/held/${heldId}/approve"`);
    // In the moderator's script: the post, and what it answers, converted as every page is.
    const simplified = (await mod.get(`/zh-hans/b/${board.slug}/queue`)).text;
    expect(simplified).toContain('审核队列');
    expect(simplified).toContain('表单跟帖');
    expect(simplified).toContain('第一条跟帖');
    expect(simplified).not.toContain('表單跟帖');
    expect((await mod.get(`/zh-hans/held/${heldId}`)).text).toContain('表单跟帖');

    const approved = await mod.postForm(`/held/${heldId}/approve`, { back: `/b/${board.slug}/queue` });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe(`/b/${board.slug}/queue`);
    expect((await mod.get(`/b/${board.slug}/queue`)).text).toContain('沒有等待審核的帖子');

    const second = (await client.post(`/api/posts/${parent.id}/replies`, { title: '再來一條' })).json.heldPost;
    const rejected = await mod.postForm(`/held/${second.id}/reject`, { reason: '重複', back: `/b/${board.slug}/queue` });
    expect(rejected.status).toBe(303);
    expect((await client.get(`/api/held/${second.id}`)).json.heldPost).toMatchObject({ status: 'rejected', decisionReason: '重複' });
  });

  it('shows moderators the count in their header, and changes it live as posts are held and decided', async () => {
    const { board, parent, mod } = await reviewedBoard('new');
    const header = await mod.get('/');
    expect(header.text).toMatch(/href="\/queue"[^>]*>待審核<span class="unread" data-unread="held"[^>]*hidden/);
    const heard = await openPage(mod);
    const { client } = await newcomer();
    const held = (await client.post(`/api/posts/${parent.id}/replies`, { title: '計數' })).json.heldPost;
    await until(() => heard.length >= 1, 'the count held 1');
    expect(heard.at(-1)).toMatchObject({ name: 'unread:changed', unread: { held: 1 } });
    expect((await mod.get(`/b/${board.slug}`)).text).toMatch(/data-unread="held"[^>]*>1</);
    // A member who moderates nothing has no such link.
    expect((await client.get('/')).text).not.toContain('data-unread="held"');

    await mod.post(`/api/held/${held.id}/approve`);
    await until(() => heard.length >= 2, 'the count held 0');
    expect(heard.at(-1)).toMatchObject({ name: 'unread:changed', unread: { held: 0 } });
  });
});

describe('the board’s review setting', () => {
  it('is set by its moderators from the board page (logged), not by other members', async () => {
    const board: Board = await createTestBoard(app.db);
    const moderator = await createModerator(app.db, board);
    const mod = app.client();
    await logInClient(mod, moderator);
    const page = await mod.get(`/b/${board.slug}`);
    expect(page.text).toContain(`action="/b/${board.slug}/review"`);
    const res = await mod.postForm(`/b/${board.slug}/review`, { review: 'links' });
    expect(res.status).toBe(303);
    expect((await app.db.selectFrom('boards').select('review').where('id', '=', board.id).executeTakeFirstOrThrow()).review).toBe('links');
    const log = (await mod.get(`/api/boards/${board.slug}/log`)).json.entries[0];
    expect(log).toMatchObject({ action: 'review', reason: 'links' });
    expect((await mod.post(`/api/boards/${board.slug}/review`, { review: 'sometimes' })).status).toBe(400);

    const { client } = await newcomer();
    expect((await client.get(`/b/${board.slug}`)).text).not.toContain('/review"');
    expect((await client.post(`/api/boards/${board.slug}/review`, { review: 'off' })).status).toBe(403);
    // A thread by the moderator is never held; a newcomer's with a link now is.
    await postThread(mod, board, '版主的主題');
    expect((await client.post(`/api/boards/${board.slug}/threads`, { title: '鏈接', body: LINK })).status).toBe(202);
  });
});
