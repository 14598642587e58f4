import { type LinkContext, href } from '../http/paths';
import { memberHref } from '../views/member';
import { Fragment, type SafeHtml, escapeHtml, h, trustedHtml } from '../views/html';
import type { Ignoring } from '../db/member';
import type { Messages } from '../views/messages';
import { lineTime, lineTimes } from '../views/time';
import { mapBodyLinks } from '../text/sanitize';
import type { Post } from './posts.model';

/**
 * The line partials of a thread tree: one post as a line (PostTitle, PostLine) and a list of them
 * nested by depth (renderTree). The page and the live updates render lines with these alone.
 */

/**
 * What a line of a list (PostLine, renderTree) needs, and nothing more: the page and the live
 * updates both build one, so a live update needs no page (no member, no path) to render a line.
 */
export interface LineContext extends LinkContext {
  /** The interface words of the reader's script. */
  t: Messages;
  /** The display time zone. */
  timeZone: string;
  /**
   * The members the reader ignores (pages for a logged-in member only): their lines are collapsed
   * (collapsedLine). Live lines are rendered without it, once for everyone; the browser module
   * collapses them for the reader.
   */
  ignored?: Pick<Ignoring, 'ids'>;
}

/**
 * A post by a member the reader ignores, collapsed: "已忽略 <name> 的帖子", the line itself behind
 * it (a <details>, so it opens without JavaScript). Only the line is wrapped: the follow-ups under
 * it stay in place in the tree. The browser module builds the same markup for live lines.
 */
export function collapsedLine(t: Messages, authorName: string, line: string): string {
  return `<details class="ignored"><summary>${escapeHtml(t.ignoredLine(authorName))}</summary>${line}</details>`;
}

/** A post's title as a link; a deleted post's tombstone (with the title only for moderators). */
export function PostTitle({ ctx, post }: { ctx: LineContext; post: Post }): SafeHtml {
  const { t } = ctx;
  if (!post.deleted)
    return (
      <a href={href(ctx, `/t/${post.id}`)} class="title">
        {post.title}
      </a>
    );
  const tomb = (
    <a href={href(ctx, `/t/${post.id}`)} class="tombstone">
      {t.deletedBy[post.deletedBy ?? 'author']}
    </a>
  );
  return post.title ? (
    <Fragment>
      {tomb} <del class="title">{post.title}</del>
    </Fragment>
  ) : (
    tomb
  );
}

/**
 * Nested lists deeper than this are not nested further in the markup: browsers flatten very deep
 * DOM trees (Chromium past 512 levels) and a phone has no room left anyway. Deeper follow-ups are
 * listed at this level, marked with their real depth and a link to the post they answer.
 */
export const MAX_NESTING = 32;

export { memberHref };

/**
 * What the lines of one list share while it is rendered, so a thread page of thousands of lines
 * does each costly step once per distinct value: the author part of a line (a thread repeats a few
 * dozen names) and the time zone's offset (once per hour). Made per list, dropped with it.
 */
export interface LineMemo {
  /** The author part of a line per name (in the list's catalog and link prefix), escaped: before and after the 悄悄話 link's target. */
  authors: Map<string, [string, string]>;
  /** lineTime with the offsets remembered. */
  time: (date: Date) => string;
}

export const lineMemo = (ctx: LineContext): LineMemo => ({ authors: new Map(), time: lineTimes(ctx.timeZone) });

function authorHtml(ctx: LineContext, name: string, postId: string, memo?: LineMemo): string {
  let parts = memo?.authors.get(name);
  if (parts === undefined) {
    const { t } = ctx;
    const home = escapeHtml(href(ctx, memberHref(name)));
    parts = [
      `-<a href="${home}" class="author">${escapeHtml(name)}</a>- <a href="`,
      `" class="pm">${escapeHtml(t.privateMessage(name))}</a> <a href="${home}" class="home">${escapeHtml(t.memberHome(name))}</a>`,
    ];
    memo?.authors.set(name, parts);
  }
  // The 悄悄話 link names the post as well as its author: the composer opens addressed to the
  // author, quoting the post the line is. So it is the one part made for every line.
  return parts[0] + escapeHtml(href(ctx, `/messages?to=${encodeURIComponent(name)}&post=${postId}`)) + parts[1];
}

/**
 * One follow-up as the source boards print it:
 * title -author- 給 author 發送悄悄話 author 的博客首頁 (N bytes) MM/DD/YYYY HH:MM:SS
 * The page and the live updates both use it. Written as a string template rather than TSX
 * because a thread page prints thousands of these; every value still goes through escapeHtml.
 * Its links are built with the reader's variant prefix (href), like every other link.
 */
