/**
 * The composer's preview in place: the server's rendering of the body (the form's data-preview
 * route: POST /api/preview for a post, /api/messages/preview for a 悄悄話; each renders with the
 * code that stores it), shown above the form as the preview button's page would show it, in the
 * page's variant and with its links under the page's prefix.
 */
import { type Composer, errorOf, fill, formatOf, say } from './composer.core';

/** Shows the server's rendering of the body above the form, as the preview button's page would. */
export async function preview(c: Composer): Promise<void> {
  const variant = c.form.dataset.variant;
  let response: Response;
  try {
    response = await fetch(c.form.dataset.preview || '/api/preview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      // Under the page's prefix (/zh-hans/…), the preview's links get it, as the page's own do.
      body: JSON.stringify({
        title: c.title?.value ?? '',
        body: c.body.value,
        format: formatOf(c),
        ...(variant ? { variant, prefixed: c.form.dataset.prefixed !== undefined } : {}),
        // Where the post would go: its board's glossary applies (server/posts/posts.preview.ts).
        ...(c.form.dataset.board ? { board: c.form.dataset.board } : {}),
        ...(c.form.dataset.post ? { post: c.form.dataset.post } : {}),
      }),
    });
  } catch {
    return say(c, c.words.offline, true);
  }
  if (!response.ok) return say(c, fill(c.words.previewFailed, { e: await errorOf(response) }), true);
  const { html, bytes } = (await response.json()) as { html: string; bytes: number };
  let box = c.form.querySelector<HTMLElement>(':scope > section.preview');
  if (!box) {
    box = document.createElement('section');
    box.className = 'preview';
    box.setAttribute('aria-label', c.words.preview);
    c.form.insertBefore(box, c.form.querySelector(':scope > label'));
  }
  const heading = document.createElement('h3');
  const count = document.createElement('span');
  count.className = 'bytes';
  count.textContent = fill(c.words.bytes, { d: String(bytes) });
  heading.append(`${c.words.preview} `, count);
  box.replaceChildren(heading);
  if (html) {
    const shown = document.createElement('div');
    shown.className = 'body';
    // Sanitized by the server on the way, as a stored body is (server/text/sanitize.ts).
    shown.innerHTML = html;
    box.append(shown);
  }
  // A refusal of an earlier preview is answered; anything else said (a switch of format) stays.
  if (c.status?.classList.contains('error')) say(c, '');
}
