import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BOUND, UNCUT } from './convert.cutting';

/**
 * The scored choices of the conversion (issue 18, "choose, don't grab"), where jieba's cut and a
 * stage's words disagree: each candidate segmentation of the few characters in question is
 * scored by jieba's own unigram model (the log of each word's frequency in its dictionary, less
 * the log of the total, summed over the words: what jieba maximises when it cuts), and a curated
 * word is given a fixed bonus for being one. Two choices use it (convert.stages.ts):
 *
 * - a curated word inside one longer jieba word (坐地铁, 公交车站, 悉尼歌剧院 hold 地铁, 公交车,
 *   悉尼): the word is split around it when the best segmentation of the word that has the curated
 *   word in it, plus the bonus, scores at least as well as the word whole. Idioms stay whole:
 *   当机立断 (frequency 162) is far likelier than 当机|立断, 坐地铁 (3) is not likelier than 坐|地铁.
 * - a regional vocabulary phrase that jieba cut as a word is held in doubt where a word that
 *   overlaps it is more than DOUBT times as frequent (低级|别的 → 低級 → 低階, but 级别 is 2.5
 *   times as frequent as 低级): the stage then leaves its characters as they are, the
 *   conservative choice, since a wrong regional word changes meaning and an unchanged one never
 *   does.
 *
 * The frequencies are read from jieba's own dictionary (the same buffer jieba loads), sorted by
 * word, by binary search over an index of its lines: 1.4 MB of line offsets, built on first use.
 */

/** The bonus, in nats, a curated word gets in a scored split (measured: docs/conversion.md). */
export const CURATED_BONUS = 8;
/** How much more frequent an overlapping word must be to put a regional phrase in doubt. */
export const DOUBT = 2;

// jieba's dictionary file, read on first use and kept (the frequencies are looked up in it).
// Read here rather than through '@node-rs/jieba/dict', which also reads and keeps its 6 MB idf file.
let dictionary: Buffer | undefined;
/** jieba's dictionary (dict.txt: word, frequency, tag a line, sorted by word), which the segmenter loads too. */
export const jiebaDictionary = (): Buffer =>
  (dictionary ??= readFileSync(path.join(path.dirname(require.resolve('@node-rs/jieba/package.json')), 'dict.txt')));

let lines: Int32Array | undefined;
let total = 0;
let logTotal = 0;
function index(): Int32Array {
  if (lines) return lines;
  const buf = jiebaDictionary();
  const starts: number[] = [];
  let at = 0;
  while (at < buf.length) {
    starts.push(at);
    // word, space, frequency, space, tag, newline
    let k = at;
    while (k < buf.length && buf[k] !== 0x20 && buf[k] !== 0x0a) k++;
    let f = 0;
    if (buf[k] === 0x20) for (k++; buf[k]! >= 0x30 && buf[k]! <= 0x39; k++) f = f * 10 + buf[k]! - 0x30;
    total += f;
    while (k < buf.length && buf[k] !== 0x0a) k++;
    at = k + 1;
  }
  logTotal = Math.log(total);
  lines = Int32Array.from(starts);
  return lines;
}

/** Compares the word of the line at `start` with `word` (UTF-8), as the dictionary is sorted. */
function compareAt(buf: Uint8Array, start: number, word: Uint8Array): number {
  for (let k = 0; ; k++) {
    const a = buf[start + k]!;
    const end = a === 0x20 || a === 0x0a || start + k >= buf.length;
    if (k === word.length) return end ? 0 : 1;
    if (end) return -1;
    if (a !== word[k]) return a - word[k]!;
  }
}

const encoder = new TextEncoder();

