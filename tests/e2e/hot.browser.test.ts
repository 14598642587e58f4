import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { closeAppAndBrowser, eventually, startAppAndBrowser } from '../helpers/browser';
import { createMember, createReply, createTestBoard, createThread } from '../factories';

// The hot list (十大) on a board's page follows the board live (client/live.ts followHot): a
// thread that gets hotter moves up and its count changes, without a reload, in the page's script.
jest.setTimeout(60_000);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  ({ app, browser } = await startAppAndBrowser());
});
afterAll(() => closeAppAndBrowser({ app, browser }));

describe('the hot list in a browser', () => {
  it('updates in place as threads are replied to, in the page’s script', async () => {
    const board = await createTestBoard(app.db);
    const members = await Promise.all(Array.from({ length: 5 }, () => createMember(app.db)));
    const first = await createThread(app.db, { board, author: members[0], title: '第一個熱門話題' });
    await createReply(app.db, first.id, { author: members[1] });

    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/zh-hans/b/${board.slug}`);
    const items = page.locator('section.hot ol.hot-list > li.hot-thread');
    await eventually(items).toHaveCount(1);
    await page.evaluate('window.untouched = true');

    // A second thread, replied to by three members: it goes first, its title in simplified.
    const second = await createThread(app.db, { board, author: members[0], title: '第二個熱門話題' });
    for (const m of members.slice(1, 4)) await createReply(app.db, second.id, { author: m });
    const top = page.locator('section.hot ol.hot-list > li.hot-thread').first();
    for (let i = 0; i < 200 && (await top.getAttribute('data-thread')) !== second.id; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await top.getAttribute('data-thread')).toBe(second.id);
    expect(await top.locator('a.title').textContent()).toBe('第二个热门话题');
    await eventually(top.locator('.hot-stats')).toHaveText('3 人跟帖 (0 次阅读)');
    await eventually(items).toHaveCount(2);
    expect(await page.evaluate('window.untouched')).toBe(true);
  });
});
