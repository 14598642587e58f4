import { type TestApp, startTestApp } from '../helpers/app';
import { readTree } from '../helpers/tree';
import { THREAD_SHAPE as shape, bodyOfBytes, createShapedThread, createTestBoard, memberClient, shapeTitle } from '../factories';
import type { HttpClient } from '../helpers/app';

// The shape of a real thread from a Chinese BBS (../shared/fixtures, copied into tests/fixtures):
// imported through the JSON API post by post, it must read back in the same order and nesting,
// with the same byte counts and title-only markers.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** The thread at `rootId` reads back as the shape, in the API and on its page; `idOf(n)` is the id of the shape's post n. */
async function expectShapeOf(rootId: string, idOf: (n: number) => string | undefined): Promise<void> {
  const api = (await app.client().get(`/api/posts/${rootId}`)).json;
  expect(
    api.replies.map((p: { id: string; parentId: string; depth: number; bytes: number; title: string }) => [
      p.parentId,
      p.depth,
      p.bytes,
      p.title,
    ]),
  ).toEqual(shape.replies.map((r) => [idOf(r.parent), r.depth, r.bytes, shapeTitle(r.id, r.titleChars)]));
  expect(api.post.replyCount).toBe(shape.replies.length);
  expect(api.replies.filter((p: { bytes: number }) => p.bytes === 0)).toHaveLength(shape.replies.filter((r) => r.bytes === 0).length);

  const page = (await app.client().get(`/t/${rootId}`)).text;
  expect(readTree(page, '所有跟帖')).toEqual(shape.replies.map((r) => ({ id: idOf(r.id), level: r.depth })));
  for (const r of shape.replies) {
    expect(page).toMatch(new RegExp(`id="p${idOf(r.id)}"[^]*?\\(${r.bytes} bytes\\)`));
  }
  const titleOnly = page.match(/class="line title-only"/g) ?? [];
  expect(titleOnly).toHaveLength(shape.replies.filter((r) => r.bytes === 0).length);
}

describe('importing a real thread shape', () => {
  it('renders it in the same order and nesting, with the same bytes and title-only markers', async () => {
    const board = await createTestBoard(app.db);
    const authors = new Map<number, HttpClient>();
    const as = async (n: number) => {
      if (!authors.has(n)) {
        const c = app.client();
        await memberClient(app.db, c, { name: `author_${n}_${board.slug.slice(2)}` });
        authors.set(n, c);
      }
      return authors.get(n)!;
    };

    const root = (
      await (
        await as(shape.root.author)
      ).post(`/api/boards/${board.slug}/threads`, { title: shapeTitle(0, shape.root.titleChars), body: bodyOfBytes(shape.root.bytes) })
    ).json.post;
    expect(root.bytes).toBe(shape.root.bytes);
    // Post in time order (as they were written), not display order.
    const ids = new Map<number, string>([[0, root.id]]);
    for (const r of [...shape.replies].sort((a, b) => a.minutes - b.minutes || a.id - b.id)) {
      const res = await (
        await as(r.author)
      ).post(`/api/posts/${ids.get(r.parent)}/replies`, { title: shapeTitle(r.id, r.titleChars), body: bodyOfBytes(r.bytes) });
      expect(res.status).toBe(201);
      ids.set(r.id, res.json.post.id);
    }

    await expectShapeOf(root.id, (n) => ids.get(n));
  });

  it('reads back the same when createShapedThread writes it through the posts service', async () => {
    const { ids } = await createShapedThread(app.db);
    expect(ids).toHaveLength(1 + 37);
    await expectShapeOf(ids[0]!, (n) => ids[n]);
  });
});
