import { MemberLink, memberName } from '../views/member';
import { ActionButton } from '../views/buttons';
import { type LinkContext, href } from '../http/paths';
import { mapBodyLinks } from '../text/sanitize';
import { type Child, Fragment, type SafeHtml, h, trustedHtml } from '../views/html';
import { type PageContext, type PageFeed, describeHtml, renderPageMarkup } from '../views/layout';
import { SearchBox } from '../views/search-box';
import { Avatar } from '../views/avatar';
import { dateTime } from '../views/time';
import type { Post, ThreadState } from './posts.model';
import type { PostHead } from './posts.permissions';
import { PostLine, heldLine } from './posts.lines';
import type { OwnHeldLine } from './posts.held';
import { MENTION_NOTIFY_MAX } from './posts.mentions';
import { ThreadViews } from './posts.filters.views';
import { shownNewCount } from './posts.seen';
import { type FormState, HeldNotice, QuoteLink, ReplyArea, ThreadMarks } from './posts.form.views';

/** A post's page, `/t/:id` (the post, its window of follow-ups, the reply form), and the parts a board's pages share with it. */

/** "(N 次閱讀)": how many times the thread was read (server/reads/), after its root's byline or line. */
export function ReadCount({ ctx, state }: { ctx: PageContext; state: ThreadState }) {
  return (
    <Fragment>
      {' '}
      <span class="reads">{ctx.t.reads(state.readCount)}</span>
    </Fragment>
  );
}

/**
 * The changes this reader may make to a post (`tree.can`, decided by the service): shown only when
 * allowed, checked again by the service when used.
 */
export function PostActions({ ctx, tree }: { ctx: PageContext; tree: PostHead }): SafeHtml {
  const { t } = ctx;
  const { post, can } = tree;
  if (!can) return trustedHtml('');
  // Deleting one's own post needs no reason; anyone else's does (the service says so too).
  const own = post.authorId === ctx.member?.id;
  const base = href(ctx, `/t/${post.id}`);
  const threadToggle = (on: boolean, yes: 'lock' | 'pin' | 'feature', no: 'unlock' | 'unpin' | 'unfeature') =>
    can[yes] ? <ActionButton action={`${base}/thread/${on ? no : yes}`} label={t[on ? no : yes]} /> : null;
  return (
    <div class="post-actions" aria-label={t.moderation}>
      {can.edit ? (
        <a class="action" href={`${base}/edit`}>
          {t.edit}
        </a>
      ) : null}
      {can.delete ? (
        <ActionButton action={`${base}/delete`} label={t.delete}>
          <input name="reason" placeholder={own ? t.reasonOptional : t.reason} required={!own} maxlength="500" aria-label={t.reason} />
        </ActionButton>
      ) : null}
      {can.restore ? <ActionButton action={`${base}/restore`} label={t.restore} /> : null}
      {threadToggle(tree.thread.locked, 'lock', 'unlock')}
      {threadToggle(tree.thread.pinned, 'pin', 'unpin')}
      {threadToggle(tree.thread.featured, 'feature', 'unfeature')}
      {can.lock ? (
        <ActionButton action={`${base}/thread/slow-mode`} label={t.slowMode}>
          <input
            name="seconds"
            type="number"
            min="0"
            max="86400"
            required
            value={String(tree.thread.slowModeSeconds)}
            aria-label={t.slowModeSeconds}
            title={t.slowModeSeconds}
          />
        </ActionButton>
      ) : null}
      {can.report ? (
        <ActionButton action={`${base}/report`} label={t.report}>
          <input name="reason" required maxlength="500" placeholder={t.reason} aria-label={t.reason} />
        </ActionButton>
      ) : null}
      {/* Read converted: a wrong conversion can be flagged to the board's glossary queue. */}
      {can.report && ctx.variant && post.variant !== ctx.variant && post.variant !== 'other' ? (
        <a class="action" href={`${base}/conversion-flag`}>
          {t.glossary.flag}
        </a>
      ) : null}
    </div>
  );
}

/**
 * A post by a member the reader ignores, on its own page: collapsed behind "已忽略 <name> 的帖子"
 * like its line would be (a <details>: opens without JavaScript). Anyone else's, as it is.
 */
