/**
 * Drafts: what a composer holds is kept in localStorage under the form's data-draft key (a
 * thread's reply path, a board's new-thread path, a 悄悄話 conversation), restored into the empty
 * form on return, and dropped once the post or message is sent.
 */
import { type Composer, formatOf, say } from './composer.core';

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
export function keepDraft(c: Composer): void {
  const key = draftKey(c.form);
  if (!key) return;
  const saved = readDraft(key);
  if (saved?.sent && !c.form.querySelector('.error-message')) writeDraft(key, undefined);
  // A form counts as empty with a suggested title only (a 悄悄話 reply's "回覆：…").
  else if (saved && !c.body.value && (!c.title?.value || c.title.dataset.suggested !== undefined)) {
    if (c.title) c.title.value = saved.title || c.title.value;
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
