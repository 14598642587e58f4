/**
 * Body formats through HTTP (issue 16): each format renders what its author meant, the source is
 * kept, given back to whom may edit it and edited, "(N bytes)" counts it, the preview is what is
 * stored, `posts:resanitize` renders again from it, and JSON without a format behaves as before.
 */
import { sql } from 'kysely';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { createModerator, createTestBoard, logInClient, memberClient } from '../factories';
import { countRows } from '../helpers/rows';
import { resanitizeAll } from '../../server/posts/posts.body';
import { BODY_MAX_BYTES } from '../../server/posts/posts.body';
import { utf8Bytes } from '../../server/text/bytes';

let app: TestApp;
let board: { slug: string };
let author: HttpClient;
let other: HttpClient;
let moderator: HttpClient;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  author = app.client();
  other = app.client();
  moderator = app.client();
  // Trusted: a new member's posts hold two links at most, and these test the formats, not the caps.
  const writer = await memberClient(app.db, author);
  await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', writer.id).execute();
  await memberClient(app.db, other);
  await logInClient(moderator, await createModerator(app.db, board));
});
afterAll(() => app.close());

const LINK = 'rel="nofollow ugc noopener" target="_blank"';

/** Starts a thread through the API; fails unless it answers 201. */
async function thread(body: string | undefined, format?: string, title = '格式測試') {
  const res = await author.post(`/api/boards/${board.slug}/threads`, { title, body, format });
  if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
  return res.json.post as { id: string; body: string; bytes: number; format?: string; source?: string };
}

/** The stored row's source columns. */
const stored = (id: string) =>
  app.db.selectFrom('posts').select(['body', 'bytes', 'format', 'source']).where('id', '=', id).executeTakeFirstOrThrow();

