/**
 * The composer's toolbar (bold, quote, link, image, list): each button writes its format's syntax
 * around the selection. Text has only quotes ("> " lines, server/text/quotes.ts), so the others move
 * a text post to markdown first, and say so (composer.core.ts toMarkdown).
 */
import { type Composer, replaceSelection, toMarkdown } from './composer.core';

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

/** Shows the form's toolbar and makes its buttons write. */
export function setUpToolbar(c: Composer): void {
  const toolbar = c.form.querySelector<HTMLElement>('.toolbar');
  if (!toolbar) return;
  toolbar.hidden = false;
  toolbar.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('button[data-insert]');
    if (button) insert(c, button.dataset.insert ?? '');
  });
}
