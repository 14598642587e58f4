import { href } from '../http/paths';
import { memberHref, memberName } from '../views/member';
import { Fragment, h, trustedHtml } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { Pager } from '../views/pager';
import { dateTime } from '../views/time';
import type { ShownHit } from './search.presenter';
import { QUERY_MAX_CHARS } from '../text/search-terms';
import type { SearchInput, SearchResults, SearchScope } from './search.service';

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

/** One hit: its title (marked) linking into the window that holds it, who wrote it and when (as a thread's lines), where it is, and the snippet. */
function Hit({ ctx, hit }: { ctx: PageContext; hit: ShownHit }) {
  const { search } = ctx.t;
  return (
    <li class="search-hit">
      <a class="hit-title" href={href(ctx, hit.url)}>
        {trustedHtml(hit.titleHtml || '—')}
      </a>
      {hit.post.deleted ? <span class="deleted">{search.deletedMark}</span> : null} -
      <a href={href(ctx, memberHref(memberName(ctx, hit.post.author.name)))} class="author">
        {memberName(ctx, hit.post.author.name)}
      </a>
      - <time datetime={hit.post.createdAt.toISOString()}>{dateTime(ctx, hit.post.createdAt)}</time>
      <span class="hit-where">
        <a href={href(ctx, `/b/${hit.board.slug}`)}>{hit.board.name}</a>
        {hit.post.parentId ? (
          <Fragment>
            {' · '}
            <a href={href(ctx, `/t/${hit.post.threadId}`)}>{search.inThread(hit.threadTitle)}</a>
          </Fragment>
        ) : null}
      </span>
      {hit.snippet ? <p class="snippet">{trustedHtml(hit.snippet)}</p> : null}
    </li>
  );
}

/** "Only in board X" or "only in thread Y", and a link that searches everywhere with the rest of the search kept. */
function Scope({ ctx, input, scope }: { ctx: PageContext; input: Partial<SearchInput>; scope: SearchScope }) {
  const { search } = ctx.t;
  const label = input.thread
    ? search.scopeThread(scope.thread?.title || `#${input.thread}`)
    : input.board
      ? search.scopeBoard(scope.board ? ctx.shown(scope.board.name, scope.board.id) : input.board)
      : undefined;
  if (!label) return null;
  const rest = searchQueryString({ ...input, q: input.q ?? '', board: undefined, thread: undefined }).slice(0, -1);
  return (
    <p class="search-scope">
      {label}
      {' · '}
      <a href={href(ctx, `/search?${rest}`)} class="search-everywhere">
        {search.everywhere}
      </a>
    </p>
  );
}

/** The filters form of /search: the query, titles only, author, dates, deleted (moderators). */
function SearchForm({ ctx, input, canSeeDeleted }: { ctx: PageContext; input: Partial<SearchInput>; canSeeDeleted: boolean }) {
  const { search } = ctx.t;
  return (
    <form method="get" action={href(ctx, '/search')} class="search-form" role="search" aria-label={search.label}>
      <p class="search-query">
        <input type="search" name="q" value={input.q ?? ''} maxlength={String(QUERY_MAX_CHARS)} aria-label={search.label} />{' '}
        <button type="submit">{search.submit}</button>
      </p>
      <p class="search-filters">
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
  /** What the search is narrowed to (search.service.ts searchScope). */
  scope: SearchScope = {},
  /** Why the query was refused, in the reader's script: shown above the form, which keeps the query to correct. */
  refusal?: string,
): string {
  const { search } = ctx.t;
  const q = input.q ?? '';
  return renderPage(
    ctx,
    q ? search.heading(q) : search.title,
    <Fragment>
      <h1>{q ? search.heading(q) : search.title}</h1>
      {refusal ? (
        <p class="error-message" role="alert">
          {refusal}
        </p>
      ) : null}
      <Scope ctx={ctx} input={input} scope={scope} />
      <SearchForm ctx={ctx} input={input} canSeeDeleted={canSeeDeleted} />
      {results ? (
        <section class="search-results">
          {results.total > 0 ? <p class="count">{search.count(results.total, results.capped)}</p> : null}
          {results.hits.length === 0 ? (
            <p class="search-none">{search.none}</p>
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
