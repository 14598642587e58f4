/**
 * Pins through HTTP (issue 18): written in a title and a body in each format, kept in the stored
 * source, read resolved in each variant and as written (JSON API and pages), never counted in
 * "(N bytes)", shown resolved in the preview, kept for the editor, found by search through each
 * alternative, and resolved on the revisions page and in its API in the reader's variant.
 */
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { createTestBoard, memberClient } from '../factories';
import { VARIANTS } from '../../server/variants';

let app: TestApp;
let board: { slug: string };
let author: HttpClient;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  author = app.client();
  const writer = await memberClient(app.db, author);
  await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', writer.id).execute();
});
afterAll(() => app.close());

type ApiPost = { id: string; title: string; body: string; bytes: number; source?: string };

async function thread(title: string, body: string, format: string): Promise<ApiPost> {
  const res = await author.post(`/api/boards/${board.slug}/threads`, { title, body, format });
  if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
  return res.json.post as ApiPost;
}

const read = async (id: string, variant?: string): Promise<ApiPost> =>
  (await app.client().get(`/api/posts/${id}${variant ? `?variant=${variant}` : ''}`)).json.post as ApiPost;

const TITLE = '我们的-{zh-hans:芯片;zh-tw:晶片}-很好';
// Per variant, then as written (the first alternative).
const TITLES = ['我们的芯片很好', '我們的晶片很好', '我們的晶片很好', '我們的晶片很好', '我们的芯片很好'];

