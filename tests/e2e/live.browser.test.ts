import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { closeAppAndBrowser, registerInPage, startAppAndBrowser } from '../helpers/browser';
import { createReply, createThread } from '../factories';

jest.setTimeout(60_000);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  ({ app, browser } = await startAppAndBrowser());
});
afterAll(() => closeAppAndBrowser({ app, browser }));

describe('live in a browser', () => {
  it('shows a reply written on one page, nested in place, on another page without a reload', async () => {
    const root = await createThread(app.db, { title: '直播測試' });
    const first = await createReply(app.db, root.id, { title: '第一條' });

    const watcher = await browser.newPage();
    await watcher.goto(`${app.baseUrl}/zh-hans/t/${root.id}`);
    // Joined: the readers line appears. (A locator, not waitForFunction: polling a string
    // predicate needs eval, which the page's Content-Security-Policy rightly forbids.)
    await watcher.locator('.readers:not([hidden])').waitFor();
    // A mark that a reload would wipe (evaluate goes through the DevTools protocol, not eval).
    await watcher.evaluate('window.untouched = true');

    const writer = await browser.newPage();
    await writer.goto(`${app.baseUrl}/register?next=${encodeURIComponent(`/t/${first.id}`)}`);
    await registerInPage(writer, 'live_writer', 'a browser password');
    await writer.waitForURL(new RegExp(`/t/${first.id}$`));
    await writer.getByLabel('標題').fill('回覆第一條的跟帖');
    await writer.getByRole('button', { name: '發表' }).click();
    await writer.waitForURL(/#p\d+$/);
    const newId = writer.url().match(/#p(\d+)$/)![1]!;

    // On the watcher's page: under the first follow-up, converted to simplified, highlighted as new.
    const line = watcher.locator(`li:has(> #p${first.id}) > ul > li.new > #p${newId}`);
    await line.waitFor({ timeout: 20_000 });
    expect(await line.locator('a.title').textContent()).toBe('回复第一条的跟帖');
    expect(await watcher.evaluate('window.untouched')).toBe(true);
    expect(await watcher.locator('.readers').textContent()).toMatch(/\d+ 人正在看/);
  });
});
