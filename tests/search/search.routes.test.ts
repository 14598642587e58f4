import { sql } from 'kysely';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { spawnCli } from '../helpers/processes';
import {
  type ApiPost,
  createMember,
  createModerator,
  createTestBoard,
  logInClient,
  memberClient,
  postReply,
  postThread,
} from '../factories';
import { planThread, seededRandom } from '../../bench/shape';
import { seedThread } from '../../bench/seed';
import { reindex } from '../../server/search/search.service';
import { VARIANTS } from '../../server/variants';

let app: TestApp;
let board: { slug: string; name: string };
let cn: HttpClient; // writes simplified, mainland words
let tw: HttpClient; // writes traditional, Taiwan words
let hk: HttpClient; // writes traditional with Hong Kong forms
const CN = 'Lisland_2013';
const TW = '台北阿明';
const HK = 'hk_writer';

let cnThread: ApiPost;
let twThread: ApiPost;
let hkReply: ApiPost;
let twHealth: ApiPost;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db, { name: '科技版' });
  cn = app.client();
  tw = app.client();
  hk = app.client();
  await memberClient(app.db, cn, { name: CN });
  await memberClient(app.db, tw, { name: TW });
  await memberClient(app.db, hk, { name: HK });
  cnThread = await postThread(cn, board, '芯片出口管制的新规定', '美国扩大了对中国的芯片出口管制，软件公司也受到影响。这个程序员很担心。');
  twThread = await postThread(tw, board, '台積電的晶片供應', '美國對晶片的出口管制越來越嚴，軟體業者也很緊張。');
  hkReply = await postReply(hk, twThread.id, '衞生署的提醒', '市民要注意個人衞生，裏面寫得很清楚。');
  twHealth = await postReply(tw, twThread.id, '衛生習慣', '這裡說的是個人衛生。');
});
afterAll(() => app.close());

/** The ids a search finds (GET /api/search), with `params` added; fails unless it answers 200. */
async function found(q: string, params: Record<string, string> = {}, client: HttpClient = app.client()): Promise<string[]> {
  const query = new URLSearchParams({ q, ...params });
  const res = await client.get(`/api/search?${query}`);
  if (res.status !== 200) throw new Error(`search ${q} answered ${res.status} ${res.text}`);
  return res.json.results.map((r: { post: { id: string } }) => r.post.id);
}

const inBoard = (b: { slug: string } = board) => ({ board: b.slug });

describe('across scripts and regions', () => {
  it.each(VARIANTS)('a %s reader finds posts written in each script, whichever script they type', async (variant) => {
    for (const q of ['芯片', '晶片']) {
      const ids = await found(q, { ...inBoard(), variant });
      expect(ids).toEqual(expect.arrayContaining([cnThread.id, twThread.id]));
    }
    for (const q of ['软件', '軟體']) {
      const ids = await found(q, { ...inBoard(), variant });
      expect(ids).toEqual(expect.arrayContaining([cnThread.id, twThread.id]));
    }
    for (const q of ['出口管制', '出口管製']) {
      const ids = await found(q, { ...inBoard(), variant });
      expect(ids).toEqual(expect.arrayContaining([cnThread.id, twThread.id]));
    }
  });

  it('finds a Hong Kong spelling (衞生) from simplified, Taiwan and Hong Kong queries, and the other way round', async () => {
    for (const q of ['卫生', '衛生', '衞生']) {
      const ids = await found(q, inBoard());
      expect(ids).toEqual(expect.arrayContaining([hkReply.id, twHealth.id]));
    }
  });

  it('does not mix up words that only look alike: 程序 is not found by an unrelated word', async () => {
    expect(await found('程序员', inBoard())).toEqual([cnThread.id]);
    expect(await found('台積電', inBoard())).toEqual([twThread.id]);
  });

  it('snippets and titles are in the reader’s variant, the words marked, and each hit links into its thread window', async () => {
    const res = await app.client().get(`/api/search?${new URLSearchParams({ q: '芯片', ...inBoard(), variant: 'zh-tw' })}`);
    const cnHit = res.json.results.find((r: { post: { id: string } }) => r.post.id === cnThread.id);
    expect(cnHit.snippet).toContain('<mark>晶片</mark>');
    expect(cnHit.snippet).toContain('出口管制');
    expect(cnHit.threadTitle).toBe('晶片出口管制的新規定');
    expect(cnHit.url).toBe(`/t/${cnThread.id}`);
    expect(res.json.total).toBeGreaterThanOrEqual(2);
    const reply = await app.client().get(`/api/search?${new URLSearchParams({ q: '衞生署', ...inBoard() })}`);
    expect(reply.json.results[0].url).toBe(`/t/${twThread.id}?at=${hkReply.id}#p${hkReply.id}`);
    expect(reply.json.results[0].threadTitle).toBe('台積電的晶片供應');
  });
});

