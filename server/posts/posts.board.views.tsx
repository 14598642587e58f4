import { href } from '../http/paths';
import { Fragment, type SafeHtml, h, trustedHtml } from '../views/html';
import { type PageContext, describe, renderPage, renderPageMarkup } from '../views/layout';
import { SearchBox } from '../views/search-box';
import { Pager } from '../views/pager';
import { dateTime } from '../views/time';
import { type BoardIndex, type FeaturedIndex, type IndexThread, QUEUE_COUNT_CAP } from './posts.lists';
import { BOARD_REVIEWS } from '../boards/boards.service';
import { PostLine, heldLine, renderTree } from './posts.lines';
import type { HeldPost } from './posts.held';
import { shownNewCount } from './posts.seen';
import { type FormState, HeldNotice, PostForm } from './posts.form.views';
import { ReadCount, boardFeed, ignoredData } from './posts.views';

/** A board's pages: `/b/:slug` (threads with their trees) and its 精華區. */

function IndexEntry({ ctx, thread, tree }: { ctx: PageContext; thread: IndexThread; tree?: { html: string; count: number } }) {
  const { t } = ctx;
  const more = thread.state.replyCount - (tree ? tree.count : thread.replies.length);
  return (
    <li class={thread.state.pinned ? 'thread pinned' : 'thread'}>
      {thread.state.pinned ? <span class="mark pinned-mark">[{t.pinnedMark}] </span> : null}
      {thread.state.featured ? <span class="mark featured-mark">[{t.featuredMark}] </span> : null}
      <PostLine ctx={ctx} post={thread.root} showDepth={false} />
      <ReadCount ctx={ctx} state={thread.state} />
      {thread.state.locked ? (
        <span class="mark locked-mark" title={t.locked}>
          {' '}
          [{t.lockedMark}]
        </span>
      ) : null}
      {thread.newCount ? <span class="new-count"> {t.newReplies(shownNewCount(thread.newCount))}</span> : null}
      {tree ? trustedHtml(tree.html) : renderTree(ctx, thread.replies, 0)}
      {more > 0 ? (
        <p class="more">
          <a href={href(ctx, `/t/${thread.root.id}`)}>{t.moreReplies(more)}</a>
        </p>
      ) : null}
    </li>
  );
}

