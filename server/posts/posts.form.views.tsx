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
import { href } from '../http/paths';
import { h } from '../views/html';
import { type PageContext, Refusal } from '../views/layout';
import { MAX_DEPTH } from './posts.refusals';
import type { ThreadState } from './posts.model';
import type { PostHead } from './posts.permissions';

/** The posting forms of a thread's and a board's pages, and what shows where a reply form would be. */

export function ThreadMarks({ ctx, state }: { ctx: PageContext; state: ThreadState }) {
  return state.locked ? (
    <p class="locked" role="status">
      {ctx.t.locked}
    </p>
  ) : null;
}

export function PostForm({
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
export function ReplyArea({ ctx, tree, form }: { ctx: PageContext; tree: PostHead; form?: FormState }) {
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
export function QuoteLink({ ctx, tree }: { ctx: PageContext; tree: PostHead }) {
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

/** After posting a follow-up or thread that is held: it waits for a moderator, and only its author sees it. */
export function HeldNotice({ ctx }: { ctx: PageContext }) {
  return (
    <p class="held-notice" role="status">
      {ctx.t.review.heldNotice}
    </p>
  );
}
