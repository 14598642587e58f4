import { href } from '../http/paths';
import { h } from './html';
import type { PageContext } from './layout';

/**
 * "上一頁 第 n 頁 / m 下一頁" under a paged list; nothing when there is one page. `base` is the list's
 * path ('' keeps the links relative to the page), `query` any parameters to keep, ending in '&'.
 */
export function Pager({
  ctx,
  base,
  query = '',
  page,
  pages,
}: {
  ctx: PageContext;
  base: string;
  query?: string;
  page: number;
  pages: number;
}) {
  const { t } = ctx;
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t.page(page)}>
      {page > 1 ? (
        <a rel="prev" href={href(ctx, `${base}?${query}page=${page - 1}`)}>
          {t.previousPage}
        </a>
      ) : null}
      <span>
        {t.page(page)} / {pages}
      </span>
      {page < pages ? (
        <a rel="next" href={href(ctx, `${base}?${query}page=${page + 1}`)}>
          {t.nextPage}
        </a>
      ) : null}
    </nav>
  );
}
