/**
 * The composer (issue 16): what a posting form (new thread, follow-up, edit; server/views/
 * composer.tsx) gets with the browser module. Every part of it is a plain form without this:
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
 */

import { bytesOf } from './bytes';

/**
 * What the form's data-words carries, in the page's script: the catalog's `composer.client`
 * (server/views/messages.composer.ts) and a few more words (server/views/composer.tsx composerData).
 * %s stands for a file name or title, %e for an error, %d for a number.
 */
interface Words {
  switchedToMarkdown: string;
  boldText: string;
  linkText: string;
  listItem: string;
  imageAlt: string;
  uploading: string;
  uploaded: string;
  uploadFailed: string;
  notImage: string;
  offline: string;
  previewFailed: string;
  draftRestored: string;
  discardDraft: string;
  sending: string;
  held: string;
  replyHere: string;
  replyTo: string;
  cancel: string;
  quoteParent: string;
  /** A quote's attribution after the name ("寫道："). */
  wrote: string;
  /** "(%d bytes)". */
  bytes: string;
  /** The preview's heading. */
  preview: string;
}

type Format = 'text' | 'markdown' | 'html';

/** The parts of a composer form this module works with. */
interface Composer {
  form: HTMLFormElement;
  title: HTMLInputElement | null;
  body: HTMLTextAreaElement;
  format: HTMLSelectElement | null;
  words: Words;
  status: HTMLElement | null;
}

const fill = (template: string, values: Record<string, string>) => template.replace(/%([a-z])/g, (m, k: string) => values[k] ?? m);

function wordsOf(form: HTMLFormElement): Words | undefined {
  try {
    return JSON.parse(form.dataset.words ?? '') as Words;
  } catch {
    return undefined;
  }
}

function say(c: Composer, text: string, error = false): void {
  if (!c.status) return;
  c.status.textContent = text;
  c.status.classList.toggle('error', error);
  c.status.hidden = text === '';
}

const formatOf = (c: Composer): Format => (c.format?.value as Format | undefined) ?? 'text';

/** Moves a text post to markdown (for syntax text does not have), saying so once. */
function toMarkdown(c: Composer): void {
  if (!c.format || formatOf(c) !== 'text') return;
  c.format.value = 'markdown';
  c.format.dispatchEvent(new Event('change', { bubbles: true }));
  say(c, c.words.switchedToMarkdown);
}

