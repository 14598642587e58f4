import { MemberLink, memberName } from '../views/member';
import type { AppError } from '../errors';
import type { BodyFormat } from '../db/database';
import {
  ComposerStatus,
  type FormPreview,
  FormatHint,
  FormatSelect,
  PreviewBox,
  PreviewButton,
  Toolbar,
  composerData,
  textareaText,
} from '../views/composer';
import { ActionButton } from '../views/buttons';
import { type LinkContext, href } from '../http/paths';
import { mapBodyLinks } from '../text/sanitize';
import { type Child, Fragment, type SafeHtml, h, trustedHtml } from '../views/html';
import { type PageContext, type PageFeed, Refusal, describe, describeHtml, renderPage } from '../views/layout';
import { SearchBox } from '../views/search-box';
import { Avatar } from '../views/avatar';
import { Pager } from '../views/pager';
import { dateTime } from '../views/time';
import { MAX_DEPTH } from './posts.refusals';
import type { Post, ThreadState } from './posts.model';
import type { PostHead } from './posts.permissions';
import { type BoardIndex, type FeaturedIndex, type IndexThread, QUEUE_COUNT_CAP } from './posts.lists';
import { BOARD_REVIEWS } from '../boards/boards.service';
import { PostLine, heldLine, renderTree } from './posts.lines';
import type { HeldPost, OwnHeldLine } from './posts.held';
import { MENTION_NOTIFY_MAX } from './posts.mentions';
import { ThreadViews } from './posts.filters.views';
import { shownNewCount } from './posts.seen';

function ThreadMarks({ ctx, state }: { ctx: PageContext; state: ThreadState }) {
  return state.locked ? (
    <p class="locked" role="status">
      {ctx.t.locked}
    </p>
  ) : null;
}

/** "(N 次閱讀)": how many times the thread was read (server/reads/), after its root's byline or line. */
function ReadCount({ ctx, state }: { ctx: PageContext; state: ThreadState }) {
  return (
    <Fragment>
      {' '}
      <span class="reads">{ctx.t.reads(state.readCount)}</span>
    </Fragment>
  );
}

function PostForm({
  ctx,
  action,
  draft,
  form,
  place,
}: {
  ctx: PageContext;
  action: string;
  draft: string;
  form: FormState | undefined;
  place: { board?: string; post?: string };
}) {
  const { t } = ctx;
  const values = form?.values;
  return (
    <form method="post" action={action} class="post-form composer" {...composerData(ctx, draft, undefined, place)}>
      <Refusal ctx={ctx} error={form?.refusal} />
      <PreviewBox ctx={ctx} preview={form?.preview} />
      <label>
        {t.title}
        <input name="title" required maxlength="100" value={values?.title ?? ''} />
      </label>
      <Toolbar ctx={ctx} />
      <label>
        {t.body}
        <textarea name="body" rows="8">
          {textareaText(values?.body ?? '')}
        </textarea>
      </label>
      {/* Sending comes before the preview: Enter in the title sends the form with its first button. */}
      <div class="form-actions">
        <FormatSelect ctx={ctx} value={values?.format} /> <button type="submit">{t.submit}</button> <PreviewButton ctx={ctx} />{' '}
        {/* Without JavaScript: the upload page opens beside this one, so the text typed here stays. */}
        <a href={href(ctx, '/upload')} target="_blank" rel="noopener" class="upload-link">
          {t.uploads.link}
        </a>{' '}
        <ComposerStatus ctx={ctx} />
      </div>
      <FormatHint ctx={ctx} />
    </form>
  );
}

/**
 * Where a reply form would be: the form, the lock notice, or the request to log in first. A
 * refused reply always gets its form back, whatever the refusal (locked meanwhile, parent deleted,
 * too deep): the message says why, and the member's text is not lost.
 */
