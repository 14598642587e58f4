import type { Kysely } from 'kysely';
import { loadConfig } from '../server/config';
import type { Database } from '../server/db/database';
import type { Member } from '../server/db/member';
import type { ShownWindow } from '../server/posts/posts.views';
import { postPage } from '../server/posts/posts.views';
import type { RenderedLines } from '../server/caches';
import { overlayWindow, renderWindow } from '../server/posts/posts.windows.lines';
import { type PostWindow, getPostWindow } from '../server/posts/posts.windows';
import { trustedHtml } from '../server/views/html';
import type { PageContext } from '../server/views/layout';

/**
 * A thread page as `GET /t/:id` builds it (posts.routes.ts windowFor), past HTTP and the caches,
 * for the profile and the notifications section: the first window read (getPostWindow, with the
 * window size and depth cap of the configuration: THREAD_WINDOW_LINES, THREAD_DEPTH_CAP), its
 * lines rendered (renderWindow), the reader's overlay laid over them, and the page around it.
 * Each step is its own function so the profile can time it alone.
 */

const { threadWindowLines, threadDepthCap } = loadConfig({ ...process.env, DATABASE_URL: 'postgres://127.0.0.1/unused' });

/** The first window of a post's page for `viewer`, as the thread page reads it. */
export async function readWindow(db: Kysely<Database>, id: string, viewer: Member | null): Promise<PostWindow> {
  const answer = await getPostWindow(db, id, viewer, { size: threadWindowLines, depthCap: threadDepthCap });
  if (!('window' in answer)) throw new Error(`post ${id}: the first window sent to a deeper page`);
  return answer.window;
}

/** A window's lines as markup: what caches.lines keeps per thread version. */
export function renderLines(ctx: PageContext, window: PostWindow): RenderedLines {
  return renderWindow(ctx, {
    context: window.context,
    lines: window.lines,
    baseDepth: window.post.depth,
    depthCap: threadDepthCap,
    next: window.nextCursor ? `/t/${window.post.id}?after=${window.nextCursor}` : null,
  });
}

/** The whole page's HTML from a window and its rendered lines, overlaid for the reader of `ctx`. */
export function threadPage(ctx: PageContext, window: PostWindow, rendered: RenderedLines): string {
  const overlaid = overlayWindow(ctx, rendered, { ignored: ctx.ignored, seen: null, memberId: ctx.member?.id });
  const shown: ShownWindow = {
    html: trustedHtml(overlaid.html),
    count: rendered.count,
    first: window.first,
    newIds: overlaid.newIds,
    ancestors: window.ancestors,
    deepest: window.post.depth + threadDepthCap,
  };
  return postPage(ctx, window, shown);
}