describe('words, names, phrases and exclusions', () => {
  let b: { slug: string; name: string };
  let name: ApiPost;
  let phrase: ApiPost;
  let reversed: ApiPost;
  beforeAll(async () => {
    b = await createTestBoard(app.db);
    name = await postThread(cn, b, '聚会通知', '这周末龚翊琪和Lisland_2013一起去吃饭，GPT-4也来了。');
    phrase = await postThread(cn, b, 'Black cat notes', 'the black cat sat on the mat');
    reversed = await postThread(tw, b, 'Cat notes', 'a cat that is black, and a mat');
  });

  it('finds a name no dictionary knows, a member name whole, and Latin words in any case', async () => {
    expect(await found('翊琪', inBoard(b))).toEqual([name.id]);
    expect(await found('龚翊琪', inBoard(b))).toEqual([name.id]);
    expect(await found('lisland_2013', inBoard(b))).toEqual([name.id]);
    expect(await found('ＧＰＴ-4', inBoard(b))).toEqual([name.id]);
    expect((await found('BLACK', inBoard(b))).sort()).toEqual([phrase.id, reversed.id].sort());
  });

  it('ranks a hit in the title above a newer one in the body alone, for a word and for a phrase', async () => {
    const c = await createTestBoard(app.db);
    const inTitle = await postThread(cn, c, 'Walrus tusk report', 'nothing to add');
    const inBody = await postThread(cn, c, 'Another report', 'a walrus tusk was seen');
    // Newest first by recency alone; the title's match doubles the older one's score.
    expect(await found('walrus', inBoard(c))).toEqual([inTitle.id, inBody.id]);
    expect(await found('"walrus tusk"', inBoard(c))).toEqual([inTitle.id, inBody.id]);
    expect(await found('walrus', { ...inBoard(c), in: 'title' })).toEqual([inTitle.id]);
  });

  it('matches a quoted phrase as a phrase', async () => {
    expect(await found('"black cat"', inBoard(b))).toEqual([phrase.id]);
    expect(await found('“cat that”', inBoard(b))).toEqual([reversed.id]);
  });

  it('finds a phrase of common words only where they are side by side, however far back, and excludes it', async () => {
    const c = await createTestBoard(app.db);
    const adjacent = await postThread(cn, c, '服务器内存不够了', '换一台服务器吧');
    // The newer posts 200,000 ids later: a phrase is looked for in windows of post ids, newest
    // first (search.repository.ts findHits), and this one is found several windows back.
    await sql`select setval(pg_get_serial_sequence('posts', 'id'), (select max(id) from posts) + 200000)`.execute(app.db);
    const punctuated = await postThread(cn, c, '服务器，内存，都涨价了');
    const apart = await postThread(cn, c, '服务器的内存', '服务器里的内存条');
    const reversed = await postThread(cn, c, '内存和服务器');
    const sorted = (ids: string[]) => [...ids].sort();
    expect(sorted(await found('"服务器 内存"', inBoard(c)))).toEqual(sorted([adjacent.id, punctuated.id]));
    // Quoted, one run: the characters in a row, no punctuation between.
    expect(await found('「服务器内存」', inBoard(c))).toEqual([adjacent.id]);
    expect(await found('"服务器 内存" -涨价', inBoard(c))).toEqual([adjacent.id]);
    expect(sorted(await found('服务器 -"服务器 内存"', inBoard(c)))).toEqual(sorted([apart.id, reversed.id]));
    expect(sorted(await found('内存 服务器', inBoard(c)))).toEqual(sorted([adjacent.id, punctuated.id, apart.id, reversed.id]));
    // A row indexed before the joins existed (an older folding version, no joins): the phrase is
    // still found, by the documents alone, until search:reindex --only stale rebuilds it. (A
    // process of its own: one that has seen a current index does not look again.)
    await sql`update post_search set joins = '', folding = folding - 1 where post_id = ${adjacent.id}`.execute(app.db);
    const second = await startTestApp({ databaseOf: app });
    try {
      expect(sorted(await found('"服务器 内存"', inBoard(c), second.client()))).toEqual(sorted([adjacent.id, punctuated.id]));
    } finally {
      await second.close();
      await sql`update post_search set folding = folding + 1 where post_id = ${adjacent.id}`.execute(app.db);
    }
  });

  it('leaves out what -word excludes', async () => {
    expect(await found('cat -sat', inBoard(b))).toEqual([reversed.id]);
    expect(await found('芯片 -軟體', inBoard())).toEqual([]);
    expect(await found('芯片 -台積電', inBoard())).toEqual([cnThread.id]);
  });

  it('searches titles alone with in=title', async () => {
    expect((await found('cat', { ...inBoard(b), in: 'title' })).sort()).toEqual([phrase.id, reversed.id].sort());
    expect(await found('mat', { ...inBoard(b), in: 'title' })).toEqual([]);
    expect(await found('翊琪', { ...inBoard(b), in: 'title' })).toEqual([]);
  });
});