export function PostLine({ ctx, post, showDepth, memo }: { ctx: LineContext; post: Post; showDepth: boolean; memo?: LineMemo }): SafeHtml {
  const { t } = ctx;
  const classes = post.deleted
    ? post.bytes === 0
      ? 'line title-only deleted'
      : 'line deleted'
    : post.bytes === 0
      ? 'line title-only'
      : 'line';
  const deep = showDepth
    ? `<span class="deep">[${escapeHtml(t.deepReply(post.depth))} <a href="#p${escapeHtml(String(post.parentId))}">↑</a>] </span>`
    : '';
  const title = post.deleted
    ? PostTitle({ ctx, post }).html
    : `<a href="${escapeHtml(href(ctx, `/t/${post.id}`))}" class="title">${escapeHtml(post.title)}</a>`;
  const line =
    `<span class="${classes}" id="p${escapeHtml(post.id)}">${deep}${title} ${authorHtml(ctx, post.author.name, post.id, memo)} ` +
    `<span class="bytes">${escapeHtml(t.bytes(post.bytes))}</span> ` +
    `<time datetime="${post.createdAt.toISOString()}">${memo ? memo.time(post.createdAt) : lineTime(post.createdAt, ctx.timeZone)}</time></span>`;
  return trustedHtml(ctx.ignored?.ids.has(post.authorId) ? collapsedLine(t, post.author.name, line) : line);
}

/**
 * Posts in display order (preorder, each depth at most one more than the previous) as nested
 * ul/li. Built in one loop, opening and closing lists as the depth changes: no recursion, so a
 * chain thousands deep renders like any other tree.
 */
export function renderTree(ctx: LineContext, posts: Post[], baseDepth: number): SafeHtml {
  if (posts.length === 0) return trustedHtml('');
  const level = (p: Post) => Math.min(p.depth - baseDepth, MAX_NESTING);
  const memo = lineMemo(ctx);
  let out = '<ul class="tree">';
  let current = 1;
  posts.forEach((post, i) => {
    const d = level(post);
    if (i > 0) {
      if (d > current) out += '<ul>';
      else {
        out += '</li>';
        for (; current > d; current--) out += '</ul></li>';
      }
    }
    current = d;
    out += `<li>${PostLine({ ctx, post, showDepth: post.depth - baseDepth > MAX_NESTING, memo }).html}`;
  });
  out += '</li>';
  for (; current > 1; current--) out += '</ul></li>';
  out += '</ul>';
  return trustedHtml(out);
}

/** A held post as its author's line shows it (posts.held.ts): what a line needs of it. */
export interface HeldLineFacts {
  id: string;
  /** The post it answers (none for a thread): the browser module drops the line when it arrives approved. */
  parentId?: string | null;
  title: string;
  body: string;
  bytes: number;
  createdAt: Date;
}

/**
 * One of the reader's own posts waiting for review, as a line in its place (only its author is
 * ever shown it): marked 等待審核, the title (no link: it has no page of its own in the thread), the
 * author, size and time, and the body under it, since nobody can open it yet. Its anchor is
 * `h<id>`, never a post's `p<id>`: when it is approved, its live line takes its place (the browser
 * module matches it by parent, title and author: client/live.ts).
 */
export function heldLine(ctx: LineContext, held: HeldLineFacts, authorName: string): string {
  const { t } = ctx;
  const body = held.body
    ? `<div class="body held-body">${ctx.prefix ? mapBodyLinks(held.body, (url) => href(ctx, url)) : held.body}</div>`
    : '';
  return (
    `<span class="line held${held.bytes === 0 ? ' title-only' : ''}" id="h${escapeHtml(held.id)}"` +
    (held.parentId
      ? ` data-parent="${escapeHtml(held.parentId)}" data-title="${escapeHtml(held.title)}" data-author="${escapeHtml(authorName)}"`
      : '') +
    '>' +
    `<span class="held-mark">[${escapeHtml(t.review.awaiting)}]</span> <span class="title">${escapeHtml(held.title)}</span> ` +
    `-<a href="${escapeHtml(href(ctx, memberHref(authorName)))}" class="author">${escapeHtml(authorName)}</a>- ` +
    `<span class="bytes">${escapeHtml(t.bytes(held.bytes))}</span> ` +
    `<time datetime="${held.createdAt.toISOString()}">${lineTime(held.createdAt, ctx.timeZone)}</time></span>${body}`
  );
}
