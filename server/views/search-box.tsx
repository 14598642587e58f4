import { href } from '../http/paths';
import { h } from './html';
import type { PageContext } from './layout';
import { QUERY_MAX_CHARS } from '../text/search-terms';

/**
 * A search box: a plain GET form to /search (works without JavaScript), in the reader's variant.
 * On a board's page it searches that board (a hidden `board`).
 */
export function SearchBox({ ctx, board, q = '' }: { ctx: PageContext; board?: { slug: string; name: string }; q?: string }) {
  const { search } = ctx.t;
  const label = board ? search.inBoard(board.name) : search.label;
  return (
    <form method="get" action={href(ctx, '/search')} class="search-box" role="search" aria-label={label}>
      {board ? <input type="hidden" name="board" value={board.slug} /> : null}
      <input type="search" name="q" value={q} maxlength={String(QUERY_MAX_CHARS)} aria-label={label} placeholder={label} />{' '}
      <button type="submit">{search.submit}</button>
    </form>
  );
}
