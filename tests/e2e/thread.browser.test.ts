import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { closeAppAndBrowser, eventually, registerInPage, startAppAndBrowser } from '../helpers/browser';
import { createTestBoard } from '../factories';

jest.setTimeout(60_000);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  ({ app, browser } = await startAppAndBrowser());
});
afterAll(() => closeAppAndBrowser({ app, browser }));

/** How many lists a post line sits in, inside the "所有跟帖" tree. */
const nesting = (page: Page, postId: string) =>
  page.locator(`#p${postId}`).evaluate((el) => {
    // The DOM's Element, as much of it as this needs (the tests compile without the DOM library).
    type DomNode = { tagName: string; parentElement: DomNode | null; matches(selector: string): boolean };
    let n = 0;
    for (let e: DomNode | null = el; e && !e.matches('ul.tree'); e = e.parentElement) if (e.tagName === 'UL') n++;
    return n + 1;
  });

describe('in a browser', () => {
  it('registers, starts a thread, replies to a follow-up through the forms, and sees it nested', async () => {
    const board = await createTestBoard(app.db, { name: '瀏覽器測試版' });
    const page = await browser.newPage();

    await page.goto(`${app.baseUrl}/b/${board.slug}`);
    await page.getByText('請您先登陸,再發跟帖!').click();
    await page.getByRole('link', { name: '註冊' }).last().click();
    await registerInPage(page, '瀏覽器用戶', 'a browser password');
    await page.waitForURL(`**/b/${board.slug}`);

    await page.getByLabel('標題').fill('從瀏覽器發的主題');
    await page.getByLabel('內容（可選）').fill('第一段\n\n第二段');
    await page.getByRole('button', { name: '發表' }).click();
    await page.waitForURL(/\/t\/\d+$/);
    const rootId = page.url().match(/\/t\/(\d+)$/)![1]!;
    await eventually(page.locator('article.post .body p')).toHaveCount(2);

    // A title-only follow-up to the root…
    await page.getByLabel('標題').fill('第一條跟帖');
    await page.getByRole('button', { name: '發表' }).click();
    await page.waitForURL(new RegExp(`/t/${rootId}\\?at=(\\d+)#p\\1$`));
    const firstId = page.url().match(/#p(\d+)$/)![1]!;
    await eventually(page.locator(`#p${firstId} .bytes`)).toHaveText('(0 bytes)');
    expect(await nesting(page, firstId)).toBe(1);

    // …and a reply to that follow-up, from its own page.
    await page.locator(`#p${firstId} a.title`).click();
    await page.waitForURL(new RegExp(`/t/${firstId}$`));
    await page.getByLabel('標題').fill('回覆第一條');
    await page.getByLabel('內容（可選）').fill('有內容的回覆');
    await page.getByRole('button', { name: '發表' }).click();
    await page.waitForURL(new RegExp(`/t/${rootId}\\?at=(\\d+)#p\\1$`));
    const nestedId = page.url().match(/#p(\d+)$/)![1]!;

    expect(await nesting(page, nestedId)).toBe(2);
    // It sits in the (folding) list under the first follow-up, and the browser module marks it as the target.
    await eventually(page.locator(`li:has(> details.sub > summary > #p${firstId}) > details.sub > ul > li > #p${nestedId}`)).toHaveCount(1);
    await eventually(page.locator(`#p${nestedId}`)).toHaveClass(/target/);
    // "(N bytes)" counts what was typed (six CJK characters), not the stored <p>…</p>.
    await eventually(page.locator(`#p${nestedId} .bytes`)).toHaveText('(18 bytes)');
    await page.close();
  });
});
