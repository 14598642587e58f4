import { LineSpans, type RenderedLine, type RenderedLines, type WindowLayout } from '../caches';
import type { Ignoring } from '../db/member';
import { href } from '../http/paths';
import { escapeHtml } from '../views/html';
import { type LineContext, type LineMemo, PostLine, collapsedLine, lineMemo } from './posts.lines';
import type { Post } from './posts.model';

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
  /** What a later version patches the window from (posts.windows.patch.ts); none: it is never patched. */
  patchable?: Pick<WindowLayout, 'seq' | 'postId' | 'start' | 'size'>;
}

/** One line of a window as markup (PostLine's), with what the tree around it is built from. */
export interface WindowItem {
  id: string;
  authorId: string;
  author: string;
  depth: number;
  replyCount: number;
  /** The line's markup (PostLine), as every reader of the window's variant gets it. */
  line: string;
}

/** A post as a window's item: its line rendered for everyone (who is ignored is the overlay's business). */
export function windowItem(lineCtx: LineContext, memo: LineMemo, post: Post): WindowItem {
  return {
    id: post.id,
    authorId: post.authorId,
    author: post.author.name,
    depth: post.depth,
    replyCount: post.replyCount,
    line: PostLine({ ctx: lineCtx, post, showDepth: false, memo }).html,
  };
}

/** The context every line of a window is rendered in: the reader's, less whom they ignore. */
export const sharedLineContext = (ctx: LineContext): LineContext => ({ ...ctx, ignored: undefined });

export function renderWindow(ctx: LineContext, shape: WindowShape): RenderedLines {
  const lineCtx = sharedLineContext(ctx);
  const memo = lineMemo(lineCtx);
  const item = (post: Post) => windowItem(lineCtx, memo, post);
  return assembleWindow(ctx, shape, shape.context.map(item), shape.lines.map(item), shape.patchable);
}

/**
 * A window's markup from its lines' markup: the nested lists, the folds with their counts, the
 * links to deeper pages and to the next window, and every line's offsets. The one way a window is
 * built, whether its lines were rendered just now (renderWindow) or taken from an earlier version
 * of it (posts.windows.patch.ts): so a patched window is the window rendered anew, byte for byte.
 */
export function assembleWindow(
  ctx: LineContext,
  shape: Pick<WindowShape, 'baseDepth' | 'depthCap' | 'next'>,
  context: WindowItem[],
  lines: WindowItem[],
  patchable?: WindowShape['patchable'],
): RenderedLines {
  const { t } = ctx;
  const items = [...context, ...lines];
  const spans: RenderedLine[] = [];
  const contextSpans: WindowLayout['context'] = [];
  let out = '<ul class="tree">';
  // Each open list's closing markup, and the line whose follow-ups it holds (none for context).
  const closers: { html: string; line?: RenderedLine }[] = [];
  const close = () => {
    const closer = closers.pop()!;
    if (closer.line) closer.line.children = out.length;
    out += closer.html;
  };
  items.forEach((post, i) => {
    const level = post.depth - shape.baseDepth;
    while (closers.length >= level) close();
    const isContext = i < context.length;
    const { line } = post;
    const next = items[i + 1];
    const parent = next !== undefined && next.depth > post.depth;
    if (isContext) {
      out += `<li class="context">`;
      contextSpans.push({ id: post.id, depth: post.depth, start: out.length, end: out.length + line.length });
      out += `${line}<ul>`;
      closers.push({ html: '</ul></li>' });
      return;
    }
    const record = (at: number): RenderedLine => {
      const span: RenderedLine = {
        id: post.id,
        authorId: post.authorId,
        author: post.author,
        depth: post.depth,
        replyCount: post.replyCount,
        start: at,
        open: at + line.indexOf('>') + 1,
        end: at + line.length,
      };
      spans.push(span);
      return span;
    };
    if (parent) {
      out += `<li><details class="sub" open><summary>`;
      const span = record(out.length);
      out += `${line} <span class="fold">${escapeHtml(t.reading.fold(post.replyCount))}</span></summary><ul>`;
      closers.push({ html: '</ul></details></li>', line: span });
    } else {
      out += '<li>';
      const span = record(out.length);
      out += line;
      if (level >= shape.depthCap && post.replyCount > 0) {
        out += ` <a class="continue" href="${escapeHtml(href(ctx, `/t/${post.id}`))}">${escapeHtml(t.reading.continueThread(post.replyCount))}</a>`;
      } else if (post.replyCount > 0) {
        // Its follow-ups are in the next window: the count says how many.
        out += ` <span class="fold later">${escapeHtml(t.reading.fold(post.replyCount))}</span>`;
      }
      span.children = out.length;
      span.leaf = true;
      out += '</li>';
    }
  });
  while (closers.length) close();
  const end = shape.next ? undefined : out.length;
  out += '</ul>';
  if (shape.next) {
    out += `<p class="more-lines"><a href="${escapeHtml(href(ctx, shape.next))}" rel="next" data-more>${escapeHtml(t.reading.moreLines)}</a></p>`;
  }
  const layout: WindowLayout | undefined = patchable && {
    ...patchable,
    baseDepth: shape.baseDepth,
    depthCap: shape.depthCap,
    next: shape.next,
    context: contextSpans,
  };
  return { html: out, count: lines.length, spans: new LineSpans(spans), end, ...(layout && { layout }) };
}