describe('each format renders what its author meant', () => {
  it('text: "a<b" stays text and nothing after it is lost; line breaks kept; addresses linked', async () => {
    const post = await thread('a<b 後面的話\n第二行\n\n見 https://example.com/x', 'text');
    expect(post.body).toBe(`<p>a&lt;b 後面的話<br />第二行</p><p>見 <a href="https://example.com/x" ${LINK}>https://example.com/x</a></p>`);
    const page = await app.client().get(`/t/${post.id}`);
    expect(page.text).toContain('a&lt;b 後面的話<br />第二行');
  });

  it('markdown: emphasis, lists, quotes, code and links; raw HTML shown as text', async () => {
    const post = await thread('**重點**\n\n- 一\n- 二\n\n> 引用\n\n`a<b`\n\n[行程](https://example.com/t) <i>不是斜體</i>', 'markdown');
    expect(post.body).toContain('<strong>重點</strong>');
    expect(post.body).toContain('<ul>\n<li>一</li>\n<li>二</li>\n</ul>');
    expect(post.body).toContain('<blockquote>\n<p>引用</p>\n</blockquote>');
    expect(post.body).toContain('<code>a&lt;b</code>');
    expect(post.body).toContain(`<a href="https://example.com/t" ${LINK}>行程</a>`);
    expect(post.body).toContain('&lt;i&gt;不是斜體&lt;/i&gt;');
  });

  it.each([
    ['text', '<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1)'],
    ['markdown', '<script>alert(1)</script> [x](javascript:alert(1)) ![y](javascript:alert(1)) <img src=x onerror=alert(1)>'],
    ['html', '<script>alert(1)</script><p onclick="alert(1)">p</p><a href="javascript:alert(1)">x</a><img src="javascript:alert(1)">'],
  ])('neutralizes hostile HTML in %s', async (format, body) => {
    const post = await thread(body, format);
    // No script, no on… attribute (quoted or not), no javascript: target;
    // the same words as escaped text are fine.
    expect(post.body).not.toMatch(/<script|<[^>]+\son\w+\s*=|(href|src)\s*=\s*"?\s*javascript:/i);
    const page = await app.client().get(`/t/${post.id}`);
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toMatch(/<img[^>]*\sonerror/i);
  });

  it('refuses a format it does not know', async () => {
    const res = await author.post(`/api/boards/${board.slug}/threads`, { title: 't', body: 'x', format: 'bbcode' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationFailed');
  });
});

describe('JSON without a format (deprecated) behaves as before', () => {
  it('reads a body with anything like a tag as HTML, else as text', async () => {
    expect((await thread('<b>粗</b> & more')).body).toBe('<b>粗</b> &amp; more');
    expect((await thread('a < b\n\nc')).body).toBe('<p>a &lt; b</p><p>c</p>');
    // As before formats: "a<b" is read as HTML (the reason to send a format).
    expect((await thread('a<b')).body).toBe('a');
    const row = await stored((await thread('<i>x</i>')).id);
    expect(row.format).toBe('html');
  });
});

describe('the source', () => {
  it('is stored beside the HTML and counted by "(N bytes)", not the HTML', async () => {
    const source = '**跟帖**\n\n- 一\n- 二';
    const post = await thread(source, 'markdown');
    const row = await stored(post.id);
    expect(row).toMatchObject({ format: 'markdown', source, bytes: utf8Bytes(source) });
    expect(post.bytes).toBe(utf8Bytes(source));
    expect(utf8Bytes(row.body)).toBeGreaterThan(row.bytes);
    const page = await app.client().get(`/t/${post.id}`);
    expect(page.text).toContain(`<span class="bytes">(${utf8Bytes(source)} bytes)</span>`);
  });

  it('counts a form’s \\r\\n as the \\n it is stored as', async () => {
    const post = await thread('一\r\n二', 'text');
    expect(post.bytes).toBe(utf8Bytes('一\n二'));
    expect((await stored(post.id)).source).toBe('一\n二');
  });

  it('is what BODY_MAX_BYTES limits: a long source is refused, a short one with long HTML is not', async () => {
    const before = await countRows(app.db, 'posts');
    const tooLong = await author.post(`/api/boards/${board.slug}/threads`, {
      title: 't',
      body: 'x'.repeat(BODY_MAX_BYTES + 1),
      format: 'text',
    });
    expect(tooLong.status).toBe(413);
    expect(await countRows(app.db, 'posts')).toBe(before);
    // 70 KB of addresses: each is linked, so the HTML is well over the limit; the source is not.
    const addresses = Array.from({ length: 3000 }, (_, i) => `https://e.com/${String(i).padStart(5, '0')}`).join('\n');
    expect(utf8Bytes(addresses)).toBeLessThan(BODY_MAX_BYTES);
    const post = await thread(addresses, 'text');
    expect(utf8Bytes(post.body)).toBeGreaterThan(BODY_MAX_BYTES);
    expect(post.bytes).toBe(utf8Bytes(addresses));
  });

  it('is given back to its author and the board’s moderators, and to nobody else', async () => {
    const post = await thread('*原文*', 'markdown');
    expect(post).toMatchObject({ format: 'markdown', source: '*原文*' });
    for (const [client, sees] of [
      [author, true],
      [moderator, true],
      [other, false],
      [app.client(), false],
    ] as const) {
      const res = await client.get(`/api/posts/${post.id}`);
      expect(res.status).toBe(200);
      if (sees) expect(res.json.post).toMatchObject({ format: 'markdown', source: '*原文*' });
      else expect(res.json.post).not.toHaveProperty('source');
    }
  });

  it('is what an edit starts from and changes; the revision keeps the earlier source', async () => {
    const post = await thread('第一版 **粗**', 'markdown');
    const form = await author.get(`/t/${post.id}/edit`);
    expect(form.text).toContain('<textarea name="body" rows="12">第一版 **粗**</textarea>');
    expect(form.text).toContain('<option value="markdown" selected>');
    expect(form.text).not.toContain('<option value="html"');

    // A title-only edit keeps the source and format.
    const renamed = await author.request('PATCH', `/api/posts/${post.id}`, { json: { title: '改了標題' } });
    expect(renamed.json.post).toMatchObject({ title: '改了標題', format: 'markdown', source: '第一版 **粗**' });
    expect(renamed.json.post.body).toContain('<strong>粗</strong>');

    // The format alone renders the same source again in it.
    const asText = await author.request('PATCH', `/api/posts/${post.id}`, { json: { format: 'text' } });
    expect(asText.json.post.body).toBe('<p>第一版 **粗**</p>');

    const edited = await author.request('PATCH', `/api/posts/${post.id}`, { json: { body: '第二版 a<b', format: 'text' } });
    expect(edited.status).toBe(200);
    expect(edited.json.post).toMatchObject({
      body: '<p>第二版 a&lt;b</p>',
      bytes: utf8Bytes('第二版 a<b'),
      format: 'text',
      source: '第二版 a<b',
    });
    const revisions = await app.db
      .selectFrom('post_revisions')
      .select(['revision', 'format', 'source', 'bytes'])
      .where('post_id', '=', post.id)
      .orderBy('revision')
      .execute();
    expect(revisions).toEqual([
      { revision: 0, format: 'markdown', source: '第一版 **粗**', bytes: utf8Bytes('第一版 **粗**') },
      { revision: 1, format: 'markdown', source: '第一版 **粗**', bytes: utf8Bytes('第一版 **粗**') },
      { revision: 2, format: 'text', source: '第一版 **粗**', bytes: utf8Bytes('第一版 **粗**') },
    ]);
  });

  it('is edited through the form, in the format chosen there (text when none is sent)', async () => {
    const post = await thread('原來', 'text');
    const res = await author.postForm(`/t/${post.id}/edit`, { title: '改', body: '*改成* markdown', format: 'markdown', reason: '' });
    expect(res.status).toBe(303);
    expect(await stored(post.id)).toMatchObject({ format: 'markdown', source: '*改成* markdown', body: '<p><em>改成</em> markdown</p>' });
    await author.postForm(`/t/${post.id}/edit`, { title: '改', body: 'a<b', reason: '' });
    expect(await stored(post.id)).toMatchObject({ format: 'text', source: 'a<b', body: '<p>a&lt;b</p>' });
  });

  it('of an HTML post is edited as HTML (the form keeps html offered for it)', async () => {
    const post = await thread('<p><b>API</b> 寫的</p>', 'html');
    const form = await author.get(`/t/${post.id}/edit`);
    expect(form.text).toContain('&lt;p&gt;&lt;b&gt;API&lt;/b&gt; 寫的&lt;/p&gt;</textarea>');
    expect(form.text).toContain('<option value="html" selected>');
  });
});

describe('forms', () => {
  it('offer text (chosen) and markdown, never html, and post text when no format is sent', async () => {
    const page = await author.get(`/b/${board.slug}`);
    expect(page.text).toContain('<select name="format"><option value="text" selected>');
    expect(page.text).toContain('<option value="markdown">');
    expect(page.text).not.toContain('<option value="html"');
    const res = await author.postForm(`/b/${board.slug}/threads`, { title: '表單', body: 'a<b 還在' });
    expect(res.status).toBe(303);
    const id = /\/t\/(\d+)/.exec(res.headers.get('location')!)![1]!;
    expect(await stored(id)).toMatchObject({ format: 'text', source: 'a<b 還在', body: '<p>a&lt;b 還在</p>' });
  });

  it('post markdown when it is chosen', async () => {
    const root = await thread(undefined, 'text');
    const res = await author.postForm(`/t/${root.id}/reply`, { title: '回', body: '- 甲\n- 乙', format: 'markdown' });
    expect(res.status).toBe(303);
    const row = await app.db.selectFrom('posts').select(['body', 'format']).where('parent_id', '=', root.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ format: 'markdown', body: '<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>' });
  });
});

describe('the preview', () => {
  it('is what posting stores, with the bytes "(N bytes)" will say', async () => {
    for (const [format, body] of [
      ['markdown', '**粗** [連結](https://example.com/) <script>x</script>\n\n> 引用'],
      ['text', 'a<b\nhttps://example.com/x'],
      ['html', '<p onclick="x"><b>粗</b></p>'],
    ] as const) {
      const preview = await author.post('/api/preview', { format, body, title: '預覽' });
      expect(preview.status).toBe(200);
      const post = await thread(body, format);
      expect(preview.json).toEqual({ html: post.body, bytes: post.bytes });
    }
  });

  it('links mentions as the stored post will', async () => {
    const named = await memberClient(app.db, app.client());
    const preview = await author.post('/api/preview', { format: 'text', body: `@${named.name} 你好` });
    expect(preview.json.html).toContain(`<a href="/u/${encodeURIComponent(named.name)}" class="mention">@${named.name}</a>`);
  });

  it('is shown in the variant asked for, as the post would be', async () => {
    const res = await author.post('/api/preview', { format: 'text', body: '軟體和網路', variant: 'zh-hans' });
    expect(res.json.html).toBe('<p>软件和网络</p>');
  });

  it("links to this site under the page's prefix when asked from a prefixed page, as that page shows the post", async () => {
    const named = await memberClient(app.db, app.client());
    const body = `@${named.name} 看 /t/1 的[帖子](/t/1)和[軟體](https://example.com/)`;
    const prefixed = await author.post('/api/preview', { format: 'markdown', body, variant: 'zh-hans', prefixed: true });
    expect(prefixed.status).toBe(200);
    expect(prefixed.json.html).toContain(`<a href="/zh-hans/u/${encodeURIComponent(named.name)}" class="mention">`);
    expect(prefixed.json.html).toContain('<a href="/zh-hans/t/1" rel="nofollow ugc noopener" target="_blank">帖子</a>');
    // Converted as well; other sites' links as written.
    expect(prefixed.json.html).toContain('<a href="https://example.com/" rel="nofollow ugc noopener" target="_blank">软件</a>');
    // The same body posted, then read under the prefix: the preview is what the page shows.
    const post = await thread(body, 'markdown');
    const page = await author.get(`/zh-hans/t/${post.id}`);
    expect(page.text).toContain(prefixed.json.html);
    // An unprefixed page (variant from the cookie) keeps the links unprefixed.
    const plain = await author.post('/api/preview', { format: 'markdown', body, variant: 'zh-hans' });
    expect(plain.json.html).toContain('<a href="/t/1" rel="nofollow ugc noopener" target="_blank">帖子</a>');
    expect((await author.post('/api/preview', { format: 'text', body: 'x', prefixed: 'yes' })).status).toBe(400);
  });

  it('is refused to readers who are not logged in, to other sites, and over the limit of a body', async () => {
    expect((await app.client().post('/api/preview', { format: 'text', body: 'x' })).status).toBe(401);
    expect((await author.post('/api/preview', { format: 'text', body: 'x' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const long = await author.post('/api/preview', { format: 'text', body: 'x'.repeat(BODY_MAX_BYTES + 1) });
    expect(long.status).toBe(413);
    expect(long.json.error.code).toBe('PayloadTooLarge');
  });

  it('button of a reply form shows the preview above the form with the text kept, and posts nothing', async () => {
    const root = await thread(undefined, 'text');
    const before = await countRows(app.db, 'posts');
    const res = await author.postForm(`/zh-hans/t/${root.id}/reply`, { title: '', body: '**粗** 軟體', format: 'markdown', preview: '1' });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /<section class="preview"[^>]*><h3>预览（还没有发表） <span class="bytes">\(\d+ bytes\)<\/span><\/h3><div class="body"><p><strong>粗<\/strong> 软件<\/p>/,
    );
    expect(res.text).toContain('<textarea name="body" rows="8">**粗** 軟體</textarea>');
    expect(res.text).toContain('<option value="markdown" selected>');
    expect(await countRows(app.db, 'posts')).toBe(before);
  });

  it('button of the new-thread and edit forms does the same', async () => {
    const before = await countRows(app.db, 'posts');
    const fresh = await author.postForm(`/b/${board.slug}/threads`, { title: '', body: 'a<b', preview: '1' });
    expect(fresh.status).toBe(200);
    expect(fresh.text).toContain('<div class="body"><p>a&lt;b</p></div>');
    expect(await countRows(app.db, 'posts')).toBe(before);

    const post = await thread('原文', 'text');
    const edit = await author.postForm(`/t/${post.id}/edit`, { title: '改', body: '- 新', format: 'markdown', reason: '', preview: '1' });
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('<div class="body"><ul>\n<li>新</li>\n</ul></div>');
    expect(edit.text).toContain('<textarea name="body" rows="12">- 新</textarea>');
    expect(await stored(post.id)).toMatchObject({ source: '原文' });
    // Not to whom the edit form is not shown.
    expect((await other.postForm(`/t/${post.id}/edit`, { title: '改', body: 'x', preview: '1' })).status).toBe(403);
  });
});

describe('search', () => {
  it('indexes the rendered text, not the markdown syntax or link targets', async () => {
    await thread('**顯眼詞** [可見詞](https://example.com/隱藏詞)', 'markdown', '搜索格式');
    const find = async (q: string) => (await app.client().get(`/api/search?${new URLSearchParams({ q })}`)).json.total as number;
    expect(await find('顯眼詞')).toBe(1);
    expect(await find('可見詞')).toBe(1);
    expect(await find('隱藏詞')).toBe(0);
  });
});

describe('posts:resanitize', () => {
  it('renders every body again from its source, relinking mentions, and leaves the rest alone', async () => {
    const named = await memberClient(app.db, app.client());
    const md = await thread(`*再來* @${named.name}`, 'markdown');
    const untouched = await thread('不變', 'text');
    // A body rendered by older rules; an HTML body from before formats (its own source).
    await app.db.updateTable('posts').set({ body: '<p>舊的渲染</p>' }).where('id', '=', md.id).execute();
    const legacy = await thread('<b>舊</b>', 'html');
    await sql`update posts set source = null, body = '<b onclick="x">舊</b><script>y</script>' where id = ${legacy.id}`.execute(app.db);
    const before = await app.db
      .selectFrom('thread_events')
      .select(sql<string>`max(seq)`.as('seq'))
      .where('thread_id', '=', md.id)
      .executeTakeFirst();

    await resanitizeAll(app.db, () => undefined);

    expect((await stored(md.id)).body).toBe(
      `<p><em>再來</em> <a href="/u/${encodeURIComponent(named.name)}" class="mention">@${named.name}</a></p>`,
    );
    expect(await stored(legacy.id)).toMatchObject({ body: '<b>舊</b>', format: 'html' });
    expect((await stored(untouched.id)).body).toBe('<p>不變</p>');
    // An edit for live readers and caches: the thread's seq rose.
    const after = await app.db
      .selectFrom('thread_events')
      .select(sql<string>`max(seq)`.as('seq'))
      .where('thread_id', '=', md.id)
      .executeTakeFirst();
    expect(Number(after!.seq)).toBe(Number(before!.seq) + 1);
  });
});

describe('the preview’s limit', () => {
  it('is 120 a minute per member, then 429 RateLimited with Retry-After (an own app at the real limits)', async () => {
    const limited = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1' } });
    try {
      const client = limited.client();
      await memberClient(limited.db, client);
      for (let i = 0; i < 120; i++) expect((await client.post('/api/preview', { format: 'text', body: `第 ${i} 次` })).status).toBe(200);
      const refused = await client.post('/api/preview', { format: 'text', body: '再一次' });
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe('RateLimited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another member is not held back by it.
      const second = limited.client();
      await memberClient(limited.db, second);
      expect((await second.post('/api/preview', { format: 'text', body: 'x' })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('a post held for review', () => {
  it('keeps its source and format until it is published', async () => {
    const reviewed = await createTestBoard(app.db);
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', reviewed.id).execute();
    const mod = app.client();
    await logInClient(mod, await createModerator(app.db, reviewed));
    // A new member (not trusted): held.
    const newcomer = app.client();
    await memberClient(app.db, newcomer);
    const held = await newcomer.post(`/api/boards/${reviewed.slug}/threads`, { title: '新人', body: '*等* a<b', format: 'markdown' });
    expect(held.status).toBe(202);
    const approved = await mod.post(`/api/held/${held.json.heldPost.id}/approve`);
    expect(approved.status).toBe(200);
    const id = approved.json.heldPost.postId as string;
    expect(await stored(id)).toEqual({
      body: '<p><em>等</em> a&lt;b</p>',
      bytes: utf8Bytes('*等* a<b'),
      format: 'markdown',
      source: '*等* a<b',
    });
  });
});
