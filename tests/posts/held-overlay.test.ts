import type { Post } from '../../server/posts/posts.model';
import { overlayWindow, renderWindow } from '../../server/posts/posts.windows.lines';
import { bodyAsText, linkTargets } from '../../server/text/links';
import { hant } from '../../server/views/messages';
import type { LineContext } from '../../server/posts/posts.lines';
import { readTree } from '../helpers/tree';

// The author's held follow-ups are spliced into a cached window at offsets recorded while it was
// rendered (posts.windows.lines.ts): last under their parent, whether the parent has follow-ups in
// the window or none, or at the end of the tree for a reply to the page's post; never where the
// window does not hold the place. Done in the same pass as the new marks and collapsed lines.

const ctx: LineContext = { t: hant, timeZone: 'Asia/Shanghai', prefix: '' };

function post(id: string, depth: number, parentId: string, authorId = '9'): Post {
  return {
    id,
    boardId: '1',
    threadId: '1',
    parentId,
    depth,
    title: `帖${id}`,
    body: '',
    bytes: 0,
    variant: 'zh-hant',
    author: { name: `u${authorId}`, role: 'member' },
    createdAt: new Date('2026-12-01T00:00:00Z'),
    editedAt: null,
    editedBy: null,
    deleted: false,
    deletedBy: null,
    deletedReason: null,
    editReason: null,
    revision: 0,
    authorId,
    replyCount: 0,
  };
}

// Root 1: 2 (with 3 under it), then 4 (no follow-ups).
const lines = [post('2', 1, '1'), post('3', 2, '2'), post('4', 1, '1', '7')];
lines[0]!.replyCount = 1;
const render = (next: string | null) => renderWindow(ctx, { context: [], lines, baseDepth: 0, depthCap: 12, next });

/** The held line markup the overlay is given: a span with a held-N id, as heldLine makes it. */
const held = (id: string, parentId: string) => ({ id, parentId, html: `<span class="line held" id="p9${id}">H${id}</span>` });

describe('laying held posts over a window', () => {
  it('puts each last under its parent: in its list, in a new list under a leaf, or at the end for the page’s post', () => {
    const out = overlayWindow(ctx, render(null), {
      pageId: '1',
      held: [held('1', '2'), held('2', '4'), held('3', '1'), held('4', '3')],
    });
    expect(out.placedHeld.sort()).toEqual(['1', '2', '3', '4']);
    expect(readTree(out.html)).toEqual([
      { id: '2', level: 1 },
      { id: '3', level: 2 },
      { id: '94', level: 3 },
      { id: '91', level: 2 },
      { id: '4', level: 1 },
      { id: '92', level: 2 },
      { id: '93', level: 1 },
    ]);
  });

  it('keeps several under one parent in order, and places none whose parent is not in the window', () => {
    const out = overlayWindow(ctx, render('/t/1?after=x'), {
      pageId: '1',
      held: [held('5', '4'), held('6', '4'), held('7', '1'), held('8', '88')],
    });
    // More windows follow: the page's post has no end here; 88 is elsewhere.
    expect(out.placedHeld).toEqual(['5', '6']);
    expect(readTree(out.html).map((l) => l.id)).toEqual(['2', '3', '4', '95', '96']);
    expect(out.html.match(/<ul class="held-list">/g)).toHaveLength(1);
  });

  it('splices in the same pass as new marks and collapsed lines', () => {
    const rendered = render(null);
    const plain = overlayWindow(ctx, rendered, { seen: '2', memberId: '1', ignored: { ids: new Set(['7']) } });
    const both = overlayWindow(ctx, rendered, {
      seen: '2',
      memberId: '1',
      ignored: { ids: new Set(['7']) },
      pageId: '1',
      held: [held('1', '3'), held('2', '4')],
    });
    expect(both.newIds).toEqual(plain.newIds);
    expect(both.html.replace(/<ul class="held-list">.*?<\/ul>|<li class="held">.*?<\/li>/g, '')).toBe(plain.html);
    expect(both.html).toContain('class="new-mark"');
    expect(both.html).toContain('已忽略 u7 的帖子');
    expect(readTree(both.html).map((l) => l.id)).toEqual(['2', '3', '91', '4', '92']);
  });

  it('changes nothing without held posts', () => {
    const rendered = render(null);
    expect(overlayWindow(ctx, rendered, { pageId: '1', held: [] }).html).toBe(rendered.html);
  });
});

describe('a held post’s links, for a reviewer', () => {
  const body =
    '<p>買 <a href="https://spam.example/x?a=1&amp;b=2" rel="nofollow ugc noopener">這裡</a> 或 www.cheap.example</p><p><img src="https://img.example/1.png" /> 見 <a href="/t/1">站內</a></p>';

  it('lists where each link to another site goes, once each', () => {
    expect(linkTargets(body)).toEqual(['https://spam.example/x?a=1&b=2', 'https://img.example/1.png', 'www.cheap.example']);
    expect(linkTargets('')).toEqual([]);
  });

  it('writes the body as text, each link followed by its target', () => {
    expect(bodyAsText(body)).toBe(
      '買 這裡 <https://spam.example/x?a=1&b=2> 或 www.cheap.example\n <https://img.example/1.png>  見 站內 </t/1>',
    );
  });
});
