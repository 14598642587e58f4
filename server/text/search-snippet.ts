import type { SourceVariant, Variant } from '../variants';
import { convertText, foldHongKong, foldScript } from './convert';
import type { ConversionRules } from './glossary';
import { htmlText } from './fingerprint';
import { pinAround, resolvePins } from './pins';

/**
 * A search hit's snippet: a short piece of the post's own text around the first place a query
 * matched, in the reader's variant, with the matches marked (<mark>) and everything else escaped.
 *
 * PostgreSQL's ts_headline would work on the folded text, which is not what anyone wrote; so the
 * snippet is cut from the original text (htmlText of the sanitized body) and converted like any
 * text a reader reads. Matches are found by folding the shown text character by character
 * (foldScript and foldHongKong keep its length), against each mark as folded and as written in
 * the text's variant (芯片 is 晶片 in a Taiwan post: the character fold alone would miss it).
 */

/** Characters a snippet shows, and how many of them come before the first match. */
const SNIPPET_CHARS = 120;
const BEFORE_MATCH = 30;
/** The first match is looked for in this much of the text; past it, the snippet is the start. */
const SCAN_CHARS = 20_000;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Text folded for finding marks, the same length as `text` (or undefined when a fold changed a length). */
function foldKeepingLength(text: string): string | undefined {
  const lower = text.toLowerCase();
  if (lower.length !== text.length) return undefined;
  const folded = foldHongKong(foldScript(lower));
  return folded.length === text.length ? folded : undefined;
}

/** The forms a mark can take in text written in `variant`, folded as foldKeepingLength folds. */
function formsIn(marks: string[], variant: SourceVariant | Variant): string[] {
  const to: Variant = variant === 'other' || variant === 'mixed' ? 'zh-tw' : variant;
  const forms = new Set<string>();
  for (const mark of marks) {
    forms.add(mark);
    const written = foldKeepingLength(convertText(mark, 'zh-hans', to));
    if (written) forms.add(written);
  }
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/** Where the forms occur in `text`, as [start, end) ranges that neither overlap nor touch, in order. */
function matches(text: string, forms: string[]): [number, number][] {
  const folded = foldKeepingLength(text);
  if (!folded || forms.length === 0) return [];
  const found: [number, number][] = [];
  for (let i = 0; i < folded.length;) {
    const form = forms.find((f) => folded.startsWith(f, i));
    if (form) {
      // Matches side by side are one mark (出口 and 管制 of "出口 管制": <mark>出口管制</mark>).
      const last = found[found.length - 1];
      if (last && last[1] === i) last[1] = i + form.length;
      else found.push([i, i + form.length]);
      i += form.length;
    } else i++;
  }
  return found;
}

/** Escaped text with the forms marked. */
function marked(text: string, forms: string[]): string {
  let out = '';
  let at = 0;
  for (const [start, end] of matches(text, forms)) {
    out += `${escapeHtml(text.slice(at, start))}<mark>${escapeHtml(text.slice(start, end))}</mark>`;
    at = end;
  }
  return out + escapeHtml(text.slice(at));
}

/** A title (already in the reader's variant, `shownIn`) escaped, with the query's marks. */
export function markTitle(title: string, marks: string[], shownIn: SourceVariant | Variant): string {
  return marked(title, formsIn(marks, shownIn));
}

/** Moves an index off the second half of a surrogate pair. */
const onCharacter = (text: string, i: number) => (i > 0 && i < text.length && /[\uDC00-\uDFFF]/.test(text[i]!) ? i - 1 : i);

/**
 * The snippet of a post's sanitized body for a query's `marks` (text/search-terms.ts): safe HTML,
 * '' for a title-only post. `from` is the post's variant; `reader` the reader's (absent: as written).
 */
export function searchSnippet(
  body: string,
  marks: string[],
  from: SourceVariant,
  reader: Variant | undefined,
  /** The glossaries of the post's board (text/glossary.ts). */
  rules?: ConversionRules,
): string {
  const plain = htmlText(body).replace(/\s+/gu, ' ').trim();
  if (!plain) return '';
  const first = matches(plain.slice(0, SCAN_CHARS), formsIn(marks, from))[0]?.[0] ?? 0;
  let start = onCharacter(plain, Math.max(0, first - BEFORE_MATCH));
  let end = onCharacter(plain, Math.min(plain.length, start + SNIPPET_CHARS));
  // A pin (text/pins.ts) is shown whole or not at all: never its syntax cut in half.
  start = pinAround(plain, start)?.[0] ?? start;
  end = pinAround(plain, end)?.[1] ?? end;
  const piece = plain.slice(start, end);
  const shown = reader ? convertText(piece, from, reader, rules) : resolvePins(piece, undefined);
  return `${start > 0 ? '…' : ''}${marked(shown, formsIn(marks, reader ?? from))}${end < plain.length ? '…' : ''}`;
}
