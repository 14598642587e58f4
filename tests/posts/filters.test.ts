import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import {
  type ApiPost,
  createModerator,
  createReply,
  createTestBoard,
  logInClient,
  memberClient,
  postReply,
  postThread,
} from '../factories';
import type { Member } from '../../server/db/member';

let app: TestApp;
let board: { slug: string };
// 软件王 starts the threads (a name in simplified characters: never converted); Yi_Asks answers.
let op: HttpClient;
let yi: HttpClient;
let opMember: Member;
const OP_NAME = '软件王';
const YI_NAME = 'Yi_Asks';

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  op = app.client();
  yi = app.client();
  opMember = await memberClient(app.db, op, { name: OP_NAME });
  await memberClient(app.db, yi, { name: YI_NAME });
});
afterAll(() => app.close());

/**
 * A thread by the starter: 乙 asks under the root (r1), the starter answers 乙 (r2), 乙 answers
 * again (r3), the starter adds a follow-up under the root (r4). Display order: root r1 r2 r3 r4.
 */
async function conversation() {
  const root = await postThread(op, board, '软件问题');
  const r1 = await postReply(yi, root.id, '乙问软件');
  const r2 = await postReply(op, r1.id, '楼主答乙');
  const r3 = await postReply(yi, r2.id, '乙又问');
  const r4 = await postReply(op, root.id, '楼主补充');
  return { root, r1, r2, r3, r4 };
}

/** The items of a filtered list, in order: the post's id and the id its context line links to. */
function listed(html: string): { id: string; context: string | null }[] {
  const list = /<ol class="filtered">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, item]) => ({
    id: /<span class="line[^"]*" id="p(\d+)"/.exec(item!)![1]!,
    context: /<span class="context">[^<]*<a href="[^"]*\/t\/(\d+)"/.exec(item!)?.[1] ?? null,
  }));
}

const ids = (posts: ApiPost[]) => posts.map((p) => p.id);

describe('only the thread starter (只看樓主)', () => {
  it("lists the starter's posts in display order, each under the line it answers", async () => {
    const t = await conversation();
    const page = await app.client().get(`/t/${t.root.id}?by=op`);
    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual([
      { id: t.root.id, context: null },
      { id: t.r2.id, context: t.r1.id },
      { id: t.r4.id, context: t.root.id },
    ]);
    // The context line is the answered post's title and author, lighter (class context), not a post of the list.
    expect(page.text).toMatch(
      new RegExp(`<span class="context">回覆 <a href="/t/${t.r1.id}" class="title">乙问软件</a> -<a href="/u/${YI_NAME}"`),
    );
    expect(page.text).toContain(`<h1>只看樓主：${OP_NAME} 的帖子</h1>`);
    expect(page.text).toContain(`<a href="/t/${t.root.id}?by=op" aria-current="page">只看樓主</a>`);
    expect(page.text).toContain(`<a href="/t/${t.root.id}">回到整個主題</a>`);
    // Asked from any post of the thread, it is the thread's list all the same.
    expect(listed((await app.client().get(`/t/${t.r3.id}?by=op`)).text).map((p) => p.id)).toEqual([t.root.id, t.r2.id, t.r4.id]);
  });

  it('answers the same in JSON, each post with the one it answers', async () => {
    const t = await conversation();
    const res = await app.client().get(`/api/threads/${t.root.id}/posts?by=op`);
    expect(res.status).toBe(200);
    expect(ids(res.json.posts)).toEqual([t.root.id, t.r2.id, t.r4.id]);
    expect(res.json.posts[0].parent).toBeNull();
    expect(res.json.posts[1].parent).toEqual({ id: t.r1.id, title: '乙问软件', author: { name: YI_NAME, role: 'member' } });
    expect(res.json.posts[1]).toMatchObject({ title: '楼主答乙', author: { name: OP_NAME }, parentId: t.r1.id, depth: 2 });
    expect(res.json.nextAfter).toBeNull();
  });
});