describe('a pinned post read in each variant', () => {
  const body = '用-{zh-hans:内存;zh-tw:記憶體;zh-hk:內存}-和-{软件}-。\n\\-{头发}-';
  const bodies = [
    '<p>用内存和软件。<br />-{头发}-</p>',
    '<p>用記憶體和软件。<br />-{頭髮}-</p>',
    '<p>用記憶體和软件。<br />-{頭髮}-</p>',
    '<p>用內存和软件。<br />-{頭髮}-</p>',
    '<p>用内存和软件。<br />-{头发}-</p>',
  ];
  let post: ApiPost;
  beforeAll(async () => {
    post = await thread(TITLE, body, 'text');
  });

  it('keeps the pins in the stored source and HTML', async () => {
    const row = await app.db
      .selectFrom('posts')
      .select(['source', 'body', 'bytes', 'variant'])
      .where('id', '=', post.id)
      .executeTakeFirstOrThrow();
    expect(row.source).toBe(body);
    expect(row.body).toBe('<p>用-{zh-hans:内存;zh-tw:記憶體;zh-hk:內存}-和-{软件}-。<br />\\-{头发}-</p>');
    // The script is the unpinned text's.
    expect(row.variant).toBe('zh-hans');
  });

  it.each([...VARIANTS.map((v, i) => [v, i] as const), ['as written', 4] as const])('JSON API, %s', async (variant, i) => {
    const got = await read(post.id, variant === 'as written' ? undefined : variant);
    expect({ title: got.title, body: got.body }).toEqual({ title: TITLES[i], body: bodies[i] });
  });

  it.each([...VARIANTS.map((v, i) => [v, i] as const), ['as written', 4] as const])(
    'thread page and board list, %s',
    async (variant, i) => {
      const prefix = variant === 'as written' ? '' : `/${variant}`;
      const page = await app.client().get(`${prefix}/t/${post.id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(TITLES[i]);
      expect(page.text).toContain(bodies[i]!.slice(3, -4));
      expect(page.text).not.toContain('zh-hans:');
      const list = await app.client().get(`${prefix}/b/${board.slug}`);
      expect(list.text).toContain(TITLES[i]);
      expect(list.text).not.toContain('zh-hans:');
    },
  );

  it('counts "(N bytes)" as readers read it as written, never the syntax', async () => {
    expect(post.bytes).toBe(Buffer.byteLength('用内存和软件。\n-{头发}-'));
    expect((await app.client().get(`/t/${post.id}`)).text).toContain(`(${post.bytes} bytes)`);
  });

  it('resolves pins in the feed and the thread list of the API', async () => {
    const feed = await app.client().get(`/zh-tw/b/${board.slug}/feed.xml`);
    expect(feed.text).toContain('我們的晶片很好');
    expect(feed.text).toContain('用記憶體和软件');
    expect(feed.text).not.toContain('zh-tw:');
    const list = await app.client().get(`/api/boards/${board.slug}/threads?variant=zh-hk`);
    expect(JSON.stringify(list.json)).toContain('我們的晶片很好');
  });
});

describe('each format keeps a pin plain text', () => {
  it('markdown: no markup inside a pin, the escape kept', async () => {
    const post = await thread('格式', '**粗** -{zh-hans:**不粗**;zh-tw:<b>不粗</b>}- \\-{原文}-', 'markdown');
    expect((await read(post.id, 'zh-hans')).body).toBe('<p><strong>粗</strong> **不粗** -{原文}-</p>');
    expect((await read(post.id, 'zh-tw')).body).toBe('<p><strong>粗</strong> &lt;b&gt;不粗&lt;/b&gt; -{原文}-</p>');
  });

  it('html: hostile HTML inside a pin stays escaped, in every variant and on the page', async () => {
    const post = await thread(
      '<b>-{zh-hans:标题;zh-tw:<script>alert(1)</script>}-</b>',
      '<p>-{<script>alert(1)</script>}- -{zh-hans:a;zh-tw:<img src=x onerror=alert(1)>}-</p>',
      'html',
    );
    for (const variant of [...VARIANTS, undefined]) {
      const got = await read(post.id, variant);
      expect(got.body).not.toMatch(/<script|<img/);
      const page = await app.client().get(`${variant ? `/${variant}` : ''}/t/${post.id}`);
      expect(page.text).not.toContain('<script>alert(1)');
      expect(page.text).not.toMatch(/<img[^>]*onerror/);
    }
    expect((await read(post.id, 'zh-tw')).body).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>');
    expect((await read(post.id, 'zh-tw')).title).toBe('<b><script>alert(1)</script></b>');
    expect((await app.client().get(`/zh-tw/t/${post.id}`)).text).toContain('&lt;b&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/b&gt;');
  });
});

describe('the preview', () => {
  it('shows pins resolved in the variant asked for, as written without one, and counts as posting does', async () => {
    const body = '用-{zh-hans:内存;zh-tw:記憶體}-。';
    const tw = await author.post('/api/preview', { format: 'text', body, variant: 'zh-tw' });
    expect(tw.json).toEqual({ html: '<p>用記憶體。</p>', bytes: Buffer.byteLength('用内存。') });
    const written = await author.post('/api/preview', { format: 'markdown', body });
    expect(written.json).toEqual({ html: '<p>用内存。</p>', bytes: Buffer.byteLength('用内存。') });
  });
});

describe('edits and revisions', () => {
  let post: ApiPost;
  beforeAll(async () => {
    post = await thread('修改前-{zh-hans:芯片;zh-tw:晶片}-', '第一版-{zh-hans:软件;zh-tw:軟體}-', 'text');
    const edit = await author.postForm(`/t/${post.id}/edit`, {
      title: '修改后-{zh-hans:芯片;zh-tw:晶片}-',
      body: '第二版-{zh-hans:程序;zh-tw:程式}-',
      format: 'text',
      reason: '',
    });
    expect(edit.status).toBe(303);
  });

  it('gives the editor the source with its pins', async () => {
    const form = await author.get(`/t/${post.id}/edit`);
    expect(form.text).toContain('第二版-{zh-hans:程序;zh-tw:程式}-');
    expect(form.text).toContain('value="修改后-{zh-hans:芯片;zh-tw:晶片}-"');
    expect((await author.get(`/api/posts/${post.id}`)).json.post.source).toBe('第二版-{zh-hans:程序;zh-tw:程式}-');
  });

  it("shows the revisions page and its diffs in the reader's variant, pins resolved", async () => {
    const tw = await app.client().get(`/zh-tw/t/${post.id}/revisions`);
    expect(tw.status).toBe(200);
    expect(tw.text).not.toContain('zh-tw:');
    expect(tw.text).toMatch(/第<del>一<\/del><ins>二<\/ins>版<del>軟體<\/del><ins>程式<\/ins>|第<ins>二<\/ins><del>一<\/del>版/);
    expect(tw.text).toContain('修改後晶片');
    const written = await app.client().get(`/t/${post.id}/revisions`);
    expect(written.text).not.toContain('zh-tw:');
    expect(written.text).toContain('第一版软件');
    expect(written.text).toMatch(/<ins>程序<\/ins>/);
  });

  it("gives the revisions in the reader's variant through the API", async () => {
    const res = await app.client().get(`/api/posts/${post.id}/revisions?variant=zh-tw`);
    const versions = res.json.revisions as { title: string; body: string }[];
    expect(versions.map((v) => v.title)).toEqual(['修改後晶片', '修改前晶片']);
    expect(versions.map((v) => v.body)).toEqual(['<p>第二版程式</p>', '<p>第一版軟體</p>']);
    expect(res.json.post.title).toBe('修改後晶片');
  });
});

describe('search', () => {
  let post: ApiPost;
  beforeAll(async () => {
    post = await thread('遊戲心得', '我玩-{zh-hans:赛博朋克;zh-tw:電馭叛客}-很久了', 'text');
  });

  const found = async (q: string) =>
    (
      (await app.client().get(`/api/search?${new URLSearchParams({ q, board: board.slug })}`)).json.results as {
        post: { id: string };
        snippet?: string;
      }[]
    ).map((r) => r.post.id);

  it.each(['赛博朋克', '電馭叛客', '"玩赛博朋克很久"', '"玩電馭叛客很久"'])('finds a pinned post by %s', async (q) => {
    expect(await found(q)).toContain(post.id);
  });

  it('does not index the syntax', async () => {
    expect(await found('hans')).not.toContain(post.id);
    expect(await found('"赛博朋克zh"')).not.toContain(post.id);
  });

  it('shows the snippet with the pin resolved', async () => {
    const res = await app.client().get(`/api/search?${new URLSearchParams({ q: '很久', board: board.slug, variant: 'zh-tw' })}`);
    const hit = (res.json.results as { post: { id: string }; snippet: string }[]).find((r) => r.post.id === post.id)!;
    expect(hit.snippet).toContain('電馭叛客');
    expect(hit.snippet).not.toContain('-{');
  });
});
