import { OpenCC } from './opencc';

/**
 * The engine under convert.ts: opencc-js's dictionaries matched greedily from left to right, as
 * opencc-js does, but over text that carries its word boundaries (jieba's cut) from stage to
 * stage, so that no stage matches a phrase across words.
 *
 * opencc-js runs each dictionary stage over the whole text (or over its own coarse segments), so
 * a phrase can start in one word and end inside the next: 低|级别 matched 低級 (→ 低階別), 更加|蓬松
 * matched 加蓬 (→ 更加彭鬆), 安全|角落 matched 全角 (→ 安全形落). Here a phrase never changes part
 * of a word beyond what its characters alone would give:
 *
 * - a phrase crossing a word boundary may end inside a word only where it writes that part as the
 *   characters alone would, and then decides only up to that word (周|线图 → 週線圖);
 * - script stages (simplified → traditional and back) let a phrase ending on a boundary start
 *   inside a word (那只|猫 still matches 只猫 → 隻貓; 一个|中心 no longer matches 个中);
 * - regional stages (Taiwan and Hong Kong vocabulary and forms) hold the start to the same rule as
 *   the end (低|級別 cannot match 低級).
 *
 * Curated words (convert.overrides.ts) are matched only as whole words (they start and end on
 * boundaries), and only where the stage's dictionary has no longer phrase at the same place: a
 * curated 網路 never splits the dictionary's 網際網路, nor 記憶體 its 快閃記憶體.
 *
 * Positions are UTF-16 code units. Each stage hands the next its output with the boundaries
 * carried across: inside a replacement of the same length they stay where they were; a
 * replacement of another length is one word.
 */

/** A boundary before this position (between two words). */
export const BOUND = 1;
/** The code unit at this position is final: later stages copy it as it is (a curated word's output). */
export const FIXED = 2;

/**
 * Inside a run of Han characters not cut into words yet: runs are cut only when a stage finds a
 * phrase that could span words there (most runs never need it, and jieba is the costliest part).
 */
export const UNCUT = 4;

/** Text with a flag per position, 0 to its length (BOUND, FIXED, UNCUT), and how to cut a run of it into words. */
export interface Marked {
  text: string;
  flags: Uint8Array;
  cut: (run: string) => readonly string[];
}

// opencc-js's Trie keeps its nodes as Maps keyed by code point, each with its replacement, if it
// ends a word, in trie_val. Matching walks them directly: every prefix of a phrase is looked at
// once, and a phrase refused by the rules costs no second lookup.
interface TrieNode extends Map<number, TrieNode> {
  trie_val?: string;
}
type Trie = InstanceType<typeof OpenCC.Trie>;
/** An opencc-js dictionary group: dictionaries, each a string of `from to` pairs or a list of pairs. */
export type DictGroup = readonly (string | readonly (readonly [string, string])[])[];

function rootOf(trie: Trie): TrieNode {
  const root = (trie as unknown as { map?: unknown }).map;
  if (!(root instanceof Map)) throw new Error('opencc-js Trie has no map of nodes: its internals changed');
  return root as TrieNode;
}

/** A dictionary's root node, from a trie made elsewhere (the curated words' tries). */
export function nodesOf(trie: Trie): TrieNode {
  return rootOf(trie);
}

// One trie per dictionary group, for the process: they hold dictionaries, never a reader's text.
const tries = new Map<DictGroup, TrieNode>();

/** The matching root of an opencc-js dictionary group (built on first use). */
export function groupNodes(group: DictGroup): TrieNode {
  let root = tries.get(group);
  if (!root) {
    const trie = new OpenCC.Trie();
    trie.loadDictGroup(group);
    root = rootOf(trie);
    tries.set(group, root);
  }
  return root;
}

/** A trie of whole words, from pairs. */
export function wordNodes(pairs: Iterable<[string, string]>): TrieNode {
  const trie = new OpenCC.Trie();
  trie.loadDict([...pairs]);
  return rootOf(trie);
}

/** Which phrases may cross a word boundary: `end` (they must end on one), `whole` (start and end on one). */
export type CrossingRule = 'end' | 'whole';

export interface Stage {
  dictionary: TrieNode;
  rule: CrossingRule;
  /** Curated whole words, preferred to a dictionary phrase no longer than they are. */
  curated?: TrieNode;
  /** Whether the curated words' output is final (FIXED): later stages leave it alone. */
  curatedFinal?: boolean;
}