/** Replaces the selection with `text`, selecting the part from `from` to `to` of it (the whole when not given). */
function replaceSelection(c: Composer, text: string, from = text.length, to = from): void {
  const { body } = c;
  const start = body.selectionStart;
  body.focus();
  body.setRangeText(text, start, body.selectionEnd, 'end');
  body.setSelectionRange(start + from, start + to);
  body.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Each selected line (or a new one holding `empty`) behind `prefix`, on lines of its own. */
function prefixLines(c: Composer, prefix: string, empty: string): void {
  const { body } = c;
  const selected = body.value.slice(body.selectionStart, body.selectionEnd) || empty;
  const before = body.value.slice(0, body.selectionStart);
  const lead = before === '' || before.endsWith('\n') ? '' : '\n';
  const block = selected
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
  replaceSelection(c, `${lead}${block}\n`, lead.length + prefix.length, lead.length + block.length);
}

/** What a toolbar button writes, in the form's format. */
function insert(c: Composer, what: string): void {
  const { body } = c;
  const selected = body.value.slice(body.selectionStart, body.selectionEnd);
  switch (what) {
    case 'bold': {
      toMarkdown(c);
      const text = selected || c.words.boldText;
      return replaceSelection(c, `**${text}**`, 2, 2 + text.length);
    }
    case 'link': {
      toMarkdown(c);
      // The address is selected to be typed over: no dialog.
      const text = selected || c.words.linkText;
      return replaceSelection(c, `[${text}](https://)`, text.length + 3, text.length + 11);
    }
    case 'list':
      toMarkdown(c);
      return prefixLines(c, '- ', c.words.listItem);
    case 'quote':
      // Text and markdown read "> " lines alike.
      return prefixLines(c, '> ', '');
    case 'image':
      c.form.querySelector<HTMLInputElement>('input.image-file')?.click();
      return;
  }
}

/** The error a JSON answer carries, in the page's script when the server gave it so. */
async function errorOf(response: Response): Promise<string> {
  try {
    const { error } = (await response.json()) as { error?: { message?: string; localized?: string } };
    return error?.localized ?? error?.message ?? String(response.status);
  } catch {
    return String(response.status);
  }
}

/** Shows the server's rendering of the body above the form, as the preview button's page would. */
async function preview(c: Composer): Promise<void> {
  const variant = c.form.dataset.variant;
  let response: Response;
  try {
    response = await fetch('/api/preview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ title: c.title?.value ?? '', body: c.body.value, format: formatOf(c), ...(variant ? { variant } : {}) }),
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

/** Uploads one image (POST /api/uploads) and inserts its markdown where the caret is, its alt text selected. */
function upload(c: Composer, file: File): void {
  if (!file.type.startsWith('image/')) return say(c, c.words.notImage, true);
  const name = file.name || 'image';
  // The file's own name is the first alt text (a pasted one has none worth keeping): selected once inserted, to be written over.
  const stem = name.replace(/\.[^.]*$/, '');
  const alt = /^(image|img|photo|screenshot|\d+)$/i.test(stem) ? c.words.imageAlt : stem;
  const data = new FormData();
  data.append('alt', alt);
  data.append('file', file, name);
  const request = new XMLHttpRequest();
  request.open('POST', '/api/uploads');
  request.setRequestHeader('Accept', 'application/json');
  request.responseType = 'json';
  request.upload.addEventListener('progress', (e) => {
    if (e.lengthComputable) say(c, `${fill(c.words.uploading, { s: name })} ${Math.round((e.loaded / e.total) * 100)}%`);
  });
  request.addEventListener('error', () => say(c, fill(c.words.uploadFailed, { s: name, e: c.words.offline }), true));
  request.addEventListener('load', () => {
    const answer = request.response as { snippets?: { markdown: string }; error?: { message?: string; localized?: string } } | null;
    if (request.status !== 201 || !answer?.snippets) {
      const why = answer?.error?.localized ?? answer?.error?.message ?? String(request.status);
      return say(c, fill(c.words.uploadFailed, { s: name, e: why }), true);
    }
    toMarkdown(c);
    const { body } = c;
    const before = body.value.slice(0, body.selectionStart);
    const lead = before === '' || before.endsWith('\n') ? '' : '\n';
    const snippet = answer.snippets.markdown;
    // The alt text sits after "[![" in the snippet: selected, to be written over.
    const altAt = snippet.indexOf('[![') + 3;
    const altEnd = snippet.indexOf('](', altAt);
    replaceSelection(c, `${lead}${snippet}\n`, lead.length + altAt, lead.length + altEnd);
    say(c, fill(c.words.uploaded, { s: name }));
  });
  say(c, fill(c.words.uploading, { s: name }));
  request.send(data);
}

/** The files a paste or drop carries (a drop of anything else is told it is not an image). */
const filesIn = (list: DataTransfer | null): File[] => (list ? Array.from(list.files) : []);

const draftKey = (form: HTMLFormElement) => (form.dataset.draft ? `gentie-draft:${form.dataset.draft}` : undefined);

interface Draft {
  title: string;
  body: string;
  format: string;
  /** Sent by the form (a page load follows): dropped unless that page shows the form refused. */
  sent?: boolean;
}

function readDraft(key: string): Draft | undefined {
  try {
    const draft = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<Draft> | null;
    return draft && typeof draft.body === 'string' && typeof draft.title === 'string'
      ? { title: draft.title, body: draft.body, format: String(draft.format ?? 'text'), sent: draft.sent === true }
      : undefined;
  } catch {
    return undefined;
  }
}

function writeDraft(key: string, draft: Draft | undefined): void {
  try {
    if (!draft || (!draft.title.trim() && !draft.body.trim())) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or refused: the form works without a draft.
  }
}

/** Drops a form's draft: its post was sent. */
export function dropDraft(form: HTMLFormElement): void {
  const key = draftKey(form);
  if (key) writeDraft(key, undefined);
}

/** Keeps the form's draft as it is typed, and restores it into an empty form. */
function keepDraft(c: Composer): void {
  const key = draftKey(c.form);
  if (!key) return;
  const saved = readDraft(key);
  if (saved?.sent && !c.form.querySelector('.error-message')) writeDraft(key, undefined);
  else if (saved && !c.body.value && !c.title?.value) {
    if (c.title) c.title.value = saved.title;
    c.body.value = saved.body;
    if (c.format && Array.from(c.format.options).some((o) => o.value === saved.format)) c.format.value = saved.format;
    if (saved.title || saved.body) {
      say(c, c.words.draftRestored);
      const discard = document.createElement('button');
      discard.type = 'button';
      discard.className = 'discard-draft';
      discard.textContent = c.words.discardDraft;
      discard.addEventListener('click', () => {
        writeDraft(key, undefined);
        if (c.title) c.title.value = '';
        c.body.value = '';
        c.body.dispatchEvent(new Event('input', { bubbles: true }));
        say(c, '');
      });
      c.status?.append(' ', discard);
    }
  } else if (saved?.sent) writeDraft(key, { ...saved, sent: false });
  const save = (sent: boolean) =>
    writeDraft(key, { title: c.title?.value ?? '', body: c.body.value, format: formatOf(c), ...(sent ? { sent } : {}) });
  c.form.addEventListener('input', () => save(false));
  c.form.addEventListener('change', () => save(false));
  // A plain submit leaves the page: the next one says whether it was taken (no refusal shown).
  c.form.addEventListener('submit', (e) => {
    if (!e.defaultPrevented && !c.form.dataset.inPlace) save(true);
  });
}

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
  const toolbar = form.querySelector<HTMLElement>('.toolbar');
  if (toolbar) toolbar.hidden = false;
  form.querySelector<HTMLElement>('.send-keys')?.removeAttribute('hidden');
  // The toolbar's image button does what the upload page's link did, in place.
  form.querySelector<HTMLElement>('.upload-link')?.setAttribute('hidden', '');
  toolbar?.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button[data-insert]');
    if (button) insert(c, button.dataset.insert ?? '');
  });
  const files = form.querySelector<HTMLInputElement>('input.image-file');
  files?.addEventListener('change', () => {
    for (const file of Array.from(files.files ?? [])) upload(c, file);
    files.value = '';
  });
  body.addEventListener('paste', (e) => {
    const images = filesIn(e.clipboardData).filter((f) => f.type.startsWith('image/'));
    if (images.length === 0) return;
    e.preventDefault();
    for (const file of images) upload(c, file);
  });
  body.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  });
  body.addEventListener('drop', (e) => {
    const dropped = filesIn(e.dataTransfer);
    if (dropped.length === 0) return;
    e.preventDefault();
    for (const file of dropped) upload(c, file);
  });

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

