/**
 * The pages of uploads: /upload (a plain form that works without JavaScript, answering with the
 * snippet to paste into a post) and /moderation/images (moderators and admins: the newest images,
 * each with purge and block buttons, and a form for any image by its address).
 */
import type { AppError } from '../errors';
import { href } from '../http/paths';
import { h } from '../views/html';
import { type PageContext, Refusal, renderPage } from '../views/layout';
import { dateTime } from '../views/time';
import { ALT_MAX } from './uploads.receive';
import type { RecentUpload, Snippets, Upload } from './uploads.service';
import type { AvatarInfo } from './uploads.avatars';
import { avatarPath } from '../views/avatar';

/** The upload form; `error` is the refusal of the last try, shown above it. */
function UploadForm({ ctx, maxBytes, error }: { ctx: PageContext; maxBytes: number; error?: AppError }) {
  const { uploads } = ctx.t;
  return (
    <form method="post" action={href(ctx, '/upload')} enctype="multipart/form-data" class="upload-form">
      <Refusal ctx={ctx} error={error} />
      <p class="hint">{uploads.hint(maxBytes)}</p>
      <p>
        <label>
          {uploads.file} <input type="file" name="file" accept="image/jpeg,image/png,image/webp,image/gif" required />
        </label>
      </p>
      <p>
        <label>
          {uploads.alt} <input type="text" name="alt" maxlength={ALT_MAX} />
        </label>
      </p>
      <p>
        <button type="submit">{uploads.submit}</button>
      </p>
    </form>
  );
}

/** GET /upload, and a refused POST /upload (with its refusal). */
export function uploadPage(ctx: PageContext, maxBytes: number, error?: AppError): string {
  return renderPage(
    ctx,
    ctx.t.uploads.title,
    <section class="upload">
      <h1>{ctx.t.uploads.title}</h1>
      <UploadForm ctx={ctx} maxBytes={maxBytes} error={error} />
    </section>,
    { canonical: null },
  );
}

/** A POST /upload that stored the image: the thumbnail, and the snippets to copy into a post. */
export function uploadedPage(ctx: PageContext, upload: Upload, snippets: Snippets, maxBytes: number): string {
  const { uploads } = ctx.t;
  return renderPage(
    ctx,
    uploads.done,
    <section class="upload uploaded" data-upload={upload.id}>
      <h1>{uploads.done}</h1>
      <p>
        <a href={upload.url}>
          <img src={upload.thumbnailUrl} alt="" width={upload.thumbnail.width} height={upload.thumbnail.height} />
        </a>
      </p>
      <p>
        <a href={upload.url}>{uploads.original}</a> {uploads.dimensions(upload.width, upload.height, upload.bytes)}
      </p>
      <p>{uploads.pasteHint}</p>
      <p>
        <label>
          {uploads.markdown}
          <br />
          <textarea readonly rows={2} cols={80} class="snippet-markdown">
            {snippets.markdown}
          </textarea>
        </label>
      </p>
      <p>
        <label>
          {uploads.html}
          <br />
          <textarea readonly rows={3} cols={80} class="snippet-html">
            {snippets.html}
          </textarea>
        </label>
      </p>
      <h2>{uploads.another}</h2>
      <UploadForm ctx={ctx} maxBytes={maxBytes} />
    </section>,
    { canonical: null },
  );
}

/**
 * /settings/avatar: the member's avatar as it shows (or the default), the form that replaces it
 * (a plain multipart form: no JavaScript needed) and the button that removes it; `error` is the
 * refusal of the last try.
 */
export function avatarPage(ctx: PageContext, name: string, avatar: AvatarInfo | null, maxBytes: number, error?: AppError): string {
  const { uploads } = ctx.t;
  return renderPage(
    ctx,
    uploads.avatar,
    <section class="avatar-settings" data-avatar={avatar?.id ?? ''}>
      <h1>{uploads.avatar}</h1>
      <p>
        <img
          class="avatar avatar-128"
          src={avatar ? avatar.urls[128] : avatarPath(name, 128)}
          srcset={`${avatar ? avatar.urls[256] : avatarPath(name, 256)} 2x`}
          width={128}
          height={128}
          alt={uploads.avatar}
        />
      </p>
      {avatar ? null : <p>{uploads.avatarDefault}</p>}
      <form method="post" action={href(ctx, '/settings/avatar')} enctype="multipart/form-data" class="avatar-form">
        <Refusal ctx={ctx} error={error} />
        <p class="hint">{uploads.avatarHint(maxBytes)}</p>
        <p>
          <label>
            {uploads.file} <input type="file" name="file" accept="image/jpeg,image/png,image/webp,image/gif" required />
          </label>
        </p>
        <p>
          <button type="submit">{uploads.avatarSubmit}</button>
        </p>
      </form>
      {avatar ? (
        <form method="post" action={href(ctx, '/settings/avatar/remove')} class="avatar-remove">
          <button type="submit">{uploads.avatarRemove}</button>
        </form>
      ) : null}
    </section>,
    { canonical: null },
  );
}

/**
 * The purge and block buttons (a reason field beside them): for one image, or without `id` for any
 * image its moderator names by address or id.
 */
function ImageActions({ ctx, id }: { ctx: PageContext; id?: string }) {
  const { uploads } = ctx.t;
  return (
    <form method="post" action={href(ctx, '/moderation/images')} class="image-actions">
      {id === undefined ? (
        <input type="text" name="id" required size={70} placeholder={uploads.address} aria-label={uploads.address} />
      ) : (
        <input type="hidden" name="id" value={id} />
      )}{' '}
      <input type="text" name="reason" maxlength={500} placeholder={uploads.reason} aria-label={uploads.reason} />{' '}
      <button type="submit" name="action" value="purge">
        {uploads.purge}
      </button>{' '}
      <button type="submit" name="action" value="block">
        {uploads.block}
      </button>
    </form>
  );
}

/** /moderation/images: the newest images and what can be done to each; `error` from the last action. */
export function moderationImagesPage(ctx: PageContext, recent: RecentUpload[], error?: AppError): string {
  const { uploads } = ctx.t;
  return renderPage(
    ctx,
    uploads.moderation,
    <section class="moderation-images">
      <h1>{uploads.moderation}</h1>
      <Refusal ctx={ctx} error={error} />
      <p class="hint">{uploads.moderationHint}</p>
      <h2>{uploads.byId}</h2>
      <ImageActions ctx={ctx} />
      <h2>{uploads.recent}</h2>
      {recent.length === 0 ? (
        <p>{uploads.none}</p>
      ) : (
        <ul class="images">
          {recent.map((u) => (
            <li data-upload={u.id}>
              {u.purged ? (
                <span class="purged">{u.blocked ? uploads.blocked : uploads.purged}</span>
              ) : (
                <a href={u.url}>
                  <img src={u.thumbnailUrl} alt="" loading="lazy" />
                </a>
              )}{' '}
              {uploads.dimensions(u.width, u.height, u.bytes)} · {uploads.uploadedBy(u.owner)} ·{' '}
              <time datetime={u.createdAt.toISOString()}>{dateTime(ctx, u.createdAt)}</time>
              {u.purged ? null : <ImageActions ctx={ctx} id={u.id} />}
            </li>
          ))}
        </ul>
      )}
    </section>,
    { canonical: null },
  );
}