/**
 * One stage over marked text: at each position the longest phrase the rules allow (or the curated
 * word there, when the phrase is no longer), else the character as it is.
 */
export function runStage(input: Marked, stage: Stage): Marked {
  const { text, flags } = input;
  const n = text.length;
  const { dictionary, rule, curated } = stage;
  const whole = rule === 'whole';
  const curatedFlag = stage.curatedFinal ? FIXED : 0;
  let out = new Uint8Array(n + 1);
  const parts: string[] = [];
  let o = 0; // length of the output so far
  let copied = 0; // input before this has been written
  const room = (size: number) => {
    if (size < out.length) return;
    const bigger = new Uint8Array(Math.max(size + 1, out.length * 2));
    bigger.set(out);
    out = bigger;
  };
  const copyTo = (to: number) => {
    if (to <= copied) return;
    parts.push(text.slice(copied, to));
    room(o + to - copied);
    out.set(flags.subarray(copied, to), o);
    o += to - copied;
  };

  const candidates: (number | string)[] = [];
  for (let i = 0; i < n;) {
    const first = text.codePointAt(i)!;
    const width = first > 0xffff ? 2 : 1;
    if (flags[i]! & FIXED || (!dictionary.has(first) && !curated?.has(first))) {
      i += width;
      continue;
    }
    // A phrase of several characters may start here: its run needs its words.
    if ((flags[i]! | flags[i + width]!) & UNCUT && startsPhrase(stage, text, i, width)) cutRun(input, i);
    // Every dictionary phrase at i: its end, the last word boundary inside it (0: none), its value.
    candidates.length = 0;
    let firstBound = 0;
    let lastBound = 0;
    let node: TrieNode | undefined = dictionary;
    for (let j = i; j < n;) {
      if (flags[j]! & FIXED) break;
      const cp = text.codePointAt(j)!;
      j += cp > 0xffff ? 2 : 1;
      node = node.get(cp);
      if (!node) break;
      if (node.trie_val !== undefined) candidates.push(j, lastBound, node.trie_val);
      if (flags[j]! & BOUND) {
        firstBound ||= j;
        lastBound = j;
      }
    }
    // The longest one the rules allow, and how much of it is used (up to `end`).
    let end = 0;
    let value: string | undefined;
    for (let c = candidates.length - 3; c >= 0 && value === undefined; c -= 3) {
      const j = candidates[c] as number;
      const inside = candidates[c + 1] as number;
      const v = candidates[c + 2] as string;
      if (inside === 0) {
        end = j;
        value = v;
        break;
      }
      const aligned = v.length === j - i;
      const startsInside = !(flags[i]! & BOUND);
      // Ending inside a word: allowed only where the phrase writes that word's part as the
      // characters alone would (周|线图 → 週線圖), and then it decides only up to that word.
      let usedTo = j;
      if (!(flags[j]! & BOUND)) {
        if (!aligned || !asCharacters(dictionary, text, inside, j, v, i)) continue;
        usedTo = inside;
      }
      // Starting inside a word: free for a script phrase that ends on a boundary (那只|猫 →
      // 隻貓); otherwise it must leave that word's part as the characters alone would (一个|中心
      // is not 箇中, 低|级别 is not 低階).
      if (startsInside && (whole || usedTo !== j) && !(aligned && asCharacters(dictionary, text, i, firstBound, v, i))) continue;
      end = usedTo;
      value = usedTo === j ? v : v.slice(0, usedTo - i);
    }
    // The longest curated word at i: whole words only.
    let isCurated = false;
    if (curated && flags[i]! & BOUND) {
      let c: TrieNode | undefined = curated;
      for (let j = i; j < n && c;) {
        if (flags[j]! & FIXED) break;
        const cp = text.codePointAt(j)!;
        j += cp > 0xffff ? 2 : 1;
        c = c.get(cp);
        if (!c) break;
        if (c.trie_val !== undefined && flags[j]! & BOUND && j >= end) {
          end = j;
          value = c.trie_val;
          isCurated = true;
        }
      }
    }
    if (value === undefined) {
      i += width;
      continue;
    }
    copyTo(i);
    room(o + value.length);
    const extra = isCurated ? curatedFlag : 0;
    out[o] = (flags[i]! & (BOUND | UNCUT)) | extra;
    if (value.length === end - i) for (let k = 1; k < value.length; k++) out[o + k] = (flags[i + k]! & (BOUND | UNCUT)) | extra;
    else for (let k = 1; k < value.length; k++) out[o + k] = (flags[i]! & UNCUT) | extra;
    parts.push(value);
    o += value.length;
    i = copied = end;
  }
  copyTo(n);
  room(o);
  out[o] = BOUND;
  return { text: parts.length === 1 ? parts[0]! : parts.join(''), flags: out.subarray(0, o + 1), cut: input.cut };
}

