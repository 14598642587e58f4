import { type HttpClient, type Reply, type TestApp, startTestApp } from '../helpers/app';
import { createReply, createTestBoard, createThread, memberClient, postReply, postThread } from '../factories';
import { sleep } from '../helpers/live';
import {
  SEEN_COOKIE,
  SEEN_COOKIE_THREADS,
  afterVisit,
  formatSeenCookie,
  parseSeenCookie,
  seenCookieHeader,
} from '../../server/posts/posts.seen.cookie';
import type { Member } from '../../server/db/member';

let app: TestApp;
let board: { slug: string };
let starter: HttpClient;
let replier: HttpClient;
let starterMember: Member;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  starter = app.client();
  replier = app.client();
  starterMember = await memberClient(app.db, starter);
  await memberClient(app.db, replier);
});
afterAll(() => app.close());

/** A client for a new logged-in member. */
async function newMember(): Promise<HttpClient> {
  const client = app.client();
  await memberClient(app.db, client);
  return client;
}

/**
 * What a board page says beside a thread: its "N 條新跟帖", '' when it says nothing. The entry
 * is the thread's <li class="thread"> up to the next one.
 */
function newOnBoard(html: string, rootId: string): string {
  // Under a prefix (/zh-hans) the links carry it. The board's list of threads, not its hot list
  // above it (which names threads without counting what is new).
  const list = html.indexOf('<li class="thread');
  const found = list < 0 ? -1 : html.slice(list).search(new RegExp(`<a href="(?:/zh-[a-z]+)?/t/${rootId}" class="title">`));
  const at = found < 0 ? -1 : list + found;
  if (at < 0) throw new Error(`thread ${rootId} is not on the page`);
  const next = html.indexOf('<li class="thread', at);
  const entry = html.slice(at, next < 0 ? undefined : next);
  return /<span class="new-count"> ([^<]*)<\/span>/.exec(entry)?.[1] ?? '';
}

/** What the board page says beside the thread for this client. */
async function boardSays(client: HttpClient, rootId: string, prefix = ''): Promise<string> {
  const res = await client.get(`${prefix}/b/${board.slug}`);
  expect(res.status).toBe(200);
  return newOnBoard(res.text, rootId);
}

/**
 * A member's position is written while their page goes out: a request right after the page may
 * still find the previous one. Reads again for a while until `ok`, and answers the last reading.
 */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 40 && !ok(value); i++) {
    await sleep(25);
    value = await read();
  }
  return value;
}

const boardSaysEventually = (client: HttpClient, rootId: string, expected: string) =>
  until(
    () => boardSays(client, rootId),
    (said) => said === expected,
  );

/** The positions members hold in a thread (seen_post_id), once `count` of them are written. */
const positions = (threadId: string, ok: (seen: string[]) => boolean) =>
  until(
    async () =>
      (await app.db.selectFrom('thread_reads').select('seen_post_id').where('thread_id', '=', threadId).execute()).map(
        (r) => r.seen_post_id,
      ),
    ok,
  );

/** The "since your last visit" line of a thread page, '' when there is none. */
const newSince = (page: Reply) => /<p class="new-since" role="status">([^<]*?)(?: · <a|<\/p>)/.exec(page.text)?.[1] ?? '';

async function open(client: HttpClient, postId: string, headers: Record<string, string> = {}): Promise<Reply> {
  const page = await client.get(`/t/${postId}`, headers);
  expect(page.status).toBe(200);
  return page;
}