describe('filters', () => {
  it('by author, by board, by thread and by days', async () => {
    expect(await found('晶片', { ...inBoard(), author: TW.toUpperCase() })).toEqual([twThread.id]);
    const other = await createTestBoard(app.db);
    const elsewhere = await postThread(cn, other, '别处的芯片');
    expect(await found('芯片', inBoard(other))).toEqual([elsewhere.id]);
    expect(await found('芯片')).toEqual(expect.arrayContaining([elsewhere.id, cnThread.id, twThread.id]));
    expect((await found('衛生', { thread: twThread.id })).sort()).toEqual([hkReply.id, twHealth.id].sort());
    // An old post: its day as the site shows it (TZ_DISPLAY Asia/Shanghai).
    const old = await postThread(cn, other, '旧芯片');
    await app.db
      .updateTable('post_search')
      .set({ created_at: new Date('2020-01-15T17:00:00Z') })
      .where('post_id', '=', old.id)
      .execute();
    expect(await found('芯片', { ...inBoard(other), from: '2020-01-16', to: '2020-01-16' })).toEqual([old.id]);
    expect(await found('芯片', { ...inBoard(other), from: '2020-01-01', to: '2020-01-15' })).toEqual([]);
    expect(await found('芯片', { ...inBoard(other), from: '2021-01-01' })).toEqual([elsewhere.id]);
  });

  it('refuses unknown boards and members with a 404 in the reader’s script', async () => {
    const res = await app.client().get('/api/search?q=x&board=no-such-board');
    expect(res.status).toBe(404);
    const member = await app.client().get('/zh-hans/search?q=x&author=nobody_here');
    expect(member.status).toBe(404);
    expect(member.text).toContain('nobody_here');
  });

  it('leaves out the posts of members the reader ignores', async () => {
    const reader = app.client();
    await memberClient(app.db, reader);
    expect(await found('晶片', inBoard(), reader)).toEqual(expect.arrayContaining([twThread.id]));
    expect((await reader.post(`/api/members/${encodeURIComponent(TW)}/ignore`)).status).toBe(200);
    const ids = await found('晶片', inBoard(), reader);
    expect(ids).toContain(cnThread.id);
    expect(ids).not.toContain(twThread.id);
  });

  it('never finds a post held for review, and finds it once a moderator approves it', async () => {
    const b = await createTestBoard(app.db);
    await app.db.updateTable('boards').set({ review: 'new' }).where('slug', '=', b.slug).execute();
    const mod = app.client();
    await logInClient(mod, await createModerator(app.db, b));
    const newcomer = app.client();
    await memberClient(app.db, newcomer);
    const held = await newcomer.post(`/api/boards/${b.slug}/threads`, { title: '待審的穿山甲', body: '穿山甲還在等版主' });
    expect(held.status).toBe(202);
    for (const client of [app.client(), newcomer, mod]) {
      expect(await found('穿山甲', inBoard(b), client)).toEqual([]);
      expect(await found('穿山甲', { ...inBoard(b), deleted: '1' }, client)).toEqual([]);
    }
    const approved = await mod.post(`/api/held/${held.json.heldPost.id}/approve`);
    expect(approved.status).toBe(200);
    expect(await found('穿山甲', inBoard(b))).toEqual([approved.json.post.id]);
  });

  it('never finds private messages', async () => {
    const res = await cn.post('/api/messages', { to: TW, title: '悄悄話暗號', body: '私密詞彙獨角獸密碼' });
    expect(res.status).toBe(201);
    expect(await found('獨角獸密碼')).toEqual([]);
    expect(await found('悄悄話暗號')).toEqual([]);
  });
});

