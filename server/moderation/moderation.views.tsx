import { memberName } from '../views/member';
import type { Board } from '../boards/boards.service';
import type { Post } from '../posts/posts.model';
import type { AppError } from '../errors';
import { href } from '../http/paths';
import { Fragment, h, trustedHtml } from '../views/html';
import { ActionButton } from '../views/buttons';
import { Pager } from '../views/pager';
import { type PageContext, Refusal, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import { unlinkMentions } from '../text/mentions';
import { uploadThumbnailPath, uploadedImagesIn } from '../text/images';
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
import type { LogEntryRow } from './moderation.repository';
import type { QueueEntry } from './moderation.reports';
import type { Revisions, Version } from './moderation.revisions';

/**
 * The images uploaded here that the post shows, each with a box that takes it out of the body when
 * the edit is sent (a plain checkbox: no JavaScript needed). Nothing when it shows none.
 */
function PostImages({ ctx, body, removing }: { ctx: PageContext; body: string; removing: readonly string[] }) {
  const images = uploadedImagesIn(body);
  if (images.length === 0) return null;
  return (
    <fieldset class="post-images">
      <legend>{ctx.t.postImages}</legend>
      {images.map((hash) => (
        <label class="post-image">
          <img src={uploadThumbnailPath(hash)} alt="" loading="lazy" height={80} />{' '}
          <input type="checkbox" name="removeImage" value={hash} checked={removing.includes(hash)} /> {ctx.t.removeImage}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * `/t/:id/edit`: the title and the body as its author wrote it, in its format, with an optional
 * reason; when refused or previewed, what was typed (and why it was refused, or its preview).
 */
export function editPage(
  ctx: PageContext,
  post: Post,
  shown?: {
    refusal?: AppError;
    preview?: FormPreview;
    values: { title?: string; body?: string; format?: BodyFormat; reason?: string; removeImages?: string[] };
  },
): string {
  const values = shown?.values;
  const { t } = ctx;
  // What the author wrote; an HTML body from before formats is its own source, its mentions
  // edited as the @name typed (they are linked again when saved).
  const written = post.written ?? { format: 'html' as const, source: unlinkMentions(post.body) };
  const source = written.format === 'html' ? unlinkMentions(written.source) : written.source;
  const body = values?.body ?? source;
  return renderPage(
    ctx,
    t.editPost,
    <section>
      <h1>{t.editPost}</h1>
      <form
        method="post"
        action={href(ctx, `/t/${post.id}/edit`)}
        class="post-form composer"
        {...composerData(ctx, undefined, undefined, { post: post.id })}
      >
        <Refusal ctx={ctx} error={shown?.refusal} />
        <PreviewBox ctx={ctx} preview={shown?.preview} />
        <label>
          {t.title}
          <input name="title" required maxlength="100" value={values?.title ?? post.title} />
        </label>
        <Toolbar ctx={ctx} />
        <label>
          {t.body}
          <textarea name="body" rows="12">
            {textareaText(body)}
          </textarea>
        </label>
        <PostImages ctx={ctx} body={post.body} removing={values?.removeImages ?? []} />
        <label>
          {t.reasonOptional}
          <input name="reason" maxlength="500" value={values?.reason ?? ''} />
        </label>
        {/* Sending comes before the preview: Enter in a field sends the form with its first button. */}
        <div class="form-actions">
          <FormatSelect ctx={ctx} value={values?.format ?? written.format} /> <button type="submit">{t.submit}</button>{' '}
          <PreviewButton ctx={ctx} /> <ComposerStatus ctx={ctx} />
        </div>
        <FormatHint ctx={ctx} />
      </form>
      <p>
        <a href={href(ctx, `/t/${post.id}`)}>{post.title}</a>
      </p>
    </section>,
  );
}

/**
 * `/t/:id/report`: why a post should be looked at by the board's moderators (a deleted post shows
 * as its tombstone). A refused report comes back here with the reason kept.
 */
export function reportPage(ctx: PageContext, post: Post, refused?: { refusal: AppError; reason?: string }): string {
  const { t } = ctx;
  return renderPage(
    ctx,
    t.report,
    <section class="report-post">
      <h1>{t.report}</h1>
      <p>
        <a href={href(ctx, `/t/${post.id}`)}>{post.title || t.deletedBy[post.deletedBy ?? 'author']}</a> -
        {memberName(ctx, post.author.name)}-
      </p>
      <form method="post" action={href(ctx, `/t/${post.id}/report`)} class="report-form">
        <Refusal ctx={ctx} error={refused?.refusal} />
        <label>
          {t.reason}
          <input name="reason" required maxlength="500" value={refused?.reason ?? ''} />
        </label>
        <button type="submit">{t.report}</button>
      </form>
    </section>,
  );
}

/** Hide or show again one replaced version, coming back to where the button was. */
function HideButton({ ctx, postId, version }: { ctx: PageContext; postId: string; version: Version }) {
  const { t } = ctx;
  const change = version.hidden ? 'unhide' : 'hide';
  return (
    <ActionButton
      action={href(ctx, `/t/${postId}/revisions/${version.revision}/${change}`)}
      label={version.hidden ? t.unhideRevision : t.hideRevision}
    >
      <input name="reason" maxlength="500" placeholder={t.reasonOptional} aria-label={t.reason} />
      <input type="hidden" name="back" value={`${ctx.path}#v${version.revision}`} />
    </ActionButton>
  );
}

/**
 * `/t/:id/revisions`: a page of versions, newest first, each with what changed from the one before
 * (`diffs`, by revision). A hidden version is only a notice for readers who may not see it.
 */
export function revisionsPage(ctx: PageContext, revisions: Revisions, diffs: Map<number, string>): string {
  const { t } = ctx;
  const { post, versions, page, pages, seesHidden, canHide } = revisions;
  return renderPage(
    ctx,
    `${t.revisions}: ${post.title}`,
    <section class="revisions">
      <h1>
        {t.revisions}: <a href={href(ctx, `/t/${post.id}`)}>{post.title || t.deletedBy[post.deletedBy ?? 'author']}</a>
      </h1>
      <ol reversed start={versions.length ? versions[0]!.revision + 1 : undefined}>
        {versions.map((v) => {
          const when = dateTime(ctx, v.at);
          const concealed = v.hidden && !seesHidden;
          return (
            <li class={v.hidden ? 'version hidden-version' : 'version'} id={`v${v.revision}`}>
              <h2>
                {t.version(v.revision + 1)}
                {v.revision === post.revision ? ` · ${t.currentVersion}` : ''}
              </h2>
              <p class="byline">
                {v.revision === 0
                  ? t.originalBy(memberName(ctx, v.by.name), when)
                  : t.editedBy(t.roles[v.by.role], memberName(ctx, v.by.name), when)}
                {v.reason ? `（${t.reason}：${ctx.shown(v.reason, post.boardId)}）` : ''}
              </p>
              {v.hidden ? <p class="revision-hidden">{concealed ? t.revisionHidden : t.revisionHiddenFromOthers}</p> : null}
              {concealed ? null : <div class="diff">{trustedHtml(diffs.get(v.revision) ?? '')}</div>}
              {canHide && v.revision !== post.revision ? <HideButton ctx={ctx} postId={post.id} version={v} /> : null}
            </li>
          );
        })}
      </ol>
      <Pager ctx={ctx} base="" page={page} pages={pages} />
    </section>,
  );
}

/** `/b/:slug/reports`: open reports grouped by post, with what a moderator can do about each. */
export function reportQueuePage(ctx: PageContext, board: Board, entries: QueueEntry[]): string {
  const { t } = ctx;
  const boardName = ctx.shown(board.name, board.id);
  return renderPage(
    ctx,
    `${t.reportQueue} - ${boardName}`,
    <section class="report-queue">
      <h1>
        {t.reportQueue}: <a href={href(ctx, `/b/${board.slug}`)}>{boardName}</a>
      </h1>
      {entries.length === 0 ? <p>{t.noReports}</p> : null}
      <ul class="reports">
        {entries.map((e) => (
          <li class="report" id={`r${e.post.id}`}>
            <p>
              <a href={href(ctx, `/t/${e.post.id}`)} class="title">
                {e.post.title || t.deletedBy[e.post.deletedBy ?? 'author']}
              </a>{' '}
              -{memberName(ctx, e.post.author.name)}- <strong class="report-count">{t.reportCount(e.count)}</strong>
            </p>
            <ul>
              {e.reports.map((r) => (
                <li>
                  {ctx.shown(r.reason, board.id)} <span class="reporter">{t.reportedBy(r.reporter)}</span>{' '}
                  <time datetime={r.createdAt.toISOString()}>{dateTime(ctx, r.createdAt)}</time>
                </li>
              ))}
            </ul>
            <div class="post-actions">
              <a class="action" href={href(ctx, `/t/${e.post.id}/edit`)}>
                {t.edit}
              </a>
              {e.post.deleted ? null : (
                <ActionButton action={href(ctx, `/t/${e.post.id}/delete`)} label={t.delete}>
                  <input name="reason" required maxlength="500" placeholder={t.reason} aria-label={t.reason} />
                  <input type="hidden" name="back" value={`/b/${board.slug}/reports`} />
                </ActionButton>
              )}
              <ActionButton action={href(ctx, `/b/${board.slug}/bans`)} label={t.ban}>
                <input type="hidden" name="username" value={e.post.author.name} />
                <input type="hidden" name="postId" value={e.post.id} />
                <input name="days" type="number" min="1" max="3650" value="7" aria-label={t.banDays} />
                <input name="reason" required maxlength="500" placeholder={t.reason} aria-label={t.reason} />
              </ActionButton>
              <ActionButton action={href(ctx, `/b/${board.slug}/reports/${e.post.id}/dismiss`)} label={t.dismiss} />
            </div>
          </li>
        ))}
      </ul>
    </section>,
  );
}

/** `/b/:slug/log` (one board) and `/log` (every board, for admins): who did what, when and why. */
export function logPage(ctx: PageContext, board: Board | null, entries: LogEntryRow[], page: number): string {
  const { t } = ctx;
  const boardName = board && ctx.shown(board.name, board.id);
  return renderPage(
    ctx,
    board ? `${t.moderationLog} - ${boardName}` : t.moderationLog,
    <section class="moderation-log">
      <h1>
        {t.moderationLog}
        {board ? (
          <Fragment>
            : <a href={href(ctx, `/b/${board.slug}`)}>{boardName}</a>
          </Fragment>
        ) : null}
      </h1>
      {entries.length === 0 ? <p>{t.noLogEntries}</p> : null}
      <table>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td>
                <time datetime={e.created_at.toISOString()}>{dateTime(ctx, e.created_at)}</time>
              </td>
              {board ? null : (
                <td>
                  <a href={href(ctx, `/b/${e.board_slug ?? ''}`)}>{e.board_slug ?? '—'}</a>
                </td>
              )}
              <td>
                {t.roles[e.actor_role]} {e.actor_name ?? t.cliActor}
              </td>
              <td class="log-action">{t.logAction[e.action]}</td>
              <td>
                {e.post_id ? <a href={href(ctx, `/t/${e.post_id}`)}>{ctx.shown(e.post_title, e.board_id) ?? `#${e.post_id}`}</a> : null}
                {!e.post_id && e.held_id ? (
                  <a href={href(ctx, `/held/${e.held_id}`)}>{ctx.shown(e.held_title, e.board_id) ?? `#${e.held_id}`}</a>
                ) : null}
                {e.post_id && e.revision !== null ? (
                  <Fragment>
                    {' '}
                    <a href={href(ctx, `/t/${e.post_id}/revisions#v${e.revision}`)}>{t.version(e.revision + 1)}</a>
                  </Fragment>
                ) : null}
                {e.target_name ? ` (${e.target_name})` : ''}
              </td>
              <td>{ctx.shown(e.reason, e.board_id) ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager">
        {page > 1 ? (
          <a rel="prev" href={`?page=${page - 1}`}>
            {t.previousPage}
          </a>
        ) : null}
        {entries.length === 50 ? (
          <a rel="next" href={`?page=${page + 1}`}>
            {t.nextPage}
          </a>
        ) : null}
      </nav>
    </section>,
  );
}