/** Puts `text` into a composer at its caret (on lines of its own), then focuses it. */
function insertQuote(c: Composer, text: string): void {
  const { body } = c;
  const before = body.value.slice(0, body.selectionStart);
  const lead = before === '' || before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
  replaceSelection(c, lead + text);
  c.form.scrollIntoView({ block: 'nearest' });
}

/** A quote of a post in source form (server/text/quotes.ts quoteSource, which the reply page uses without this module). */
function quoteOf(author: string, postId: string, text: string, wrote: string): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((line) => `> ${line}`.replace(/\s+$/, ''));
  return `> [${author}](/t/${postId}) ${wrote}\n${lines.join('\n')}\n\n`;
}

/** The reader's selection when it lies within `within`, as text. */
function selectionIn(within: Element): string {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return '';
  const range = selection.getRangeAt(0);
  return within.contains(range.commonAncestorContainer) ? selection.toString() : '';
}

/** A body's first paragraph of its own (not of a quote in it), as text. */
function firstParagraphOf(body: Element | null): string {
  const block = body?.querySelector<HTMLElement>(':scope > p, :scope > ul > li, :scope > ol > li, :scope > pre');
  return block?.innerText.trim() ?? '';
}

/**
 * 引用 on a post's page: a quote of the post (the selected part of it, else its first paragraph,
 * else its title) goes into the page's reply form instead of opening the reply page.
 */
function quoteLinks(reply: Composer): void {
  for (const link of Array.from(document.querySelectorAll<HTMLAnchorElement>('a.quote-post[data-post]'))) {
    link.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      const article = link.closest('article');
      const body = article?.querySelector('.body') ?? null;
      const text = (body && selectionIn(body)) || firstParagraphOf(body) || article?.querySelector('h1')?.textContent?.trim() || '';
      insertQuote(reply, quoteOf(link.dataset.author ?? '', link.dataset.post ?? '', text, reply.words.wrote));
    });
  }
}

/** Whether a line can be answered in place: a post's line, not a tombstone nor a held post. */
const answerable = (line: HTMLElement) => /^p\d+$/.test(line.id) && !line.classList.contains('deleted');

/**
 * The reply box under follow-up lines of a thread page: each line gets a "回覆" button; it opens
 * a copy of the page's reply form under the line, addressed to that post, which sends over the
 * JSON API and closes; the follow-up then comes back live into the tree.
 */
