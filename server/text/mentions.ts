/**
 * `@name` mentions in what members write. Chinese has no spaces, so the text after `@` does not
 * say where a name ends: "@張三你好" mentions 張三 if there is such a member, or 張三你 if that is
 * one too (the longest existing name wins). This module finds the places and the text that could
 * be a name (pure text work); the posts layer asks the database which prefixes are members
 * (posts/posts.mentions.ts) and this module then links them.
 *
 * In a body, a mention is only looked for in text a reader reads as text: not inside <code> or
 * <pre>, not inside a link. A linked mention is stored as <a href="/u/<name>" class="mention">@…</a>
 * (the sanitizer keeps exactly that form); conversion leaves its text alone (text/convert.ts), so a
 * name is never shown in another script.
 */

import { hasPins, splitPins } from './pins';

/** The most characters a name has (members/names.ts NAME_MAX; repeated here, beneath members/). */
export const MENTION_NAME_MAX = 24;
/** The fewest (NAME_MIN). */
export const MENTION_NAME_MIN = 2;
/** Places looked at per post: past these, an `@` is left as text (and no lookup grows with it). */
export const MENTION_SCAN_MAX = 50;

/** One `@` and the text after it that could be (the start of) a name. */
export interface MentionRun {
  /** Where the `@` is, in the text it was found in. */
  index: number;
  /** The characters after `@` that names may hold, at most MENTION_NAME_MAX of them. */
  run: string;
}

// Characters a name may hold (members/names.ts NAME_PATTERN), the first a letter or digit.
const NAME_CHAR = /[\p{L}\p{M}\p{N}_\-.·]/u;
const NAME_START = /[\p{L}\p{N}]/u;
// Before an `@` these make it an address (someone@example.com), not a mention.
const ADDRESS_CHAR = /[A-Za-z0-9._%+-]/;

/** Every place in plain text where `@` (or the full-width ＠) is followed by what could be a name. */
export function mentionRuns(text: string): MentionRun[] {
  const runs: MentionRun[] = [];
  const pins = hasPins(text) ? splitPins(text).flatMap((s) => (s.pinned ? [[s.start, s.end] as const] : [])) : undefined;
  for (let i = text.search(/[@＠]/); i !== -1 && i < text.length;) {
    const before = i > 0 ? text[i - 1]! : '';
    const chars = [...text.slice(i + 1, i + 1 + MENTION_NAME_MAX * 2)];
    let taken = 0;
    while (taken < chars.length && taken < MENTION_NAME_MAX && NAME_CHAR.test(chars[taken]!)) taken++;
    let run = chars.slice(0, taken).join('');
    // A pin (text/pins.ts) is plain text: no mention inside one, nor one that runs into one.
    const pin = pins?.find(([, end]) => end > i);
    if (pin && pin[0] <= i) taken = 0;
    else if (pin && i + 1 + run.length > pin[0]) {
      run = text.slice(i + 1, pin[0]);
      taken = [...run].length;
    }
    if (!ADDRESS_CHAR.test(before) && taken >= MENTION_NAME_MIN && NAME_START.test(chars[0]!)) runs.push({ index: i, run });
    const next = text.slice(i + 1).search(/[@＠]/);
    i = next === -1 ? -1 : i + 1 + next;
  }
  return runs;
}

/** The prefixes of a run that could be names, longest first. */
export function namePrefixes(run: string): string[] {
  const chars = [...run];
  const out: string[] = [];
  for (let n = Math.min(chars.length, MENTION_NAME_MAX); n >= MENTION_NAME_MIN; n--) out.push(chars.slice(0, n).join(''));
  return out;
}

// Tags of sanitized HTML, and our own mention links as stored.
const TAG = /(<[^>]*>)/;
const MENTION_LINK = /<a href="[^"]*" class="mention">([^<]*)<\/a>/g;
const OPENS_VERBATIM = /^<(code|pre|a)\b/;
const CLOSES_VERBATIM = /^<\/(code|pre|a)\b/;

/**
 * Walks the text of sanitized HTML a reader reads as text (outside <code>, <pre> and links),
 * giving each piece to `each`, which returns what to put in its place. Tags stay as they are.
 */
function mapReadText(html: string, each: (text: string) => string): string {
  let depth = 0;
  return html
    .split(TAG)
    .map((part) => {
      if (part.startsWith('<')) {
        if (OPENS_VERBATIM.test(part)) depth++;
        else if (CLOSES_VERBATIM.test(part)) depth = Math.max(0, depth - 1);
        return part;
      }
      return depth > 0 || part === '' ? part : each(part);
    })
    .join('');
}

/** A body with its mention links turned back into the text they hold (before scanning it again). */
export function unlinkMentions(html: string): string {
  return html.includes('class="mention"') ? html.replace(MENTION_LINK, '$1') : html;
}

/** The mention runs of a title (plain text) and a sanitized body without mention links, title first. */
export function mentionRunsOf(title: string, body: string): string[] {
  const runs = mentionRuns(title).map((r) => r.run);
  if (body.includes('@') || body.includes('＠')) mapReadText(body, (text) => (runs.push(...mentionRuns(text).map((r) => r.run)), text));
  return runs.slice(0, MENTION_SCAN_MAX);
}

/** A member a mention resolved to: their name as stored, and how many characters of the run it took. */
export interface Mentioned {
  name: string;
  length: number;
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Links each mention of a sanitized body (without mention links) to its member's page: `resolve`
 * says which member a run names (its longest existing name), or undefined. At most
 * MENTION_SCAN_MAX places are looked at, as mentionRunsOf does.
 */
export function linkMentions(html: string, resolve: (run: string) => Mentioned | undefined, budget = MENTION_SCAN_MAX): string {
  let left = budget;
  return mapReadText(html, (text) => {
    let out = '';
    let at = 0;
    for (const { index, run } of mentionRuns(text)) {
      if (left <= 0) break;
      left--;
      const found = resolve(run);
      if (!found) continue;
      const written = `${text[index]}${[...run].slice(0, found.length).join('')}`;
      out += text.slice(at, index);
      out += `<a href="/u/${encodeURIComponent(found.name)}" class="mention">${escapeText(written)}</a>`;
      at = index + written.length;
    }
    return out + text.slice(at);
  });
}