describe('a member', () => {
  it('sees on the board how many follow-ups are new since they opened the thread, and then no more', async () => {
    const root = await postThread(starter, board, '新跟帖');
    const reader = await newMember();
    const stranger = await newMember();
    expect(newSince(await open(reader, root.id))).toBe('');
    await postReply(replier, root.id, '一');
    await postReply(replier, root.id, '二');

    expect(await boardSaysEventually(reader, root.id, '2 條新跟帖')).toBe('2 條新跟帖');
    expect(await boardSays(reader, root.id, '/zh-hans')).toBe('2 条新跟帖');
    // A member who never opened the thread is told nothing.
    expect(await boardSays(stranger, root.id)).toBe('');

    // Opening it again: the page says how many were new, and the board then nothing.
    expect(newSince(await open(reader, root.id))).toBe('自您上次來過，有 2 條新跟帖');
    expect(await boardSaysEventually(reader, root.id, '')).toBe('');
  });

  it('keeps one position per thread, written only when the thread grew', async () => {
    const root = await postThread(starter, board, '一行');
    const reader = await newMember();
    await open(reader, root.id);
    expect(await positions(root.id, (seen) => seen.length > 0)).toEqual([root.id]);
    await open(reader, root.id);
    const r = await postReply(replier, root.id, '新');
    await open(reader, root.id);
    expect(await positions(root.id, (seen) => seen[0] === r.id)).toEqual([r.id]);
  });

  it("does not count a follow-up's own page as a visit to the thread", async () => {
    const root = await postThread(starter, board, '分支');
    const r1 = await postReply(replier, root.id, '分支一');
    const reader = await newMember();
    await open(reader, r1.id);
    await postReply(replier, root.id, '分支二');
    expect(await boardSays(reader, root.id)).toBe('');
    const api = await reader.get(`/api/boards/${board.slug}/threads`);
    expect(api.json.threads.find((t: { post: { id: string } }) => t.post.id === root.id).newCount).toBeNull();
  });

  it('counts up to a cap: "99+"', async () => {
    const root = await createThread(app.db, { board, author: starterMember, title: '很多' });
    const reader = await newMember();
    await open(reader, root.id);
    await positions(root.id, (seen) => seen.length > 0);
    for (let i = 0; i < 100; i++) await createReply(app.db, root.id, { title: `第${i}條` });
    expect(await boardSays(reader, root.id)).toBe('99+ 條新跟帖');
    expect(newSince(await open(reader, root.id))).toBe('自您上次來過，有 99+ 條新跟帖');
  });

  it('gets a new page version (ETag) while the page marks what is new, and 304s otherwise', async () => {
    const root = await postThread(starter, board, '版本');
    const reader = await newMember();
    const first = await open(reader, root.id);
    await positions(root.id, (seen) => seen.length > 0);
    // The position moved (from none to the root), but the page shows nothing new either way.
    expect((await reader.get(`/t/${root.id}`, { 'if-none-match': first.headers.get('etag')! })).status).toBe(304);
    await postReply(replier, root.id, '新的');
    const marked = await open(reader, root.id, { 'if-none-match': first.headers.get('etag')! });
    expect(newSince(marked)).toBe('自您上次來過，有 1 條新跟帖');
    await positions(root.id, (seen) => seen[0] !== root.id);
    // The same thread, but the reader has now seen it all: a page without the line.
    const seen = await open(reader, root.id, { 'if-none-match': marked.headers.get('etag')! });
    expect(newSince(seen)).toBe('');
    expect((await reader.get(`/t/${root.id}`, { 'if-none-match': seen.headers.get('etag')! })).status).toBe(304);
  });
});

describe('the JSON API', () => {
  it("gives each thread the member's newCount: null for a thread never opened", async () => {
    const opened = await postThread(starter, board, '打開過');
    const unopened = await postThread(starter, board, '沒打開');
    const reader = await newMember();
    await open(reader, opened.id);
    await postReply(replier, opened.id, '一');
    await postReply(replier, opened.id, '二');
    await postReply(replier, unopened.id, '三');
    await boardSaysEventually(reader, opened.id, '2 條新跟帖');
    const counts = async () => {
      const res = await reader.get(`/api/boards/${board.slug}/threads`);
      expect(res.status).toBe(200);
      return Object.fromEntries(res.json.threads.map((t: { post: { id: string }; newCount: number | null }) => [t.post.id, t.newCount]));
    };
    expect(await counts()).toMatchObject({ [opened.id]: 2, [unopened.id]: null });
    await open(reader, opened.id);
    await boardSaysEventually(reader, opened.id, '');
    expect(await counts()).toMatchObject({ [opened.id]: 0, [unopened.id]: null });
    // Anyone else: null throughout.
    const anonymous = await app.client().get(`/api/boards/${board.slug}/threads`);
    expect(anonymous.json.threads.every((t: { newCount: unknown }) => t.newCount === null)).toBe(true);
  });
});

