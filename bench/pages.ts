import type { PostTree } from '../server/posts/posts.service';
import type { ShownWindow } from '../server/posts/posts.views';
import { renderWindow } from '../server/posts/posts.windows.lines';
import { trustedHtml } from '../server/views/html';
import type { LineContext } from '../server/posts/posts.lines';

/**
 * A whole follow-up tree shown as one window, as a thread page showed it before windows: the
 * profile and the notifications section time rendering and the header on the same page as ever.
 */
export function wholeTree(ctx: LineContext, tree: PostTree): ShownWindow {
  const rendered = renderWindow(ctx, { context: [], lines: tree.replies, baseDepth: tree.post.depth, depthCap: Infinity, next: null });
  return { html: trustedHtml(rendered.html), count: rendered.count, first: true, newIds: [], ancestors: [] };
}
