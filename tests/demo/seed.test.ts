import { seedOnFirstStart } from '../../server/demo/seed';
import { type TestApp, startTestApp } from '../helpers/app';
import { readTree } from '../helpers/tree';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('the demo', () => {
  it('seeds a board and a real-looking thread on the first start only, even when processes race', async () => {
    const results = await Promise.all([seedOnFirstStart(app.db, () => {}), seedOnFirstStart(app.db, () => {})]);
    expect(results.sort()).toEqual([false, true]);
    expect(await seedOnFirstStart(app.db, () => {})).toBe(false);

    const boards = (await app.client().get('/api/boards')).json.boards;
    expect(boards).toEqual([expect.objectContaining({ slug: 'demo', threadCount: 1 })]);
    const thread = (await app.client().get('/api/boards/demo/threads')).json.threads[0];
    const tree = (await app.client().get(`/api/posts/${thread.post.id}`)).json;
    const replies = tree.replies as { depth: number; bytes: number; title: string; createdAt: string }[];

    expect(Math.max(...replies.map((r) => r.depth))).toBe(5);
    expect(replies.filter((r) => r.bytes === 0).length).toBeGreaterThanOrEqual(replies.length / 2);
    const titles = replies.map((r) => r.title).join('');
    expect(titles).toMatch(/[们这说没还]/); // simplified
    expect(titles).toMatch(/[們這說還頂後]/); // traditional
    // Written over a few hours, each reply after the post it answers.
    const times = new Set(replies.map((r) => r.createdAt));
    expect(times.size).toBeGreaterThan(10);

    const page = await app.client().get(`/t/${thread.post.id}`);
    expect(readTree(page.text, '所有跟帖')).toHaveLength(replies.length);
  });
});