function IgnoredPost({ ctx, post, children }: { ctx: PageContext; post: Post; children?: Child }) {
  if (!ctx.ignored?.ids.has(post.authorId)) return <Fragment>{children}</Fragment>;
  return (
    <details class="ignored">
      <summary>{ctx.t.ignoredLine(post.author.name)}</summary>
      {children}
    </details>
  );
}

/**
 * What the browser module needs to collapse lines that arrive live by members the reader ignores
 * (the live HTML is the same for every reader): their names, and the words with %s for the name.
 * Nothing for a reader who ignores no one.
 */
export const ignoredData = (ctx: PageContext): Record<string, string> =>
  ctx.ignored ? { 'data-ignored': JSON.stringify(ctx.ignored.names), 'data-ignored-label': ctx.t.ignoredLine('%s') } : {};

/** "本帖於 <time> 時間, 由<role> <name> 編輯", with a link to every version. */
function EditBanner({ ctx, post }: { ctx: PageContext; post: Post }) {
  const { t } = ctx;
  if (!post.editedAt || !post.editedBy) return null;
  return (
    <p class="edited">
      {t.editedBanner(dateTime(ctx, post.editedAt), t.roles[post.editedBy.role], memberName(ctx, post.editedBy.name))}
      {post.editReason ? `（${t.reason}：${ctx.shown(post.editReason, post.boardId)}）` : ''}{' '}
      <a href={href(ctx, `/t/${post.id}/revisions`)}>{t.revisions}</a>
    </p>
  );
}

/**
 * A post's body for a page: links the author made to paths on this site stay under the reader's
 * prefix, as the page's own links do (the prefix has no characters that need escaping).
 */
const bodyHtml = (ctx: LinkContext, body: string): SafeHtml => trustedHtml(ctx.prefix ? mapBodyLinks(body, (url) => href(ctx, url)) : body);

/**
 * Mute or unmute the thread (for logged-in members): a form, so it works without the browser
 * module; it comes back to this page.
 */
function MuteButton({ ctx, tree }: { ctx: PageContext; tree: PostHead }) {
  if (tree.muted === null) return null;
  const { notices } = ctx.t;
  return (
    <div class="thread-mute" title={notices.muteHint}>
      <ActionButton
        action={href(ctx, `/t/${tree.thread.threadId}/${tree.muted ? 'unmute' : 'mute'}`)}
        label={tree.muted ? notices.unmute : notices.mute}
      >
        <input type="hidden" name="back" value={ctx.path} />
      </ActionButton>
    </div>
  );
}

/** After writing a post: how many mentioned members were not notified (past the cap), if any. */
function UnnotifiedMentions({ ctx, count }: { ctx: PageContext; count: number | undefined }) {
  if (!count) return null;
  return (
    <p class="mentions-unnotified" role="status">
      {ctx.t.notices.mentionsUnnotified(count, MENTION_NOTIFY_MAX)}
    </p>
  );
}

/** The window of follow-ups a page shows, rendered and overlaid for its reader (posts.windows.lines.ts). */
export interface ShownWindow {
  /** The tree's markup with the reader's overlay, and the "more" link when a window follows. */
  html: SafeHtml;
  /** Lines in the window. */
  count: number;
  /** The first window, or one further on (its post is shown as a heading only). */
  first: boolean;
  /** The window's lines new since the reader's last visit, in display order. */
  newIds: string[];
  /** The post's ancestors, root first (a follow-up's page shows the path up to the root). */
  ancestors: Post[];
  /** A later window's link back to the first (unprefixed); `/t/<post>` when not given. */
  top?: string;
  /**
   * The deepest level a line of this page may have (the post's depth and the depth cap): a live
   * follow-up below it belongs to the page of the line at the cap (client/live.ts).
   */
  deepest: number;
  /** The reader's own held follow-ups laid in their places in `html` (posts.held.ts). */
  heldPlaced?: number;
  /** The reader's own held follow-ups with no place in this window: listed on the page instead. */
  heldElsewhere?: OwnHeldLine[];
}

/**
 * The reader's own held follow-ups that this window has no place for (their parent is in another
 * window, or deeper than the page nests): each with a link to the post it answers.
 */
