import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { closeAppAndBrowser, eventually, startAppAndBrowser } from '../helpers/browser';
import { createMember, createReply, createTestBoard, memberClient, postReply } from '../factories';
import { type PlannedReply, planThread, seededRandom } from '../../bench/shape';
import { seedThread } from '../../bench/seed';
import { readTree } from '../helpers/tree';

/**
 * Big threads on a phone (390×844): a chain 50 deep keeps its text readable (the depth cap, then
 * "continue this thread"), a 10,000-follow-up thread reads window after window in place with each
 * post exactly once, the keys and the folds work, and live follow-ups under lines of a window not
 * loaded yet are counted ("N new in a later part") while the others appear in place.
 */

jest.setTimeout(120_000);

const PHONE = { width: 390, height: 844 };
/** The narrowest a line's box may get: about 13 CJK characters at the page's size. */
const READABLE_PX = 200;
const WINDOW = 500;
const CAP = 12;

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
/** The chain: ids root first, each post answering the one before. */
let chain: string[];
/** The big thread: ids root first, each follow-up's path (root excluded) and depth. */
let big: { ids: string[]; paths: string[][]; depth: number[] };

/** Follow-ups in display order (preorder by path), as the root's windows show them: down to the cap. */
function displayOrder(): string[] {
  const cmp = (a: string[], b: string[]) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return BigInt(a[i]!) < BigInt(b[i]!) ? -1 : 1;
    }
    return a.length - b.length;
  };
  return big.ids
    .map((id, i) => ({ id, path: big.paths[i]!, depth: big.depth[i]! }))
    .filter((p) => p.depth >= 1 && p.depth <= CAP)
    .sort((a, b) => cmp(a.path, b.path))
    .map((p) => p.id);
}

beforeAll(async () => {
  ({ app, browser } = await startAppAndBrowser());
  context = await browser.newContext({ viewport: PHONE });
  const board = await createTestBoard(app.db, { name: '大串測試版' });
  const authors = await Promise.all([0, 1, 2].map(() => createMember(app.db)));
  const random = seededRandom(13);
  const chainPlan: PlannedReply[] = Array.from({ length: 50 }, (_, i) => ({
    parent: i,
    depth: i + 1,
    title: `第${i + 1}層的跟帖`,
    body: '',
    author: i % 3,
  }));
  const quiet = () => undefined;
  chain = (await seedThread(app.db, { boardSlug: board.slug, authors, plan: chainPlan, random, onProgress: quiet })).ids;
  const plan = planThread(10_000, random, authors.length);
  const seeded = await seedThread(app.db, { boardSlug: board.slug, authors, plan, random, onProgress: quiet });
  const paths: string[][] = [[seeded.ids[0]!]];
  plan.forEach((p, i) => (paths[i + 1] = [...paths[p.parent]!, seeded.ids[i + 1]!]));
  big = { ids: seeded.ids, paths, depth: [0, ...plan.map((p) => p.depth)] };
});
afterAll(() => closeAppAndBrowser({ app, browser }));

const treeLines = (page: Page) => page.locator('section.replies ul.tree li:not(.context) .line');
const lineIds = (page: Page) => treeLines(page).evaluateAll((els) => els.map((el) => el.id.slice(1)));

/** Every line of the tree is readable: its item at least READABLE_PX wide, and the page never scrolls sideways. */
async function expectReadable(page: Page, width = PHONE.width): Promise<void> {
  const widths = await page
    .locator('section.replies ul.tree li')
    .evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().width)));
  expect(widths.length).toBeGreaterThan(0);
  expect(Math.min(...widths)).toBeGreaterThanOrEqual(READABLE_PX);
  const scrollWidth = await page.evaluate<number>('document.scrollingElement.scrollWidth');
  expect(scrollWidth).toBeLessThanOrEqual(width + 1);
}

/**
 * The level Chromium announces for each list item of the tree (its accessibility tree, through the
 * DevTools protocol: what a screen reader is given), by line id.
 */
