import type { RenderedLines } from '../caches';
import type { LineContext } from './posts.lines';
import { comparePaths } from './posts.paging';
import type { Post } from './posts.model';
import { type WindowItem, assembleWindow, sharedLineContext, windowItem } from './posts.windows.lines';
import { lineMemo } from './posts.lines';

/**
 * A rendered window brought to a later version of its thread without rendering it again: the
 * follow-ups written since are inserted in their places, the lines edited since are rendered
 * anew, and the folds above a new follow-up count it; the markup is then assembled from the
 * lines' markup as a fresh render assembles it (posts.windows.lines.ts assembleWindow), so the
 * patched window is byte for byte the window rendered anew. Rendering a window costs a line per
 * post (conversion, escaping, times) and reading its 500 rows; a patch renders only the changed
 * lines, whatever the thread's size.
 *
 * Where the patch cannot be sure, it gives up (undefined) and the window is rendered in full: a
 * deletion or restoration (a line becomes a tombstone, or a subtree appears), a follow-up that
 * would push a full window's last line into the next one, one that would become a later window's
 * first line (its context changes), or one whose parent a later window does not show.
 */

/** A change to a thread since a window was rendered, as the thread's events log it (posts.windows.cache.ts). */
export interface WindowChange {
  kind: 'new' | 'edit';
  /** The post as it is now, as the window's readers see it (tombstoned, titles in their variant). */
  post: Post;
  /** Its path: the ids of its ancestors, root first, then its own. */
  path: string[];
}

export function patchWindow(ctx: LineContext, old: RenderedLines, changes: WindowChange[], seq: number): RenderedLines | undefined {
  const layout = old.layout;
  if (!layout) return undefined;
  const lineCtx = sharedLineContext(ctx);
  const memo = lineMemo(lineCtx);
  const context: WindowItem[] = layout.context.map((c) => ({
    id: c.id,
    authorId: '',
    author: '',
    depth: c.depth,
    replyCount: 0,
    line: old.html.slice(c.start, c.end),
  }));
  const lines: WindowItem[] = old.spans.lines().map((s) => ({
    id: s.id,
    authorId: s.authorId,
    author: s.author,
    depth: s.depth,
    replyCount: s.replyCount,
    line: old.html.slice(s.start, s.end),
  }));
  for (const change of changes) {
    const { post, path } = change;
    // Not under the page's post: nothing of this window changes.
    if (path[layout.baseDepth] !== layout.postId || post.id === layout.postId) continue;
    if (change.kind === 'edit') {
      const item = context.find((c) => c.id === post.id) ?? lines.find((l) => l.id === post.id);
      if (item) Object.assign(item, { ...windowItem(lineCtx, memo, post), depth: item.depth, replyCount: item.replyCount });
      continue;
    }
    // Every line above it counts it, whether it lands in this window or in another.
    const above = new Set(path.slice(0, -1));
    for (const line of lines) if (above.has(line.id)) line.replyCount++;
    if (post.depth - layout.baseDepth > layout.depthCap) continue; // behind a "continue this thread" link
    const at = placeOf(post, path, layout, context, lines);
    if (at === 'elsewhere') continue;
    if (at === 'unsure' || lines.length >= layout.size) return undefined;
    lines.splice(at, 0, { ...windowItem(lineCtx, memo, post), replyCount: 0 });
  }
  return assembleWindow(ctx, layout, context, lines, { seq, postId: layout.postId, start: layout.start, size: layout.size });
}

/**
 * Where a new follow-up goes among a window's lines (an index into them): last among its
 * parent's follow-ups in the window, before any sibling with a higher id (siblings are in id
 * order); 'elsewhere' when it belongs to another window; 'unsure' when the window alone cannot say.
 */
function placeOf(
  post: Post,
  path: string[],
  layout: NonNullable<RenderedLines['layout']>,
  context: WindowItem[],
  lines: WindowItem[],
): number | 'elsewhere' | 'unsure' {
  const items = [...context, ...lines];
  const parentId = path[path.length - 2];
  const parentAt = parentId === layout.postId ? -1 : items.findIndex((i) => i.id === parentId);
  if (parentAt < 0 && parentId !== layout.postId) {
    // The first window holds every line up to its last: a parent it does not show comes after
    // it, and so does the follow-up. A later window cannot tell (its parent may be before it).
    return layout.start === '' ? 'elsewhere' : 'unsure';
  }
  const parentDepth = parentAt < 0 ? layout.baseDepth : items[parentAt]!.depth;
  const id = BigInt(post.id);
  let i = parentAt + 1;
  for (; i < items.length && items[i]!.depth > parentDepth; i++) {
    if (items[i]!.depth === parentDepth + 1 && BigInt(items[i]!.id) > id) break;
  }
  if (i < context.length) return 'elsewhere'; // before the first line's ancestors: an earlier window
  if (i === context.length && layout.start !== '') {
    // Before the first line: in an earlier window when before where this one starts; else it
    // would be this window's first line, under other context.
    const from = layout.start.slice(1).split(',');
    return comparePaths(path, from) < 0 ? 'elsewhere' : 'unsure';
  }
  // After the last line of a window that more follow: in a later window.
  if (i === items.length && layout.next !== null) return 'elsewhere';
  return i - context.length;
}
