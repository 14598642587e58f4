import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { closeAppAndBrowser, registerInPage, startAppAndBrowser } from '../helpers/browser';
import { createMember, createReply, createThread } from '../factories';

jest.setTimeout(60_000);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  ({ app, browser } = await startAppAndBrowser());
});
afterAll(() => closeAppAndBrowser({ app, browser }));

describe('ignoring a member, in a browser', () => {
  it('collapses their lines, on the page and as they arrive live, and opens one with a click', async () => {
    const pest = await createMember(app.db, { name: 'pest_member' });
    const root = await createThread(app.db, { title: '忽略測試' });
    const theirs = await createReply(app.db, root.id, { author: pest, title: '討厭的跟帖' });
    const under = await createReply(app.db, theirs.id, { author: await createMember(app.db), title: '回覆討厭的跟帖' });

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${app.baseUrl}/register?next=${encodeURIComponent('/u/pest_member')}`);
    await registerInPage(page, 'quiet_reader', 'a browser password');
    await page.waitForURL(/\/u\/pest_member$/);
    await page.getByRole('button', { name: '忽略此人' }).click();
    await page.waitForURL(/\/u\/pest_member$/);
    await page.getByRole('button', { name: '取消忽略' }).waitFor();

    await page.goto(`${app.baseUrl}/t/${root.id}`);
    const collapsed = page.locator(`details.ignored:has(#p${theirs.id})`);
    await collapsed.locator('summary', { hasText: '已忽略 pest_member 的帖子' }).waitFor();
    // Closed: the line is there but not shown; the follow-up under it is shown, in place.
    expect(await page.locator(`#p${theirs.id}`).isVisible()).toBe(false);
    expect(await page.locator(`li:has(> details.sub > summary #p${theirs.id}) > details.sub > ul > li > #p${under.id}`).isVisible()).toBe(
      true,
    );
    await collapsed.locator('summary').click();
    expect(await page.locator(`#p${theirs.id}`).isVisible()).toBe(true);
    expect(await page.locator(`#p${theirs.id} a.title`).textContent()).toBe('討厭的跟帖');

    // A new follow-up of theirs arrives live, collapsed like the rest; anyone else's as it is.
    await page.locator('.readers:not([hidden])').waitFor();
    const live = await createReply(app.db, root.id, { author: pest, title: '又來了' });
    const liveLine = page.locator(`li.new > details.ignored:has(#p${live.id})`);
    await liveLine.waitFor({ state: 'attached', timeout: 20_000 });
    expect(await liveLine.locator('summary').textContent()).toBe('已忽略 pest_member 的帖子');
    expect(await page.locator(`#p${live.id}`).isVisible()).toBe(false);
    const other = await createReply(app.db, root.id, { author: await createMember(app.db), title: '正常的跟帖' });
    await page.locator(`li.new > #p${other.id}`).waitFor({ timeout: 20_000 });
    expect(await page.locator(`#p${other.id}`).isVisible()).toBe(true);
    // The page fits a phone's width.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  });
});