describe("one author's posts", () => {
  it('lists any member by name, in any case', async () => {
    const t = await conversation();
    const page = await app.client().get(`/t/${t.root.id}?by=yi_asks`);
    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual([
      { id: t.r1.id, context: t.root.id },
      { id: t.r3.id, context: t.r2.id },
    ]);
    expect(page.text).toContain(`<h1>${YI_NAME} 在本主題的帖子</h1>`);
    const api = await app.client().get(`/api/threads/${t.root.id}/posts?by=${encodeURIComponent(YI_NAME)}`);
    expect(ids(api.json.posts)).toEqual([t.r1.id, t.r3.id]);
  });

  it('says so when a member has no posts in the thread', async () => {
    const t = await conversation();
    const quiet = await memberClient(app.db, app.client(), { name: 'quiet_one' });
    const page = await app.client().get(`/zh-hans/t/${t.root.id}?by=${quiet.name}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<p class="no-replies">quiet_one 在这个主题里没有帖子。</p>');
    expect((await app.client().get(`/api/threads/${t.root.id}/posts?by=${quiet.name}`)).json).toEqual({ posts: [], nextAfter: null });
  });

  it('refuses an unknown author with a 404 in the reader’s script', async () => {
    const t = await conversation();
    const page = await app.client().get(`/zh-hans/t/${t.root.id}?by=nobody_here`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('没有“nobody_here”这个用户。');
    const api = await app.client().get(`/api/threads/${t.root.id}/posts?by=nobody_here`);
    expect(api.status).toBe(404);
    expect(api.json.error.code).toBe('MemberNotFound');
  });

  it('pages by keyset through an author’s posts, each exactly once', async () => {
    const root = await postThread(op, board, '長串');
    const mine: string[] = [root.id];
    let parent = root.id;
    for (let i = 0; i < 7; i++) {
      const post = await postReply(op, i % 2 ? parent : root.id, `第${i}帖`);
      parent = post.id;
    }
    const all = (await app.client().get(`/api/threads/${root.id}/posts?by=op`)).json.posts.map((p: ApiPost) => p.id);
    mine.push(...all.slice(1));
    expect(all).toHaveLength(8);
    const walked: string[] = [];
    let after: string | null = null;
    do {
      const res: { json: { posts: ApiPost[]; nextAfter: string | null } } = await app
        .client()
        .get(`/api/threads/${root.id}/posts?by=op&limit=3${after ? `&after=${after}` : ''}`);
      expect(res.json.posts.length).toBeLessThanOrEqual(3);
      walked.push(...ids(res.json.posts));
      after = res.json.nextAfter;
    } while (after);
    expect(walked).toEqual(all);
  });
});

describe('the latest follow-ups', () => {
  it('lists the follow-ups flat, newest first, each with the line it answers', async () => {
    const t = await conversation();
    const page = await app.client().get(`/t/${t.root.id}/latest`);
    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual([
      { id: t.r4.id, context: t.root.id },
      { id: t.r3.id, context: t.r2.id },
      { id: t.r2.id, context: t.r1.id },
      { id: t.r1.id, context: t.root.id },
    ]);
    expect(page.text).toContain(`<a href="/t/${t.root.id}/latest" aria-current="page">最新跟帖</a>`);
    const api = await app.client().get(`/api/threads/${t.root.id}/latest`);
    expect(ids(api.json.posts)).toEqual([t.r4.id, t.r3.id, t.r2.id, t.r1.id]);
    expect(api.json.posts[1].parent).toEqual({ id: t.r2.id, title: '楼主答乙', author: { name: OP_NAME, role: 'member' } });
    expect(api.json.nextBefore).toBeNull();
  });

  it('pages by keyset while replies arrive: nothing twice, nothing missed', async () => {
    const root = await postThread(op, board, '熱鬧');
    const first: string[] = [];
    for (let i = 0; i < 8; i++) first.push((await postReply(i % 2 ? op : yi, root.id, `早${i}`)).id);
    const walked: string[] = [];
    const arrived: string[] = [];
    let before: string | null = null;
    do {
      const res: { json: { posts: ApiPost[]; nextBefore: string | null } } = await app
        .client()
        .get(`/api/threads/${root.id}/latest?limit=3${before ? `&before=${before}` : ''}`);
      walked.push(...ids(res.json.posts));
      before = res.json.nextBefore;
      // Two new replies land between every two requests, some under posts already listed.
      arrived.push((await postReply(yi, root.id, '新的')).id, (await postReply(op, first[3]!, '又新的')).id);
    } while (before);
    expect(walked).toEqual([...first].reverse());
    // The newcomers are on a fresh first page, newest first.
    const fresh = (await app.client().get(`/api/threads/${root.id}/latest?limit=${arrived.length}`)).json.posts;
    expect(ids(fresh)).toEqual([...arrived].reverse());
  });

  it('bounds the pages with a "more" link, without JavaScript, on the latest and the author views', async () => {
    const root = await postThread(op, board, '很長的主題');
    for (let i = 0; i < 201; i++) await createReply(app.db, root.id, { author: opMember, title: `第${i}條` });
    const latest = await app.client().get(`/t/${root.id}/latest`);
    const firstPage = listed(latest.text);
    expect(firstPage).toHaveLength(200);
    const more = new RegExp(`<a rel="next" href="(/t/${root.id}/latest\\?before=\\d+)">更早的跟帖…</a>`).exec(latest.text);
    expect(more).not.toBeNull();
    const second = await app.client().get(more![1]!);
    expect(listed(second.text)).toHaveLength(1);
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain(`<a href="/t/${root.id}/latest">回到最新</a>`);
    expect(new Set([...firstPage, ...listed(second.text)].map((p) => p.id)).size).toBe(201);

    const byOp = await app.client().get(`/zh-hans/t/${root.id}?by=op`);
    expect(listed(byOp.text)).toHaveLength(200);
    const next = new RegExp(`<a rel="next" href="(/zh-hans/t/${root.id}\\?by=op&amp;after=\\d+)">后面的帖子…</a>`).exec(byOp.text);
    expect(next).not.toBeNull();
    const rest = await app.client().get(next![1]!.replace(/&amp;/g, '&'));
    expect(listed(rest.text)).toHaveLength(2);
    expect(new Set([...listed(byOp.text), ...listed(rest.text)].map((p) => p.id)).size).toBe(202);
  });
});

describe('script variants', () => {
  it('converts titles under a prefix, never names, and keeps links under it', async () => {
    const t = await conversation();
    const page = await app.client().get(`/zh-hant/t/${t.root.id}?by=op`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('樓主答乙');
    expect(page.text).toContain(`class="title">乙問軟件</a> -<a href="/zh-hant/u/${YI_NAME}"`);
    expect(page.text).toContain(`<h1>只看樓主：${OP_NAME} 的帖子</h1>`);
    expect(page.text).toContain(`<a href="/zh-hant/t/${t.root.id}/latest">最新跟帖</a>`);
    expect(page.text).not.toContain('軟件王');

    const latest = await app.client().get(`/zh-hans/t/${t.root.id}/latest`);
    expect(latest.text).toContain('<h1>最新跟帖（新的在前）</h1>');
    expect(latest.text).toContain(`<a href="/zh-hans/t/${t.root.id}?by=op">只看楼主</a>`);

    const api = await app.client().get(`/api/threads/${t.root.id}/latest?variant=zh-tw`);
    expect(api.json.posts[0]).toMatchObject({ title: '樓主補充', author: { name: OP_NAME } });
    expect(api.json.posts[1].parent).toMatchObject({ title: '樓主答乙', author: { name: OP_NAME } });
    const byOp = await app.client().get(`/api/threads/${t.root.id}/posts?by=op&variant=zh-hant`);
    expect(byOp.json.posts[1].parent.title).toBe('乙問軟件');
  });
});

describe('the thread page', () => {
  it('links to its views without disturbing the tree', async () => {
    const t = await conversation();
    const page = await app.client().get(`/zh-hans/t/${t.root.id}`);
    expect(page.text).toContain(
      `<nav class="thread-views" aria-label="浏览方式"><a href="/zh-hans/t/${t.root.id}" aria-current="page">全部</a> · ` +
        `<a href="/zh-hans/t/${t.root.id}?by=op">只看楼主</a> · <a href="/zh-hans/t/${t.root.id}/latest">最新跟帖</a></nav>`,
    );
    expect(page.text).toContain(`<ul class="tree">`);
    // A follow-up's page links to the whole thread's views.
    const sub = await app.client().get(`/t/${t.r1.id}`);
    expect(sub.text).toContain(`<a href="/t/${t.root.id}?by=op">只看樓主</a>`);
  });
});

describe('deleted posts', () => {
  it('are tombstones in these views for readers, the title kept from them', async () => {
    const t = await conversation();
    expect((await yi.request('DELETE', `/api/posts/${t.r1.id}`, { json: {} })).status).toBe(200);
    const page = await app.client().get(`/t/${t.root.id}?by=op`);
    expect(page.text).not.toContain('乙问软件');
    expect(listed(page.text)[1]).toEqual({ id: t.r2.id, context: t.r1.id });
    const api = await app.client().get(`/api/threads/${t.root.id}/latest`);
    const r1 = api.json.posts.find((p: ApiPost) => p.id === t.r1.id);
    expect(r1).toMatchObject({ title: '', body: '', deleted: true });
    expect(api.json.posts.find((p: ApiPost) => p.id === t.r2.id).parent.title).toBe('');
    // The board's moderators see what was deleted, as on the thread page.
    const moderator = app.client();
    await logInClient(moderator, await createModerator(app.db, board));
    expect((await moderator.get(`/t/${t.root.id}?by=op`)).text).toContain('乙问软件');
    const seen = (await moderator.get(`/api/threads/${t.root.id}/latest`)).json.posts;
    expect(seen.find((p: ApiPost) => p.id === t.r2.id).parent.title).toBe('乙问软件');
  });
});

describe('bad input', () => {
  it('answers a clear 400 or 404, never a 500', async () => {
    const t = await conversation();
    const other = await postThread(op, board, '另一個');
    const client = app.client();
    const cases: [string, number, string][] = [
      [`/t/${t.root.id}/latest?before=x`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/latest?before=x`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/latest?before=-1`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/latest?before=99999999999999999999999`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/latest?limit=0`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/latest?limit=5000`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/posts?by=op&after=x`, 400, 'ValidationFailed'],
      // A post of another thread is no place to continue from.
      [`/api/threads/${t.root.id}/posts?by=op&after=${other.id}`, 400, 'ValidationFailed'],
      [`/t/${t.root.id}?by=op&after=${other.id}`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/posts`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/posts?by=`, 400, 'ValidationFailed'],
      [`/t/${t.root.id}?by=`, 400, 'ValidationFailed'],
      [`/t/${t.root.id}?by=a%01b`, 400, 'ValidationFailed'],
      [`/api/threads/${t.root.id}/posts?by=%00`, 400, 'ValidationFailed'],
      [`/t/${t.root.id}?by=%FF`, 400, 'InvalidUtf8'],
      [`/t/${t.root.id}?by=${'長'.repeat(500)}`, 400, 'ValidationFailed'],
      [`/t/${t.root.id}?by=op&by=x`, 400, 'ValidationFailed'],
      [`/t/${t.root.id}?by=${'a'.repeat(60)}`, 404, 'MemberNotFound'],
      [`/t/${t.root.id}?by=%E2%80%8Bsoftware`, 404, 'MemberNotFound'],
      [`/t/${t.root.id}?by=<script>`, 404, 'MemberNotFound'],
      [`/t/999999999/latest`, 404, 'PostNotFound'],
      [`/t/abc/latest`, 404, 'PostNotFound'],
      [`/t/999999999?by=op`, 404, 'PostNotFound'],
      [`/api/threads/999999999/latest`, 404, 'PostNotFound'],
      // The API names threads: a follow-up's id is refused, saying so.
      [`/api/threads/${t.r1.id}/latest`, 404, 'PostNotFound'],
      [`/api/threads/${t.r1.id}/posts?by=op`, 404, 'PostNotFound'],
      [`/api/threads/${'9'.repeat(40)}/latest`, 404, 'PostNotFound'],
    ];
    for (const [path, status, code] of cases) {
      const res = await client.get(path);
      expect({ path, status: res.status }).toEqual({ path, status });
      if (path.startsWith('/api')) expect({ path, code: res.json.error.code }).toEqual({ path, code });
      else expect(res.text).not.toContain('Internal');
    }
    const notThread = await client.get(`/api/threads/${t.r1.id}/latest`);
    expect(notThread.json.error.localized).toContain('是跟帖');
    // An HTML name in a 404 page is text, not markup.
    const hostile = await client.get(`/t/${t.root.id}?by=${encodeURIComponent('<b>x</b>')}`);
    expect(hostile.status).toBe(404);
    expect(hostile.text).not.toContain('<b>x</b>');
  });
});

describe('ignored members', () => {
  it('are collapsed in these views for the reader who ignores them, and for no one else', async () => {
    const t = await conversation();
    const reader = app.client();
    await memberClient(app.db, reader, { name: 'reader_ignores' });
    expect((await reader.post(`/api/members/${YI_NAME}/ignore`)).status).toBe(200);
    const collapsed = `<details class="ignored"><summary>已忽略 ${YI_NAME} 的帖子</summary>`;

    // Only-OP: the starter's answer to 乙 keeps its context line, collapsed.
    const byOp = await reader.get(`/t/${t.root.id}?by=op`);
    expect(byOp.text).toContain(`<span class="context">回覆 ${collapsed}<span class="line"><a href="/t/${t.r1.id}" class="title">`);
    expect(byOp.text).toContain(`<span class="line title-only" id="p${t.r2.id}">`);
    expect(byOp.text).not.toContain(`${collapsed}<span class="line title-only" id="p${t.r2.id}">`);
    // 乙's own lines, on the author view and the latest view.
    const byYi = await reader.get(`/t/${t.root.id}?by=${YI_NAME}`);
    for (const id of [t.r1.id, t.r3.id]) expect(byYi.text).toContain(`${collapsed}<span class="line title-only" id="p${id}">`);
    const latest = await reader.get(`/zh-hans/t/${t.root.id}/latest`);
    expect(latest.text).toContain(
      `<details class="ignored"><summary>已忽略 ${YI_NAME} 的帖子</summary><span class="line title-only" id="p${t.r3.id}">`,
    );
    expect(latest.text).not.toContain(`<summary>已忽略 ${YI_NAME} 的帖子</summary><span class="line title-only" id="p${t.r4.id}">`);

    for (const who of [app.client(), op]) {
      for (const path of [`/t/${t.root.id}?by=op`, `/t/${t.root.id}?by=${YI_NAME}`, `/t/${t.root.id}/latest`]) {
        expect((await who.get(path)).text).not.toContain('class="ignored"');
      }
    }
  });
});
