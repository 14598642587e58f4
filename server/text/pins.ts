import type { SourceVariant, Variant } from '../variants';

/**
 * Pins (issue 18): what an author or moderator writes inside a title or body to say how a piece of
 * text reads in each variant, where no dictionary can know, MediaWiki-style:
 *
 * - `-{原文}-` is never converted: every reader reads 原文 as written.
 * - `-{zh-hans:芯片;zh-tw:晶片}-` reads 芯片 in simplified and 晶片 in Taiwan. A variant the pin does
 *   not name falls back along FALLBACK (zh-hk → zh-hant → zh-tw, zh-hant ↔ zh-tw, then zh-hk), and
 *   past that to the first alternative given.
 * - `\-{` writes a literal `-{` (the backslash is dropped).
 *
 * A pin ends at the first `}-` after it opens and never spans a line break (an unclosed `-{` is
 * plain text). Pins do not nest. Its content is plain text in every format: a pin is taken out of
 * the source before markdown or HTML are read (text/formats.ts) and put back as the literal syntax,
 * escaped, so the stored HTML carries it in a text node and every read resolves it.
 *
 * Read without a variant (as written), a pin shows its first alternative: the same for every
 * reader of the post as written, and what "(N bytes)" counts (writtenBytes), which the composer
 * can count as the member types (client/composer.ts imports this file: keep it free of imports
 * other than types).
 *
 * This file is pure text: no conversion happens here. convert.ts converts the unpinned segments
 * (each on its own, so no dictionary phrase crosses a pin) and puts the resolved pins between them.
 */

/** Where a variant a pin does not name reads from, in order (then the pin's first alternative). */
export const FALLBACK: Readonly<Record<Variant, readonly Variant[]>> = {
  'zh-hans': [],
  'zh-hant': ['zh-tw', 'zh-hk'],
  'zh-tw': ['zh-hant', 'zh-hk'],
  'zh-hk': ['zh-hant', 'zh-tw'],
};

/** A piece of text: plain (to be converted; escapes already undone) or a pin (never converted). */
export type Segment =
  | { pinned: false; text: string; start: number; end: number }
  | {
      pinned: true;
      /** The pin as written, `-{…}-`. */
      raw: string;
      /** Per-variant alternatives in the order written, or null for a pin that is never converted. */
      alternatives: readonly (readonly [Variant, string])[] | null;
      /** What the pin holds (its text when not per variant). */
      content: string;
      start: number;
      end: number;
    };

const CODES = 'zh-hans|zh-hant|zh-tw|zh-hk';
const FIRST = new RegExp(`^\\s*(${CODES})\\s*:`);
// An alternative ends at a ';' followed by the next variant's code: a ';' elsewhere is text.
const NEXT = new RegExp(`;(?=\\s*(?:${CODES})\\s*:)`);
const ALTERNATIVE = new RegExp(`^\\s*(${CODES})\\s*:([^]*)$`);
// A pin, or an escaped opening. `[^\n]*?` stops at the first `}-` on the same line.
const TOKEN = /\\-\{|-\{([^\n]*?)\}-/g;

/** Whether text may hold a pin or an escaped `-{` (one substring test: the fast path for text without). */
export function hasPins(text: string): boolean {
  return text.includes('-{');
}

/** The alternatives of a pin's content, or null when it is not a list of `variant:text`. */
function alternativesOf(content: string): [Variant, string][] | null {
  if (!FIRST.test(content)) return null;
  const out: [Variant, string][] = [];
  for (const part of content.replace(/;\s*$/, '').split(NEXT)) {
    const m = ALTERNATIVE.exec(part);
    if (!m) return null;
    // The first alternative given for a variant counts.
    if (!out.some(([v]) => v === m[1])) out.push([m[1] as Variant, m[2]!.trim()]);
  }
  return out;
}

/**
 * Text cut into plain segments and pins, in order, with their offsets in `text`: the plain
 * segments join into the text with each `\-{` as `-{`. Text without `-{` is one plain segment.
 */
export function splitPins(text: string): Segment[] {
  if (!hasPins(text)) return [{ pinned: false, text, start: 0, end: text.length }];
  const out: Segment[] = [];
  let plain = '';
  let plainStart = 0;
  let at = 0;
  for (const m of text.matchAll(TOKEN)) {
    plain += text.slice(at, m.index);
    at = m.index + m[0].length;
    if (m[1] === undefined) {
      plain += '-{';
      continue;
    }
    if (plain || plainStart < m.index) out.push({ pinned: false, text: plain, start: plainStart, end: m.index });
    plain = '';
    plainStart = at;
    out.push({ pinned: true, raw: m[0], alternatives: alternativesOf(m[1]), content: m[1], start: m.index, end: at });
  }
  plain += text.slice(at);
  if (plain || plainStart < text.length) out.push({ pinned: false, text: plain, start: plainStart, end: text.length });
  return out;
}

/** What a pin reads as for a reader of `variant` (undefined: as written, its first alternative). */
export function pinText(pin: Extract<Segment, { pinned: true }>, variant: Variant | undefined): string {
  const alternatives = pin.alternatives;
  if (!alternatives) return pin.content;
  if (variant) {
    for (const v of [variant, ...FALLBACK[variant]]) {
      const found = alternatives.find(([code]) => code === v);
      if (found) return found[1];
    }
  }
  return alternatives[0]![1];
}

/** The variant a reader of `variant` reads pins in: SourceVariant's 'mixed' and 'other' read as written. */
export function pinVariant(variant: SourceVariant | Variant | undefined): Variant | undefined {
  return variant === 'mixed' || variant === 'other' ? undefined : variant;
}

/** Text with its pins resolved for `variant` (undefined: as written) and no conversion: for text that is never converted. */
export function resolvePins(text: string, variant: SourceVariant | Variant | undefined): string {
  if (!hasPins(text)) return text;
  const to = pinVariant(variant);
  return splitPins(text)
    .map((s) => (s.pinned ? pinText(s, to) : s.text))
    .join('');
}

/**
 * Every distinct reading of a text's pins (one per variant, and as written): what search indexes,
 * so that a pinned post is found by each alternative. Text without pins is its one reading.
 */
export function pinReadings(text: string): string[] {
  if (!hasPins(text)) return [text];
  const segments = splitPins(text);
  const read = (v: Variant | undefined) => segments.map((s) => (s.pinned ? pinText(s, v) : s.text)).join('');
  return [...new Set([read(undefined), read('zh-hans'), read('zh-hant'), read('zh-tw'), read('zh-hk')])];
}

/** The span [start, end) of the pin `at` lies inside (start < at < end), if any: for cutting text without splitting a pin. */
export function pinAround(text: string, at: number): [number, number] | undefined {
  if (!hasPins(text)) return undefined;
  for (const s of splitPins(text)) if (s.pinned && s.start < at && at < s.end) return [s.start, s.end];
  return undefined;
}

/** The source as readers read it as written (pins resolved to their first alternative): what "(N bytes)" counts. */
export function writtenText(source: string): string {
  return resolvePins(source, undefined);
}

// Placeholders for the pins of a source while its format is rendered: private-use characters,
// which no format reads as markup, around the pin's number.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/**
 * Where a source writes a link's address: a bare address (http://…, https://…, mailto:, www.),
 * which the text format and markdown link, up to white space, an angle bracket, a quote or any
 * character beyond ASCII (Chinese text often runs on right after an address); a markdown link's or
 * image's destination (`](…)`); a markdown autolink (`<http://…>`). HTML's attributes are inside
 * tags, which are never text.
 */
const ADDRESS = /(?:https?:\/\/|mailto:|www\.)[\x21\x23-\x3b\x3d\x3f-\x7e]*|\]\([^)\s]*\)?|<[a-z][a-z0-9+.-]*:[^\s<>]*>/gi;

