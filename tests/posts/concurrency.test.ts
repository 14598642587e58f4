import { type TestApp, startTestApp } from '../helpers/app';
import { createTestBoard, memberClient } from '../factories';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('concurrent replies', () => {
  it('lets 50 writers reply to one thread at once: every reply lands, counters and seqs exact', async () => {
    const board = await createTestBoard(app.db);
    const writers = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const client = app.client();
        await memberClient(app.db, client);
        return client;
      }),
    );
    const root = (await writers[0]!.post(`/api/boards/${board.slug}/threads`, { title: '熱帖' })).json.post;
    const first = (await writers[1]!.post(`/api/posts/${root.id}/replies`, { title: 'first' })).json.post;

    // Half answer the root, half the first reply: the same parent rows, the same thread row.
    const results = await Promise.all(
      writers.map((w, i) =>
        w.post(`/api/posts/${i % 2 ? root.id : first.id}/replies`, { title: `跟帖 ${i}`, body: i % 3 ? '' : `內容 ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));

    const state = await app.db.selectFrom('threads').selectAll().where('thread_id', '=', root.id).executeTakeFirstOrThrow();
    expect(state.reply_count).toBe(51);
    expect(state.seq).toBe('52');
    const seqs = await app.db.selectFrom('thread_events').select('seq').where('thread_id', '=', root.id).orderBy('seq').execute();
    expect(seqs.map((e) => Number(e.seq))).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));

    const tree = (await app.client().get(`/api/posts/${root.id}`)).json;
    expect(tree.replies).toHaveLength(51);
    const titles = new Set(tree.replies.map((p: { title: string }) => p.title));
    for (let i = 0; i < 50; i++) expect(titles.has(`跟帖 ${i}`)).toBe(true);
    // Siblings in the order they were written: ids ascend along the display order of each level.
    const underRoot = tree.replies.filter((p: { parentId: string }) => p.parentId === root.id).map((p: { id: string }) => Number(p.id));
    expect(underRoot).toEqual([...underRoot].sort((a, b) => a - b));
  });

  it('never lets a reply land under a post deleted at the same moment', async () => {
    const board = await createTestBoard(app.db);
    const author = app.client();
    await memberClient(app.db, author);
    const replier = app.client();
    await memberClient(app.db, replier);
    const root = (await author.post(`/api/boards/${board.slug}/threads`, { title: 'race' })).json.post;
    for (let i = 0; i < 15; i++) {
      const parent = (await author.post(`/api/posts/${root.id}/replies`, { title: `parent ${i}` })).json.post;
      const [del, rep] = await Promise.all([
        author.request('DELETE', `/api/posts/${parent.id}`),
        replier.post(`/api/posts/${parent.id}/replies`, { title: `child ${i}` }),
      ]);
      expect(del.status).toBe(200);
      expect([201, 409]).toContain(rep.status);
    }
    // Every reply that landed was committed before its parent's deletion: thread events are
    // numbered in commit order, so its post:new seq is below the parent's post:delete seq.
    const bad = await app.db
      .selectFrom('posts as child')
      .innerJoin('thread_events as born', (j) => j.onRef('born.post_id', '=', 'child.id').on('born.kind', '=', 'post:new'))
      .innerJoin('thread_events as gone', (j) => j.onRef('gone.post_id', '=', 'child.parent_id').on('gone.kind', '=', 'post:delete'))
      .select(['child.id', 'born.seq as born', 'gone.seq as gone'])
      .where('child.thread_id', '=', root.id)
      .whereRef('born.seq', '>', 'gone.seq')
      .execute();
    expect(bad).toEqual([]);
  });
});