/** A word's frequency in jieba's dictionary (0: not in it). Simplified characters. */
export function frequency(word: string): number {
  const at = index();
  const buf = jiebaDictionary();
  const w = encoder.encode(word);
  let lo = 0;
  let hi = at.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareAt(buf, at[mid]!, w);
    if (c === 0) {
      let k = at[mid]! + w.length + 1;
      let f = 0;
      for (; buf[k]! >= 0x30 && buf[k]! <= 0x39; k++) f = f * 10 + buf[k]! - 0x30;
      return f;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** log P(word) in jieba's model; an unknown single character counts as frequency 1, as jieba's does. */
function score(word: string): number {
  const f = frequency(word);
  if (f > 0) return Math.log(f) - logTotal;
  return word.length === 1 ? -logTotal : -Infinity;
}

/**
 * The best score of a segmentation of `text` into dictionary words (and single characters) in
 * which [a, b) is one word, every word shorter than the whole text.
 */
function bestWith(text: string, a: number, b: number): number {
  index();
  const n = text.length;
  const best = new Array<number>(n + 1).fill(-Infinity);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    if (best[i] === -Infinity) continue;
    for (let j = i + 1; j <= n && j - i < n; j++) {
      if ((i < a && j > a) || (i < b && j > b) || (i > a && i < b)) continue; // [a, b) stays one word
      const s = i === a && j === b ? Math.max(score(text.slice(i, j)), -logTotal) : score(text.slice(i, j));
      if (s !== -Infinity && best[i]! + s > best[j]!) best[j] = best[i]! + s;
    }
  }
  return best[n]!;
}

/** What `convert --explain` says of a split: both candidates and their scores. */
export interface Split {
  split: boolean;
  whole: number;
  parts: number;
}

/**
 * Whether a jieba word is split around the curated word at [a, b) inside it: the best
 * segmentation holding the curated word, plus the bonus, against the word whole.
 */
export function splitAround(word: string, a: number, b: number): Split {
  const key = `${word}\u0000${a}\u0000${b}`;
  let found = splits.get(key);
  if (!found) {
    index();
    const whole = Math.max(score(word), -logTotal);
    const parts = bestWith(word, a, b) + CURATED_BONUS;
    splits.set(key, (found = { split: parts >= whole, whole, parts }));
  }
  return found;
}

// Splits decided, for the process. Bounded by construction: the word is one word of jieba's cut
// (made without guessing unknown words, so a dictionary word of at most eight characters) holding
// a curated word, whatever text it came from.
const splits = new Map<string, Split>();
/** Forgets the splits decided (for the conversion bench, which times conversions with nothing remembered). */
export function forgetSplits(): void {
  splits.clear();
}

/** What `convert --explain` says of a doubt: the overlapping word and both frequencies. */
export interface Doubt {
  word: string;
  frequency: number;
  phrase: number;
}

/**
 * Whether the phrase at [a, b) of `text` (simplified characters) is in doubt: a dictionary word
 * overlapping one of its ends (not holding it whole) more than DOUBT times as frequent.
 */
export function doubtAbout(text: string, a: number, b: number): Doubt | undefined {
  const phrase = frequency(text.slice(a, b));
  let found: Doubt | undefined;
  for (let i = Math.max(0, a - 3); i < b; i++) {
    for (let j = Math.max(i + 2, a + 1); j <= Math.min(text.length, b + 3); j++) {
      const crosses = (i < a && j > a && j < b) || (i > a && i < b && j > b);
      if (!crosses) continue;
      const f = frequency(text.slice(i, j));
      if (f > DOUBT * Math.max(phrase, 1) && (!found || f > found.frequency)) found = { word: text.slice(i, j), frequency: f, phrase };
    }
  }
  return found;
}

/**
 * Whether the curated word at [i, j), inside one word of the cut (no boundary inside that word
 * but the word goes on past it), is taken by splitting the word: the scored choice of
 * convert.lattice.ts. Returns what `convert --explain` says of it, or undefined.
 */
export function splitInside(text: string, flags: Uint8Array, i: number, j: number, simplify: (s: string) => string): string | undefined {
  let ws = i;
  while (ws > 0 && !(flags[ws]! & BOUND)) ws--;
  let we = j;
  while (we < text.length && !(flags[we]! & BOUND)) we++;
  for (let k = ws + 1; k < we; k++) if (flags[k]! & (BOUND | UNCUT)) return undefined;
  if (we - ws > 8) return undefined;
  const key = `${text.slice(ws, we)}\u0000${i - ws}\u0000${j - ws}`;
  let said = splitsSaid.get(key);
  if (said === undefined) {
    const word = simplify(text.slice(ws, we));
    const split = word.length === we - ws ? splitAround(word, i - ws, j - ws) : undefined;
    said = split?.split
      ? `${word} split around ${word.slice(i - ws, j - ws)}: ${split.parts.toFixed(1)} (with the curated word's bonus) against ${split.whole.toFixed(1)} for the word whole`
      : '';
    splitsSaid.set(key, said);
  }
  return said || undefined;
}

// What splitInside decided, by the word as the stage read it, for the process. Bounded by
// construction: one word of jieba's cut (a dictionary word of at most eight characters, in either
// script) holding a curated word.
const splitsSaid = new Map<string, string>();
/** Forgets what splitInside decided (for the conversion bench, which times conversions with nothing remembered). */
export function forgetSplitsSaid(): void {
  splitsSaid.clear();
}
