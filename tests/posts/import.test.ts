import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type TestApp, startTestApp } from '../helpers/app';
import { readTree } from '../helpers/tree';
import { createTestBoard, memberClient } from '../factories';
import type { HttpClient } from '../helpers/app';

// The shape of a real thread from a Chinese BBS (../shared/fixtures, copied into tests/fixtures):
// imported through the JSON API post by post, it must read back in the same order and nesting,
// with the same byte counts and title-only markers.
interface Shape {
  root: { author: number; bytes: number; titleChars: number };
  replies: { id: number; parent: number; depth: number; author: number; bytes: number; titleChars: number; minutes: number }[];
}
const shape = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'source-thread-shape.json'), 'utf8')) as Shape;

/** A body of exactly `bytes` UTF-8 bytes once stored: <p>…</p> around CJK (3 bytes) and ASCII filler. */
function bodyOf(bytes: number): string {
  if (bytes === 0) return '';
  const inner = bytes - '<p></p>'.length;
  const cjk = Math.floor(inner / 3);
  return `<p>${'帖'.repeat(cjk)}${'x'.repeat(inner - cjk * 3)}</p>`;
}
const titleOf = (id: number, chars: number) => `${id}號${'題'.repeat(Math.max(0, chars - String(id).length - 1))}`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

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

    const root = (await (await as(shape.root.author)).post(`/api/boards/${board.slug}/threads`, { title: titleOf(0, shape.root.titleChars), body: bodyOf(shape.root.bytes) })).json.post;
    expect(root.bytes).toBe(shape.root.bytes);
    // Post in time order (as they were written), not display order.
    const ids = new Map<number, string>([[0, root.id]]);
    for (const r of [...shape.replies].sort((a, b) => a.minutes - b.minutes || a.id - b.id)) {
      const res = await (await as(r.author)).post(`/api/posts/${ids.get(r.parent)}/replies`, { title: titleOf(r.id, r.titleChars), body: bodyOf(r.bytes) });
      expect(res.status).toBe(201);
      ids.set(r.id, res.json.post.id);
    }

    const api = (await app.client().get(`/api/posts/${root.id}`)).json;
    expect(api.replies.map((p: { id: string; parentId: string; depth: number; bytes: number; title: string }) => [p.parentId, p.depth, p.bytes, p.title])).toEqual(
      shape.replies.map((r) => [ids.get(r.parent), r.depth, r.bytes, titleOf(r.id, r.titleChars)]),
    );
    expect(api.post.replyCount).toBe(shape.replies.length);
    expect(api.replies.filter((p: { bytes: number }) => p.bytes === 0)).toHaveLength(shape.replies.filter((r) => r.bytes === 0).length);

    const page = (await app.client().get(`/t/${root.id}`)).text;
    expect(readTree(page, '所有跟帖')).toEqual(shape.replies.map((r) => ({ id: ids.get(r.id), level: r.depth })));
    for (const r of shape.replies) {
      expect(page).toMatch(new RegExp(`id="p${ids.get(r.id)}"[^]*?\\(${r.bytes} bytes\\)`));
    }
    const titleOnly = page.match(/class="line title-only"/g) ?? [];
    expect(titleOnly).toHaveLength(shape.replies.filter((r) => r.bytes === 0).length);
  });
});