/** The viewer's own threads on the board waiting for review (only they see them), each linking to its page. */
function HeldThreads({ ctx, held }: { ctx: PageContext; held: HeldPost[] }) {
  if (held.length === 0 || !ctx.member) return null;
  const name = ctx.member.name;
  return (
    <section class="held-threads" aria-label={ctx.t.review.yourHeldThreads}>
      <h2>{ctx.t.review.yourHeldThreads}</h2>
      <ul class="threads">
        {held.map((post) => (
          <li class="thread held">
            {trustedHtml(heldLine(ctx, post, name))}{' '}
            <a href={href(ctx, `/held/${post.id}`)} class="held-page">
              {ctx.t.review.heldPage}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A board's description as a preview shows it: plain text (already in the page's variant: posts.variants.ts), undefined when it has none. */
function boardDescription(description: string): string | undefined {
  return description ? describe(description) : undefined;
}

/** `/b/:slug`: threads by latest activity, each with its follow-up tree. */
export function boardPage(...args: Parameters<typeof boardPageMarkup>): string {
  return boardPageMarkup(...args).html;
}

/** boardPage as markup, in pieces when it is big (sent with htmlBytes). */
export function boardPageMarkup(ctx: PageContext, index: BoardIndex, form?: FormState, heldNotice = false, hot?: SafeHtml): SafeHtml {
  const { t } = ctx;
  const { board } = index;
  const review = board.review ?? 'off';
  return renderPageMarkup(
    ctx,
    board.name,
    <Fragment>
      <h1>{board.name}</h1>
      {board.description ? <p class="board-description">{board.description}</p> : null}
      <SearchBox ctx={ctx} board={board} />
      <nav class="board-tools">
        <a href={href(ctx, `/b/${board.slug}/featured`)} class="featured-link">
          {t.featuredOnly}
        </a>
        {index.canModerate ? (
          <Fragment>
            {' · '}
            <a href={href(ctx, `/b/${board.slug}/reports`)}>{t.reportQueue}</a>
            {' · '}
            <a href={href(ctx, `/b/${board.slug}/log`)}>{t.moderationLog}</a>
            {' · '}
            <a href={href(ctx, `/b/${board.slug}/queue`)} class="queue-link">
              {t.review.queue}
              {index.queueCount ? ` (${index.queueCount >= QUEUE_COUNT_CAP ? `${QUEUE_COUNT_CAP - 1}+` : index.queueCount})` : ''}
            </a>
          </Fragment>
        ) : null}
        {board.publicBans ? (
          <Fragment>
            {' · '}
            <a href={href(ctx, `/b/${board.slug}/bans`)}>{t.bans.publicList}</a>
          </Fragment>
        ) : null}
        {index.canModerate && !board.publicBans ? (
          // Moderators turn the public list on here (off again from the list itself).
          <form method="post" action={href(ctx, `/b/${board.slug}/public-bans`)} class="public-bans-switch">
            <input type="hidden" name="on" value="1" />
            <button type="submit">{t.bans.showPublicly}</button>
          </form>
        ) : null}
        {index.canModerate ? (
          // Which posts wait for review: the moderators' switch (the operator's is `board:set --review`).
          <form method="post" action={href(ctx, `/b/${board.slug}/review`)} class="review-setting">
            <label>
              {t.review.setting}{' '}
              <select name="review">
                {BOARD_REVIEWS.map((r) => (
                  <option value={r} selected={r === review}>
                    {t.review.settings[r]}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button type="submit">{t.review.save}</button>
          </form>
        ) : null}
      </nav>
      {hot}
      {heldNotice ? <HeldNotice ctx={ctx} /> : null}
      <HeldThreads ctx={ctx} held={index.heldThreads} />
      {index.threads.length === 0 ? (
        <p>{t.noThreads}</p>
      ) : (
        <ul class="threads" data-board={board.slug} data-variant={ctx.variant ?? 'original'} {...ignoredData(ctx)}>
          {index.threads.map((thread) => (
            <IndexEntry ctx={ctx} thread={thread} tree={index.trees?.get(thread.root.id)} />
          ))}
        </ul>
      )}
      <Pager ctx={ctx} base={`/b/${board.slug}`} page={index.page} pages={index.pages} />
      {board.archivedAt ? (
        <p class="board-archived">{t.admin.boards.archivedNotice}</p>
      ) : ctx.member ? (
        <section class="new-thread" aria-label={t.newThread}>
          <h2>{t.newThread}</h2>
          <PostForm
            ctx={ctx}
            action={href(ctx, `/b/${board.slug}/threads`)}
            draft={`/b/${board.slug}/threads`}
            form={form}
            place={{ board: board.slug }}
          />
        </section>
      ) : (
        <p class="login-to-reply">
          <a href={href(ctx, `/login?next=${encodeURIComponent(ctx.path)}`)}>{t.loginToReply}</a>
        </p>
      )}
    </Fragment>,
    {
      type: 'website',
      description: boardDescription(board.description),
      canonical: `${ctx.prefix}/b/${encodeURIComponent(board.slug)}${index.page > 1 ? `?page=${index.page}` : ''}`,
      feeds: [boardFeed(ctx, board)],
    },
  );
}

/**
 * `/b/:slug/featured`, the board's 精華區: its featured threads as lines, the most recently featured
 * first, each saying when; a "next page" link carries the keyset cursor (no JavaScript needed).
 */
export function featuredPage(ctx: PageContext, index: FeaturedIndex): string {
  const { t } = ctx;
  const { board } = index;
  const base = `/b/${encodeURIComponent(board.slug)}`;
  return renderPage(
    ctx,
    t.featuredArea(board.name),
    <Fragment>
      <nav class="crumbs">
        <a href={href(ctx, base)}>{board.name}</a>
      </nav>
      <h1>{t.featuredArea(board.name)}</h1>
      {index.threads.length === 0 ? (
        <p class="no-featured">{index.later ? t.noThreads : t.noFeatured}</p>
      ) : (
        <ul class="threads featured" data-board={board.slug} data-variant={ctx.variant ?? 'original'} {...ignoredData(ctx)}>
          {index.threads.map((thread) => (
            <li class="thread" data-featured-at={thread.featuredAt.toISOString()}>
              <PostLine ctx={ctx} post={thread.root} showDepth={false} />
              <ReadCount ctx={ctx} state={thread.state} />
              {thread.newCount ? <span class="new-count"> {t.newReplies(shownNewCount(thread.newCount))}</span> : null}{' '}
              <time class="featured-at" datetime={thread.featuredAt.toISOString()}>
                {t.featuredAt(dateTime(ctx, thread.featuredAt))}
              </time>
            </li>
          ))}
        </ul>
      )}
      <nav class="pager">
        {index.later ? (
          <a rel="start" href={href(ctx, `${base}/featured`)}>
            {t.firstPage}
          </a>
        ) : null}
        {index.later && index.next ? ' ' : null}
        {index.next ? (
          <a rel="next" href={href(ctx, `${base}/featured?after=${index.next}`)}>
            {t.nextPage}
          </a>
        ) : null}
      </nav>
    </Fragment>,
    {
      type: 'website',
      description: boardDescription(board.description),
      canonical: `${ctx.prefix}${base}/featured`,
      feeds: [boardFeed(ctx, board)],
    },
  );
}