/**
 * Takes the pins and escapes out of a source before its format is rendered, so that markdown or
 * HTML never reads what they hold (a pin is plain text; markdown would also eat the backslash of
 * `\-{`). `restore` puts them back into the sanitized HTML as their literal syntax, escaped.
 *
 * A pin inside a link's address is no pin: the address stays exactly as written (a `-{` there
 * may be a real part of it), in the link's target as the format writes it, and in its text, where
 * `restore` escapes it (`\-{`) so that no read resolves it.
 */
export function holdPins(source: string): { source: string; restore: (html: string) => string } {
  // A source that has the placeholders' characters itself is rendered as it is.
  const same = { source, restore: escapeStray };
  if (!hasPins(source) || source.includes(OPEN) || source.includes(CLOSE)) return same;
  const addresses: [number, number][] = [];
  for (const m of source.matchAll(ADDRESS)) if (m[0].includes('-{')) addresses.push([m.index, m.index + m[0].length]);
  const inAddress = (at: number) => addresses.some(([from, to]) => at >= from && at < to);
  const held: string[] = [];
  const replaced = source.replace(TOKEN, (token: string, _content: string | undefined, at: number) =>
    inAddress(at) ? token : `${OPEN}${held.push(token) - 1}${CLOSE}`,
  );
  if (held.length === 0) return same;
  return {
    source: replaced,
    restore: (html) =>
      // A `-{` the format made itself (markdown's `-\{`) is text, not a pin: written escaped.
      escapeStray(html).replace(PLACEHOLDER, (m, n: string) => {
        const token = held[Number(n)];
        return token === undefined ? m : escapeHtml(token);
      }),
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `-{` in the text of HTML (not inside tags) escaped as `\-{`, so that reading it finds no pin the source did not have. */
function escapeStray(html: string): string {
  if (!hasPins(html)) return html;
  return html
    .split(/(<[^>]*>)/)
    .map((part) => (part.startsWith('<') ? part : part.replace(/(^|[^\\])-\{/g, '$1\\-{')))
    .join('');
}

/**
 * Applies `f` (which resolves pins, converting or not) to a piece of HTML text (a text node or an
 * attribute's value, escaped): a piece with a pin is unescaped first and escaped again after, so
 * that a pin's text is read as written (the ; of an &lt; is no separator) and nothing it holds can
 * become markup. A piece without one is given to `f` as it is.
 */
export function inHtmlText(escaped: string, f: (text: string) => string): string {
  if (!hasPins(escaped)) return f(escaped);
  return escapeHtml(f(unescapeHtml(escaped)));
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };
/** Text of sanitized HTML unescaped: the named entities sanitize-html writes, and numeric ones. */
function unescapeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/**
 * Sanitized HTML with its pins resolved for `variant` (undefined: as written) and no conversion:
 * in the text (code included) and in alt and title attributes, as convertHtml resolves them.
 */
export function resolveHtmlPins(html: string, variant: SourceVariant | Variant | undefined): string {
  if (!hasPins(html)) return html;
  const resolve = (text: string) => resolvePins(text, variant);
  return html
    .split(/(<[^>]*>)/)
    .map((part) =>
      part.startsWith('<')
        ? part.replace(/\s(alt|title)="([^"]*)"/g, (_m, name: string, value: string) => ` ${name}="${inHtmlText(value, resolve)}"`)
        : inHtmlText(part, resolve),
    )
    .join('');
}

/** Text without its pins (each a space): what the script of a post is detected from, since pins are never converted. */
export function unpinned(text: string): string {
  if (!hasPins(text)) return text;
  return splitPins(text)
    .map((s) => (s.pinned ? ' ' : s.text))
    .join('');
}
