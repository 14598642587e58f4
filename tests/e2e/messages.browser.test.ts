import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { closeAppAndBrowser, eventually, startAppAndBrowser } from '../helpers/browser';
import { type TestMember, createMember, createReply, createThread } from '../factories';

jest.setTimeout(90_000);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  ({ app, browser } = await startAppAndBrowser());
});
afterAll(() => closeAppAndBrowser({ app, browser }));

/** A page of its own (its own cookies) logged in as `member` through the login form, at `path`. */
async function loggedInPage(member: TestMember, path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${app.baseUrl}/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel('用戶名').fill(member.name);
  await page.getByLabel('密碼').fill(member.password);
  await page.getByRole('button', { name: '登錄' }).click();
  await page.waitForURL(`**${path}`);
  return page;
}

describe('悄悄話 in a browser', () => {
  it('A writes from a follow-up line; B’s open page counts it live; B reads it and replies', async () => {
    const alice = await createMember(app.db, { name: 'browser_alice' });
    const bob = await createMember(app.db, { name: 'browser_bob' });
    const root = await createThread(app.db, { author: bob, title: '瀏覽器的主題' });
    const reply = await createReply(app.db, root.id, { author: bob, title: '鮑勃的跟帖' });

    // B reads the thread; the page is marked so that a reload would show.
    const bobPage = await loggedInPage(bob, `/t/${root.id}`);
    const bobBadge = bobPage.locator('header.site [data-unread="messages"]');
    expect(await bobBadge.isHidden()).toBe(true);
    await bobPage.evaluate('window.untouched = true');

    // A follows the line's 悄悄話 link: the composer is addressed to B and quotes the follow-up.
    const alicePage = await loggedInPage(alice, `/t/${root.id}`);
    await alicePage.locator(`#p${reply.id} a.pm`).click();
    await alicePage.waitForURL(/\/messages\?to=browser_bob&post=\d+$/);
    expect(await alicePage.getByLabel('收件人').inputValue()).toBe('browser_bob');
    expect(await alicePage.locator('.quoted-post a').textContent()).toBe('鮑勃的跟帖');
    await alicePage.getByLabel('標題').fill('關於你的跟帖');
    await alicePage.getByLabel('內容（可選）').fill('寫得很好！\n\n想多聊聊。');
    await alicePage.getByRole('button', { name: '發送' }).click();
    await alicePage.waitForURL(/\/messages\/\d+$/);
    const messageId = alicePage.url().match(/\/messages\/(\d+)$/)![1]!;

    // B's open page: the count rises without a reload.
    await eventually(bobBadge).toHaveText('1');
    expect(await bobBadge.isVisible()).toBe(true);
    expect(await bobPage.evaluate('window.untouched')).toBe(true);

    // B opens the inbox from the header, the message is marked unread; B reads it.
    await bobPage.locator('header.site a.unread-link').first().click();
    await bobPage.waitForURL(/\/messages$/);
    await eventually(bobPage.locator('li.message-line.unread')).toHaveCount(1);
    await bobPage.getByRole('link', { name: '關於你的跟帖' }).click();
    await bobPage.waitForURL(new RegExp(`/messages/${messageId}$`));
    expect(await bobPage.locator('article.message .body p').allTextContents()).toEqual(['寫得很好！', '想多聊聊。']);
    expect(await bobPage.locator('article.message .quoted-post a').getAttribute('href')).toBe(`/t/${reply.id}`);
    expect(await bobPage.locator('header.site [data-unread="messages"]').isHidden()).toBe(true);

    // …and replies from the message's page: A's open page counts the answer live.
    const aliceBadge = alicePage.locator('header.site [data-unread="messages"]');
    expect(await bobPage.getByLabel('標題').inputValue()).toBe('回覆：關於你的跟帖');
    await bobPage.getByLabel('內容（可選）').fill('謝謝！');
    await bobPage.getByRole('button', { name: '發送' }).click();
    await bobPage.waitForURL(/\/messages\/\d+$/);
    await eventually(aliceBadge).toHaveText('1');

    // The conversation holds both, newest first.
    await bobPage.getByRole('link', { name: '與 browser_alice 的全部悄悄話' }).click();
    await eventually(bobPage.locator('article.message')).toHaveCount(2);
    expect(await bobPage.locator('article.message h2').allTextContents()).toEqual(['回覆：關於你的跟帖', '關於你的跟帖']);
  });

  it('gives 悄悄話 the composer: toolbar, preview, byte count, a draft per conversation, Ctrl+Enter', async () => {
    const erin = await createMember(app.db, { name: 'browser_erin' });
    const finn = await createMember(app.db, { name: 'browser_finn' });
    const page = await loggedInPage(erin, `/messages/with/${finn.name}`);
    const form = page.locator('section.message-reply form.composer');
    await eventually(form.locator('.toolbar:not([hidden])')).toHaveCount(1);
    await form.getByLabel('標題').fill('草稿');
    await form.locator('textarea[name=body]').fill('你好');
    await form.locator('textarea[name=body]').selectText();
    await form.getByRole('button', { name: '粗體' }).click();
    expect(await form.locator('textarea[name=body]').inputValue()).toBe('**你好**');
    expect(await form.locator('output.byte-count').textContent()).toBe(`(${Buffer.byteLength('**你好**')} bytes)`);
    await form.locator('button[name=preview]').click();
    await eventually(form.locator('section.preview .body strong')).toHaveText('你好');

    // The draft is the conversation's: it comes back on the page of a message of it, over the suggested title.
    const first = await page.request.post(`${app.baseUrl}/api/messages`, { data: { to: finn.name, title: '第一封', body: '嗨' } });
    const messageId = ((await first.json()) as { message: { id: string } }).message.id;
    await page.goto(`${app.baseUrl}/messages/${messageId}`);
    await eventually(form.locator('.composer-status')).toHaveText('已恢復您上次沒有發出的草稿。 丟棄草稿');
    expect(await form.locator('textarea[name=body]').inputValue()).toBe('**你好**');
    expect(await form.getByLabel('標題').inputValue()).toBe('草稿');
    // Another conversation has none.
    await page.goto(`${app.baseUrl}/messages/new?to=${encodeURIComponent(finn.name)}`);
    expect(await page.locator('form.composer textarea[name=body]').inputValue()).toBe('');

    // Sent with Ctrl+Enter, as markdown; the draft goes.
    await page.goto(`${app.baseUrl}/messages/with/${finn.name}`);
    await form.locator('textarea[name=body]').press('Control+Enter');
    await page.waitForURL(/\/messages\/\d+$/);
    expect(await page.locator('article.message .body strong').textContent()).toBe('你好');
    await page.goto(`${app.baseUrl}/messages/with/${finn.name}`);
    expect(await form.locator('textarea[name=body]').inputValue()).toBe('');
    expect(await page.evaluate(`Object.keys(localStorage).filter((k) => k.startsWith('gentie-draft:/messages/with'))`)).toEqual([]);
    await page.close();
  });

  it('lays the pages out without sideways scrolling at 1280 and 390 pixels', async () => {
    const carol = await createMember(app.db, { name: 'browser_carol' });
    const dave = await createMember(app.db, { name: 'browser_dave' });
    const long = '很長的標題'.repeat(19);
    const send = await (async () => {
      const page = await loggedInPage(dave, '/messages/new?to=browser_carol');
      await page.getByLabel('標題').fill(long);
      await page.getByLabel('內容（可選）').fill(`${'一段很長的文字沒有空格'.repeat(40)}\n\nhttps://example.com/${'x'.repeat(200)}`);
      await page.getByRole('button', { name: '發送' }).click();
      await page.waitForURL(/\/messages\/\d+$/);
      return page.url().match(/\/messages\/(\d+)$/)![1]!;
    })();
    const page = await loggedInPage(carol, '/messages');
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of ['/messages', `/messages/${send}`, '/messages/with/browser_dave', '/messages/new?to=browser_dave']) {
        await page.goto(`${app.baseUrl}${path}`);
        const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect([width, path, overflow]).toEqual([width, path, 0]);
      }
    }
  });
});
