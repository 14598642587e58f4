/**
 * A body's source formats (issue 16): what a member writes is kept as written (the source), and
 * rendered once, on write, to the HTML every page shows. Every format ends in the one allowlist
 * (text/sanitize.ts cleanBody), so what a format can produce is never more than that allows.
 *
 * - `text`: what you type is what you get. Blank lines make paragraphs, single line breaks stay,
 *   addresses (http, https) become links; "<", "&" and the like are text, never markup.
 * - `markdown`: CommonMark by markdown-it, with raw HTML off (it shows as text) and single line
 *   breaks kept, as Chinese text needs: emphasis, lists, quotes, code, links and images.
 * - `html`: HTML through the allowlist (the JSON API only; forms offer text and markdown).
 *
 * The same function renders a post, its preview and `posts:resanitize`, so a preview is exactly
 * what will be stored.
 */

import MarkdownIt from 'markdown-it';
import { holdPins } from './pins';
import { QUOTE_ATTRIBUTION } from './quotes';
import { cleanBody } from './sanitize';

/** Every format a body can be written in. */
export const FORMATS = ['text', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** The formats a form offers (html stays the API's). */
export const FORM_FORMATS = ['text', 'markdown'] as const satisfies readonly Format[];

/** A body as written and as shown. */
export interface Rendered {
  /** What the author wrote, line breaks as \n and NFC; '' when it shows nothing (a title-only post). */
  source: string;
  /** The sanitized HTML pages show; '' for a title-only post. */
  html: string;
}

/**
 * The source as stored and counted ("(N bytes)"): line breaks as \n (a form sends \r\n) and
 * characters composed (NFC); only white space is no body at all.
 */
export function normalizeSource(input: string): string {
  const source = input.replace(/\r\n?/g, '\n').normalize('NFC');
  return source.trim() ? source : '';
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (s: string) => escapeText(s).replace(/"/g, '&quot;');

// An address in running text: http(s) and the characters URLs are made of (RFC 3986), so it ends
// at white space, at any non-ASCII character (Chinese text often runs on right after an address,
// with no space: "見https://example.com/a。") and at quotes and angle brackets. Braces too, which
// RFC 3986 leaves out but addresses are written with: a `-{` in an address is part of it, never a
// pin (text/pins.ts holdPins), so the address is linked as written.
const ADDRESS = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&()*+,;=%{}]+/g;
// Punctuation that ends a sentence rather than the address; a closing parenthesis only when it
// has no opening one inside the address ("(see https://example.com/a)").
const TRAILING = /[.,;:!?]+$/;

/** Splits an address from the punctuation written after it. */
function trimAddress(address: string): string {
  let url = address.replace(TRAILING, '');
  while (url.endsWith(')') && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0))
    url = url.slice(0, -1).replace(TRAILING, '');
  return url;
}

/** One paragraph of text, escaped, with its addresses linked. */
function textParagraph(text: string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(ADDRESS)) {
    const url = trimAddress(m[0]);
    if (url.length <= 'https://'.length) continue;
    out += escapeText(text.slice(at, m.index)) + `<a href="${escapeAttribute(url)}">${escapeText(url)}</a>`;
    at = m.index + url.length;
  }
  return out + escapeText(text.slice(at));
}

/** Paragraphs on blank lines, <br /> on single line breaks, addresses linked; a quote's first line may name its source. */
function textParagraphs(text: string, quoted: boolean): string {
  return text
    .split(/\n[ \t]*\n+/)
    .map((para) => para.trim())
    .filter(Boolean)
    .map((para, i) => {
      // A quote's attribution (text/quotes.ts), "[name](/t/123) 寫道：", is the one link syntax
      // text has, and only there: rendered as markdown renders the same line.
      const by = quoted && i === 0 ? QUOTE_ATTRIBUTION.exec(para) : null;
      const head = by ? `<a href="/t/${by[2]}">${escapeText(by[1]!)}</a>` : '';
      const rest = by ? para.slice(by[0].length) : para;
      return `<p>${head}${textParagraph(rest).replace(/\n/g, '<br />')}</p>`;
    })
    .join('');
}

/**
 * Plain text: paragraphs on blank lines, <br /> on single line breaks, addresses linked. Lines
 * starting with ">" are a quote, as in e-mail and markdown (">>" a quote inside a quote): a run of
 * them is one <blockquote>, whose first line may name where it comes from (text/quotes.ts).
 */
function textToHtml(text: string, quote = false): string {
  let out = '';
  let run: string[] = [];
  let quoting = false;
  let first = true;
  const flush = () => {
    if (run.length === 0) return;
    const inner = run.join('\n');
    out += quoting ? `<blockquote>${textToHtml(inner, true)}</blockquote>` : textParagraphs(inner, quote && first);
    run = [];
    first = false;
  };
  for (const line of text.split('\n')) {
    const quoted = line.startsWith('>');
    if (quoted !== quoting) flush();
    quoting = quoted;
    run.push(quoted ? line.replace(/^> ?/, '') : line);
  }
  flush();
  return out;
}

// Raw HTML off: a tag written in markdown is shown as text. Tables are off (the allowlist has no
// table: their cells would run together); headings are shown as a bold paragraph (the allowlist
// has no h1–h6, and a post's own title is its only heading). markdown-it's own link check already
// refuses javascript:, vbscript:, file: and data: (but images'), and the allowlist refuses any
// scheme but http(s) and mailto (images: http(s) only) after it.
const markdown = new MarkdownIt('commonmark', { html: false, linkify: true, breaks: true, typographer: false });
markdown.enable(['linkify', 'strikethrough']);
markdown.renderer.rules.heading_open = () => '<p><strong>';
markdown.renderer.rules.heading_close = () => '</strong></p>\n';

/**
 * Renders a body written in `format`: the source as stored and the sanitized HTML shown. A body
 * that shows nothing (white space, an empty list, HTML that is all refused) is '' both ways.
 */
export function renderBody(format: Format, input: string): Rendered {
  const source = normalizeSource(input);
  if (!source) return { source: '', html: '' };
  // Pins (text/pins.ts) are plain text in every format: held out of the format's reach, and put
  // back into the sanitized HTML as their literal syntax, escaped, for each read to resolve.
  const held = holdPins(source);
  const s = held.source;
  const html = held.restore(cleanBody(format === 'text' ? textToHtml(s) : format === 'markdown' ? markdown.render(s) : s));
  return html ? { source, html } : { source: '', html: '' };
}

// Deprecated: how a body sent without a format was read before formats existed.
const LOOKS_LIKE_HTML = /<[a-zA-Z/!]/;

/**
 * The format of a post's body sent without one (the JSON API before formats): HTML
 * when it holds anything like a tag, else text. Deprecated: "a<b" reads as HTML (and keeps only
 * "a"); a client sends `format` instead.
 */
export function guessFormat(input: string): 'text' | 'html' {
  return LOOKS_LIKE_HTML.test(input) ? 'html' : 'text';
}

/** A body sent without a format, rendered as the guess reads it (guessFormat): its sanitized HTML. */
export function sanitizeBody(input: string): string {
  return renderBody(guessFormat(input), input).html;
}
