import type { RenderedLines, RenderedLine } from '../caches';
import type { Ignoring } from '../db/member';
import { href } from '../http/paths';
import { escapeHtml } from '../views/html';
import { type LineContext, PostLine, collapsedLine, lineMemo } from './posts.lines';
import type { Post } from './posts.service';

/**
 * A window of a thread page as markup (renderWindow), the same for every reader of a variant, so
 * it is rendered once per thread version and cached (caches.lines); then what is personal is laid
 * over it per request (overlayWindow): lines by members the reader ignores collapse, follow-ups
 * new since the reader's last visit are marked. The overlay splices the cached markup at offsets
 * recorded while rendering: no parsing, one pass over the window's lines.
 *
 * The tree is nested lists. A line with follow-ups in the window sits in the <summary> of an open
 * <details> holding them, so any subtree folds without JavaScript, its size beside it ("23 條跟帖",
 * the whole subtree, shown "[+] 23 條跟帖" when folded). A line at the depth cap with follow-ups
 * links to its own page instead ("continue this thread", as Reddit does): a phone keeps room for
 * the text, and no list nests deeper than the cap.
 */

export interface WindowShape {
  /** Ancestors of the first line below the page's post, shown above it (a later window). */
  context: Post[];
  /** The window's lines in display order, each with its whole subtree counted. */
  lines: Post[];
  /** The page's post's depth: its follow-ups are level 1. */
  baseDepth: number;
  /** The deepest level shown; lines there with follow-ups link to their own page. */
  depthCap: number;
  /** The link to the next window, when one follows. */
  next: string | null;
}

export function renderWindow(ctx: LineContext, shape: WindowShape): RenderedLines {
  const { t } = ctx;
  // Rendered for every reader: who is ignored is the overlay's business.
  const lineCtx: LineContext = { ...ctx, ignored: undefined };
  const memo = lineMemo(lineCtx);
  const items = [...shape.context, ...shape.lines];
  const spans: RenderedLine[] = [];
  let out = '<ul class="tree">';
  const closers: string[] = [];
  items.forEach((post, i) => {
    const level = post.depth - shape.baseDepth;
    while (closers.length >= level) out += closers.pop()!;
    const isContext = i < shape.context.length;
    const line = PostLine({ ctx: lineCtx, post, showDepth: false, memo }).html;
    const next = items[i + 1];
    const parent = next !== undefined && next.depth > post.depth;
    if (isContext) {
      out += `<li class="context">${line}<ul>`;
      closers.push('</ul></li>');
      return;
    }
    const record = (at: number) => {
      spans.push({
        id: post.id,
        authorId: post.authorId,
        author: post.author.name,
        start: at,
        open: at + line.indexOf('>') + 1,
        end: at + line.length,
      });
    };
    if (parent) {
      out += `<li><details class="sub" open><summary>`;
      record(out.length);
      out += `${line} <span class="fold">${escapeHtml(t.reading.fold(post.replyCount))}</span></summary><ul>`;
      closers.push('</ul></details></li>');
    } else {
      out += '<li>';
      record(out.length);
      out += line;
      if (level >= shape.depthCap && post.replyCount > 0) {
        out += ` <a class="continue" href="${escapeHtml(href(ctx, `/t/${post.id}`))}">${escapeHtml(t.reading.continueThread(post.replyCount))}</a>`;
      } else if (post.replyCount > 0) {
        // Its follow-ups are in the next window: the count says how many.
        out += ` <span class="fold later">${escapeHtml(t.reading.fold(post.replyCount))}</span>`;
      }
      out += '</li>';
    }
  });
  while (closers.length) out += closers.pop()!;
  out += '</ul>';
  if (shape.next) {
    out += `<p class="more-lines"><a href="${escapeHtml(href(ctx, shape.next))}" rel="next" data-more>${escapeHtml(t.reading.moreLines)}</a></p>`;
  }
  return { html: out, count: shape.lines.length, spans };
}

/** What of a reader is laid over a window: whom they ignore, and up to which post they had read. */
export interface Overlay {
  ignored?: Pick<Ignoring, 'ids'>;
  /** The highest post id the reader had seen before this visit; null on a first visit. */
  seen?: string | null;
  /** The reader's own posts are never new to them. */
  memberId?: string;
}

/** A window with the reader's overlay: its markup, and the new lines it holds (display order). */
export interface OverlaidWindow {
  html: string;
  newIds: string[];
}

export function overlayWindow(ctx: LineContext, window: RenderedLines, overlay: Overlay): OverlaidWindow {
  const seen = overlay.seen ? BigInt(overlay.seen) : null;
  const isNew = (line: RenderedLine) => seen !== null && line.authorId !== overlay.memberId && BigInt(line.id) > seen;
  const newIds = seen === null ? [] : window.spans.filter(isNew).map((l) => l.id);
  const ignored = overlay.ignored?.ids;
  if (newIds.length === 0 && !ignored?.size) return { html: carrySeen(window.html, overlay.seen), newIds };
  const { t } = ctx;
  let out = '';
  let at = 0;
  let k = 0;
  for (const line of window.spans) {
    const fresh = k < newIds.length && newIds[k] === line.id;
    const hidden = ignored?.has(line.authorId) ?? false;
    if (!fresh && !hidden) continue;
    let html = window.html.slice(line.start, line.end);
    if (fresh) {
      // Each new line's mark links to the next new one: "next new" without JavaScript.
      const following = newIds[++k];
      const mark = following
        ? `<a class="new-mark" href="#p${following}">${escapeHtml(t.reading.newMark)}</a> `
        : `<span class="new-mark">${escapeHtml(t.reading.newMark)}</span> `;
      const open = line.open - line.start;
      html = html.slice(0, open) + mark + html.slice(open);
    }
    if (hidden) html = collapsedLine(t, line.author, html);
    out += window.html.slice(at, line.start) + html;
    at = line.end;
  }
  return { html: carrySeen(out + window.html.slice(at), overlay.seen), newIds };
}

const MORE_LINK_END = '" rel="next" data-more>';

/**
 * The "more" link carries the reader's position as it was before this visit: the first window
 * records the visit, and the next window still marks what was new then.
 */
function carrySeen(html: string, seen: string | null | undefined): string {
  if (!seen) return html;
  const at = html.lastIndexOf(MORE_LINK_END);
  return at < 0 ? html : `${html.slice(0, at)}&amp;seen=${encodeURIComponent(seen)}${html.slice(at)}`;
}
