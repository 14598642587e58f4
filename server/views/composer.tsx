import type { BodyFormat } from '../db/database';
import { href } from '../http/paths';
import { mapBodyLinks } from '../text/sanitize';
import { FORM_FORMATS } from '../text/formats';
import { Fragment, h, trustedHtml } from './html';
import type { PageContext } from './layout';

/**
 * The parts every posting form shares (new thread, follow-up, edit): the body's format and the
 * preview. Both work without JavaScript: the preview button posts the form back, and the page
 * comes again with the preview above the form and the text kept. With the browser module
 * (client/composer.ts) the form gets more: the toolbar, the preview in place, a live byte count,
 * a draft kept in the browser, Ctrl/⌘+Enter to send, and images by button, paste or drop; what it
 * needs to say comes with the form (composerData), in the page's script.
 */

/** A body rendered for the preview button: what would be stored, in the page's variant. */
export interface FormPreview {
  html: string;
  /** What "(N bytes)" would say. */
  bytes: number;
}

/**
 * The format select: text (the default) and markdown. An HTML post (written through the API, or
 * from before formats) keeps html offered while it is edited, so an edit does not turn its markup
 * into text.
 */
export function FormatSelect({ ctx, value }: { ctx: PageContext; value: BodyFormat | undefined }) {
  const { t } = ctx;
  const offered: readonly BodyFormat[] = value === 'html' ? [...FORM_FORMATS, 'html'] : FORM_FORMATS;
  const selected = value ?? 'text';
  return (
    <label class="format" title={t.composer.formatHint}>
      {t.format}{' '}
      <select name="format">
        {offered.map((f) => (
          <option value={f} selected={f === selected}>
            {t.formats[f]}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * What each format does with what is typed, under the form: a member in text format knows why
 * "**" stays as typed, and that the toolbar's formatting is markdown's.
 */
export function FormatHint({ ctx }: { ctx: PageContext }) {
  return <p class="format-hint">{ctx.t.composer.formatHint}</p>;
}

/**
 * The toolbar over the body: bold, quote, link, image, list. Hidden until the browser module
 * shows it (it is what writes the syntax); without it, the format hint says how to write them.
 */
export function Toolbar({ ctx }: { ctx: PageContext }) {
  const c = ctx.t.composer;
  // Words, not symbols: they say what they do in the reader's script, and need no emoji font.
  const button = (insert: string, label: string) => (
    <button type="button" data-insert={insert} class={`insert-${insert}`}>
      {label}
    </button>
  );
  return (
    <div class="toolbar" role="toolbar" aria-label={c.toolbar} hidden>
      {button('bold', c.bold)}
      {button('quote', c.quoteBlock)}
      {button('link', c.link)}
      {button('image', c.image)}
      {button('list', c.list)}
      <input type="file" accept="image/jpeg,image/png,image/webp,image/gif" class="image-file" hidden multiple tabindex="-1" />
    </div>
  );
}

/** The live byte count and the status line (uploads, drafts, a switch of format), shown by the browser module. */
export function ComposerStatus({ ctx }: { ctx: PageContext }) {
  return (
    <Fragment>
      <output class="byte-count" aria-live="off" hidden></output>{' '}
      <span class="send-keys" hidden>
        {ctx.t.composer.sendKeys}
      </span>
      <p class="composer-status" role="status" aria-live="polite" hidden></p>
    </Fragment>
  );
}

/**
 * The data a posting form carries for the browser module: its words (in the page's script), the
 * page's variant and whether the page is under its URL prefix (the preview is shown in that
 * variant, its links prefixed as the page's are), how "(N bytes)" reads, the key its draft is kept
 * under (`draft`: the form's path without the variant prefix, or a conversation's; none for an
 * edit, which starts from what was written), and where its preview comes from (`preview`: a post's
 * by default, a 悄悄話's from its own route, rendered as messages are).
 */
export function composerData(
  ctx: PageContext,
  draft?: string,
  preview = '/api/preview',
  /** Where the post would go (a board's slug, or the post answered or edited): the preview applies its board's glossary. */
  place: { board?: string; post?: string } = {},
): Record<string, string> {
  // The catalogs say "(N bytes)" with the number in one place: a placeholder number marks it.
  const bytes = ctx.t.bytes(987654321).replace('987654321', '%d');
  return {
    'data-words': JSON.stringify({ ...ctx.t.composer.client, wrote: ctx.t.composer.wrote, bytes, preview: ctx.t.previewHeading }),
    'data-variant': ctx.variant ?? '',
    ...(ctx.prefix ? { 'data-prefixed': '' } : {}),
    'data-preview': preview,
    ...(draft ? { 'data-draft': draft } : {}),
    ...(place.board ? { 'data-board': place.board } : {}),
    ...(place.post ? { 'data-post': place.post } : {}),
  };
}

/**
 * A textarea's text as written: HTML drops one line break right after <textarea>, so a text that
 * starts with one gets another in front (a markdown source may start with a blank line).
 */
export const textareaText = (text: string): string => (text.startsWith('\n') ? `\n${text}` : text);

/**
 * The preview button: posts the form back for a preview (no title needed for it). It goes after
 * the form's send button: Enter in a field submits with the first one.
 */
export function PreviewButton({ ctx }: { ctx: PageContext }) {
  return (
    <button type="submit" name="preview" value="1" formnovalidate class="preview-button">
      {ctx.t.preview}
    </button>
  );
}

/** The preview above a form, when one was asked for: the body as it would be shown, and its bytes. */
export function PreviewBox({ ctx, preview }: { ctx: PageContext; preview: FormPreview | undefined }) {
  if (!preview) return null;
  const { t } = ctx;
  // Links to this site's own pages get the page's variant prefix, as a stored body's do.
  const html = ctx.prefix ? mapBodyLinks(preview.html, (url) => href(ctx, url)) : preview.html;
  return (
    <section class="preview" aria-label={t.preview}>
      <h3>
        {t.previewHeading} <span class="bytes">{t.bytes(preview.bytes)}</span>
      </h3>
      {preview.html ? <div class="body">{trustedHtml(html)}</div> : null}
    </section>
  );
}
