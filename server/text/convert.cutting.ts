import { indexOf, mayStart, type Pairs } from './convert.index';
import type { Stage } from './convert.stages';
import { DECIDES, LEADS, leads, type TrieNode } from './convert.tries';

// Text marked with its word boundaries for the stages (convert.stages.ts), and the cutting of its
// runs of Han characters into words where a stage needs them.

/** A boundary before this position (between two words). */
export const BOUND = 1;
/** The code unit at this position is final: later stages copy it as it is (a curated word's output). */
export const FIXED = 2;

/**
 * Inside a run of Han characters not cut into words yet: a run is cut only when a stage finds a
 * phrase there whose words matter, one that writes its characters otherwise than they would be
 * written alone (most runs never need it, and jieba costs more than all of opencc-js's matching).
 */
export const UNCUT = 4;

/** Cuts a run of Han characters into words: the pieces join back into the run. */
export type Cut = (run: string) => readonly string[];

/** Text with a flag per position, 0 to its length (BOUND, FIXED, UNCUT), and how to cut a run of it into words. */
export interface Marked {
  text: string;
  flags: Uint8Array;
  cut: Cut;
}

const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Text marked for the stages: a boundary at every position outside runs of Han characters, and
 * the runs of two characters or more UNCUT: each stage cuts the runs it needs (cutWhereDecided).
 */
export function markRuns(text: string, cut: Cut): Marked {
  const flags = new Uint8Array(text.length + 1).fill(BOUND);
  for (const m of text.matchAll(HAN_RUN)) if (m[0].length > 1) flags.fill(UNCUT, m.index + 1, m.index + m[0].length);
  return { text, flags, cut };
}

/**
 * Text marked with every run cut into words at once: what markRuns and the stages' own cutting
 * must convert alike (the tests hold them to it), at the cost of cutting everything.
 */
export function markEveryRun(text: string, cut: Cut): Marked {
  const marked = markRuns(text, cut);
  cutRuns(
    marked,
    cut,
    [...text.matchAll(HAN_RUN)].filter((m) => m[0].length > 1).map((m) => m.index),
  );
  return marked;
}

// A stage's table, by UTF-16 code unit: STARTS where an entry of its dictionary or curated words
// may start (a high surrogate stands for every character it starts), LEADS_HERE where a deciding
// phrase may start. Looking a character up in it costs far less than a Map lookup; 64 KB a stage.
export const STARTS = 1;
const LEADS_HERE = 2;
const startTables = new WeakMap<Stage, Uint8Array>();
export function startTable(stage: Stage): Uint8Array {
  let table = startTables.get(stage);
  if (table) return table;
  table = new Uint8Array(0x10000);
  for (const root of [stage.dictionary, stage.curated]) {
    for (const [cp, node] of root ?? []) {
      const unit = cp > 0xffff ? String.fromCodePoint(cp).charCodeAt(0) : cp;
      table[unit] = table[unit]! | STARTS | (node.marks! & LEADS ? LEADS_HERE : 0);
    }
  }
  startTables.set(stage, table);
  return table;
}

/** Where the longest deciding phrase at i (from `node`, its first character's) over an UNCUT position ends (0: there is none). */
function decidedEnd(node: TrieNode | undefined, text: string, flags: Uint8Array, i: number, width: number, leading?: Pairs): number {
  if (!node || !(node.marks! & LEADS)) return 0;
  if (leading && !mayStart(leading, text.charCodeAt(i), text.charCodeAt(i + width))) return 0;
  let decidedTo = 0;
  let uncut = false;
  for (let j = i + width; j < text.length;) {
    if (flags[j]! & FIXED) break;
    if (flags[j]! & UNCUT) uncut = true;
    const cp = text.codePointAt(j)!;
    j += cp > 0xffff ? 2 : 1;
    node = node.get(cp);
    if (!node || !(node.marks! & LEADS)) break;
    if (node.marks! & DECIDES && (uncut || flags[j]! & UNCUT)) decidedTo = j;
  }
  return decidedTo;
}

/**
 * Before a stage runs: cuts into words every UNCUT run where one of its deciding phrases or
 * curated words lies (any UNCUT position from its second character to its end), all of them in
 * one call of the cutter. A run left uncut comes out of the stage as its characters alone would,
 * whatever its words are, so its words are never needed there.
 */
export function cutWhereDecided(marked: Marked, stage: Stage, table: Uint8Array): void {
  const { text, flags } = marked;
  const n = text.length;
  const starts = new Set<number>(); // where each run to cut starts
  const want = (from: number, to: number) => {
    for (let k = from; k <= to; k++) {
      if (!(flags[k]! & UNCUT)) continue;
      let a = k;
      while (flags[a]! & UNCUT) a--;
      starts.add(a);
      while (k <= to && flags[k]! & UNCUT) k++;
    }
  };
  const { dictionary, curated } = stage;
  const index = indexOf(dictionary, leads);
  for (let i = 0; i < n - 1; i++) {
    // Only a phrase that starts here and goes on over an UNCUT position matters.
    const unit = text.charCodeAt(i);
    if (!(table[unit]! & LEADS_HERE) || flags[i]! & FIXED) continue;
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const decidedTo = Math.max(
      decidedEnd(width === 1 && index ? index.first[unit] : dictionary.get(cp), text, flags, i, width, index?.leading),
      curated ? decidedEnd(curated.get(cp), text, flags, i, width) : 0,
    );
    if (decidedTo) want(i, decidedTo);
  }
  if (starts.size > 0)
    cutRuns(
      marked,
      stage.cut ?? marked.cut,
      [...starts].sort((a, b) => a - b),
    );
}

/** Cuts the UNCUT runs starting at `runs` (in order) into words, in one call of `cut`. */
function cutRuns(marked: Marked, cut: Cut, runs: readonly number[]): void {
  const { text, flags } = marked;
  const n = text.length;
  const ends = runs.map((a) => {
    let b = a + 1;
    while (b < n && flags[b]! & UNCUT) b++;
    return b;
  });
  // The runs are cut as one text, one line each; a word's end inside a run is a boundary.
  const words = cut(runs.map((a, r) => text.slice(a, ends[r])).join('\n'));
  for (let r = 0; r < runs.length; r++) flags.fill(0, runs[r]! + 1, ends[r]);
  let r = 0;
  let runStart = 0; // where run r starts in the joined text
  let at = 0;
  for (const w of words) {
    at += w.length;
    while (r < runs.length && at > runStart + ends[r]! - runs[r]!) {
      runStart += ends[r]! - runs[r]! + 1;
      r++;
    }
    if (r === runs.length) break;
    if (at > runStart && at < runStart + ends[r]! - runs[r]!) flags[runs[r]! + at - runStart] = BOUND;
  }
}