async function announcedLevels(page: Page): Promise<Map<string, number>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'section.replies ul.tree li:not(.context)' });
  const levels = new Map<string, number>();
  for (const nodeId of nodeIds) {
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const node = nodes[0]!;
    expect(node.role?.value).toBe('listitem');
    const level = node.properties?.find((p) => p.name === 'level')?.value.value as number | undefined;
    const { nodeId: lineNode } = await cdp.send('DOM.querySelector', { nodeId, selector: '.line' });
    const { attributes } = await cdp.send('DOM.getAttributes', { nodeId: lineNode });
    const id = attributes[attributes.indexOf('id') + 1]!.slice(1);
    levels.set(id, level ?? 0);
  }
  await cdp.detach();
  return levels;
}

describe('a chain 50 deep on a 390 px phone', () => {
  it('nests down to the cap, then continues on the line’s own page with the path to the root, every line readable', async () => {
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/t/${chain[0]}`);
    // Levels 1 to 12, each announced with its level, then "continue this thread" on the last.
    for (let from = 0; from < 50; from += CAP) {
      const shown = chain.slice(from + 1, Math.min(from + CAP, 50) + 1);
      expect(await lineIds(page)).toEqual(shown);
      const levels = await announcedLevels(page);
      expect(shown.map((id) => levels.get(id))).toEqual(shown.map((_, i) => i + 1));
      await expectReadable(page);
      // And on a 360 px phone, the narrowest common one.
      await page.setViewportSize({ width: 360, height: PHONE.height });
      await expectReadable(page, 360);
      await page.setViewportSize(PHONE);
      const last = shown[shown.length - 1]!;
      const more = page.locator(`li:has(> #p${last}) > a.continue`);
      if (from + CAP >= 50) {
        expect(await page.locator('a.continue').count()).toBe(0);
        break;
      }
      expect(await more.textContent()).toBe(`繼續看這一串（${50 - from - CAP} 條）→`);
      await more.click();
      await page.waitForURL(new RegExp(`/t/${last}$`));
      // The deeper part shows how it hangs from the root: the root first, the parent last.
      const path = page.locator('nav.path-to-root li .line');
      expect(await path.first().getAttribute('id')).toBe(`p${chain[0]}`);
      expect(await path.last().getAttribute('id')).toBe(`p${chain[from + CAP - 1]}`);
    }
    await page.close();
  });
});

/** A window's own lines (not its context), read from its markup, and the link to the next. */
function windowOf(html: string): { ids: string[]; next: string | undefined } {
  const context = new Set([...html.matchAll(/<li class="context"><span class="line[^"]*" id="p(\d+)"/g)].map((m) => m[1]!));
  const ids = readTree(html)
    .map((l) => l.id)
    .filter((id) => !context.has(id));
  const next = /<p class="more-lines"><a href="([^"]+)" rel="next" data-more>/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  return { ids, next };
}

/** Clicks "more" and waits for the window to be in place: the link gives way to the next one's (or to none). */
async function loadMore(page: Page): Promise<void> {
  const more = page.locator('section.replies .more-lines a[data-more]');
  const href = (await more.getAttribute('href'))!;
  await more.click();
  await page.locator(`section.replies .more-lines a[href="${href}"]`).waitFor({ state: 'detached' });
}

/** The line that has keyboard focus (its title link is focused). */
const focusedLine = (page: Page) => page.locator('.line:has(> a.title:focus)');

