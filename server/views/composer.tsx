import type { BodyFormat } from '../db/database';
import { href } from '../http/paths';
import { mapBodyLinks } from '../text/sanitize';
import { FORM_FORMATS } from '../text/formats';
import { h, trustedHtml } from './html';
import type { PageContext } from './layout';

/**
 * The parts every posting form shares (new thread, follow-up, edit): the body's format and the
 * preview. Both work without JavaScript: the preview button posts the form back, and the page
 * comes again with the preview above the form and the text kept.
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
    <label class="format">
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
