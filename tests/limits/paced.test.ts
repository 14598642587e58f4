import http from 'node:http';
import { sql } from 'kysely';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/log';
import { createSettingsStore } from '../../server/settings/settings';
import { HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { countRows } from '../helpers/rows';
import { type TestMember, createMember, createReply, createTestBoard, createThread, logInClient } from '../factories';
import { type Act, pacedActions, smallLimits } from './paced.actions';

// The paced actions (threads, replies, edits, reports, 悄悄話, image uploads) through HTTP at small limits set
// as an operator would (LIMITS_* variables), each window per member and per address, shared by
// two apps on one database in this process (processes.test.ts starts two real server processes).

/** Small windows for every paced action: 2 a minute and 3 an hour per member; 3 and 5 per address. */
const SMALL = smallLimits(['2/1m', '3/1h'], ['3/1m', '5/1h']);
const ENV = { RATE_LIMIT_MULTIPLIER: '1', ...SMALL };

let app: TestApp;
let other: { server: http.Server; baseUrl: string };
beforeAll(async () => {
  app = await startTestApp({ env: ENV });
  // A second process on the same database: its own app, limiter and pool.
  const env = { DATABASE_URL: app.url, LOG_LEVEL: 'silent', ...ENV };
  const server = http.createServer(
    createApp({
      config: loadConfig(env),
      settings: createSettingsStore(app.db, env, { refreshMs: 0 }),
      db: app.db,
      log: createLogger('silent'),
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  other = { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
});
afterAll(async () => {
  other.server.closeAllConnections();
  await new Promise((r) => other.server.close(r));
  await app.close();
});

/** A member's clients on both processes; `old` moves their account's creation back three days. */
async function writer(old = true): Promise<{ member: TestMember; a: HttpClient; b: HttpClient }> {
  const member = await createMember(app.db);
  if (old)
    await app.db
      .updateTable('users')
      .set({ created_at: new Date(Date.now() - 3 * 86400_000) })
      .where('id', '=', member.id)
      .execute();
  const a = app.client();
  const b = new HttpClient(other.baseUrl);
  await logInClient(a, member);
  await logInClient(b, member);
  return { member, a, b };
}

/** Ends every burst window now, as if a minute had passed (the hour's windows go on). */
const endBursts = () =>
  app.db
    .updateTable('pace_counts')
    .set({ burst_expire: Date.now() - 1 })
    .execute();

/**
 * Empties every count, so each test starts with the address's windows unspent. (Tests that need
 * other limits start one more app on this database, not on a database of its own: the counts they
 * spend are emptied here as well.)
 */
beforeEach(() => app.db.deleteFrom('pace_counts').execute());

/** One way to do each paced action through the API, against fresh targets. */
const actions = () => pacedActions(app.db);

const PACED = ['thread', 'reply', 'edit', 'report', 'message', 'upload'];
const ok = (status: number) => expect([200, 201]).toContain(status);

describe('paced actions', () => {
  it.each(PACED)('limits %s per member in a burst and a sustained window, across two processes, with Retry-After', async (name) => {
    const act = (await actions())[name]!;
    const { member, a, b } = await writer();
    // The burst: 2 a minute, the second spent on the other process.
    ok((await act(a, member, 1)).status);
    ok((await act(b, member, 2)).status);
    const burst = await act(a, member, 3, { 'accept-language': 'zh-TW' });
    expect(burst.status).toBe(429);
    expect(burst.json.error.code).toBe('RateLimited');
    expect(Number(burst.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(burst.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(burst.json.error.localized).toMatch(/太快了，請在 \d+ 秒後再試。$/);
    // A minute later: one more, then the hour's window (3) is full, on either process.
    await endBursts();
    ok((await act(b, member, 4)).status);
    await endBursts();
    const sustained = await act(b, member, 5, { 'accept-language': 'zh-CN' });
    expect(sustained.status).toBe(429);
    expect(Number(sustained.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(sustained.json.error.localized).toMatch(/太快了，请在 \d+ 分钟后再试。$/);
  });

  it.each(PACED)('limits %s per address: members at one address share its windows', async (name) => {
    const act = (await actions())[name]!;
    const one = await writer();
    const two = await writer();
    const three = await writer();
    ok((await act(one.a, one.member, 1)).status);
    ok((await act(two.b, two.member, 2)).status);
    ok((await act(three.a, three.member, 3)).status);
    // Each has spent one of their own two, but the address's burst (3) is spent.
    const refused = await act(one.b, one.member, 4);
    expect(refused.status).toBe(429);
    // The sustained window (5 an hour) outlasts the burst.
    await endBursts();
    ok((await act(one.a, one.member, 5)).status);
    ok((await act(two.a, two.member, 6)).status);
    await endBursts();
    expect((await act(three.b, three.member, 7)).status).toBe(429);
    expect(Number((await act(three.b, three.member, 8)).headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('refuses without writing anything, and gives back what the refused attempt spent', async () => {
    const board = await createTestBoard(app.db);
    const thread = await createThread(app.db, { board });
    const act: Act = (c, _m, i) => c.post(`/api/posts/${thread.id}/replies`, { title: `跟帖 ${i}` });
    const { member, a } = await writer();
    ok((await act(a, member, 1)).status);
    ok((await act(a, member, 2)).status);
    const before = await countRows(app.db, 'posts');
    const lastId = async () => Number((await sql<{ n: string }>`select last_value as n from posts_id_seq`.execute(app.db)).rows[0]!.n);
    const idBefore = await lastId();
    const threadRow = () =>
      app.db.selectFrom('threads').select(['reply_count', 'seq']).where('thread_id', '=', thread.id).executeTakeFirstOrThrow();
    const threadBefore = await threadRow();
    // The first refusal comes from the reply's own first statement (this process does not know
    // the window is full yet), the next ones from this process's memory of it.
    for (let i = 0; i < 5; i++) expect((await act(a, member, 3)).status).toBe(429);
    expect(await countRows(app.db, 'posts')).toBe(before);
    // The statement that found the window full left the thread row alone: it took no post id, no
    // event seq and counted no follow-up, even for the moment before its rollback.
    expect(await lastId()).toBe(idBefore);
    expect(await threadRow()).toEqual(threadBefore);
    // The throttled member's refusals spent none of the address's windows: another member still posts.
    const other = await writer();
    ok((await act(other.a, other.member, 4)).status);
  });

  it('counts every try at a follow-up, whatever refused it: a locked thread, a missing post, a body too long, a held post', async () => {
    const board = await createTestBoard(app.db);
    const open = await createThread(app.db, { board });
    const locked = await createThread(app.db, { board });
    await app.db.updateTable('threads').set({ locked: true }).where('thread_id', '=', locked.id).execute();
    const { member, a, b } = await writer();
    expect((await a.post(`/api/posts/${locked.id}/replies`, { title: '鎖了' })).status).toBe(409);
    expect((await b.post('/api/posts/999999999/replies', { title: '沒有' })).status).toBe(404);
    // Both spent their point: the burst (2 a minute) is full for a follow-up that would land.
    const refused = await a.post(`/api/posts/${open.id}/replies`, { title: '可以嗎' });
    expect(refused.status).toBe(429);
    await endBursts();
    expect((await b.post(`/api/posts/${open.id}/replies`, { title: '長', body: '長'.repeat(40_000) })).status).toBe(413);
    // The hour's window (3) is full now: locked, missing and too long each counted.
    await endBursts();
    expect((await a.post(`/api/posts/${open.id}/replies`, { title: '好了嗎' })).status).toBe(429);
    expect(await app.db.selectFrom('posts').select('id').where('author_id', '=', member.id).execute()).toEqual([]);
    // A new member's follow-up held for review counts too.
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', board.id).execute();
    const newcomer = await writer(false);
    expect((await newcomer.a.post(`/api/posts/${open.id}/replies`, { title: '待審 1' })).status).toBe(202);
    expect((await newcomer.b.post(`/api/posts/${open.id}/replies`, { title: '待審 2' })).status).toBe(202);
    expect((await newcomer.a.post(`/api/posts/${open.id}/replies`, { title: '待審 3' })).status).toBe(429);
  });

  it('lets exactly the window’s follow-ups through when many are sent at once, on both processes', async () => {
    const board = await createTestBoard(app.db);
    const thread = await createThread(app.db, { board });
    const { member, a, b } = await writer();
    const sent = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).post(`/api/posts/${thread.id}/replies`, { title: `同時 ${i}` })),
    );
    const statuses = sent.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const landed = await app.db.selectFrom('posts').select('id').where('author_id', '=', member.id).execute();
    expect(landed).toHaveLength(2);
    // The thread counted the two that landed and nothing of the ten refused.
    const row = await app.db.selectFrom('threads').select('reply_count').where('thread_id', '=', thread.id).executeTakeFirstOrThrow();
    expect(row.reply_count).toBe(2);
  });

  it('answers a member trying again while told to wait after a pause, and every process refuses them', async () => {
    const act = (await actions()).reply!;
    const { member, a, b } = await writer();
    ok((await act(a, member, 1)).status);
    ok((await act(a, member, 2)).status);
    expect((await act(a, member, 3)).status).toBe(429);
    // This process remembers the full window: the next try is held a second, then refused the same way.
    const started = Date.now();
    const again = await act(a, member, 4, { 'accept-language': 'zh-TW' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(again.json.error.localized).toMatch(/^跟帖太快了，請在 \d+ 秒後再試。$/);
    // The other process has not seen the refusal: the shared table refuses there.
    expect((await act(b, member, 5)).status).toBe(429);
  });

  it('gives new members their own, stricter windows', async () => {
    const strict = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1', LIMITS_REPLY_NEW_MEMBER_BURST: '1/1m' }, databaseOf: app });
    try {
      const thread = await createThread(strict.db);
      const newcomer = strict.client();
      await logInClient(newcomer, await createMember(strict.db));
      expect((await newcomer.post(`/api/posts/${thread.id}/replies`, { title: '一' })).status).toBe(201);
      expect((await newcomer.post(`/api/posts/${thread.id}/replies`, { title: '二' })).status).toBe(429);
      // A member past LIMITS_NEW_MEMBER_HOURS (24) and LIMITS_NEW_MEMBER_POSTS (3) has the member's 6 a minute.
      const old = await createMember(strict.db);
      const own = await createThread(strict.db, { author: old });
      for (let i = 0; i < 2; i++) await createReply(strict.db, own.id, { author: old });
      await strict.db
        .updateTable('users')
        .set({ created_at: new Date(Date.now() - 25 * 3600_000) })
        .where('id', '=', old.id)
        .execute();
      const regular = strict.client();
      await logInClient(regular, old);
      for (let i = 0; i < 6; i++) expect((await regular.post(`/api/posts/${thread.id}/replies`, { title: `${i}` })).status).toBe(201);
      expect((await regular.post(`/api/posts/${thread.id}/replies`, { title: '七' })).status).toBe(429);
      // Each sees the limits that apply to them on /settings, in their script.
      const page = await newcomer.get('/zh-hans/settings');
      expect(page.text).toContain('发帖限制');
      expect(page.text).toContain('您是新用户（注册满 24 小时并发满 3 帖后自动成为老用户）');
      expect(page.text).toContain(
        '<th>跟帖</th><td>1 次 / 1 分钟</td><td>20 次 / 1 小时</td><td>12 次 / 1 分钟</td><td>150 次 / 1 小时</td>',
      );
      const theirs = await regular.get('/zh-tw/settings');
      expect(theirs.text).toContain('<th>跟帖</th><td>6 次 / 1 分鐘</td><td>60 次 / 1 小時</td>');
      expect(theirs.text).not.toContain('是新用戶');
    } finally {
      await strict.close();
    }
  });

  it('shows a refused form again with the refusal above it and the text kept', async () => {
    const board = await createTestBoard(app.db);
    const thread = await createThread(app.db, { board });
    const { member, a } = await writer();
    const own = await createThread(app.db, { board, author: member });
    const forms: [string, Record<string, string>, string][] = [
      [`/zh-hans/t/${thread.id}/reply`, { title: '跟帖标题', body: '打好的字' }, '跟帖太快了'],
      [`/zh-hans/b/${board.slug}/threads`, { title: '主题标题', body: '打好的字' }, '发帖太快了'],
      [`/zh-hans/t/${own.id}/edit`, { title: '改过的标题', body: '打好的字' }, '修改帖子太快了'],
      [`/zh-hans/t/${thread.id}/report`, { reason: '打好的字' }, '举报太快了'],
      ['/zh-hans/messages', { to: (await createMember(app.db)).name, title: '悄悄话', body: '打好的字' }, '发悄悄话太快了'],
    ];
    for (const [path, form, words] of forms) {
      // Two go through (each a new report target aside), the third is refused.
      if (path.endsWith('/report')) {
        for (let i = 0; i < 2; i++) await a.postForm(`/t/${(await createThread(app.db, { board })).id}/report`, form);
      } else {
        for (let i = 0; i < 2; i++) expect((await a.postForm(path, form)).status).toBe(303);
      }
      const refused = await a.postForm(path, form);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.text).toContain(words);
      expect(refused.text).toContain('打好的字');
    }
  });
});

describe('the address of a paced action', () => {
  const headers = (address: string) => ({ 'x-forwarded-for': address });

  it('ignores a forged X-Forwarded-For without TRUST_PROXY', async () => {
    const act = (await actions()).reply!;
    const members = [await writer(), await writer(), await writer(), await writer()];
    for (const [i, w] of members.slice(0, 3).entries()) ok((await act(w.a, w.member, i, headers(`198.51.100.${i}`))).status);
    // All four came from 127.0.0.1: the address's burst (3) is spent whatever the header says.
    expect((await act(members[3]!.a, members[3]!.member, 9, headers('198.51.100.99'))).status).toBe(429);
  });

  it('honours X-Forwarded-For with TRUST_PROXY, grouping IPv6 by /64', async () => {
    const proxied = await startTestApp({ env: { ...ENV, TRUST_PROXY: 'loopback' }, databaseOf: app });
    try {
      const thread = await createThread(proxied.db);
      const client = async () => {
        const c = proxied.client();
        const m = await createMember(proxied.db);
        await logInClient(c, m);
        return c;
      };
      const reply = async (address: string) =>
        (await (await client()).post(`/api/posts/${thread.id}/replies`, { title: '跟' }, headers(address))).status;
      // One /64, three hosts in it: its burst (3) is spent.
      expect(await reply('2001:db8:1:2::1')).toBe(201);
      expect(await reply('2001:db8:1:2::ffff')).toBe(201);
      expect(await reply('2001:db8:1:2:aaaa::7')).toBe(201);
      expect(await reply('2001:db8:1:2::99')).toBe(429);
      // The next /64 and an IPv4 address are other addresses.
      expect(await reply('2001:db8:1:3::1')).toBe(201);
      expect(await reply('203.0.113.5')).toBe(201);
    } finally {
      await proxied.close();
    }
  });
});

describe('relaxing the limits', () => {
  it('multiplies every paced window by RATE_LIMIT_MULTIPLIER (what tests and the bench use)', async () => {
    const relaxed = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '100' }, databaseOf: app });
    try {
      const thread = await createThread(relaxed.db);
      const c = relaxed.client();
      await logInClient(c, await createMember(relaxed.db));
      // 20 replies at once from a member registered a second ago: far past the documented 3 a minute.
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => c.post(`/api/posts/${thread.id}/replies`, { title: `${i}` })),
      );
      expect(statuses.map((r) => r.status)).toEqual(Array(20).fill(201));
    } finally {
      await relaxed.close();
    }
  });

  it('keeps the documented limits by default: a new member’s fourth reply in a minute is refused', async () => {
    const real = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1' }, databaseOf: app });
    try {
      const thread = await createThread(real.db);
      const c = real.client();
      await logInClient(c, await createMember(real.db));
      for (let i = 0; i < 3; i++) expect((await c.post(`/api/posts/${thread.id}/replies`, { title: `${i}` })).status).toBe(201);
      expect((await c.post(`/api/posts/${thread.id}/replies`, { title: '四' })).status).toBe(429);
    } finally {
      await real.close();
    }
  });
});
