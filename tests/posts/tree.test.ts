import { MAX_NESTING, renderTree } from '../../server/posts/posts.lines';
import { type Post, toPostsWithCounts } from '../../server/posts/posts.model';
import type { PostWithAuthorRow as PostRow } from '../../server/posts/posts.repository';
import { loadAssets } from '../../server/views/assets';
import { defaultPageContext } from '../../server/views/layout';
import { readTree } from '../helpers/tree';

const ctx = {
  ...defaultPageContext(loadAssets(), 'Asia/Shanghai'),
  member: null,
  path: '/t/1',
  variant: undefined,
  prefix: '',
  shown: <T>(text: T) => text,
};

/** Rows in display order from [id, parentId] pairs (parents first), as the repository returns them. */
function rows(pairs: [number, number | null][]): PostRow[] {
  const paths = new Map<number, string[]>();
  return pairs.map(([id, parent]) => {
    const path = [...(parent === null ? [] : paths.get(parent)!), String(id)];
    paths.set(id, path);
    return {
      id: String(id),
      board_id: '1',
      thread_id: path[0]!,
      parent_id: parent === null ? null : String(parent),
      path,
      depth: path.length - 1,
      title: `t${id}`,
      body: '',
      bytes: 0,
      variant: 'other',
      created_at: new Date('2026-01-02T03:04:05Z'),
      edited_at: null,
      edited_role: null,
      revision: 0,
      deleted_at: null,
      deleted_role: null,
      deleted_by: null,
      deleted_reason: null,
      edit_reason: null,
      author_id: '1',
      author_name: 'a',
      author_role: 'member',
      editor_name: null,
    };
  });
}

/** Sorts rows the way ORDER BY path does: element-wise numeric comparison. */
function byPath(list: PostRow[]): PostRow[] {
  const cmp = (a: string[], b: string[]) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = Number(a[i]) - Number(b[i]);
      if (d) return d;
    }
    return a.length - b.length;
  };
  return [...list].sort((x, y) => cmp(x.path, y.path));
}

describe('display order and subtree counts', () => {
  it('orders replies that arrived out of order across branches depth-first, siblings oldest first', () => {
    // Written in time order: 2 and 3 answer the root, then 4 answers 2, 5 answers 3, 6 answers 2, 7 answers 4.
    const written = rows([
      [1, null],
      [2, 1],
      [3, 1],
      [4, 2],
      [5, 3],
      [6, 2],
      [7, 4],
    ]);
    expect(byPath(written).map((r) => r.id)).toEqual(['1', '2', '4', '7', '6', '3', '5']);
  });

  it('orders by number, not by text (10 after 9)', () => {
    expect(
      byPath(
        rows([
          [1, null],
          [9, 1],
          [10, 1],
        ]),
      ).map((r) => r.id),
    ).toEqual(['1', '9', '10']);
  });

  it('counts each post’s whole subtree', () => {
    const posts = toPostsWithCounts(
      byPath(
        rows([
          [1, null],
          [2, 1],
          [3, 1],
          [4, 2],
          [5, 3],
          [6, 2],
          [7, 4],
        ]),
      ),
    );
    expect(Object.fromEntries(posts.map((p) => [p.id, p.replyCount]))).toEqual({ '1': 6, '2': 3, '4': 1, '7': 0, '6': 0, '3': 1, '5': 0 });
  });
});

describe('renderTree', () => {
  const tree = (pairs: [number, number | null][]): Post[] => toPostsWithCounts(byPath(rows(pairs))).slice(1);

  it('nests each reply in a list under its parent', () => {
    const html = renderTree(
      ctx,
      tree([
        [1, null],
        [2, 1],
        [3, 1],
        [4, 2],
        [5, 3],
        [6, 2],
        [7, 4],
      ]),
      0,
    ).html;
    expect(readTree(html)).toEqual([
      { id: '2', level: 1 },
      { id: '4', level: 2 },
      { id: '7', level: 3 },
      { id: '6', level: 2 },
      { id: '3', level: 1 },
      { id: '5', level: 2 },
    ]);
    // Well-formed: every list and item that opens, closes.
    expect(html.match(/<ul/g)!.length).toBe(html.match(/<\/ul>/g)!.length);
    expect(html.match(/<li>/g)!.length).toBe(html.match(/<\/li>/g)!.length);
  });

  it('prints each line as the source boards do', () => {
    const html = renderTree(
      ctx,
      tree([
        [1, null],
        [2, 1],
      ]),
      0,
    ).html;
    expect(html).toContain('<a href="/t/2" class="title">t2</a> -<a href="/u/a" class="author">a</a>- ');
    expect(html).toContain('給 a 發送悄悄話');
    expect(html).toContain('a 的博客首頁');
    expect(html).toContain('(0 bytes)');
    expect(html).toContain('01/02/2026 11:04:05'); // Asia/Shanghai
  });

  it('escapes titles and names', () => {
    const posts = tree([
      [1, null],
      [2, 1],
    ]);
    posts[0]!.title = '<img src=x onerror=alert(1)>';
    const html = renderTree(ctx, posts, 0).html;
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it('renders a chain 5,000 deep without recursion, nesting no deeper than MAX_NESTING', () => {
    const pairs: [number, number | null][] = [[1, null]];
    for (let i = 2; i <= 5001; i++) pairs.push([i, i - 1]);
    const chain = toPostsWithCounts(rows(pairs)); // already in display order
    expect(chain[0]!.replyCount).toBe(5000);
    const html = renderTree(ctx, chain.slice(1), 0).html;
    const lines = readTree(html);
    expect(lines).toHaveLength(5000);
    expect(Math.max(...lines.map((l) => l.level))).toBe(MAX_NESTING);
    expect(lines[4999]).toEqual({ id: '5001', level: MAX_NESTING });
    // Past the cap each line says its real depth and links to the post it answers.
    expect(html).toContain('[第 5000 層 <a href="#p5000">↑</a>]');
    expect(html.match(/<ul/g)!.length).toBe(html.match(/<\/ul>/g)!.length);
  });

  it('renders a subtree relative to its own post', () => {
    const all = tree([
      [1, null],
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
    expect(readTree(renderTree(ctx, all.slice(1), 1).html)).toEqual([
      { id: '3', level: 1 },
      { id: '4', level: 2 },
    ]);
  });
});