function replyInPlace(section: HTMLElement, pageForm: HTMLFormElement, words: Words): void {
  const addButtons = () => {
    for (const line of Array.from(section.querySelectorAll<HTMLElement>('ul.tree .line:not([data-reply-here])'))) {
      line.dataset.replyHere = '';
      if (!answerable(line)) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'reply-here';
      button.textContent = words.replyHere;
      button.dataset.post = line.id.slice(1);
      line.after(button);
    }
  };
  addButtons();
  // Lines that arrive live or with the next window get theirs as they come.
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      addButtons();
    });
  }).observe(section, { childList: true, subtree: true });

  section.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button.reply-here');
    if (!button) return;
    // Inside a fold's summary the click would fold the subtree too.
    e.preventDefault();
    const postId = button.dataset.post!;
    const open = section.querySelector<HTMLFormElement>(`form[data-in-place="${postId}"]`);
    if (open) return void open.querySelector<HTMLInputElement>('input[name=title]')?.focus();
    const line = document.getElementById(`p${postId}`);
    if (!line) return;
    const details = button.closest('details');
    if (details instanceof HTMLDetailsElement) details.open = true;
    openBox(button, postId, line.querySelector('a.title')?.textContent ?? '', pageForm, words);
  });
}

/** Opens the reply box for `postId` after `after` (its line's button). */
function openBox(after: Element, postId: string, title: string, pageForm: HTMLFormElement, words: Words): void {
  const form = pageForm.cloneNode(true) as HTMLFormElement;
  form.classList.add('in-place');
  form.dataset.inPlace = postId;
  form.dataset.draft = `/t/${postId}/reply`;
  form.action = pageForm.action.replace(/\/t\/\d+\/reply$/, `/t/${postId}/reply`);
  form.setAttribute('aria-label', fill(words.replyTo, { s: title }));
  form.querySelectorAll('.error-message, section.preview, .discard-draft').forEach((el) => el.remove());
  form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[name=title], textarea[name=body]').forEach((f) => (f.value = ''));
  const heading = document.createElement('p');
  heading.className = 'in-place-heading';
  heading.textContent = fill(words.replyTo, { s: title });
  form.prepend(heading);
  const actions = form.querySelector('.form-actions');
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'cancel';
  cancel.textContent = words.cancel;
  cancel.addEventListener('click', () => form.remove());
  const quote = document.createElement('button');
  quote.type = 'button';
  quote.className = 'quote-parent';
  quote.textContent = words.quoteParent;
  actions?.querySelector('button[type=submit]:not([name])')?.after(' ', cancel, ' ', quote);
  after.after(form);
  const c = setUpComposer(form);
  if (!c) return;
  quote.addEventListener('click', () => void quotePost(c, postId));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void sendInPlace(c, postId);
  });
  c.title?.focus();
}

/** Quotes a post the page shows only as a line: its body read over the JSON API, in the page's variant. */
async function quotePost(c: Composer, postId: string): Promise<void> {
  const variant = c.form.dataset.variant;
  try {
    const response = await fetch(`/api/posts/${postId}?limit=1${variant ? `&variant=${variant}` : ''}`, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (!response.ok) return say(c, await errorOf(response), true);
    const { post } = (await response.json()) as { post: { title: string; body: string; author: { name: string } } };
    const body = new DOMParser().parseFromString(`<div class="body">${post.body}</div>`, 'text/html').querySelector('.body');
    // innerText needs layout: the parsed document has none, so the paragraph's text is read by hand.
    const block = body?.querySelector(':scope > p, :scope > ul > li, :scope > ol > li, :scope > pre');
    block?.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
    const text = block?.textContent?.trim() || post.title;
    insertQuote(c, quoteOf(post.author.name, postId, text, c.words.wrote));
  } catch {
    say(c, c.words.offline, true);
  }
}

/** Sends a reply box's follow-up; on success the box closes (the follow-up arrives live). */
async function sendInPlace(c: Composer, postId: string): Promise<void> {
  const send = c.form.querySelector<HTMLButtonElement>('button[type=submit]:not([name])');
  if (send?.disabled) return;
  if (c.title && !c.title.reportValidity()) return;
  if (send) send.disabled = true;
  say(c, c.words.sending);
  try {
    const response = await fetch(`/api/posts/${postId}/replies`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ title: c.title?.value ?? '', body: c.body.value, format: formatOf(c) }),
    });
    if (response.status === 201 || response.status === 202) {
      dropDraft(c.form);
      if (response.status === 202) {
        const notice = document.createElement('p');
        notice.className = 'held-notice';
        notice.setAttribute('role', 'status');
        notice.textContent = c.words.held;
        c.form.before(notice);
      }
      c.form.remove();
      return;
    }
    say(c, await errorOf(response), true);
  } catch {
    say(c, c.words.offline, true);
  } finally {
    if (send) send.disabled = false;
  }
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
  if (section) replyInPlace(section, reply.form, reply.words);
}