function HeldElsewhere({ ctx, held }: { ctx: PageContext; held: OwnHeldLine[] | undefined }) {
  if (!held?.length || !ctx.member) return null;
  const name = ctx.member.name;
  return (
    <section class="held-elsewhere" aria-label={ctx.t.review.yourHeld}>
      <h2>{ctx.t.review.yourHeld}</h2>
      <ul class="tree">
        {held.map((line) => (
          <li class="held">
            <a href={href(ctx, `/t/${line.parentId}`)} class="held-parent">
              {ctx.t.parentPost}
            </a>{' '}
            {trustedHtml(heldLine(ctx, line, name))}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The path from the root down to a deep post: each ancestor as a line, the middle of a long path elided. */
function PathToRoot({ ctx, ancestors }: { ctx: PageContext; ancestors: Post[] }) {
  if (ancestors.length === 0) return null;
  const shown = ancestors.length > PATH_SHOWN ? [...ancestors.slice(0, 2), null, ...ancestors.slice(-(PATH_SHOWN - 3))] : ancestors;
  return (
    <nav class="path-to-root" aria-label={ctx.t.reading.pathToRoot}>
      <ol>{shown.map((p) => (p ? <li>{PostLine({ ctx, post: p, showDepth: false })}</li> : <li class="elided">…</li>))}</ol>
    </nav>
  );
}

/** Ancestors listed above a deep post; past this, the middle ones are left out. */
const PATH_SHOWN = 12;

/**
 * "N new since your last visit" (the thread's count, posts.seen.ts, else this window's), linking
 * to the first of them in this window.
 */
function NewSince({ ctx, ids, total }: { ctx: PageContext; ids: string[]; total: number }) {
  if (ids.length === 0 && total === 0) return null;
  return (
    <p class="new-since" role="status">
      {ctx.t.newSinceVisit(shownNewCount(Math.max(total, ids.length)))}
      {ids.length ? (
        <Fragment>
          {' · '}
          <a href={`#p${ids[0]}`}>{ctx.t.reading.firstNew}</a>
        </Fragment>
      ) : null}
    </p>
  );
}

/** The reader's tools for a tree (the browser module shows them): fold title-only leaves, expand all, the keys. */
function TreeTools({ ctx }: { ctx: PageContext }) {
  const { reading } = ctx.t;
  return (
    <div class="tree-tools">
      <button type="button" data-fold="title-only" hidden>
        {reading.foldTitleOnly}
      </button>{' '}
      <button type="button" data-fold="none" hidden>
        {reading.expandAll}
      </button>{' '}
      <details class="keys">
        <summary>{reading.keysLabel}</summary>
        <p>{reading.keys}</p>
      </details>
    </div>
  );
}

/**
 * `/t/:id`: a post, then a window of its follow-ups (for a root: the thread). The window comes
 * rendered (posts.windows.lines.ts); a window after the first shows the post as a heading only.
 */
export function postPage(...args: Parameters<typeof postPageMarkup>): string {
  return postPageMarkup(...args).html;
}

/** postPage as markup, in pieces when it is big (sent with htmlBytes). */
export function postPageMarkup(
  ctx: PageContext,
  tree: PostHead,
  window: ShownWindow,
  form?: FormState,
  unnotified?: number,
  heldNotice = false,
): SafeHtml {
  const { t } = ctx;
  const { post, root, board } = tree;
  return renderPageMarkup(
    ctx,
    post.title,
    <Fragment>
      <nav class="crumbs">
        <a href={href(ctx, `/b/${board.slug}`)}>{board.name}</a>
        {post.parentId ? (
          <Fragment>
            {' › '}
            <a href={href(ctx, `/t/${root.id}`)}>
              {t.backToThread}: {root.title}
            </a>
            {' › '}
            <a href={href(ctx, `/t/${post.parentId}`)}>{t.parentPost}</a>
          </Fragment>
        ) : null}
      </nav>
      <PathToRoot ctx={ctx} ancestors={window.ancestors} />
      {window.first && !root.deleted ? <SearchBox ctx={ctx} thread={root.id} /> : null}
      {window.first ? (
        <article class={post.deleted ? 'post deleted' : 'post'} id={`p${post.id}`}>
          <IgnoredPost ctx={ctx} post={post}>
            {post.deleted ? (
              <p class="tombstone" role="status">
                {t.deletedBy[post.deletedBy ?? 'author']}
                {post.deletedReason ? `（${post.deletedReason}）` : ''}
              </p>
            ) : null}
            {post.title ? <h1>{post.title}</h1> : null}
            <p class="byline">
              {/* The root post's author, small; follow-ups stay lines of text, as the source has them. */}
              {post.parentId ? null : <Avatar name={post.author.name} size={32} />}-
              <MemberLink ctx={ctx} name={post.author.name} />- <span class="bytes">{t.bytes(post.bytes)}</span>{' '}
              <time datetime={post.createdAt.toISOString()}>{dateTime(ctx, post.createdAt)}</time>
              {post.parentId ? null : <ReadCount ctx={ctx} state={tree.thread} />}
            </p>
            <EditBanner ctx={ctx} post={post} />
            {post.body ? <div class="body">{bodyHtml(ctx, post.body)}</div> : null}
          </IgnoredPost>
          <QuoteLink ctx={ctx} tree={tree} />
          <PostActions ctx={ctx} tree={tree} />
        </article>
      ) : (
        <header class="post-heading" id={`p${post.id}`}>
          <h1>{post.title || t.deletedBy[post.deletedBy ?? 'author']}</h1>
          <p>
            <a href={href(ctx, window.top ?? `/t/${post.id}`)} rel="start">
              {t.reading.fromStart}
            </a>
          </p>
        </header>
      )}
      <UnnotifiedMentions ctx={ctx} count={unnotified} />
      {heldNotice ? <HeldNotice ctx={ctx} /> : null}
      <HeldElsewhere ctx={ctx} held={window.heldElsewhere} />
      <ThreadMarks ctx={ctx} state={tree.thread} />
      {board.archivedAt ? (
        <p class="board-archived" role="status">
          {t.admin.boards.archivedNotice}
        </p>
      ) : null}
      <MuteButton ctx={ctx} tree={tree} />
      <ThreadViews ctx={ctx} threadId={tree.thread.threadId} current={post.parentId || !window.first ? undefined : 'all'} />
      <NewSince ctx={ctx} ids={window.newIds} total={window.first && !post.parentId ? (tree.seen?.newCount ?? 0) : 0} />
      <section
        class="replies"
        aria-labelledby="all-replies"
        data-thread={tree.thread.threadId}
        data-post={post.id}
        data-seq={tree.thread.seq}
        data-deepest={window.deepest}
        data-variant={ctx.variant ?? 'original'}
        data-new-later={t.reading.newLater}
        data-loading={t.reading.loadingMore}
        {...ignoredData(ctx)}
      >
        <h2 id="all-replies">{t.allReplies}</h2>
        <p class="readers" aria-live="polite" data-template={t.readersNow} hidden></p>
        {window.count ? <TreeTools ctx={ctx} /> : null}
        {window.count || window.heldPlaced ? window.html : <p class="no-replies">{t.noReplies}</p>}
        <p class="new-later" aria-live="polite" hidden></p>
      </section>
      {window.first ? <ReplyArea ctx={ctx} tree={tree} form={form} /> : null}
    </Fragment>,
    // The post as converted for the page, so the preview is in its variant; a tombstone has none.
    {
      type: 'article',
      description: post.deleted ? undefined : describeHtml(post.body),
      // The thread's new follow-ups (none for a deleted thread) and the board's new threads.
      feeds: [...(root.deleted ? [] : [threadFeed(ctx, root)]), boardFeed(ctx, board)],
    },
  );
}

/** The Atom feed of a thread's new follow-ups (feeds/), as its pages link to it. */
const threadFeed = (ctx: PageContext, root: Post): PageFeed => ({ title: ctx.t.feeds.thread(root.title), path: `/t/${root.id}/feed.xml` });

/** The Atom feed of a board's new threads, as its pages link to it. */
export const boardFeed = (ctx: PageContext, board: { slug: string; name: string }): PageFeed => ({
  title: ctx.t.feeds.board(board.name),
  path: `/b/${encodeURIComponent(board.slug)}/feed.xml`,
});
