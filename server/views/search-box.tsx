import { href } from '../http/paths';
import { h } from './html';
import type { PageContext } from './layout';
import { QUERY_MAX_CHARS } from '../text/search-terms';

/**
 * A search box: a plain GET form to /search (works without JavaScript), in the reader's variant.
 * On a board's page it searches that board (a hidden `board`), on a member's page their posts
 * (a hidden `author`), on a thread's page that thread (a hidden `thread`: its root's id).
 */
export function SearchBox({
  ctx,
  board,
  author,
  thread,
  q = '',
}: {
  ctx: PageContext;
  board?: { slug: string; name: string };
  author?: string;
  thread?: string;
  q?: string;
}) {
  const { search } = ctx.t;
  const label = thread ? search.inThisThread : board ? search.inBoard(board.name) : author ? search.byAuthor(author) : search.label;
  return (
    <form method="get" action={href(ctx, '/search')} class="search-box" role="search" aria-label={label}>
      {board ? <input type="hidden" name="board" value={board.slug} /> : null}
      {author ? <input type="hidden" name="author" value={author} /> : null}
      {thread ? <input type="hidden" name="thread" value={thread} /> : null}
      <input type="search" name="q" value={q} maxlength={String(QUERY_MAX_CHARS)} aria-label={label} placeholder={label} />{' '}
      <button type="submit">{search.submit}</button>
    </form>
  );
}
