import { href } from '../http/paths';
import { memberHref, memberName } from '../views/member';
import { Fragment, h, trustedHtml } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { Pager } from '../views/pager';
import { dateTime } from '../views/time';
import type { ShownHit } from './search.presenter';
import type { SearchInput, SearchResults } from './search.service';

/** The query string that keeps a search's filters (for the pager), ending in '&'. */
export function searchQueryString(input: Omit<SearchInput, 'page'>): string {
  const params = new URLSearchParams();
  params.set('q', input.q);
  if (input.titleOnly) params.set('in', 'title');
  for (const key of ['board', 'author', 'thread', 'from', 'to'] as const) {
    const value = input[key];
    if (value) params.set(key, value);
  }
  if (input.deleted) params.set('deleted', '1');
  return `${params.toString()}&`;
}

/** One hit: its title (marked) linking into the window that holds it, where it is, who wrote it, when, and the snippet. */
function Hit({ ctx, hit }: { ctx: PageContext; hit: ShownHit }) {
  const { search } = ctx.t;
  return (
    <li class="search-hit">
      <a class="hit-title" href={href(ctx, hit.url)}>
        {trustedHtml(hit.titleHtml || '—')}
      </a>
      {hit.post.deleted ? <span class="deleted">{search.deletedMark}</span> : null}
      <span class="hit-where">
        {' '}
        <a href={href(ctx, `/b/${hit.board.slug}`)}>{hit.board.name}</a>
        {hit.post.parentId ? (
          <Fragment>
            {' · '}
            <a href={href(ctx, `/t/${hit.post.threadId}`)}>{search.inThread(hit.threadTitle)}</a>
          </Fragment>
        ) : null}
      </span>{' '}
      -
      <a href={href(ctx, memberHref(memberName(ctx, hit.post.author.name)))} class="author">
        {memberName(ctx, hit.post.author.name)}
      </a>
      - <time datetime={hit.post.createdAt.toISOString()}>{dateTime(ctx, hit.post.createdAt)}</time>
      {hit.snippet ? <p class="snippet">{trustedHtml(hit.snippet)}</p> : null}
    </li>
  );
}

/** The filters form of /search: the query, titles only, author, dates, deleted (moderators). */
function SearchForm({ ctx, input, canSeeDeleted }: { ctx: PageContext; input: Partial<SearchInput>; canSeeDeleted: boolean }) {
  const { search } = ctx.t;
  return (
    <form method="get" action={href(ctx, '/search')} class="search-form" role="search" aria-label={search.label}>
      <input type="search" name="q" value={input.q ?? ''} aria-label={search.label} /> <button type="submit">{search.submit}</button>
      <p>
        {input.board ? <input type="hidden" name="board" value={input.board} /> : null}
        {input.thread ? <input type="hidden" name="thread" value={input.thread} /> : null}
        <label>
          <input type="checkbox" name="in" value="title" checked={input.titleOnly ? true : undefined} /> {search.titleOnly}
        </label>{' '}
        <label>
          {search.author} <input type="text" name="author" value={input.author ?? ''} size="12" />
        </label>{' '}
        <label>
          {search.from} <input type="date" name="from" value={input.from ?? ''} />
        </label>{' '}
        <label>
          {search.to} <input type="date" name="to" value={input.to ?? ''} />
        </label>
        {canSeeDeleted ? (
          <Fragment>
            {' '}
            <label>
              <input type="checkbox" name="deleted" value="1" checked={input.deleted ? true : undefined} /> {search.deleted}
            </label>
          </Fragment>
        ) : null}
      </p>
      <p class="hint">{search.hint}</p>
    </form>
  );
}

/** `/search`: the form, and the hits when there is a query. */
export function searchPage(
  ctx: PageContext,
  input: Partial<SearchInput>,
  results: (Omit<SearchResults, 'hits'> & { hits: ShownHit[] }) | null,
  canSeeDeleted: boolean,
): string {
  const { search } = ctx.t;
  const q = input.q ?? '';
  return renderPage(
    ctx,
    q ? search.heading(q) : search.title,
    <Fragment>
      <h1>{q ? search.heading(q) : search.title}</h1>
      <SearchForm ctx={ctx} input={input} canSeeDeleted={canSeeDeleted} />
      {results ? (
        <section class="search-results">
          <p class="count">{search.count(results.total, results.capped)}</p>
          {results.hits.length === 0 ? (
            <p>{search.none}</p>
          ) : (
            <ol class="search-hits">
              {results.hits.map((hit) => (
                <Hit ctx={ctx} hit={hit} />
              ))}
            </ol>
          )}
          <Pager ctx={ctx} base="/search" query={searchQueryString({ ...input, q })} page={results.page} pages={results.pages} />
        </section>
      ) : null}
    </Fragment>,
  );
}
