import { setImmediate as nextTurn } from 'node:timers/promises';
import { diffChars } from 'diff';
import type { TextCache } from '../caches';
import type { SourceVariant, Variant } from '../text/convert';
import { type ShownOn, textFor, textsFor, versionOn } from '../text/localize';
import { escapeHtml } from '../views/html';

/**
 * What changed between two versions of a post, as HTML with <ins>/<del>, for `/t/:id/revisions`.
 *
 * A character diff (what CJK text needs: no spaces between words) costs time that grows with the
 * square of the number of changes, and a post has up to 100 KB: one pair of rewritten long bodies
 * took 200 ms, and a page of a hundred of them blocked the process for twenty seconds. So the work
 * is bounded three ways: the common start and end are set aside before diffing; the diff gives up
 * past DIFF_MAX_EDITS changes (or DIFF_TIMEOUT_MS, a backstop for inputs built to be slow), and
 * the pair is then shown as the old text removed and the new one added; and a page yields to the
 * event loop before every costly step, so other requests (and /healthz) are answered in between.
 * Each rendered pair is cached in the app's diff cache (caches.ts), bounded by bytes.
 */

/** Past this many inserted plus removed characters, a pair is shown whole rather than diffed. */
export const DIFF_MAX_EDITS = 500;
/** Upper bound on the time one pair may take, whatever its shape. */
export const DIFF_TIMEOUT_MS = 100;
/** Stored HTML as text (for the edit box and for diffs): paragraphs and breaks become new lines. */
export function bodyText(html: string): string {
  return html
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<\/(p|li|blockquote|pre)>/g, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * `before` → `after` as escaped HTML with <del> and <ins>: a character diff when it is cheap
 * enough, else the changed middle removed and added whole (both texts whole when they share
 * neither their start nor their end).
 */
export function diffHtml(before: string, after: string): string {
  if (before === after) return escapeHtml(after);
  // The common start and end, cut so that no surrogate pair is split (the diff counts code points).
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  if (end > 0 && isLowSurrogate(before.charCodeAt(before.length - end))) end--;
  const removed = before.slice(start, before.length - end);
  const added = after.slice(start, after.length - end);
  const head = escapeHtml(before.slice(0, start));
  const tail = escapeHtml(before.slice(before.length - end));
  const whole = () =>
    `${head}${removed ? `<del>${escapeHtml(removed)}</del>` : ''}${added ? `<ins>${escapeHtml(added)}</ins>` : ''}${tail}`;
  if (!removed || !added) return whole(); // only added or only removed: nothing to diff
  const parts = diffChars(removed, added, { maxEditLength: DIFF_MAX_EDITS, timeout: DIFF_TIMEOUT_MS });
  if (!parts) return whole();
  let out = head;
  for (const p of parts)
    out += p.added ? `<ins>${escapeHtml(p.value)}</ins>` : p.removed ? `<del>${escapeHtml(p.value)}</del>` : escapeHtml(p.value);
  return out + tail;
}

/** One version's content, as the revisions service gives it. */
export interface VersionText {
  revision: number;
  title: string;
  /** Sanitized HTML. */
  body: string;
  bytes: number;
}

/** A version to show, and the one it is compared with (null: shown whole). */
export interface VersionPair {
  before: VersionText | null;
  after: VersionText;
}

/**
 * The rendered diff of each pair (title and body), in the reader's variant (undefined: as
 * written), from the cache or computed one step at a time, yielding to the event loop in between.
 */
export async function renderDiffs(
  /** Rendered pairs, keyed by post, both revisions, variant and who may see hidden ones. */
  cache: TextCache,
  postId: string,
  pairs: VersionPair[],
  variant: Variant | undefined,
  seesHidden: boolean,
  /** The script the post is written in (the post's own, as its page converts it). */
  source: SourceVariant,
  /** Where the post is shown: its board's glossaries convert it, and their version is in the key (text/localize.ts). */
  on: ShownOn,
): Promise<string[]> {
  const texts = new Map<number, { title: string; body: string }>();
  const textOf = async (v: VersionText) => {
    let text = texts.get(v.revision);
    if (!text) {
      await nextTurn();
      text = { title: v.title, body: bodyText(v.body) };
      if (variant) {
        // Every version from the same script: converted each from its own detected script, an
        // unchanged title could come out differently on either side and show as a change.
        const [title, body] = textsFor(on, [text.title, text.body], source, variant);
        text = { title: title!, body: body! };
      } else text = { title: textFor(on, text.title, 'other', undefined), body: textFor(on, text.body, 'other', undefined) };
      texts.set(v.revision, text);
    }
    return text;
  };
  const out: string[] = [];
  for (const { before, after } of pairs) {
    // Bytes are in the key because `gentie posts:resanitize` can change the current version in place.
    const key = [
      postId,
      before ? `${before.revision}/${before.bytes}` : '-',
      `${after.revision}/${after.bytes}`,
      source,
      variant ?? 'original',
      seesHidden ? 'all' : 'visible',
      variant ? versionOn(on) : '',
    ].join(':');
    let html = cache.get(key);
    if (html === undefined) {
      const a = await textOf(after);
      const b = before ? await textOf(before) : null;
      const title = b ? diffHtml(b.title, a.title) : escapeHtml(a.title);
      await nextTurn();
      const body = b ? diffHtml(b.body, a.body) : escapeHtml(a.body);
      html = `<p class="diff-title">${title}</p><pre class="diff-body">${body}</pre>`;
      cache.set(key, html);
    }
    out.push(html);
  }
  return out;
}
