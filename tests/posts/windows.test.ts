import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { readTree } from '../helpers/tree';
import { until } from '../helpers/wait';
import { createReply, createTestBoard, createThread, memberClient } from '../factories';
import type { Post } from '../../server/posts/posts.model';

// Windows of 20 lines and a depth cap of 3, so small threads show every part of windowing.
let app: TestApp;
let board: { slug: string };
beforeAll(async () => {
  app = await startTestApp({ env: { THREAD_WINDOW_LINES: '20', THREAD_DEPTH_CAP: '3' } });
  board = await createTestBoard(app.db);
});
afterAll(() => app.close());

const lineIds = (html: string) => readTree(html).map((l) => l.id);
const contextIds = (html: string) => [...html.matchAll(/<li class="context"><span class="line[^"]*" id="p(\d+)"/g)].map((m) => m[1]!);
const moreLink = (html: string) => /<p class="more-lines"><a href="([^"]+)" rel="next" data-more>/.exec(html)?.[1]?.replace(/&amp;/g, '&');

/** Every line of a post's windows, following "more" links from the first; returns each window's own lines. */
async function walk(client: HttpClient, first: string, between?: (i: number) => Promise<void>): Promise<string[][]> {
  const windows: string[][] = [];
  for (let url: string | undefined = first, i = 0; url; i++) {
    const page = await client.get(url);
    expect(page.status).toBe(200);
    const context = new Set(contextIds(page.text));
    windows.push(lineIds(page.text).filter((id) => !context.has(id)));
    url = moreLink(page.text);
    await between?.(i);
  }
  return windows;
}

/** A bushy thread: `top` follow-ups to the root, each with two answers and one answer to the first. */
async function bushyThread(top: number) {
  const root = await createThread(app.db, { board, title: '大主題' });
  const order: string[] = [];
  for (let i = 0; i < top; i++) {
    const a = await createReply(app.db, root.id, { title: `第${i}條` });
    const b = await createReply(app.db, a.id, { title: `回${i}甲` });
    const c = await createReply(app.db, b.id, { title: `再回${i}` });
    const d = await createReply(app.db, a.id, { title: `回${i}乙` });
    order.push(a.id, b.id, c.id, d.id);
  }
  return { root, order };
}

