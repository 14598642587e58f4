import type { HttpClient, TestApp } from '../helpers/app';
import { startBoardApp } from '../factories';

let app: TestApp;
let writer: HttpClient;
let board: { slug: string };
let postId: string;

beforeAll(async () => {
  // A name written with simplified characters: it must never be converted.
  ({ app, board, writer } = await startBoardApp({ board: { name: '生活' }, writer: { name: '干部头发' } }));
  const res = await writer.post(`/api/boards/${board.slug}/threads`, {
    title: '我的软件和芯片出问题了',
    body: '<p>头发都白了。<a href="https://example.com/软件">软件链接</a></p><pre><code>软件 = 1</code></pre>',
  });
  postId = res.json.post.id;
});
afterAll(() => app.close());

describe('variants of a page', () => {
  it('stores the variant each post was written in', async () => {
    const row = await app.db.selectFrom('posts').select('variant').where('id', '=', postId).executeTakeFirstOrThrow();
    expect(row.variant).toBe('zh-hans');
  });

  it.each([
    ['/zh-hant', 'zh-Hant', '我的軟件和芯片出問題了', '所有跟帖'],
    ['/zh-tw', 'zh-Hant-TW', '我的軟體和晶片出問題了', '所有跟帖'],
    ['/zh-hk', 'zh-Hant-HK', '我的軟件和芯片出問題了', '所有跟帖'],
    ['/zh-hans', 'zh-Hans', '我的软件和芯片出问题了', '所有跟帖'],
  ])('%s converts titles and text, not names, URLs or code, with lang %s', async (prefix, lang, title, heading) => {
    const page = await app.client().get(`${prefix}/t/${postId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<html lang="${lang}">`);
    expect(page.text).toContain(`<h1>${title}</h1>`);
    expect(page.text).toContain(heading);
    expect(page.text).toContain('>干部头发</a>');
    expect(page.text).toContain('href="https://example.com/软件"');
    expect(page.text).toContain('<code>软件 = 1</code>');
  });

  it('shows the post as written without a prefix, cookie or Chinese Accept-Language', async () => {
    const page = await app.client().get(`/t/${postId}`, { 'accept-language': 'en-US' });
    expect(page.text).toContain('<h1>我的软件和芯片出问题了</h1>');
  });

  it('follows Accept-Language on unprefixed pages, and says it varies by it', async () => {
    const tw = await app.client().get(`/t/${postId}`, { 'accept-language': 'zh-TW,zh;q=0.9,en;q=0.8' });
    expect(tw.text).toContain('我的軟體和晶片出問題了');
    expect(tw.headers.get('vary')).toMatch(/Accept-Language/);
    expect(tw.headers.get('vary')).toMatch(/Cookie/);
    const hk = await app.client().get(`/t/${postId}`, { 'accept-language': 'zh-HK' });
    expect(hk.text).toContain('<html lang="zh-Hant-HK">');
    const cn = await app.client().get(`/t/${postId}`, { 'accept-language': 'en;q=0.9, zh-CN;q=0.8' });
    expect(cn.text).toContain('<html lang="zh-Hans">');
  });

  it('remembers the switch in a cookie, which then beats Accept-Language', async () => {
    const reader = app.client();
    const choose = await reader.get(`/variant?to=zh-tw&next=${encodeURIComponent(`/t/${postId}`)}`);
    expect(choose.status).toBe(303);
    expect(choose.headers.get('location')).toBe(`/zh-tw/t/${postId}`);
    expect(choose.headers.getSetCookie()[0]).toMatch(/^gentie_variant=zh-tw;.*HttpOnly/);
    const page = await reader.get(`/t/${postId}`, { 'accept-language': 'zh-CN' });
    expect(page.text).toContain('我的軟體和晶片出問題了');
    await reader.get('/variant?to=original&next=/');
    expect((await reader.get(`/t/${postId}`, { 'accept-language': 'zh-CN' })).text).toContain('<h1>我的软件和芯片出问题了</h1>');
    expect((await reader.get('/variant?to=klingon')).status).toBe(400);
    // Never a way off the site.
    const away = await reader.get(`/variant?to=original&next=${encodeURIComponent('/\\evil.example')}`);
    expect(away.headers.get('location')).toBe('/');
  });

  it('offers the switch and hreflang alternates on every page, and keeps the prefix on links', async () => {
    for (const path of ['/', `/b/${board.slug}`, `/t/${postId}`, '/login', `/u/${encodeURIComponent('干部头发')}`]) {
      const page = await app.client().get(`/zh-hans${path}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('class="variant-switch"');
      for (const [lang, prefix] of [
        ['zh-Hans', 'zh-hans'],
        ['zh-Hant', 'zh-hant'],
        ['zh-Hant-TW', 'zh-tw'],
        ['zh-Hant-HK', 'zh-hk'],
      ]) {
        expect(page.text).toContain(`<link rel="alternate" hreflang="${lang}" href="/${prefix}${path === '/' ? '/' : path}">`);
      }
      expect(page.text).toContain('hreflang="x-default"');
    }
    const board_ = await app.client().get(`/zh-hans/b/${board.slug}`);
    expect(board_.text).toContain(`href="/zh-hans/t/${postId}"`);
    expect(board_.text).not.toMatch(/href="\/t\//);
    expect(board_.text).toMatch(/href="\/static\/style\./);
  });

  it('uses the interface catalog of the script, and variant date formats', async () => {
    const hans = await app.client().get(`/zh-hans/t/${postId}`);
    expect(hans.text).toContain('请您先登陆,再发跟帖!');
    const hant = await app.client().get(`/zh-hant/t/${postId}`);
    expect(hant.text).toContain('請您先登陸,再發跟帖!');
    expect(hans.text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect((await app.client().get(`/zh-tw/t/${postId}`)).text).toMatch(/\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d/);
  });
});

describe('the API', () => {
  it('converts with variant= and refuses an unknown variant', async () => {
    const res = await app.client().get(`/api/posts/${postId}?variant=zh-tw`);
    expect(res.json.post.title).toBe('我的軟體和晶片出問題了');
    expect(res.json.post.author.name).toBe('干部头发');
    const list = await app.client().get(`/api/boards/${board.slug}/threads?variant=zh-hant`);
    expect(list.json.threads[0].post.title).toBe('我的軟件和芯片出問題了');
    const bad = await app.client().get(`/api/posts/${postId}?variant=zh-xx`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/variant/);
  });

  it('serves the new text after an edit (the cache is per revision)', async () => {
    expect((await app.client().get(`/api/posts/${postId}?variant=zh-hant`)).json.post.title).toBe('我的軟件和芯片出問題了');
    await writer.request('PATCH', `/api/posts/${postId}`, { json: { title: '问题已经解决了' } });
    expect((await app.client().get(`/api/posts/${postId}?variant=zh-hant`)).json.post.title).toBe('問題已經解決了');
    expect((await app.client().get(`/zh-hant/t/${postId}`)).text).toContain('<h1>問題已經解決了</h1>');
  });

  it('converts bodies for the API after a page of lines converted only the titles', async () => {
    const root = (await writer.post(`/api/boards/${board.slug}/threads`, { title: '标题' })).json.post.id;
    const reply = (await writer.post(`/api/posts/${root}/replies`, { title: '回复', body: '<p>头发白了</p>' })).json.post.id;
    expect((await app.client().get(`/zh-hant/t/${root}`)).text).toContain('回覆');
    expect((await app.client().get(`/api/posts/${reply}?variant=zh-hant`)).json.post.body).toBe('<p>頭髮白了</p>');
  });

  it('re-detects the variant on edit', async () => {
    const res = await writer.post(`/api/boards/${board.slug}/threads`, { title: '简体标题' });
    await writer.request('PATCH', `/api/posts/${res.json.post.id}`, { json: { title: '繁體標題，這是繁體字' } });
    const row = await app.db.selectFrom('posts').select('variant').where('id', '=', res.json.post.id).executeTakeFirstOrThrow();
    expect(row.variant).toBe('zh-hant');
  });
});

describe('word-bounded conversion on a page (issue 18)', () => {
  it('shows a zh-tw reader the words as written, no phrase taken across two of them', async () => {
    const root = (
      await writer.post(`/api/boards/${board.slug}/threads`, {
        title: '低级别产品',
        body: '<p>更加蓬松，放在安全角落，国内存款，意大利面。</p>',
      })
    ).json.post.id;
    const page = await app.client().get(`/zh-tw/t/${root}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>低級別產品</h1>');
    expect(page.text).toContain('更加蓬鬆，放在安全角落，國內存款，義大利麵。');
    for (const wrong of ['低階別', '彭鬆', '安全形落', '記憶體款']) expect(page.text).not.toContain(wrong);
  });
});