describe('a thread of 10,000 follow-ups on a 390 px phone', () => {
  const IN_PLACE = 3;

  it('reads window after window in place, and the windows hold each follow-up exactly once', async () => {
    const order = displayOrder();
    expect(order.length).toBeGreaterThan(8 * WINDOW);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/t/${big.ids[0]}`);
    await page.evaluate('window.untouched = true');
    const url = page.url();
    expect(await lineIds(page)).toEqual(order.slice(0, WINDOW));
    await expectReadable(page);
    // A few windows in place, each subtree under the line it answers: the page reads in display order.
    for (let i = 1; i < IN_PLACE; i++) await loadMore(page);
    const ids = await lineIds(page);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(order.slice(0, IN_PLACE * WINDOW));
    expect(page.url()).toBe(url);
    expect(await page.evaluate('window.untouched')).toBe(true);
    await expectReadable(page);
    // The rest through the links the page gives: together the windows hold each follow-up exactly once.
    const client = app.client();
    let next = (await page.locator('section.replies .more-lines a[data-more]').getAttribute('href')) ?? undefined;
    const all = [...ids];
    while (next) {
      const res = await client.get(next);
      expect(res.status).toBe(200);
      const w = windowOf(res.text);
      expect(w.ids.length).toBeLessThanOrEqual(WINDOW);
      all.push(...w.ids);
      next = w.next;
    }
    expect(all).toEqual(order);
    await page.close();
  });

  it('walks lines with j and k, jumps to the next new one with n, folds with o, and remembers folds', async () => {
    const page = await context.newPage();
    const url = `${app.baseUrl}/t/${big.ids[0]}`;
    await page.goto(url); // this visit records the reader's position (the cookie)
    const order = displayOrder().slice(0, WINDOW);
    // Three follow-ups written since: new on the next visit, in display order wherever they answer.
    const answered = [order[40]!, order[7]!, order[300]!];
    const fresh: string[] = [];
    for (const id of answered) fresh.push((await createReply(app.db, id, { title: '訪問之後的跟帖' })).id);
    await page.reload();
    await eventually(page.locator('section.replies .new-mark')).toHaveCount(3);
    const marked = await page.locator('.line:has(.new-mark)').evaluateAll((els) => els.map((el) => el.id.slice(1)));
    expect([...marked].sort()).toEqual([...fresh].sort());

    // The keys are written on the page.
    expect(await page.locator('details.keys').textContent()).toMatch(/j \/ k.*n.*o.*m/);

    await page.locator('body').press('j');
    await eventually(focusedLine(page)).toHaveCount(1);
    expect(await focusedLine(page).getAttribute('id')).toBe(`p${order[0]}`);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await focusedLine(page).getAttribute('id')).toBe(`p${order[2]}`);
    await page.keyboard.press('k');
    expect(await focusedLine(page).getAttribute('id')).toBe(`p${order[1]}`);
    expect(await page.locator('.line.current').getAttribute('id')).toBe(`p${order[1]}`);

    // n: the new lines in turn, then round to the first again.
    await page.keyboard.press('n');
    expect(await focusedLine(page).getAttribute('id')).toBe(`p${marked[0]}`);
    await page.keyboard.press('n');
    expect(await focusedLine(page).getAttribute('id')).toBe(`p${marked[1]}`);
    await page.keyboard.press('n');
    expect(await focusedLine(page).getAttribute('id')).toBe(`p${marked[2]}`);
    await page.keyboard.press('n');
    expect(await focusedLine(page).getAttribute('id')).toBe(`p${marked[0]}`);

    // o on a line that opens a subtree folds it, and j then skips what it hides.
    const parent = order.find(
      (id) => big.paths[big.ids.indexOf(id)]!.length === 2 && order.some((o) => o !== id && big.paths[big.ids.indexOf(o)]!.includes(id)),
    )!;
    const sub = page.locator(`details.sub:has(> summary > #p${parent})`);
    await page.locator(`#p${parent} a.title`).focus();
    await page.keyboard.press('o');
    await eventually(page.locator(`details.sub:not([open]):has(> summary > #p${parent})`)).toHaveCount(1);
    await page.keyboard.press('j');
    const after = await focusedLine(page).getAttribute('id');
    expect(await sub.locator(`[id="${after}"]`).count()).toBe(0);
    await page.locator(`#p${parent} a.title`).focus();
    await page.keyboard.press('o');
    await eventually(page.locator(`details.sub[open]:has(> summary > #p${parent})`)).toHaveCount(1);

    // A fold by hand (the count beside the line) is there again after a reload.
    await page.locator(`details.sub:has(> summary > #p${parent}) > summary > .fold`).click();
    await eventually(page.locator(`details.sub:not([open]):has(> summary > #p${parent})`)).toHaveCount(1);
    await page.reload();
    await eventually(page.locator(`details.sub:not([open]):has(> summary > #p${parent})`)).toHaveCount(1);
    expect(await page.locator(`details.sub:not([open])`).count()).toBe(1);

    // Title-only leaves fold away at a click (and stay so after a reload); "expand all" opens everything again.
    const titleOnlyLeaves = page.locator('section.replies ul.tree li:has(> .line.title-only)');
    expect(await titleOnlyLeaves.count()).toBeGreaterThan(50);
    await page.getByRole('button', { name: '收起只有標題的跟帖' }).click();
    expect(await page.locator('section.replies ul.tree li:has(> .line.title-only):visible').count()).toBe(0);
    await page.reload();
    await eventually(page.locator('section.replies.fold-title-only')).toHaveCount(1);
    expect(await page.locator('section.replies ul.tree li:has(> .line.title-only):visible').count()).toBe(0);
    await page.getByRole('button', { name: '全部展開' }).click();
    expect(await page.locator('details.sub:not([open])').count()).toBe(0);
    expect(await page.locator('section.replies ul.tree li:has(> .line.title-only):visible').count()).toBe(await titleOnlyLeaves.count());
    await page.reload();
    expect(await page.locator('details.sub:not([open])').count()).toBe(0);
    expect(await page.locator('section.replies.fold-title-only').count()).toBe(0);
    await page.close();
  });

  it('counts live follow-ups under lines of a window not loaded yet, and shows the others in place', async () => {
    const order = displayOrder();
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/t/${big.ids[0]}`);
    await page.locator('.readers:not([hidden])').waitFor();
    const later = page.locator('section.replies .new-later');
    expect(await later.isHidden()).toBe(true);

    const writer = app.client();
    await memberClient(app.db, writer);
    const depthOf = (id: string) => big.paths[big.ids.indexOf(id)]!.length - 1;
    const shallow = (id: string) => depthOf(id) < CAP;
    const parents = new Set(big.paths.map((p) => p[p.length - 2]));
    // One under a line of the second window (a leaf: its answer is in that window), one under a line of the last.
    const inSecond = order.slice(WINDOW, 2 * WINDOW).find((id) => shallow(id) && !parents.has(id))!;
    const inLast = order.slice(-WINDOW).reverse().find(shallow)!;
    await postReply(writer, inSecond, '答第二部分');
    await eventually(later).toHaveText('後面的部分有 1 條新跟帖');
    expect(await later.isVisible()).toBe(true);
    await postReply(writer, inLast, '答最後部分');
    await eventually(later).toHaveText('後面的部分有 2 條新跟帖');

    // One under a line on the page: in place, under it.
    const here = order[3]!;
    const reply = await postReply(writer, here, '答眼前這條');
    await page
      .locator(
        `li:has(> details.sub > summary > #p${here}) > details.sub > ul > li.new > #p${reply.id}, li:has(> #p${here}) > ul > li.new > #p${reply.id}`,
      )
      .waitFor();
    expect(await later.textContent()).toBe('後面的部分有 2 條新跟帖');

    // One under a line at the depth cap: on that line's own page ("continue this thread"), not here.
    const atCap = order.slice(0, WINDOW).find((id) => depthOf(id) === CAP && parents.has(id))!;
    expect(await page.locator(`li:has(> #p${atCap}) > a.continue`).count()).toBe(1);
    const past = await postReply(writer, atCap, '答到底的那條');
    // And under a leaf at the cap, which has no "continue" link yet: there too, not nested past the cap.
    const leafAtCap = order.slice(0, WINDOW).find((id) => depthOf(id) === CAP && !parents.has(id))!;
    expect(await page.locator(`li:has(> #p${leafAtCap}) > a.continue`).count()).toBe(0);
    const pastLeaf = await postReply(writer, leafAtCap, '答到底的葉子');
    const last = await postReply(writer, here, '再答眼前這條');
    await page.locator(`#p${last.id}`).waitFor();
    expect(await page.locator(`#p${past.id}`).count()).toBe(0);
    expect(await page.locator(`#p${pastLeaf.id}`).count()).toBe(0);
    expect(await later.textContent()).toBe('後面的部分有 2 條新跟帖');

    // The next window holds the first: one is left in a later part.
    await loadMore(page);
    expect(await page.locator(`section.replies ul.tree .line:has(a.title:text-is("答第二部分"))`).count()).toBe(1);
    await eventually(later).toHaveText('後面的部分有 1 條新跟帖');
    await page.close();
  });
});
