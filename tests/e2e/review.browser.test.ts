import type { Browser } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { closeAppAndBrowser, registerInPage, startAppAndBrowser } from '../helpers/browser';
import { createModerator, createReply, createTestBoard, createThread, logInClient } from '../factories';

// The review queue in a browser: a new member's follow-up on a reviewed board comes back to the
// thread page marked 等待審核 in its place (the form, no script needed); once a moderator approves
// it, the page still open shows the published line there instead, live, without a reload.
jest.setTimeout(60_000);

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  ({ app, browser } = await startAppAndBrowser());
});
afterAll(() => closeAppAndBrowser({ app, browser }));

describe('a held follow-up in a browser', () => {
  it('is shown to its author in its place, and replaced live by the post when approved', async () => {
    const board = await createTestBoard(app.db);
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', board.id).execute();
    const root = await createThread(app.db, { board, title: '審核測試' });
    await createReply(app.db, root.id, { title: '已有的跟帖' });
    const moderator = await createModerator(app.db, board);
    const mod = app.client();
    await logInClient(mod, moderator);

    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/register?next=${encodeURIComponent(`/t/${root.id}`)}`);
    await registerInPage(page, 'review_newcomer');
    await page.waitForURL(new RegExp(`/t/${root.id}$`));
    await page.locator('.readers:not([hidden])').waitFor();
    await page.getByLabel('標題').fill('新人等審核');
    await page.getByRole('button', { name: '發表' }).click();
    await page.waitForURL(/\?held=\d+#h\d+$/);
    const heldId = page.url().match(/#h(\d+)$/)![1]!;
    await page.locator('.held-notice').waitFor();
    const held = page.locator(`ul.tree > li.held > #h${heldId}`);
    await held.waitFor();
    expect(await held.locator('.held-mark').textContent()).toBe('[等待審核]');
    await page.locator('.readers:not([hidden])').waitFor();

    const approved = await mod.post(`/api/held/${heldId}/approve`);
    expect(approved.status).toBe(200);
    const postId = approved.json.post.id as string;
    await page.locator(`ul.tree > li.new > #p${postId}`).waitFor({ timeout: 20_000 });
    await page.locator(`#h${heldId}`).waitFor({ state: 'detached' });
  });
});
