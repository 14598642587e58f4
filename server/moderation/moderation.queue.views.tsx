import { href } from '../http/paths';
import type { HeldPost } from '../posts/posts.held';
import { MemberLink } from '../views/member';
import { bodyAsText, linkTargets } from '../text/links';
import { ActionButton } from '../views/buttons';
import { Fragment, h } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import type { ReviewQueue } from './moderation.queue';

/**
 * The review queue's pages: a board's queue (`/b/:slug/queue`) or every board the moderator looks
 * after (`/queue`), and one held post (`/held/:id`, for its author and its moderators). A held post
 * is shown for reviewing: as text, with where each of its links goes written out, never as markup
 * with links to follow. The buttons are forms: the queue works without JavaScript.
 */

/** What a held post answers: the thread and the post replied to (links to them), or "a new thread". */
function HeldContext({ ctx, held }: { ctx: PageContext; held: HeldPost }) {
  const { review } = ctx.t;
  if (held.threadId === null || held.parentId === null || held.parent === null) {
    return <p class="held-context">{review.newThread}</p>;
  }
  return (
    <p class="held-context">
      {review.inThread}
      <a href={href(ctx, `/t/${held.threadId}`)}>{held.threadTitle ?? `#${held.threadId}`}</a>
      {held.parentId !== held.threadId ? (
        <Fragment>
          {' · '}
          {review.replyTo(held.parent.author)}
          <a href={href(ctx, `/t/${held.parentId}`)}>{held.parent.deleted ? review.deletedParent : held.parent.title}</a>
        </Fragment>
      ) : null}
    </p>
  );
}

/** A held post's title and text, and its links as text: what a moderator decides on. */
function HeldContent({ ctx, held }: { ctx: PageContext; held: HeldPost }) {
  const { review } = ctx.t;
  const links = linkTargets(held.body);
  return (
    <Fragment>
      <h2 class="held-title">{held.title}</h2>
      {held.body ? <div class="held-text">{bodyAsText(held.body)}</div> : <p class="held-text">{review.noBody}</p>}
      {links.length ? (
        <div class="held-links">
          {review.links}
          <ul>
            {links.map((l) => (
              <li>
                <code>{l}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Fragment>
  );
}

/** Who wrote it, when, where and why it waits. */
function HeldMeta({ ctx, held, showBoard }: { ctx: PageContext; held: HeldPost; showBoard: boolean }) {
  const { t } = ctx;
  return (
    <p class="held-meta">
      {showBoard ? (
        <Fragment>
          <a href={href(ctx, `/b/${held.board.slug}`)}>{ctx.shown(held.board.name, held.boardId)}</a>
          {' · '}
        </Fragment>
      ) : null}
      -<MemberLink ctx={ctx} name={held.author.name} />- <span class="bytes">{t.bytes(held.bytes)}</span>{' '}
      <time datetime={held.createdAt.toISOString()}>{dateTime(ctx, held.createdAt)}</time>
      {' · '}
      <span class="held-reason">{t.review.reasons[held.reason]}</span>
    </p>
  );
}

/** Approve, and reject with a reason: forms that come back to `back`. */
function Decide({ ctx, held, back }: { ctx: PageContext; held: HeldPost; back: string }) {
  const { review } = ctx.t;
  return (
    <div class="held-actions">
      <ActionButton action={href(ctx, `/held/${held.id}/approve`)} label={review.approve}>
        <input type="hidden" name="back" value={back} />
      </ActionButton>
      <ActionButton action={href(ctx, `/held/${held.id}/reject`)} label={review.reject}>
        <input type="hidden" name="back" value={back} />
        <input name="reason" required maxlength="500" placeholder={review.rejectReason} aria-label={review.rejectReason} />
      </ActionButton>
    </div>
  );
}

/** `/b/:slug/queue` and `/queue`: the posts waiting, oldest first, each with its buttons. */
export function queuePage(ctx: PageContext, queue: ReviewQueue): string {
  const { review } = ctx.t;
  const boardName = queue.board && ctx.shown(queue.board.name, queue.board.id);
  const title = boardName ? review.queueOf(boardName) : review.allQueues;
  return renderPage(
    ctx,
    title,
    <section class="review-queue">
      <h1>{title}</h1>
      {queue.board ? (
        <p>
          <a href={href(ctx, `/b/${queue.board.slug}`)}>{boardName}</a> · {review.setting}: {review.settings[queue.board.review]}
        </p>
      ) : null}
      {queue.entries.length === 0 ? <p class="queue-empty">{review.empty}</p> : null}
      <ol class="held-queue">
        {queue.entries.map((held) => (
          <li class="held-entry" id={`h${held.id}`} data-held={held.id}>
            <HeldMeta ctx={ctx} held={held} showBoard={!queue.board} />
            <HeldContext ctx={ctx} held={held} />
            <HeldContent ctx={ctx} held={held} />
            <Decide ctx={ctx} held={held} back={ctx.path} />
          </li>
        ))}
      </ol>
    </section>,
  );
}

/** `/held/:id`: one held post, for its author (how it stands) and its moderators (with the buttons). */
export function heldPage(ctx: PageContext, held: HeldPost, moderates: boolean): string {
  const { review } = ctx.t;
  const status = review.status[held.decision ?? 'waiting'];
  return renderPage(
    ctx,
    review.heldPage,
    <section class="held-post" id={`h${held.id}`}>
      <p class="crumbs">
        <a href={href(ctx, `/b/${held.board.slug}`)}>{ctx.shown(held.board.name, held.boardId)}</a>
      </p>
      <p class={`held-status ${held.decision ?? 'waiting'}`} role="status">
        [{held.decidedAt && held.decidedBy ? review.decided(status, held.decidedBy, dateTime(ctx, held.decidedAt)) : status}]
        {held.decision === 'rejected' && held.decisionReason ? ` ${review.reasonWas}${held.decisionReason}` : ''}
      </p>
      <HeldMeta ctx={ctx} held={held} showBoard={false} />
      <HeldContext ctx={ctx} held={held} />
      <HeldContent ctx={ctx} held={held} />
      {held.postId ? (
        <p>
          <a href={href(ctx, `/t/${held.postId}`)}>{review.viewPost}</a>
        </p>
      ) : null}
      {moderates && !held.decision ? <Decide ctx={ctx} held={held} back={`${ctx.prefix}/b/${held.board.slug}/queue`} /> : null}
    </section>,
  );
}
