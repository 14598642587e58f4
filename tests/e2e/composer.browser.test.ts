import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { closeAppAndBrowser, eventually, startAppAndBrowser } from '../helpers/browser';
import { type TestMember, createMember, createReply, createTestBoard, createThread } from '../factories';
import { png } from '../uploads/images';

// The composer (issue 16) in Chromium: the toolbar writes the format's syntax (text moves to
// markdown for what it has not, and says so), the preview shows in place, the live byte count is
// the "(N bytes)" the post then shows, a draft comes back after a reload and goes once sent,
// Ctrl+Enter sends, a reply box opens under a follow-up line and closes once its follow-up is in
// the tree, 引用 quotes a post into the reply, and an image pasted into the composer is uploaded,
// previewed, sent and shown as its thumbnail in the thread.
jest.setTimeout(90_000);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  ({ app, browser } = await startAppAndBrowser());
});
afterAll(() => closeAppAndBrowser({ app, browser }));

/** A page logged in as a new member (the session cookie set through the API, in the page's context). */
async function memberPage(): Promise<{ page: Page; member: TestMember }> {
  const member = await createMember(app.db);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const res = await page.request.post(`${app.baseUrl}/api/login`, { data: { username: member.name, password: member.password } });
  expect(res.status()).toBe(200);
  return { page, member };
}

const body = (page: Page, form = 'section.reply form') => page.locator(`${form} textarea[name=body]`);

