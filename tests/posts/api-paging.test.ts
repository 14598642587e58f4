import type { HttpClient, TestApp } from '../helpers/app';
import { type ApiPost, createModerator, createReply, createShapedThread, createThread, logInClient, startBoardApp } from '../factories';
import { encodeCursor } from '../../server/posts/posts.cursor';

let app: TestApp;
let board: { slug: string };
let reader: HttpClient;
/** The shaped thread (37 follow-ups, depth up to 5): ids[n] is the shape's post n. */
let ids: string[];
let rootId: string;

beforeAll(async () => {
  ({ app, board } = await startBoardApp());
  reader = app.client();
  ({
    ids,
    root: { id: rootId },
  } = await createShapedThread(app.db, { board }));
});
afterAll(() => app.close());

interface Page {
  post: ApiPost;
  thread: { replyCount: number; seq: number };
  replies: ApiPost[];
  nextCursor: string | null;
}

async function getPage(url: string): Promise<Page> {
  const res = await reader.get(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
  return res.json as Page;
}

/** Walks a walk to its end, a page of `limit` at a time; `between` runs after each page. */
async function walk(base: string, limit: number, between: () => Promise<void> = async () => undefined) {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const sep = base.includes('?') ? '&' : '?';
    const page = await getPage(`${base}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    pages.push(page);
    cursor = page.nextCursor;
    if (cursor) await between();
  } while (cursor);
  return { pages, replies: pages.flatMap((p) => p.replies) };
}

/** A post's path, from the tree of parents the answers carry. */
function pathsOf(posts: ApiPost[], rootPath: string[]): Map<string, bigint[]> {
  const paths = new Map<string, bigint[]>([[rootPath[rootPath.length - 1]!, rootPath.map(BigInt)]]);
  for (const p of posts) paths.set(p.id, [...paths.get(p.parentId!)!, BigInt(p.id)]);
  return paths;
}

const before = (a: bigint[], b: bigint[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
};

function expectValidationFailed(res: { status: number; json: { error?: { code: string } } }) {
  expect(res.status).toBe(400);
  expect(res.json.error?.code).toBe('ValidationFailed');
}

describe('GET /api/posts/:id a page at a time', () => {
  it('answers a thread below 1,000 follow-ups whole, as before, with nextCursor null', async () => {
    const page = await getPage(`/api/posts/${rootId}`);
    expect(page.replies).toHaveLength(37);
    expect(page.nextCursor).toBeNull();
    expect(page.post.replyCount).toBe(37);
    // Subtree counts: each post's follow-ups are the posts after it until the next one at its depth or above.
    page.replies.forEach((p, i) => {
      const end = page.replies.findIndex((q, j) => j > i && q.depth <= p.depth);
      expect(p.replyCount).toBe((end === -1 ? page.replies.length : end) - i - 1);
    });
  });

  it.each([1, 2, 3, 7, 36, 37])(
    'walks the whole thread exactly once in display order, %i a page, with the same posts and counts',
    async (limit) => {
      const whole = await getPage(`/api/posts/${rootId}`);
      const { pages, replies } = await walk(`/api/posts/${rootId}`, limit);
      expect(replies).toEqual(whole.replies);
      expect(pages).toHaveLength(Math.ceil(37 / limit));
      for (const page of pages) {
        expect(page.replies.length).toBeLessThanOrEqual(limit);
        expect(page.post).toEqual(whole.post);
      }
      expect(pages[pages.length - 1]!.nextCursor).toBeNull();
    },
  );

  it('walks a follow-up’s subtree the same, its own count on every page', async () => {
    const whole = await getPage(`/api/posts/${rootId}`);
    // The post with the biggest subtree below the root.
    const big = whole.replies.reduce((a, b) => (b.replyCount > a.replyCount ? b : a));
    expect(big.replyCount).toBeGreaterThan(3);
    const sub = await getPage(`/api/posts/${big.id}`);
    const { pages, replies } = await walk(`/api/posts/${big.id}`, 2);
    expect(replies).toEqual(sub.replies);
    for (const page of pages) expect(page.post.replyCount).toBe(big.replyCount);
  });

  it('returns every post that existed at the start exactly once while follow-ups arrive between pages', async () => {
    const root = await createThread(app.db, { board, title: '邊讀邊寫' });
    const first = await createReply(app.db, root.id, { title: '一' });
    for (let i = 0; i < 12; i++) await createReply(app.db, i % 3 === 0 ? root.id : first.id, { title: `原有${i}` });
    const original = (await getPage(`/api/posts/${root.id}`)).replies.map((p) => p.id);
    let n = 0;
    const written: string[] = [];
    const { replies } = await walk(`/api/posts/${root.id}`, 3, async () => {
      // Replies early and late in the display order: under the first post, under the root (at the end).
      const parent = [first.id, root.id, original[original.length - 1]!][n % 3]!;
      written.push((await createReply(app.db, parent, { title: `新${n++}` })).id);
    });
    const seen = replies.map((p) => p.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => original.includes(id))).toEqual(original);
    // In display order throughout, new ones included where they sort.
    const paths = pathsOf(replies, [root.id]);
    for (let i = 1; i < seen.length; i++) expect(before(paths.get(seen[i - 1]!)!, paths.get(seen[i]!)!)).toBe(true);
    // The walk ends with the thread as it is then: the replies under the root sort after every cursor.
    expect(seen).toEqual(expect.arrayContaining(written.filter((_, i) => i % 3 === 1)));
    expect(written.length).toBeGreaterThan(3);
  });

  it('leaves bodies out with bodies=false (body "", bytes kept)', async () => {
    const root = await createThread(app.db, { board });
    await createReply(app.db, root.id, { title: '有內容', body: '<p>一段話</p>' });
    const full = await getPage(`/api/posts/${root.id}`);
    const lean = await getPage(`/api/posts/${root.id}?bodies=false`);
    expect(full.replies[0]!.body).toBe('<p>一段話</p>');
    expect(lean.replies[0]).toEqual({ ...full.replies[0], body: '' });
    expect(lean.post).toEqual(full.post);
    expect((await getPage(`/api/posts/${root.id}?bodies=true`)).replies).toEqual(full.replies);
    expectValidationFailed(await reader.get(`/api/posts/${root.id}?bodies=no`));
  });

  it('converts pages to the variant asked for', async () => {
    const root = await createThread(app.db, { board, title: '软件' });
    await createReply(app.db, root.id, { title: '芯片和软件', body: '<p>头发</p>' });
    const page = await getPage(`/api/posts/${root.id}?variant=zh-tw&limit=1`);
    expect(page.post.title).toBe('軟體');
    expect(page.replies[0]).toMatchObject({ title: '晶片和軟體', body: '<p>頭髮</p>' });
  });

  it('keeps deleted posts in their place as tombstones for readers, whole for moderators', async () => {
    const root = await createThread(app.db, { board });
    const gone = await createReply(app.db, root.id, { title: '秘密' });
    await createReply(app.db, gone.id, { title: '回覆' });
    const moderator = await createModerator(app.db, board);
    const modClient = app.client();
    await logInClient(modClient, moderator);
    expect((await modClient.request('DELETE', `/api/posts/${gone.id}`, { json: { reason: '測試' } })).status).toBe(200);
    const page = await getPage(`/api/posts/${root.id}?limit=1`);
    expect(page.replies[0]).toMatchObject({ id: gone.id, deleted: true, title: '', replyCount: 1 });
    const seen = (await modClient.get(`/api/posts/${root.id}?limit=1`)).json as Page;
    expect(seen.replies[0]).toMatchObject({ id: gone.id, deleted: true, title: '秘密' });
  });

  it.each([
    ['0', '0'],
    ['1001', '1001'],
    ['x', 'x'],
    ['a fraction', '1.5'],
    ['empty', ''],
    ['negative', '-1'],
  ])('refuses limit %s with 400', async (_, limit) => {
    expectValidationFailed(await reader.get(`/api/posts/${rootId}?limit=${limit}`));
  });

  it('refuses limit given twice or as an array, in the reader’s script', async () => {
    expect((await reader.get(`/api/posts/${rootId}?limit=1&limit=2`)).status).toBe(400);
    const res = await reader.get(`/zh-hans/api/posts/${rootId}?limit=1001`);
    expectValidationFailed(res);
    expect(res.json.error.localized).toMatch(/^每页条数：.*1000/);
    const cursor = await reader.get(`/zh-hant/api/posts/${rootId}?cursor=not-a-cursor`);
    expect(cursor.json.error.localized).toBe('翻頁位置：格式不對。');
  });

  it('refuses forged, malformed, stale and foreign cursors with 400, never 500', async () => {
    const first = await getPage(`/api/posts/${rootId}?limit=2`);
    const cursor = first.nextCursor!;
    const other = await createThread(app.db, { board });
    const otherReply = await createReply(app.db, other.id, { title: '別處' });
    await createReply(app.db, other.id, { title: '別處二' });
    const otherCursor = (await getPage(`/api/posts/${other.id}?limit=1`)).nextCursor!;
    const bytes = Buffer.from(cursor, 'base64url');
    const stale = Buffer.from(bytes);
    stale[0] = 0;
    const cursors: [string, string][] = [
      ['garbage', 'not-a-cursor'],
      ['not base64url', '!!!!'],
      ['padded base64', `${cursor}==`],
      ['truncated', cursor.slice(0, -3)],
      ['a version this server never gave', stale.toString('base64url')],
      ['a cursor of the /new walk', encodeCursor('new', [rootId, ids[1]!])],
      ['of another thread', otherCursor],
      ['a path where no post is', encodeCursor('subtree', [rootId, '999999999'])],
      ['a post at another path', encodeCursor('subtree', [rootId, otherReply.id])],
      ['the post itself', encodeCursor('subtree', [rootId])],
      ['an id past bigint', Buffer.concat([bytes.subarray(0, 2), Buffer.alloc(8, 0xff)]).toString('base64url')],
      ['a zero id', Buffer.concat([bytes.subarray(0, 2), Buffer.alloc(8, 0)]).toString('base64url')],
      ['far too long', 'A'.repeat(12_000)],
    ];
    for (const [what, c] of cursors) {
      const res = await reader.get(`/api/posts/${rootId}?cursor=${encodeURIComponent(c)}`);
      expect([what, res.status, res.json?.error?.code]).toEqual([what, 400, 'ValidationFailed']);
    }
    // A cursor from one follow-up's subtree is foreign to its sibling's.
    const [a, b] = (await getPage(`/api/posts/${rootId}`)).replies.filter((p) => p.depth === 1 && p.replyCount > 0);
    const fromA = (await getPage(`/api/posts/${a!.id}?limit=1`)).nextCursor!;
    expect((await reader.get(`/api/posts/${a!.id}?cursor=${fromA}`)).status).toBe(200);
    expectValidationFailed(await reader.get(`/api/posts/${b!.id}?cursor=${fromA}`));
    expect((await reader.get(`/api/posts/${rootId}?cursor=${cursor}`)).status).toBe(200);
  });

  it('answers 404 for an unknown post, with or without a cursor', async () => {
    expect((await reader.get('/api/posts/987654321?limit=5')).json.error.code).toBe('PostNotFound');
    const cursor = (await getPage(`/api/posts/${rootId}?limit=2`)).nextCursor!;
    expect((await reader.get(`/api/posts/987654321?cursor=${cursor}`)).status).toBe(404);
    expect((await reader.get('/api/posts/abc?limit=5')).status).toBe(404);
  });
});

describe('GET /api/threads/:id/new?since=', () => {
  it('gives the follow-ups written after a post, in display order, a page at a time', async () => {
    const root = await createThread(app.db, { board, title: '新跟帖' });
    const a = await createReply(app.db, root.id, { title: 'a' });
    const b = await createReply(app.db, root.id, { title: 'b' });
    const seenUpTo = b.id;
    const a1 = await createReply(app.db, a.id, { title: 'a1' });
    const c = await createReply(app.db, root.id, { title: 'c' });
    const a2 = await createReply(app.db, a.id, { title: 'a2' });
    const b1 = await createReply(app.db, b.id, { title: 'b1' });
    const a11 = await createReply(app.db, a1.id, { title: 'a11' });
    const res = await reader.get(`/api/threads/${root.id}/new?since=${seenUpTo}`);
    expect(res.status).toBe(200);
    expect(res.json.thread).toMatchObject({ id: root.id, replyCount: 7 });
    expect(res.json.nextCursor).toBeNull();
    expect((res.json.replies as ApiPost[]).map((p) => p.title)).toEqual(['a1', 'a11', 'a2', 'b1', 'c']);
    expect((res.json.replies as ApiPost[]).map((p) => p.replyCount)).toEqual([1, 0, 0, 0, 0]);
    const { pages, replies } = await walk(`/api/threads/${root.id}/new?since=${seenUpTo}`, 2);
    expect(pages).toHaveLength(3);
    expect(replies).toEqual(res.json.replies);
    expect(replies.map((p) => p.id)).toEqual([a1.id, a11.id, a2.id, b1.id, c.id]);
    // since=0: every follow-up, with counts of whole subtrees (older posts under them too).
    const all = await getPage(`/api/threads/${root.id}/new?since=0`);
    expect(all.replies.map((p) => p.title)).toEqual(['a', 'a1', 'a11', 'a2', 'b', 'b1', 'c']);
    expect(all.replies.map((p) => p.replyCount)).toEqual([3, 1, 0, 0, 1, 0, 0]);
    expect((await getPage(`/api/threads/${root.id}/new?since=${a11.id}`)).replies).toEqual([]);
  });

  it('counts the subtrees of new posts that go on past the page', async () => {
    const { replies } = await walk(`/api/threads/${rootId}/new?since=0&bodies=false`, 4);
    const whole = await getPage(`/api/posts/${rootId}?bodies=false`);
    expect(replies).toEqual(whole.replies);
  });

  it('refuses bad input with 400 and unknown threads with 404', async () => {
    const cursor = (await getPage(`/api/posts/${rootId}?limit=2`)).nextCursor!;
    expectValidationFailed(await reader.get(`/api/threads/${rootId}/new`));
    expectValidationFailed(await reader.get(`/api/threads/${rootId}/new?since=x`));
    expectValidationFailed(await reader.get(`/api/threads/${rootId}/new?since=-1`));
    expectValidationFailed(await reader.get(`/api/threads/${rootId}/new?since=0&limit=0`));
    expectValidationFailed(await reader.get(`/api/threads/${rootId}/new?since=0&cursor=${cursor}`));
    expectValidationFailed(await reader.get(`/api/threads/${rootId}/new?since=0&cursor=${encodeCursor('new', [rootId])}`));
    expect((await reader.get('/api/threads/987654321/new?since=0')).json.error.code).toBe('PostNotFound');
    expect((await reader.get('/api/threads/abc/new?since=0')).status).toBe(404);
    // A follow-up is not a thread.
    expect((await reader.get(`/api/threads/${ids[1]}/new?since=0`)).status).toBe(404);
  });
});
