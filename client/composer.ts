/**
 * The composer (issue 16): what a posting form (new thread, follow-up, edit; server/views/
 * composer.tsx; the 悄悄話 forms, server/messages/messages.views.tsx) gets with the browser module. Every part of it is a plain form without this:
 *
 * - the toolbar writes the format's syntax (bold, quote, link, image, list). Text has only quotes
 *   ("> " lines, server/text/quotes.ts), so the others move a text post to markdown first, and say so;
 * - the preview button shows the server's rendering in place (POST /api/preview, the code that
 *   stores a post) instead of posting the form back;
 * - a live byte count that is what "(N bytes)" will say (bytesOf, as server/text/formats.ts counts);
 * - a draft per form in localStorage, restored on return and dropped once sent;
 * - Ctrl/⌘+Enter sends;
 * - images by button, paste or drop, uploaded to POST /api/uploads with progress, and inserted as
 *   markdown with their alt text selected, to be written over;
 * - 引用 on a post puts a quote of it (the selected text, else its first paragraph) into the reply;
 * - on a thread page, a reply box opens under any follow-up line, sends over the JSON API and
 *   closes: the follow-up then arrives live, as everyone else's do (client/live.ts).
 *
 * This file puts the parts together; each lives in its own module: composer.core.ts (what they
 * share), composer.toolbar.ts, composer.preview.ts, composer.upload.ts, composer.drafts.ts,
 * composer.quotes.ts and composer.in-place.ts.
 */
import { type Composer, bytesOf, fill, wordsOf } from './composer.core';
import { keepDraft } from './composer.drafts';
import { replyInPlace } from './composer.in-place';
import { preview } from './composer.preview';
import { quoteLinks } from './composer.quotes';
import { setUpToolbar } from './composer.toolbar';
import { setUpUploads } from './composer.upload';

/** Sets up one posting form; returns what it set up (undefined for a form that is not a composer). */
export function setUpComposer(form: HTMLFormElement): Composer | undefined {
  const body = form.querySelector<HTMLTextAreaElement>('textarea[name=body]');
  const words = wordsOf(form);
  if (!body || !words) return undefined;
  const c: Composer = {
    form,
    body,
    words,
    title: form.querySelector<HTMLInputElement>('input[name=title]'),
    format: form.querySelector<HTMLSelectElement>('select[name=format]'),
    status: form.querySelector<HTMLElement>('.composer-status'),
  };
  setUpToolbar(c);
  form.querySelector<HTMLElement>('.send-keys')?.removeAttribute('hidden');
  setUpUploads(c);

  const count = form.querySelector<HTMLOutputElement>('output.byte-count');
  const recount = () => {
    if (!count) return;
    count.hidden = false;
    count.value = fill(words.bytes, { d: String(bytesOf(body.value)) });
  };
  body.addEventListener('input', recount);
  keepDraft(c);
  recount();

  form.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button[name=preview]');
    if (!button) return;
    e.preventDefault();
    void preview(c);
  });
  form.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    form.requestSubmit(form.querySelector<HTMLButtonElement>('button[type=submit]:not([name])') ?? undefined);
  });
  return c;
}

/** Sets up every composer on the page, 引用 links and, on a thread page, reply boxes under the lines. */
export function composers(): void {
  let reply: Composer | undefined;
  for (const form of Array.from(document.querySelectorAll<HTMLFormElement>('form.composer'))) {
    const c = setUpComposer(form);
    if (c && form.closest('section.reply')) reply = c;
  }
  if (!reply) return;
  quoteLinks(reply);
  const section = document.querySelector<HTMLElement>('section.replies[data-thread]');
  if (section) replyInPlace(section, reply.form, reply.words, setUpComposer);
}