describe('an anonymous reader', () => {
  it('gets the same from a cookie', async () => {
    const root = await postThread(starter, board, '匿名');
    const reader = app.client();
    const first = await open(reader, root.id);
    const set = first.headers.getSetCookie().find((c) => c.startsWith(`${SEEN_COOKIE}=`))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).toMatch(/Path=\//);
    expect(Number(/Max-Age=(\d+)/i.exec(set)?.[1])).toBeGreaterThanOrEqual(364 * 24 * 3600);
    await postReply(replier, root.id, '一');
    await postReply(replier, root.id, '二');

    expect(await boardSays(reader, root.id)).toBe('2 條新跟帖');
    expect(await boardSays(app.client(), root.id)).toBe('');
    expect(newSince(await open(reader, root.id))).toBe('自您上次來過，有 2 條新跟帖');
    expect(await boardSays(reader, root.id)).toBe('');
    // The API reads the same cookie.
    const api = await reader.get(`/api/boards/${board.slug}/threads`);
    expect(api.json.threads.find((t: { post: { id: string } }) => t.post.id === root.id).newCount).toBe(0);
  });

  it('keeps the 50 threads opened most recently', async () => {
    const roots = [];
    for (let i = 0; i <= SEEN_COOKIE_THREADS; i++)
      roots.push(await createThread(app.db, { board, author: starterMember, title: `第${i}帖` }));
    const reader = app.client();
    for (const root of roots) await open(reader, root.id);
    const kept = parseSeenCookie(reader.cookies.get(SEEN_COOKIE));
    expect(kept.size).toBe(SEEN_COOKIE_THREADS);
    expect([...kept.keys()]).toEqual(
      roots
        .slice(1)
        .reverse()
        .map((r) => r.id),
    );
    // The first thread opened was dropped: its new follow-up is not counted; the last one's is.
    const [oldest, newest] = [roots[0]!, roots[roots.length - 1]!];
    await createReply(app.db, oldest.id, { title: '舊' });
    await createReply(app.db, newest.id, { title: '新' });
    expect(await boardSays(reader, oldest.id)).toBe('');
    expect(await boardSays(reader, newest.id)).toBe('1 條新跟帖');
    // Opening a thread again brings it to the front; the cookie is not sent again for nothing.
    const again = await open(reader, roots[10]!.id);
    expect([...parseSeenCookie(reader.cookies.get(SEEN_COOKIE)).keys()][0]).toBe(roots[10]!.id);
    expect(again.headers.getSetCookie().some((c) => c.startsWith(`${SEEN_COOKIE}=`))).toBe(true);
    const unchanged = await open(reader, roots[10]!.id);
    expect(unchanged.headers.getSetCookie().some((c) => c.startsWith(`${SEEN_COOKIE}=`))).toBe(false);
  });

  it.each([
    ['a garbled cookie', '%%%;;'],
    ['a cookie not in base 36', 'AB-1'],
    ['ids out of range', 'zzzzzzzzzzzz-1'],
    ['a thread named twice', '1-1.1-2'],
    ['an oversized cookie', `${'1-1.'.repeat(2000)}1-1`],
    ['a cookie of too many threads', Array.from({ length: 51 }, (_, i) => `${(i + 1).toString(36)}-1`).join('.')],
  ])('ignores %s', async (_what, value) => {
    const root = await postThread(starter, board, '壞餅乾');
    await postReply(replier, root.id, '一');
    const reader = app.client();
    reader.cookies.set(SEEN_COOKIE, value);
    const page = await open(reader, root.id);
    expect(newSince(page)).toBe('');
    // The reader starts afresh: the cookie now holds this thread alone.
    expect([...parseSeenCookie(reader.cookies.get(SEEN_COOKIE)).keys()]).toEqual([root.id]);
    reader.cookies.set(SEEN_COOKIE, value);
    expect(await boardSays(reader, root.id)).toBe('');
    expect((await reader.get(`/api/boards/${board.slug}/threads`)).status).toBe(200);
  });
});

describe('the cookie', () => {
  it('is compact, and reads back what it wrote', () => {
    let seen = parseSeenCookie(undefined);
    for (let i = 1; i <= 60; i++) seen = afterVisit(seen, String(999_999_999_999 + i), String(i * 7))!;
    const value = formatSeenCookie(seen);
    expect(value.length).toBeLessThan(1000);
    expect(value).toMatch(/^[0-9a-z.-]+$/);
    expect([...parseSeenCookie(value)]).toEqual([...seen]);
    expect(seen.size).toBe(SEEN_COOKIE_THREADS);
  });

  it('never takes a reader back to an older version of a thread', () => {
    const seen = afterVisit(afterVisit(new Map(), '5', '9')!, '6', '1')!;
    expect([...afterVisit(seen, '5', '3')!]).toEqual([
      ['5', '9'],
      ['6', '1'],
    ]);
    expect(afterVisit(afterVisit(seen, '5', '3')!, '5', '3')).toBeUndefined();
  });

  it('is set for a year, HttpOnly, SameSite=Lax, Secure only on HTTPS', () => {
    const seen = afterVisit(new Map(), '36', '37')!;
    const now = Date.UTC(2026, 11, 3, 3, 4, 5);
    expect(seenCookieHeader(seen, false, now)).toBe(
      'gentie_seen=10-11; Max-Age=31536000; Path=/; Expires=Fri, 03 Dec 2027 03:04:05 GMT; HttpOnly; SameSite=Lax',
    );
    expect(seenCookieHeader(seen, true, now)).toBe(
      'gentie_seen=10-11; Max-Age=31536000; Path=/; Expires=Fri, 03 Dec 2027 03:04:05 GMT; HttpOnly; Secure; SameSite=Lax',
    );
  });
});