/** What of a reader is laid over a window: whom they ignore, up to which post they had read, their held posts. */
export interface Overlay {
  ignored?: Pick<Ignoring, 'ids'>;
  /** The highest post id the reader had seen before this visit; null on a first visit. */
  seen?: string | null;
  /** The reader's own posts are never new to them. */
  memberId?: string;
  /**
   * The reader's own follow-ups waiting for review (posts.held.ts), each as its rendered list
   * item's content (heldLine), to be shown in its place: last under its parent. Only a parent in
   * this window (or the page's post, `pageId`, when the window ends its subtree) has a place here.
   */
  held?: { id: string; parentId: string; html: string }[];
  pageId?: string;
}

/** A window with the reader's overlay: its markup, the new lines it holds (display order), the held posts it placed. */
export interface OverlaidWindow {
  html: string;
  newIds: string[];
  placedHeld: string[];
}

export function overlayWindow(ctx: LineContext, window: RenderedLines, overlay: Overlay): OverlaidWindow {
  const seen = overlay.seen ? BigInt(overlay.seen) : null;
  const { spans } = window;
  // The new lines' positions among the window's lines, and their ids (in display order).
  const newLines: number[] = [];
  const newIds: string[] = [];
  if (seen !== null) {
    for (let i = 0; i < spans.length; i++) {
      const id = spans.id(i);
      if (spans.authorId(i) !== overlay.memberId && BigInt(id) > seen) {
        newLines.push(i);
        newIds.push(id);
      }
    }
  }
  const ignored = overlay.ignored?.ids;
  const inserts = heldInserts(window, overlay);
  if (newIds.length === 0 && !ignored?.size && inserts.edits.length === 0)
    return { html: carrySeen(window.html, overlay.seen), newIds, placedHeld: [] };
  const { t } = ctx;
  // Every change is a splice at offsets recorded while rendering: lines replaced (marked new,
  // collapsed) and held posts inserted, applied in one pass in the order of their offsets.
  const edits: { start: number; end: number; html: string }[] = [...inserts.edits];
  let k = 0;
  for (let i = 0; i < spans.length; i++) {
    const fresh = k < newLines.length && newLines[k] === i;
    const hidden = ignored?.has(spans.authorId(i)) ?? false;
    if (!fresh && !hidden) continue;
    const start = spans.start(i);
    const end = spans.end(i);
    let html = window.html.slice(start, end);
    if (fresh) {
      // Each new line's mark links to the next new one: "next new" without JavaScript.
      const following = newIds[++k];
      const mark = following
        ? `<a class="new-mark" href="#p${following}">${escapeHtml(t.reading.newMark)}</a> `
        : `<span class="new-mark">${escapeHtml(t.reading.newMark)}</span> `;
      const open = spans.open(i) - start;
      html = html.slice(0, open) + mark + html.slice(open);
    }
    if (hidden) html = collapsedLine(t, spans.author(i), html);
    edits.push({ start, end, html });
  }
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += window.html.slice(at, edit.start) + edit.html;
    at = edit.end;
  }
  return { html: carrySeen(out + window.html.slice(at), overlay.seen), newIds, placedHeld: inserts.placed };
}

/** Where the reader's held posts go in a window, as insertions; and which of them found a place. */
function heldInserts(window: RenderedLines, overlay: Overlay): { edits: { start: number; end: number; html: string }[]; placed: string[] } {
  if (!overlay.held?.length) return { edits: [], placed: [] };
  const { spans } = window;
  const byId = new Map(Array.from({ length: spans.length }, (_, i) => [spans.id(i), i]));
  // Several held under one parent share its place (and, under a line without follow-ups, one list).
  const places = new Map<number, { leaf: boolean; items: string[] }>();
  const placed: string[] = [];
  for (const h of overlay.held) {
    const parent = byId.get(h.parentId);
    const at = parent !== undefined ? spans.children(parent) : h.parentId === overlay.pageId ? window.end : undefined;
    if (at === undefined) continue;
    const place = places.get(at) ?? { leaf: parent !== undefined && spans.leaf(parent), items: [] };
    place.items.push(`<li class="held">${h.html}</li>`);
    places.set(at, place);
    placed.push(h.id);
  }
  const edits = [...places].map(([at, place]) => {
    const items = place.items.join('');
    return { start: at, end: at, html: place.leaf ? `<ul class="held-list">${items}</ul>` : items };
  });
  return { edits, placed };
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
