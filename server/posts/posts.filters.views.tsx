import { href } from '../http/paths';
import { Fragment, type SafeHtml, escapeHtml, h, trustedHtml } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { type ContextPost, type AuthorPage, type LatestPage, OP } from './posts.filters';
import { type LineContext, type LineMemo, PostLine, PostTitle, collapsedLine, lineMemo, memberHref } from './posts.lines';
import type { Post } from './posts.model';

/** Which view of a thread a page is: the whole tree, 只看樓主, or the latest follow-ups. */
export type ThreadView = 'all' | 'op' | 'latest';

/** The path of a thread's list of one author's posts (`by` as asked: `op` or a name). */
export const authorPath = (threadId: string, by: string) => `/t/${threadId}?by=${encodeURIComponent(by)}`;

/**
 * "全部 · 只看樓主 · 最新跟帖": the ways to read a thread, on its page and on each filtered one;
 * the view shown is marked (aria-current), not linked away from.
 */
export function ThreadViews({ ctx, threadId, current }: { ctx: PageContext; threadId: string; current?: ThreadView }): SafeHtml {
  const { filters } = ctx.t;
  const item = (view: ThreadView, path: string, label: string) => (
    <a href={href(ctx, path)} aria-current={view === current ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <nav class="thread-views" aria-label={filters.label}>
      {item('all', `/t/${threadId}`, filters.all)}
      {' · '}
      {item('op', authorPath(threadId, OP), filters.onlyOp)}
      {' · '}
      {item('latest', `/t/${threadId}/latest`, filters.latest)}
    </nav>
  );
}

/**
 * The line a post answers, shown lighter above it: "回覆 <title> -<author>- <time>". A deleted
 * parent is its tombstone; one by a member the reader ignores stays collapsed, as on the thread.
 */
function contextLine(ctx: LineContext, parent: Post, memo: LineMemo): string {
  const { t } = ctx;
  const line =
    `${PostTitle({ ctx, post: parent }).html} -<a href="${escapeHtml(href(ctx, memberHref(parent.author.name)))}" class="author">` +
    `${escapeHtml(parent.author.name)}</a>- <time datetime="${parent.createdAt.toISOString()}">${memo.time(parent.createdAt)}</time>`;
  const shown = ctx.ignored?.ids.has(parent.authorId) ? collapsedLine(t, parent.author.name, `<span class="line">${line}</span>`) : line;
  return `<span class="context">${escapeHtml(t.filters.answers)} ${shown}</span>`;
}

/** Posts each with its context line, as one flat list (ol: the order is the point). */
function renderContextList(ctx: LineContext, posts: ContextPost[]): SafeHtml {
  const memo = lineMemo(ctx);
  let out = '<ol class="filtered">';
  for (const { post, parent } of posts) {
    out += `<li>${parent ? contextLine(ctx, parent, memo) : ''}${PostLine({ ctx, post, showDepth: false, memo }).html}</li>`;
  }
  return trustedHtml(`${out}</ol>`);
}

/** The links under a list: back to its start (when not on it), the next page, the whole thread. */
function ListLinks({ ctx, root, first, next }: { ctx: PageContext; root: Post; first?: [string, string]; next?: [string, string] }) {
  return (
    <nav class="pager">
      {first ? <a href={href(ctx, first[0])}>{first[1]}</a> : null}
      {next ? (
        <a rel="next" href={href(ctx, next[0])}>
          {next[1]}
        </a>
      ) : null}
      <a href={href(ctx, `/t/${root.id}`)}>{ctx.t.filters.wholeThread}</a>
    </nav>
  );
}

/** A filtered page's frame: crumbs (board › thread), heading, the views bar, the list or why it is empty, the links. */
function FilteredPage(props: {
  ctx: PageContext;
  page: AuthorPage | LatestPage;
  heading: string;
  current?: ThreadView;
  empty: string;
  links: SafeHtml;
}) {
  const { ctx, page, heading } = props;
  const { root, board } = page;
  return (
    <Fragment>
      <nav class="crumbs">
        <a href={href(ctx, `/b/${board.slug}`)}>{ctx.shown(board.name, board.id)}</a>
        {' › '}
        <a href={href(ctx, `/t/${root.id}`)}>{root.deleted ? ctx.t.deletedBy[root.deletedBy ?? 'author'] : root.title}</a>
      </nav>
      <h1>{heading}</h1>
      <ThreadViews ctx={ctx} threadId={root.id} current={props.current} />
      <section class="filtered-posts" aria-label={heading}>
        {page.posts.length ? renderContextList(ctx, page.posts) : <p class="no-replies">{props.empty}</p>}
      </section>
      {props.links}
    </Fragment>
  );
}

/** `/t/:id?by=op` and `/t/:id?by=<name>`: one author's posts in the thread, in display order, each with the line it answers. */
export function authorPostsPage(ctx: PageContext, page: AuthorPage, by: string): string {
  const { filters } = ctx.t;
  const name = page.author.name;
  const heading = by === OP ? filters.opHeading(name) : filters.authorHeading(name);
  const base = authorPath(page.root.id, by);
  const links = (
    <ListLinks
      ctx={ctx}
      root={page.root}
      first={page.after ? [base, filters.fromStart] : undefined}
      next={page.nextAfter ? [`${base}&after=${page.nextAfter}`, filters.later] : undefined}
    />
  );
  return renderPage(
    ctx,
    `${heading} - ${page.root.title}`,
    <FilteredPage
      ctx={ctx}
      page={page}
      heading={heading}
      current={by === OP ? 'op' : undefined}
      empty={page.after ? filters.noPostsAfter(name) : filters.noPosts(name)}
      links={links}
    />,
  );
}

/** `/t/:id/latest`: the thread's follow-ups flat, newest first, each with the line it answers. */
export function latestPage(ctx: PageContext, page: LatestPage): string {
  const { filters } = ctx.t;
  const base = `/t/${page.root.id}/latest`;
  const links = (
    <ListLinks
      ctx={ctx}
      root={page.root}
      first={page.before ? [base, filters.newest] : undefined}
      next={page.nextBefore ? [`${base}?before=${page.nextBefore}`, filters.earlier] : undefined}
    />
  );
  return renderPage(
    ctx,
    `${filters.latestHeading} - ${page.root.title}`,
    <FilteredPage
      ctx={ctx}
      page={page}
      heading={filters.latestHeading}
      current="latest"
      empty={page.before ? filters.noEarlier : filters.noReplies}
      links={links}
    />,
  );
}
