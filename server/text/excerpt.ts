import { htmlText } from './fingerprint';

/**
 * A post's opening words as plain text, for a feed entry's summary: bounded whatever the body's
 * size. Only the first EXCERPT_HTML_CHARS of the sanitized HTML are read (cut before a tag, never
 * inside one), so a 200 KB body costs what a short one does; inline tags go where they stand (a
 * bold word stays inside its sentence), block tags become spaces, white space is collapsed.
 */

/** Characters of the body's HTML an excerpt is made from. */
export const EXCERPT_HTML_CHARS = 4000;

/** The head of a sanitized body, cut before a tag or a pin it would split (conversion then sees whole tags and pins). */
export function htmlHead(html: string, chars = EXCERPT_HTML_CHARS): string {
  if (html.length <= chars) return html;
  let head = html.slice(0, chars);
  const open = head.lastIndexOf('<');
  if (open > head.lastIndexOf('>')) head = head.slice(0, open);
  // Nor a pin (text/pins.ts), whose half would show as its syntax: a pin never spans a tag.
  const pin = head.lastIndexOf('-{');
  return pin > head.lastIndexOf('}-') && pin > head.lastIndexOf('>') ? head.slice(0, pin) : head;
}

/**
 * Plain text of (the head of) sanitized HTML, cut to `chars` characters, with an ellipsis when
 * cut or when `more` says the HTML given is itself only the head of a body.
 */
export function htmlExcerpt(html: string, chars: number, more = false): string {
  const text = htmlText(htmlHead(html).replace(/<\/?(?:a|b|strong|i|em|u|s|code|span|mark)(?:\s[^>]*)?>/gi, ''));
  const all = [...text.replace(/\s+/gu, ' ').trim()];
  if (all.length <= chars && !more && html.length <= EXCERPT_HTML_CHARS) return all.join('');
  return `${all.slice(0, chars - 1).join('')}…`;
}