describe('the index follows the posts', () => {
  it('follows edits, deletes and restores; moderators of the board may include deleted posts', async () => {
    const b = await createTestBoard(app.db);
    const mod = app.client();
    const modMember = await createModerator(app.db, b);
    await logInClient(mod, modMember);
    const otherMod = app.client();
    await logInClient(otherMod, await createModerator(app.db, await createTestBoard(app.db)));
    const root = await postThread(cn, b, '编辑前的标题', '原来的内容写着蜂鸟');
    const r = await postReply(tw, root.id, '企鵝的回覆', '企鵝很可愛');
    expect(await found('蜂鸟', inBoard(b))).toEqual([root.id]);

    const edit = await cn.request('PATCH', `/api/posts/${root.id}`, { json: { body: '现在写着袋鼠' } });
    expect(edit.status).toBe(200);
    expect(await found('蜂鸟', inBoard(b))).toEqual([]);
    expect(await found('袋鼠', inBoard(b))).toEqual([root.id]);

    const del = await mod.request('DELETE', `/api/posts/${r.id}`, { json: { reason: '離題' } });
    expect(del.status).toBe(200);
    expect(await found('企鵝', inBoard(b))).toEqual([]);
    expect(await found('企鵝', { ...inBoard(b), deleted: '1' })).toEqual([]); // a reader: no effect
    expect(await found('企鵝', { ...inBoard(b), deleted: '1' }, otherMod)).toEqual([]); // another board's moderator
    expect(await found('企鵝', { ...inBoard(b), deleted: '1' }, mod)).toEqual([r.id]);
    expect(await found('企鵝', inBoard(b), mod)).toEqual([]);
    const page = await mod.get(`/search?${new URLSearchParams({ q: '企鵝', ...inBoard(b), deleted: '1' })}`);
    expect(page.text).toContain('name="deleted"');
    expect(page.text).toContain(`at=${r.id}`);

    expect((await mod.post(`/api/posts/${r.id}/restore`)).status).toBe(200);
    expect(await found('企鵝', inBoard(b))).toEqual([r.id]);
  });
});

