import { href } from '../http/paths';
import { type SafeHtml, h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { SearchBox } from '../views/search-box';
import { dateTime } from '../views/time';
import type { BoardSummary } from './boards.service';

/** `/`: the list of boards, and above it `hot` (the site's hot threads, rendered by posts/posts.hot.views.tsx). */
export function homePage(ctx: PageContext, boards: BoardSummary[], hot?: SafeHtml): string {
  const { t } = ctx;
  return renderPage(
    ctx,
    t.boards,
    <section>
      <h1>{t.boards}</h1>
      <SearchBox ctx={ctx} />
      {hot}
      {boards.length === 0 ? (
        <p>{t.noBoards}</p>
      ) : (
        <ul class="boards">
          {boards.map((b) => (
            <li>
              <a href={href(ctx, `/b/${b.slug}`)} class="board-name">
                {b.name}
              </a>
              {b.description ? <span class="board-description"> — {b.description}</span> : null}
              <span class="board-stats">
                {' '}
                {t.threads} {b.threadCount} · {t.replyCount(b.replyCount)}
                {b.lastActivityAt ? ` · ${dateTime(ctx, b.lastActivityAt)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>,
    // Every board's new threads (feeds/).
    {
      feeds: [
        { title: t.feeds.site, path: '/feed.xml' },
        { title: t.feeds.hot, path: '/hot/feed.xml' },
      ],
    },
  );
}