function ReplyArea({ ctx, tree, form }: { ctx: PageContext; tree: PostHead; form?: FormState }) {
  const { t } = ctx;
  // An archived board's threads are read-only: the notice above the replies says so. A refused
  // reply still gets its form back with why (the member's text is not lost); a quote does not.
  if (tree.board.archivedAt && !form?.refusal) return null;
  if (form) return <ReplyForm ctx={ctx} tree={tree} form={form} />;
  if (tree.thread.locked) return <ThreadMarks ctx={ctx} state={tree.thread} />;
  if (tree.post.deleted) return null;
  if (tree.post.depth >= MAX_DEPTH)
    return (
      <p class="too-deep" role="status">
        {t.tooDeep(MAX_DEPTH)}
      </p>
    );
  if (!ctx.member) {
    return (
      <p class="login-to-reply">
        <a href={href(ctx, `/login?next=${encodeURIComponent(ctx.path)}`)}>{t.loginToReply}</a>
      </p>
    );
  }
  return <ReplyForm ctx={ctx} tree={tree} form={form} />;
}

/** "本帖慢速模式：…" above the reply form, when a moderator slowed the thread. */
function SlowModeNotice({ ctx, state }: { ctx: PageContext; state: ThreadState }) {
  return state.slowModeSeconds > 0 ? (
    <p class="slow-mode" role="status">
      {ctx.t.slowModeNotice(state.slowModeSeconds)}
    </p>
  ) : null;
}

function ReplyForm({ ctx, tree, form }: { ctx: PageContext; tree: PostHead; form: FormState | undefined }) {
  return (
    <section class="reply" id="reply" aria-label={ctx.t.reply}>
      <h2>{ctx.t.reply}</h2>
      <SlowModeNotice ctx={ctx} state={tree.thread} />
      <PostForm
        ctx={ctx}
        action={href(ctx, `/t/${tree.post.id}/reply`)}
        draft={`/t/${tree.post.id}/reply`}
        form={form}
        place={{ post: tree.post.id }}
      />
    </section>
  );
}

/**
 * "引用" on a post, where its reader could reply to it: the reply form opens with a quote of the
 * post (text/quotes.ts). Without JavaScript it is the reply page prefilled (`/t/:id/quote`); with
 * it, the quote (of the selected text, else the first paragraph) goes into the form on this page.
 */
function QuoteLink({ ctx, tree }: { ctx: PageContext; tree: PostHead }) {
  const { post, thread } = tree;
  if (!ctx.member || post.deleted || thread.locked || tree.board.archivedAt || post.depth >= MAX_DEPTH) return null;
  return (
    <p class="post-tools">
      <a href={href(ctx, `/t/${post.id}/quote#reply`)} class="quote-post" data-author={post.author.name} data-post={post.id}>
        {ctx.t.composer.quotePost}
      </a>
    </p>
  );
}

/**
 * A new thread or follow-up shown again with what the member typed: refused (and why), or
 * previewed (the preview above the form).
 */
export interface FormState {
  values: { title?: string; body?: string; format?: BodyFormat };
  refusal?: AppError;
  preview?: FormPreview;
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
const ignoredData = (ctx: PageContext): Record<string, string> =>
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

/** After posting a follow-up or thread that is held: it waits for a moderator, and only its author sees it. */
export function HeldNotice({ ctx }: { ctx: PageContext }) {
  return (
    <p class="held-notice" role="status">
      {ctx.t.review.heldNotice}
    </p>
  );
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
export function postPage(
  ctx: PageContext,
  tree: PostHead,
  window: ShownWindow,
  form?: FormState,
  unnotified?: number,
  heldNotice = false,
): string {
  const { t } = ctx;
  const { post, root, board } = tree;
  return renderPage(
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

/** The Atom feed of a thread's new follow-ups (feeds/), as its pages link to it. */
const threadFeed = (ctx: PageContext, root: Post): PageFeed => ({ title: ctx.t.feeds.thread(root.title), path: `/t/${root.id}/feed.xml` });

/** The Atom feed of a board's new threads, as its pages link to it. */
const boardFeed = (ctx: PageContext, board: { slug: string; name: string }): PageFeed => ({
  title: ctx.t.feeds.board(board.name),
  path: `/b/${encodeURIComponent(board.slug)}/feed.xml`,
});

/** A board's description as a preview shows it: plain text (already in the page's variant: posts.variants.ts), undefined when it has none. */
function boardDescription(description: string): string | undefined {
  return description ? describe(description) : undefined;
}

/** `/b/:slug`: threads by latest activity, each with its follow-up tree. */
export function boardPage(ctx: PageContext, index: BoardIndex, form?: FormState, heldNotice = false, hot?: SafeHtml): string {
  const { t } = ctx;
  const { board } = index;
  const review = board.review ?? 'off';
  return renderPage(
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