describe('refusals', () => {
  it.each([
    ['empty', ''],
    ['white space', '   '],
    ['tsquery operators', 'a & | ! :*'],
    ['operators alone', '<->'],
    ['SQL', "'; drop table posts; --"],
    ['only punctuation', "'''"],
    ['only exclusions', '-芯片 -晶片'],
    ['2,000 terms', Array.from({ length: 2000 }, () => 'w').join(' ')],
    ['too many terms', Array.from({ length: 13 }, (_, i) => `w${i}`).join(' ')],
    ['control characters', 'a\u0001b'],
  ])('answers %s with a 400 in the reader’s script, never a 500', async (_what, q) => {
    const res = await app.client().get(`/zh-tw/api/search?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(400);
    expect(['SearchQueryInvalid', 'ValidationFailed']).toContain(res.json.error.code);
    const page = await app.client().get(`/zh-hans/search?q=${encodeURIComponent(q)}`);
    expect(q.trim() ? page.status : 400).toBe(400);
  });

  it('refuses 10,000 terms before they reach the application: a 431 (the request line is too long) in the reader’s script', async () => {
    const q = Array.from({ length: 10_000 }, (_, i) => `w${i}`).join(' ');
    const res = await app.client().get(`/api/search?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(431);
    expect(res.json.error).toMatchObject({ code: 'PayloadTooLarge', localized: expect.stringContaining('網址太長') });
    const page = await app.client().get(`/zh-hans/search?q=${encodeURIComponent(q)}`);
    expect(page.status).toBe(431);
    expect(page.text).toContain('网址太长');
    expect((await app.client().get(`/zh-tw/search?q=${encodeURIComponent(q)}`)).text).toContain('網址太長');
    // The connection was closed, not the server: the next request is answered.
    expect((await app.client().get('/api/search?q=x')).status).toBe(200);
  });

  it('treats SQL-looking words as words and keeps every post', async () => {
    const before = await app.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    for (const q of ["1' OR '1'='1", 'x); delete from posts where (1=1', "芯片' union select name from users"]) {
      const res = await app.client().get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
    }
    const after = await app.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('says what was wrong in the reader’s script', async () => {
    const res = await app.client().get('/zh-hans/search?q=%26%20%7C');
    expect(res.status).toBe(400);
    expect(res.text).toContain('搜索不用');
    // Taiwan and Hong Kong readers search with 搜尋 (one traditional catalog for both), never 搜索.
    for (const prefix of ['/zh-tw', '/zh-hk']) {
      const traditional = await app.client().get(`${prefix}/search?q=%26%20%7C`);
      expect(traditional.status).toBe(400);
      expect(traditional.text).toContain('搜尋不用');
      expect(traditional.text).not.toContain('搜索');
    }
    const api = await app.client().get(`/api/search?q=${'字'.repeat(201)}`);
    expect(api.json.error).toMatchObject({ code: 'SearchQueryInvalid' });
  });
});

describe('pages', () => {
  it('/search works without JavaScript, in the reader’s variant, and a board page has a box for that board', async () => {
    const form = await app.client().get('/zh-tw/search');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<form method="get" action="/zh-tw/search"');
    const res = await app.client().get(`/zh-tw/search?${new URLSearchParams({ q: '芯片', ...inBoard() })}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<mark>晶片</mark>');
    expect(res.text).toContain(`href="/zh-tw/t/${cnThread.id}"`);
    expect(res.text).toMatch(/共 \d+ 條結果/);
    const hans = await app.client().get(`/zh-hans/search?${new URLSearchParams({ q: '晶片', ...inBoard() })}`);
    expect(hans.text).toContain('<mark>芯片</mark>');
    expect(hans.text).toMatch(/共 \d+ 条结果/);
    const boardPage = await app.client().get(`/zh-tw/b/${board.slug}`);
    expect(boardPage.text).toContain(`<input type="hidden" name="board" value="${board.slug}"`);
    const memberPage = await app.client().get(`/zh-hans/u/${encodeURIComponent(TW)}`);
    expect(memberPage.text).toContain(`<input type="hidden" name="author" value="${TW}"`);
    const home = await app.client().get('/zh-hans/');
    expect(home.text).toContain('<form method="get" action="/zh-hans/search"');
  });
});

describe('a page of hits as a reader reads it', () => {
  it('says what the search is narrowed to, with a link that searches everywhere and keeps the rest', async () => {
    const res = await app.client().get(`/zh-tw/search?${new URLSearchParams({ q: '晶片', ...inBoard(), in: 'title' })}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`只在「${board.name}」裡搜尋`);
    expect(res.text).toContain(
      `<a href="/zh-tw/search?q=${encodeURIComponent('晶片')}&amp;in=title" class="search-everywhere">搜尋全站</a>`,
    );
    const inThread = await app.client().get(`/zh-hans/search?${new URLSearchParams({ q: '卫生', thread: twThread.id })}`);
    expect(inThread.text).toContain('只在主题“台积电的芯片供应”里搜索');
    expect(inThread.text).toContain(`<input type="hidden" name="thread" value="${twThread.id}"`);
  });

  it('a thread’s page has a box that searches that thread', async () => {
    const page = await app.client().get(`/zh-hans/t/${twThread.id}`);
    expect(page.text).toContain(`<input type="hidden" name="thread" value="${twThread.id}"`);
    expect(page.text).toContain('在这个主题里搜索');
  });

  it('a refused query shows why above the form, which keeps what was typed; no count for nothing found', async () => {
    const refused = await app.client().get(`/zh-tw/search?${new URLSearchParams({ q: '芯片 & 晶片', ...inBoard() })}`);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('搜尋不用');
    expect(refused.text).toContain('value="芯片 &amp; 晶片"');
    expect(refused.text).toContain(`<input type="hidden" name="board" value="${board.slug}"`);
    const unknown = await app.client().get(`/zh-hans/search?${new URLSearchParams({ q: '芯片', author: 'nobody_at_all' })}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('nobody_at_all');
    expect(unknown.text).toContain('<form method="get" action="/zh-hans/search"');
    const none = await app.client().get(`/zh-tw/search?${new URLSearchParams({ q: '不存在的詞語' })}`);
    expect(none.text).toContain('沒有找到符合的帖子');
    expect(none.text).not.toContain('共 0 條');
  });

  it('marks matches side by side as one', async () => {
    const res = await app.client().get(`/api/search?${new URLSearchParams({ q: '"出口 管制"', ...inBoard(), variant: 'zh-hans' })}`);
    const hit = res.json.results.find((r: { post: { id: string } }) => r.post.id === cnThread.id);
    expect(hit.snippet).toContain('<mark>出口管制</mark>');
  });
});

describe('rate limit', () => {
  it('limits searches per address (limits.search.address)', async () => {
    const limited = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1', LIMITS_SEARCH_ADDRESS: '2/1m' } });
    try {
      const client = limited.client();
      expect((await client.get('/api/search?q=a')).status).toBe(200);
      expect((await client.get('/search?q=a')).status).toBe(200);
      const third = await client.get('/api/search?q=a');
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBeTruthy();
    } finally {
      await limited.close();
    }
  });
});

describe('search:reindex', () => {
  it('rebuilds the index with a progress bar while the forum serves', async () => {
    const b = await createTestBoard(app.db);
    const root = await postThread(cn, b, '重建索引用的主题', '树袋熊');
    for (let i = 0; i < 5; i++) await postReply(tw, root.id, `無尾熊 ${i}`);
    await app.db
      .deleteFrom('post_search')
      .where('board_id', '=', (await boardId(b.slug))!)
      .execute();
    expect(await found('树袋熊', inBoard(b))).toEqual([]);
    // Replies keep arriving while it runs.
    const running = spawnCli(['search:reindex'], { DATABASE_URL: app.url });
    const during: Promise<ApiPost>[] = [];
    for (let i = 0; i < 5; i++) during.push(postReply(cn, root.id, `考拉 ${i}`));
    const [out] = await Promise.all([running, Promise.all(during)]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/\[#+\] 100%/);
    expect(out.stdout).toMatch(/done: \d+ posts indexed/);
    expect(await found('树袋熊', inBoard(b))).toEqual([root.id]);
    expect(await found('无尾熊', inBoard(b))).toHaveLength(5);
    expect(await found('考拉', inBoard(b))).toHaveLength(5);
    const stale = await runCli(['search:reindex', '--only', 'stale'], { DATABASE_URL: app.url });
    expect(stale.stdout).toMatch(/done: 0 posts indexed/);
  });
});

// Last: these write thousands of posts, which search:reindex above would otherwise walk too.
describe('more than a thousand hits', () => {
  it('shows "1,000+" rather than counting them, pages up to the thousandth, the pages keeping the filters', async () => {
    const b = await createTestBoard(app.db);
    const author = await createMember(app.db);
    const plan = Array.from({ length: 1_050 }, (_, i) => ({ parent: 0, depth: 1, title: `千帖測試 ${i}`, body: '', author: 0 }));
    await seedThread(app.db, { boardSlug: b.slug, authors: [author], plan, random: seededRandom(7), onProgress: () => undefined });
    await reindex(app.db, { staleOnly: true }, () => undefined);
    const res = await app.client().get(`/api/search?${new URLSearchParams({ q: '千帖測試', ...inBoard(b) })}`);
    expect(res.json).toMatchObject({ total: 1000, totalCapped: true, pages: 50, page: 1 });
    expect(res.json.results).toHaveLength(20);
    const page = await app.client().get(`/zh-tw/search?${new URLSearchParams({ q: '千帖測試', ...inBoard(b), in: 'title' })}`);
    expect(page.text).toContain('超過 1,000 條結果');
    expect(page.text).toContain(`href="/zh-tw/search?q=${encodeURIComponent('千帖測試')}&amp;in=title&amp;board=${b.slug}&amp;page=2"`);
    const last = await app.client().get(`/api/search?${new URLSearchParams({ q: '千帖測試', ...inBoard(b), page: '50' })}`);
    expect(last.json.results).toHaveLength(20);
    const past = await app.client().get(`/api/search?${new URLSearchParams({ q: '千帖測試', ...inBoard(b), page: '51' })}`);
    expect(past.json.results).toEqual([]);
  });
});

describe('a hit deep in a 10,000-follow-up thread', () => {
  it('links into the window that holds it, or the page that nests it past the depth cap', async () => {
    const b = await createTestBoard(app.db);
    const authors = [await createMember(app.db), await createMember(app.db)];
    const random = seededRandom(11);
    const plan = planThread(10_000, random, authors.length);
    const seeded = await seedThread(app.db, { boardSlug: b.slug, authors, plan, random, onProgress: () => undefined });
    // The last follow-up written at depth 3, far past the first window, and one at the depth cap.
    const at = (depth: number) => seeded.ids[1 + plan.map((p) => p.depth).lastIndexOf(depth)]!;
    const deep = await postReply(tw, at(3), '深處的鴨嘴獸', '鴨嘴獸在一萬條跟帖的後面');
    const capped = await postReply(tw, at(12), '更深處的食蟻獸');
    for (const [q, post] of [
      ['鸭嘴兽', deep],
      ['食蚁兽', capped],
    ] as const) {
      const [hit] = (await app.client().get(`/api/search?${new URLSearchParams({ q, ...inBoard(b) })}`)).json.results;
      expect(hit.url).toBe(`/t/${seeded.rootId}?at=${post.id}#p${post.id}`);
      let res = await app.client().get(`/zh-tw${hit.url.split('#')[0]}`);
      if (res.status === 302 || res.status === 303) res = await app.client().get(res.headers.get('location')!.split('#')[0]!);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`id="p${post.id}"`);
    }
    // The window is not the first one: the thread's first page does not hold the deep follow-up.
    expect((await app.client().get(`/t/${seeded.rootId}`)).text).not.toContain(`id="p${deep.id}"`);
  });
});

async function boardId(slug: string) {
  return (await app.db.selectFrom('boards').select('id').where('slug', '=', slug).executeTakeFirst())?.id;
}