describe('windows of a thread page', () => {
  it('show every line exactly once across the windows, in display order, while replies arrive between requests', async () => {
    const { root, order } = await bushyThread(15); // 60 follow-ups: three windows of 20
    const reader = app.client();
    const arrived: Post[] = [];
    const windows = await walk(reader, `/t/${root.id}`, async (i) => {
      // Between windows, a follow-up to the very first line (already shown) and one to the last.
      arrived.push(await createReply(app.db, order[0]!, { title: `插話${i}` }));
      arrived.push(await createReply(app.db, root.id, { title: `新的${i}` }));
    });
    expect(windows.length).toBeGreaterThanOrEqual(3);
    expect(windows.every((w) => w.length <= 20)).toBe(true);
    const seen = windows.flat();
    const existing = seen.filter((id) => order.includes(id));
    expect(existing).toEqual(order);
    expect(new Set(seen).size).toBe(seen.length);
    // Later follow-ups to the root come at the end of the later windows; those answering a line
    // already shown do not come again in a later window.
    expect(seen.some((id) => arrived[0]!.id === id)).toBe(false);
  });

  it('begins a later window with the lines its first line answers, as context', async () => {
    const { root, order } = await bushyThread(6); // 24 lines: the second window starts inside a subtree
    const first = await app.client().get(`/t/${root.id}`);
    const next = moreLink(first.text)!;
    expect(next).toMatch(new RegExp(`^/t/${root.id}\\?after=[A-Za-z0-9_-]+$`));
    const second = await app.client().get(next);
    const firstOwn = lineIds(second.text).filter((id) => !contextIds(second.text).includes(id))[0]!;
    expect(firstOwn).toBe(order[20]);
    // A later window shows the post as a heading, with a way back to the start.
    expect(second.text).toContain(`<header class="post-heading" id="p${root.id}">`);
    expect(second.text).not.toContain('<section class="reply"');
  });

  it('folds any subtree without JavaScript, with its whole count', async () => {
    const { root, order } = await bushyThread(2);
    const page = await app.client().get(`/t/${root.id}`);
    // 第0條 has three follow-ups under it.
    expect(page.text).toContain(`<li><details class="sub" open><summary><span class="line title-only" id="p${order[0]}">`);
    expect(page.text).toMatch(new RegExp(`id="p${order[0]}">.*?</span> <span class="fold">3 條跟帖</span></summary><ul>`));
    const hans = await app.client().get(`/zh-hans/t/${root.id}`);
    expect(hans.text).toContain('<span class="fold">3 条跟帖</span>');
  });

  it('stops nesting at the depth cap: the line there links to its own page, which goes on', async () => {
    const root = await createThread(app.db, { board, title: '一條長鏈' });
    const chain: Post[] = [];
    let parent = root.id;
    for (let i = 0; i < 8; i++) {
      const p = await createReply(app.db, parent, { title: `第${i + 1}層` });
      chain.push(p);
      parent = p.id;
    }
    const page = await app.client().get(`/t/${root.id}`);
    expect(lineIds(page.text)).toEqual(chain.slice(0, 3).map((p) => p.id));
    expect(page.text).toContain(`<a class="continue" href="/t/${chain[2]!.id}">繼續看這一串（5 條）→</a>`);
    const deeper = await app.client().get(`/t/${chain[2]!.id}`);
    expect(lineIds(deeper.text)).toEqual(chain.slice(3, 6).map((p) => p.id));
    // A deep post's page shows the path up to the root.
    expect(deeper.text).toMatch(new RegExp(`<nav class="path-to-root"[^>]*><ol><li><span class="line[^"]*" id="p${root.id}">`));
    // A link to a post past the cap goes to the page that shows it.
    const at = await app.client().get(`/t/${root.id}?at=${chain[7]!.id}`);
    expect(at.status).toBe(302);
    expect(at.headers.get('location')).toMatch(new RegExp(`/t/\\d+\\?at=${chain[7]!.id}#p${chain[7]!.id}$`));
  });

  it('opens the window holding a post named by ?at=', async () => {
    const { root, order } = await bushyThread(15);
    const inFirst = await app.client().get(`/t/${root.id}?at=${order[5]}`);
    expect(lineIds(inFirst.text)[0]).toBe(order[0]);
    const later = await app.client().get(`/t/${root.id}?at=${order[45]}`);
    const own = lineIds(later.text).filter((id) => !contextIds(later.text).includes(id));
    expect(own[0]).toBe(order[45]);
  });

  it('marks what is new since a member last read the thread, each mark linking to the next new line', async () => {
    const { root, order } = await bushyThread(2);
    const reader = app.client();
    const { id: readerId } = await memberClient(app.db, reader, { name: 'window_reader' });
    await reader.get(`/t/${root.id}`);
    // Positions are written as the page goes out: the replies come after this one is, or a read
    // before it would find none (nothing is new to a first read) and record the replies as seen.
    await until(
      () =>
        app.db
          .selectFrom('thread_reads')
          .select('seen_post_id')
          .where('user_id', '=', readerId)
          .where('thread_id', '=', root.id)
          .executeTakeFirst(),
      'the first read recorded',
    );
    const x = await createReply(app.db, order[4]!, { title: '新一' });
    const y = await createReply(app.db, order[0]!, { title: '新二' });
    // The page of the replies may come before this process has heard of them: read again until it has.
    let page = await reader.get(`/t/${root.id}`);
    for (let i = 0; i < 20 && !page.text.includes('new-mark'); i++) page = await reader.get(`/t/${root.id}`);
    // Display order: 新二 (under 第0條) before 新一 (under 第1條).
    expect(page.text).toContain(`<span class="line title-only" id="p${y.id}"><a class="new-mark" href="#p${x.id}">新</a> `);
    expect(page.text).toContain(`<span class="line title-only" id="p${x.id}"><span class="new-mark">新</span> `);
    expect(page.text).toContain(`<a href="#p${y.id}">跳到第一條新跟帖</a>`);
  });

  it('refuses forged cursors and bad ids with a clear 400 or 404, never a 500', async () => {
    const { root } = await bushyThread(6);
    for (const query of ['after=AAAA', 'after=%00', `after=${'A'.repeat(20000)}`, 'at=abc', 'at=1&after=x', 'seen=-1']) {
      const res = await app.client().get(`/t/${root.id}?${query}`);
      // 400 or 404 from the page; Node itself answers 431 for a URL past its header limit.
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toContain('Internal');
    }
    // A real cursor of another thread is not a cursor of this one.
    const other = await bushyThread(6);
    const foreign = moreLink((await app.client().get(`/t/${other.root.id}`)).text)!;
    const res = await app.client().get(`/t/${root.id}?${foreign.split('?')[1]}`);
    expect(res.status).toBe(400);
    expect((await app.client().get(`/t/${root.id}?at=999999999`)).status).toBe(404);
  });
});
