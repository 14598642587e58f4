import { type LinkContext, href } from '../http/paths';
import { h } from '../views/html';
import type { Messages } from '../views/messages';
import { type HotList, type HotPeriod, HOT_LIST_SIZE, HOT_PERIODS } from './posts.hot';

/** What the hot list needs to render: the reader's words and link prefix (a page's context, or the live renderer's). */
export interface HotContext extends LinkContext {
  t: Messages;
}

/**
 * The list itself (十大), as the page shows it and live updates replace it: one partial for both.
 * Each thread: its title (in the reader's variant: posts.hot.ts hotInVariant), its board on the
 * site's list, its starter, how many members replied and its reads. Threads past the ten are sent
 * hidden: the browser module drops those of members the reader ignores from a live update (which
 * is rendered once for everyone) and shows the next ones instead (client/live.ts followHot).
 */
export function HotListPartial({ ctx, list }: { ctx: HotContext; list: HotList }) {
  const { t } = ctx;
  if (list.threads.length === 0) return <p class="hot-list hot-none">{t.hot.none}</p>;
  return (
    <ol class="hot-list" data-size={String(HOT_LIST_SIZE)}>
      {list.threads.map((thread, i) => (
        <li class="hot-thread" data-thread={thread.threadId} data-author={thread.author.name} hidden={i >= HOT_LIST_SIZE}>
          <a href={href(ctx, `/t/${thread.threadId}`)} class="title">
            {thread.root.title}
          </a>
          {list.board === null ? (
            <a href={href(ctx, `/b/${thread.board.slug}`)} class="hot-board">
              {`[${thread.board.name}]`}
            </a>
          ) : null}{' '}
          <span class="hot-author">{thread.author.name}</span>{' '}
          <span class="hot-stats">
            {t.hot.members(thread.repliers + (thread.starterReplied ? 1 : 0))} {t.reads(thread.readCount)}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The rendered list for a live update (the same partial as the page). */
export const hotListHtml = (ctx: HotContext, list: HotList): string => HotListPartial({ ctx, list }).html;

/**
 * The hot threads section of `/` (site-wide) and `/b/:slug` (the board's): a heading, the switch
 * between today and this week (links to `?hot=`: no JavaScript needed), and the list. The browser
 * module follows it live in the page's variant (data-board, data-period, data-variant).
 */
export function HotSection({ ctx, list, base, variant }: { ctx: HotContext; list: HotList; base: string; variant: string | undefined }) {
  const { t } = ctx;
  const link = (p: HotPeriod) => href(ctx, p === 'today' ? base : `${base}?hot=${p}`);
  return (
    <section
      class="hot"
      aria-label={list.board ? t.hot.boardHeading(list.board.name) : t.hot.siteHeading}
      data-board={list.board?.slug ?? ''}
      data-period={list.period}
      data-variant={variant ?? 'original'}
      data-ignored={list.ignored.length ? JSON.stringify(list.ignored) : undefined}
    >
      <h2>{list.board ? t.hot.boardHeading(list.board.name) : t.hot.siteHeading}</h2>
      <nav class="hot-periods" aria-label={t.hot.switchLabel}>
        {HOT_PERIODS.map((p, i) => (
          <span>
            {i > 0 ? ' · ' : ''}
            {p === list.period ? (
              <strong aria-current="true">{t.hot[p]}</strong>
            ) : (
              <a href={link(p)} rel="nofollow">
                {t.hot[p]}
              </a>
            )}
          </span>
        ))}
      </nav>
      <HotListPartial ctx={ctx} list={list} />
    </section>
  );
}
