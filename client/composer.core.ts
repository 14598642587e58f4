/**
 * What every part of the composer (client/composer.ts) shares: the words a form carries, the
 * parts of a form it works with, the byte count, the status line, and writing into the body.
 */

/**
 * What the form's data-words carries, in the page's script: the catalog's `composer.client`
 * (server/views/messages.composer.ts) and a few more words (server/views/composer.tsx composerData).
 * %s stands for a file name or title, %e for an error, %d for a number.
 */
export interface Words {
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

export type Format = 'text' | 'markdown' | 'html';

/** The parts of a composer form this module works with. */
export interface Composer {
  form: HTMLFormElement;
  title: HTMLInputElement | null;
  body: HTMLTextAreaElement;
  format: HTMLSelectElement | null;
  words: Words;
  status: HTMLElement | null;
}

/** The live count's rule, pins included (client/bytes.ts, held to the server's by a test). */
export { bytesOf } from './bytes';

/** A catalog's template with %s, %e, %d… filled in. */
export const fill = (template: string, values: Record<string, string>) => template.replace(/%([a-z])/g, (m, k: string) => values[k] ?? m);

/** The words a form carries (composerData on the server), or undefined for a form that is not a composer. */
export function wordsOf(form: HTMLFormElement): Words | undefined {
  try {
    return JSON.parse(form.dataset.words ?? '') as Words;
  } catch {
    return undefined;
  }
}

/** Says `text` on the form's status line (an error in its colour); '' hides the line. */
export function say(c: Composer, text: string, error = false): void {
  if (!c.status) return;
  c.status.textContent = text;
  c.status.classList.toggle('error', error);
  c.status.hidden = text === '';
}

/** The format the form's select says (text when it has none). */
export const formatOf = (c: Composer): Format => (c.format?.value as Format | undefined) ?? 'text';

/** Moves a text post to markdown (for syntax text does not have), saying so once. */
export function toMarkdown(c: Composer): void {
  if (!c.format || formatOf(c) !== 'text') return;
  c.format.value = 'markdown';
  c.format.dispatchEvent(new Event('change', { bubbles: true }));
  say(c, c.words.switchedToMarkdown);
}

/** Replaces the selection with `text`, selecting the part from `from` to `to` of it (the whole when not given). */
export function replaceSelection(c: Composer, text: string, from = text.length, to = from): void {
  const { body } = c;
  const start = body.selectionStart;
  body.focus();
  body.setRangeText(text, start, body.selectionEnd, 'end');
  body.setSelectionRange(start + from, start + to);
  body.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The error a JSON answer carries, in the page's script when the server gave it so. */
export async function errorOf(response: Response): Promise<string> {
  try {
    const { error } = (await response.json()) as { error?: { message?: string; localized?: string } };
    return error?.localized ?? error?.message ?? String(response.status);
  } catch {
    return String(response.status);
  }
}