/** Cuts the run of Han characters around position i into words (its flags change in place). */
function cutRun(marked: Marked, i: number): void {
  const { text, flags } = marked;
  let a = i;
  while (a > 0 && flags[a]! & UNCUT) a--;
  let b = i + 1;
  while (b < text.length && flags[b]! & UNCUT) b++;
  for (let k = a + 1; k < b; k++) flags[k] = flags[k]! & ~(UNCUT | BOUND);
  let at = a;
  for (const w of marked.cut(text.slice(a, b))) {
    at += w.length;
    if (at < b) flags[at] = flags[at]! | BOUND;
  }
}

/**
 * Whether a phrase's value, over text[from, to), writes each character as the dictionary's entry
 * for that character alone does (or leaves it as it is when there is none). `v` is the value of
 * the phrase that starts at `start`, as long as its source.
 */
function asCharacters(dictionary: TrieNode, text: string, from: number, to: number, v: string, start: number): boolean {
  for (let k = from; k < to;) {
    const cp = text.codePointAt(k)!;
    const width = cp > 0xffff ? 2 : 1;
    const alone = dictionary.get(cp)?.trie_val ?? text.slice(k, k + width);
    if (v.slice(k - start, k - start + alone.length) !== alone) return false;
    k += width;
  }
  return true;
}

/** Text through stages in turn. */
export function runStages(input: Marked, stages: readonly Stage[]): string {
  let marked = input;
  for (const stage of stages) marked = runStage(marked, stage);
  return marked.text;
}

const HAN_RUN = /\p{Script=Han}+/gu;

/** Whether a phrase or curated word of two characters or more may start at i (its first two are a prefix of one). */
function startsPhrase(stage: Stage, text: string, i: number, width: number): boolean {
  if (i + width >= text.length) return false;
  const first = text.codePointAt(i)!;
  const second = text.codePointAt(i + width)!;
  return stage.dictionary.get(first)?.get(second) !== undefined || stage.curated?.get(first)?.get(second) !== undefined;
}

/**
 * Text marked for the stages: a boundary at every position outside runs of Han characters, and
 * the runs where one of the stages may match a phrase cut into words by `cut`, all in one call
 * (a call into jieba costs more than the cutting). Other runs stay UNCUT until a stage needs them.
 */
export function markRuns(text: string, cut: (run: string) => readonly string[], stages: readonly Stage[]): Marked {
  const flags = new Uint8Array(text.length + 1).fill(BOUND);
  const batch: [start: number, run: string][] = [];
  for (const m of text.matchAll(HAN_RUN)) {
    const run = m[0];
    const start = m.index;
    if (run.length === 1) continue;
    flags.fill(UNCUT, start + 1, start + run.length);
    outer: for (let k = start; k < start + run.length - 1; k++) {
      const width = text.codePointAt(k)! > 0xffff ? 2 : 1;
      for (const stage of stages) {
        if (startsPhrase(stage, text, k, width)) {
          batch.push([start, run]);
          break outer;
        }
      }
    }
  }
  if (batch.length > 0) {
    for (const [start, run] of batch) flags.fill(0, start + 1, start + run.length);
    // The runs are cut as one text, one line each; a word's end inside a run is a boundary.
    let b = 0;
    let runStart = 0; // where run b starts in the joined text
    let at = 0;
    for (const w of cut(batch.map(([, run]) => run).join('\n'))) {
      at += w.length;
      while (b < batch.length && at > runStart + batch[b]![1].length) {
        runStart += batch[b]![1].length + 1;
        b++;
      }
      if (b === batch.length) break;
      const [start, run] = batch[b]!;
      if (at > runStart && at < runStart + run.length) flags[start + at - runStart] = BOUND;
    }
  }
  return { text, flags, cut };
}