describe('the composer', () => {
  it('writes bold as markdown (switching a text post, and saying so), quotes in text, and previews in place', async () => {
    const board = await createTestBoard(app.db);
    const { page } = await memberPage();
    await page.goto(`${app.baseUrl}/b/${board.slug}`);
    const form = 'section.new-thread form';
    const format = page.locator(`${form} select[name=format]`);
    expect(await format.inputValue()).toBe('text');

    // A quote is text's own: the format stays.
    await body(page, form).fill('引文');
    await body(page, form).selectText();
    await page.locator(`${form} .toolbar button[data-insert=quote]`).click();
    expect(await body(page, form).inputValue()).toBe('> 引文\n');
    expect(await format.inputValue()).toBe('text');

    // Bold is markdown's: the form moves to markdown and says so.
    await body(page, form).fill('你好');
    await body(page, form).selectText();
    await page.getByRole('button', { name: '粗體' }).click();
    expect(await body(page, form).inputValue()).toBe('**你好**');
    expect(await format.inputValue()).toBe('markdown');
    await eventually(page.locator(`${form} .composer-status`)).toHaveText(
      '已改用 Markdown 格式：粗體、連結、圖片和列表只在 Markdown 中有效。請預覽看看效果。',
    );
    // The link's address is selected, to be typed over.
    await page.keyboard.press('End');
    await page.getByRole('button', { name: '連結' }).click();
    await page.keyboard.type('https://example.com/a');
    expect(await body(page, form).inputValue()).toBe('**你好**[連結文字](https://example.com/a)');

    // The preview is the server's rendering, shown above the form; nothing is posted and the page stays.
    const url = page.url();
    await page.getByRole('button', { name: '預覽' }).click();
    await eventually(page.locator(`${form} section.preview .body strong`)).toHaveText('你好');
    expect(await page.locator(`${form} section.preview .body a`).getAttribute('href')).toBe('https://example.com/a');
    // Its "(N bytes)" is the live count's.
    const live = await page.locator(`${form} output.byte-count`).textContent();
    expect(live).toBe(`(${Buffer.byteLength('**你好**[連結文字](https://example.com/a)')} bytes)`);
    await eventually(page.locator(`${form} section.preview h3 .bytes`)).toHaveText(live!);
    expect(page.url()).toBe(url);
    await page.context().close();
  });

  it('counts bytes as the post will show them: CJK, emoji and CRLF line endings', async () => {
    const board = await createTestBoard(app.db);
    const { page } = await memberPage();
    await page.goto(`${app.baseUrl}/b/${board.slug}`);
    const form = 'section.new-thread form';
    const written = '中文字\r\n😀 emoji 👍🏽\r\n\r\né';
    // Set as a script would (fill would type \r\n as the browser does); the count listens to input.
    await page.evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(`${form} textarea[name=body]`)});
      const text = ${JSON.stringify(written)};
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    })()`);
    const counted = await page.locator(`${form} output.byte-count`).textContent();
    // Line breaks are counted as \n (1 byte each), é composed (NFC: 2 bytes).
    const expected = Buffer.byteLength(written.replace(/\r\n/g, '\n').normalize('NFC'), 'utf8');
    expect(counted).toBe(`(${expected} bytes)`);
    await page.locator(`${form} input[name=title]`).fill('數一數');
    await page.locator(`${form} button[type=submit]:not([name])`).click();
    await page.waitForURL(/\/t\/\d+$/);
    expect(await page.locator('article.post .byline .bytes').textContent()).toBe(counted);
    await page.context().close();
  });

  it('keeps a draft across a reload, sends with Ctrl+Enter, and drops the draft once sent', async () => {
    const root = await createThread(app.db, { title: '草稿主題' });
    const { page } = await memberPage();
    await page.goto(`${app.baseUrl}/t/${root.id}`);
    await page.locator('section.reply input[name=title]').fill('草稿的標題');
    await body(page).fill('草稿的內容');
    await page.reload();
    expect(await page.locator('section.reply input[name=title]').inputValue()).toBe('草稿的標題');
    expect(await body(page).inputValue()).toBe('草稿的內容');
    await eventually(page.locator('section.reply .composer-status')).toHaveText('已恢復您上次沒有發出的草稿。 丟棄草稿');

    await body(page).press('Control+Enter');
    await page.waitForURL(new RegExp(`/t/${root.id}\\?at=(\\d+)#p\\1$`));
    const id = page.url().match(/#p(\d+)$/)![1]!;
    await eventually(page.locator(`#p${id} a.title`)).toHaveText('草稿的標題');
    await page.goto(`${app.baseUrl}/t/${root.id}`);
    expect(await page.locator('section.reply input[name=title]').inputValue()).toBe('');
    expect(await body(page).inputValue()).toBe('');
    expect(await page.evaluate(`Object.keys(localStorage).filter((k) => k.startsWith('gentie-draft:'))`)).toEqual([]);
    await page.context().close();
  });

  it('opens a reply box under a follow-up line, sends in place, and the follow-up appears under it live', async () => {
    const root = await createThread(app.db, { title: '就地回覆' });
    const line = await createReply(app.db, root.id, { title: '第一條' });
    const { page } = await memberPage();
    await page.goto(`${app.baseUrl}/t/${root.id}`);
    await page.locator(`#p${line.id} + button.reply-here`).click();
    const box = page.locator(`form.in-place[data-in-place="${line.id}"]`);
    await eventually(box).toHaveCount(1);
    expect(await box.locator('.in-place-heading').textContent()).toBe('回覆「第一條」');
    await box.locator('input[name=title]').fill('就地的跟帖');
    await box.locator('textarea[name=body]').fill('內容');
    await box.locator('textarea[name=body]').press('Control+Enter');
    await eventually(box).toHaveCount(0);
    // Nested under the line it answers, by the live update: the page did not reload.
    const nested = page.locator(`li:has(> #p${line.id}) ul .line a.title`, { hasText: '就地的跟帖' });
    await eventually(nested).toHaveCount(1);
    expect(page.url()).toBe(`${app.baseUrl}/t/${root.id}`);
    await page.context().close();
  });

  it("previews under the reader's prefix exactly as the page will show the post, in the reply form and in a reply box", async () => {
    const author = await createMember(app.db, { name: `前綴_${Date.now() % 100000}` });
    const root = await createThread(app.db, { title: '前綴的主題', author });
    const line = await createReply(app.db, root.id, { title: '一條' });
    const { page } = await memberPage();
    await page.goto(`${app.baseUrl}/zh-hans/t/${root.id}`);
    // A quote written under another name: the preview names the real author, linked under the prefix.
    await body(page).fill(`> [管理員](/t/${root.id}) 寫道：\n> 軟體\n\n看 @${author.name}`);
    await page.locator('section.reply button[name=preview]').click();
    const shown = page.locator('section.reply section.preview .body');
    await eventually(shown.locator('a.quote-author')).toHaveText(author.name);
    expect(await shown.locator('a.quote-author').getAttribute('href')).toBe(`/zh-hans/t/${root.id}`);
    expect(await shown.locator('blockquote').textContent()).toContain('软件');
    expect(await shown.locator('a.mention').getAttribute('href')).toBe(`/zh-hans/u/${encodeURIComponent(author.name)}`);

    // The reply box under a line previews the same way.
    await page.locator(`#p${line.id} + button.reply-here`).click();
    const box = page.locator(`form.in-place[data-in-place="${line.id}"]`);
    await box.locator('textarea[name=body]').fill(`問 @${author.name}`);
    await box.locator('button[name=preview]').click();
    await eventually(box.locator('section.preview .body a.mention')).toHaveCount(1);
    expect(await box.locator('section.preview .body a.mention').getAttribute('href')).toBe(`/zh-hans/u/${encodeURIComponent(author.name)}`);

    // Sent, the page shows what the preview showed.
    const previewed = await shown.innerHTML();
    await page.locator('section.reply input[name=title]').fill('帶前綴');
    await body(page).press('Control+Enter');
    await page.waitForURL(/#p\d+$/);
    const id = page.url().match(/#p(\d+)$/)![1]!;
    await page.goto(`${app.baseUrl}/zh-hans/t/${id}`);
    expect(await page.locator('article.post .body').first().innerHTML()).toBe(previewed);
    await page.context().close();
  });

  it('quotes a post into the reply form: the selected text, else the first paragraph', async () => {
    const author = await createMember(app.db, { name: `引用_${Date.now() % 100000}` });
    const root = await createThread(app.db, { title: '引用的主題', author, body: '<p>第一段 a&lt;b</p><p>第二段的一句話</p>' });
    const { page } = await memberPage();
    await page.goto(`${app.baseUrl}/t/${root.id}`);
    await page.getByRole('link', { name: '引用', exact: true }).click();
    expect(await body(page).inputValue()).toBe(`> [${author.name}](/t/${root.id}) 寫道：\n> 第一段 a<b\n\n`);
    // A selection in the post is quoted instead.
    await body(page).fill('');
    await page.locator('article.post .body p').nth(1).selectText();
    await page.getByRole('link', { name: '引用', exact: true }).click();
    expect(await body(page).inputValue()).toBe(`> [${author.name}](/t/${root.id}) 寫道：\n> 第二段的一句話\n\n`);
    expect(page.url()).toBe(`${app.baseUrl}/t/${root.id}`);
    await page.context().close();
  });

  it('pastes an image into the composer, previews, sends, and sees the thumbnail in the thread', async () => {
    const board = await createTestBoard(app.db);
    const { page } = await memberPage();
    await page.goto(`${app.baseUrl}/b/${board.slug}`);
    const form = 'section.new-thread form';
    await page.locator(`${form} input[name=title]`).fill('有圖的主題');
    await body(page, form).fill('看圖：');
    const picture = (await png(640, 400)).toString('base64');
    // A paste as the browser makes one from the clipboard: a ClipboardEvent holding the file.
    await page.evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(`${form} textarea[name=body]`)});
      const base64 = ${JSON.stringify(picture)};
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    await eventually(page.locator(`${form} .composer-status`)).toHaveText('圖片已上傳並插入：image.png');
    const written = await body(page, form).inputValue();
    expect(written).toMatch(/^看圖：\n\[!\[圖片說明\]\(\/uploads\/[0-9a-f]{64}\.thumb\.webp\)\]\(\/uploads\/[0-9a-f]{64}\.png\)\n$/);
    expect(await page.locator(`${form} select[name=format]`).inputValue()).toBe('markdown');
    // The alt text is selected: typing replaces it.
    await page.keyboard.type('一張測試圖');

    await page.getByRole('button', { name: '預覽' }).click();
    const previewed = page.locator(`${form} section.preview .body img[alt="一張測試圖"]`);
    await eventually(previewed).toHaveCount(1);

    await page.locator(`${form} button[type=submit]:not([name])`).click();
    await page.waitForURL(/\/t\/\d+$/);
    const thumbnail = page.locator('article.post .body a[href$=".png"] > img[alt="一張測試圖"]');
    await eventually(thumbnail).toHaveCount(1);
    expect(await thumbnail.getAttribute('src')).toMatch(/^\/uploads\/[0-9a-f]{64}\.thumb\.webp$/);
    // Loaded and decoded by the browser: the thumbnail is really there.
    await page.waitForFunction(`(() => {
      const img = document.querySelector('article.post .body img');
      return img !== null && img.complete && img.naturalWidth > 0;
    })()`);
    await page.context().close();
  });

  it('says clearly, in the reader’s script, when a dropped file is not an image', async () => {
    const board = await createTestBoard(app.db);
    const { page } = await memberPage();
    await page.goto(`${app.baseUrl}/zh-hans/b/${board.slug}`);
    const form = 'section.new-thread form';
    await page.evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(`${form} textarea[name=body]`)});
      const data = new DataTransfer();
      data.items.add(new File(['not a picture'], 'notes.txt', { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await eventually(page.locator(`${form} .composer-status.error`)).toHaveText('只能上传图片（JPEG、PNG、WebP、GIF）。');
    await page.context().close();
  });
});
