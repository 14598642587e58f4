import { type ContextRule, type ContextRules, ruleAt } from './convert.context';
import { type Pairs, indexOf, mayStart } from './convert.index';
import { doubtAbout, splitAround } from './convert.lattice';
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

// opencc-js's Trie keeps its nodes as Maps keyed by code point, each with its replacement, if it
// ends a word, in trie_val. Matching walks them directly: every prefix of a phrase is looked at
// once, and a phrase refused by the rules costs no second lookup.
interface TrieNode extends Map<number, TrieNode> {
  trie_val?: string;
  /**
   * Set by `decisive` on the nodes of a dictionary: `DECIDES` where the phrase ending here writes
   * its characters otherwise than the dictionary writes each alone (only such a phrase makes its
   * words matter: any other, matched or not, prints the same), `LEADS` where such a phrase ends
   * here or further on.
   */
  marks?: number;
}
const DECIDES = 1;
const LEADS = 2;
const leads = (node: TrieNode) => (node.marks! & LEADS) !== 0;
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
  return decisive(rootOf(trie), true);
}

// One trie per dictionary group, for the process: they hold dictionaries, never a reader's text.
// Kept by the group's dictionaries, not by the group: opencc-js's configs each write their own
// array of the same dictionaries (s2tw, s2twp and s2hk all start with [STPhrases, …, STCharacters]),
// and that trie alone is ~20 MB of Maps, so keyed by the array it was built three times over.
const tries: { group: DictGroup; root: TrieNode }[] = [];
const sameDictionaries = (a: DictGroup, b: DictGroup) => a.length === b.length && a.every((d, k) => d === b[k]);

/** The matching root of an opencc-js dictionary group (built on first use, shared by every group of the same dictionaries). */
export function groupNodes(group: DictGroup): TrieNode {
  const found = tries.find((t) => t.group === group || sameDictionaries(t.group, group));
  if (found) return found.root;
  const trie = new OpenCC.Trie();
  trie.loadDictGroup(group);
  const root = decisive(rootOf(trie), false);
  tries.push({ group, root });
  return root;
}

/** A trie of whole words, from pairs. */
export function wordNodes(pairs: Iterable<[string, string]>): TrieNode {
  const trie = new OpenCC.Trie();
  trie.loadDict([...pairs]);
  return decisive(rootOf(trie), true);
}

/**
 * Marks a dictionary's phrases of two characters or more that decide something (DECIDES, LEADS on
 * the way to them), once, when the dictionary is built. Every curated word decides: it must be a
 * whole word, so its words always matter.
 */
function decisive(root: TrieNode, all: boolean): TrieNode {
  const walk = (node: TrieNode, depth: number, alone: string): boolean => {
    let leads = false;
    for (const [cp, child] of node) {
      const ch = String.fromCodePoint(cp);
      const written = alone + (root.get(cp)?.trie_val ?? ch);
      let marks = 0;
      if (depth >= 1 && child.trie_val !== undefined && (all || child.trie_val !== written)) marks = DECIDES | LEADS;
      if (walk(child, depth + 1, written)) marks |= LEADS;
      if (marks) {
        child.marks = marks;
        if (depth >= 1) leads = true;
      }
    }
    return leads;
  };
  walk(root, 0, '');
  return root;
}

/** Which phrases may cross a word boundary: `end` (they must end on one), `whole` (start and end on one). */
export type CrossingRule = 'end' | 'whole';

export interface Stage {
  /** What the stage does, for `convert --explain`. */
  name?: string;
  dictionary: TrieNode;
  rule: CrossingRule;
  /** Curated whole words, preferred to a dictionary phrase no longer than they are. */
  curated?: TrieNode;
  /** Whether the curated words' output is final (FIXED): later stages leave it alone. */
  curatedFinal?: boolean;
  /** How this stage's input is cut into words, when not as the text was marked (a later stage reads another script). */
  cut?: Cut;
  /**
   * Context rules (convert.context.ts): a word whose neighbours say what it is, decided before any
   * phrase or curated word, and never crossed by a phrase.
   */
  context?: ContextRules;
  /** Whether the context rules' output is final (FIXED): later stages leave it alone. */
  contextFinal?: boolean;
  /**
   * The scored choices (convert.lattice.ts), with how to read this stage's text as simplified
   * characters (jieba's dictionary is simplified): a curated word inside a longer jieba word is
   * taken where the split scores as well as the word whole; with `doubt`, a deciding phrase of the
   * dictionary is left alone where an overlapping word is far more frequent.
   */
  lattice?: { simplify: (text: string) => string; doubt?: boolean };
}

/**
 * One stage over marked text: at each position the longest phrase the rules allow (or the curated
 * word there, when the phrase is no longer), else the character as it is.
 */
/** One choice a stage made, for `convert --explain`: what it matched at `at`, what it wrote, and why. */
export interface Step {
  at: number;
  source: string;
  output: string;
  kind: 'phrase' | 'part of a phrase' | 'curated word' | 'context rule' | 'character';
  /** The phrase whose first part, up to a word boundary, this is (周|线图: 周线 → 週線 gives 週). */
  of?: string;
  /** A longer dictionary phrase at the same place that the word boundaries refused. */
  refused?: string;
  /** The context rule that decided (kind 'context rule'): why it fired. */
  rule?: string;
  /** A scored choice made here: the candidates and their scores, in words. */
  choice?: string;
}

/**
 * Whether a dictionary phrase of three characters or more covers a rule's word and writes it
 * otherwise: such a phrase is an exception the dictionary names on purpose (今周刊, the magazine;
 * 一出戏院), more particular than a rule, so the rule yields to it (unless the rule is there to
 * correct the dictionary: `overDictionary`). Two-character phrases (只好, 一出) never outrank one.
 */
function specificPhrase(dictionary: TrieNode, text: string, from: number, rule: ContextRule): boolean {
  if (rule.overDictionary) return false;
  const to = from + rule.word.length;
  for (let i = Math.max(0, from - 4); i <= from; i++) {
    let node: TrieNode | undefined = dictionary;
    for (let j = i; j < text.length && node; j++) {
      node = node.get(text.charCodeAt(j));
      const v = node?.trie_val;
      if (v === undefined || j + 1 < to || j + 1 - i < 3) continue;
      if (v.length !== j + 1 - i || v.slice(from - i, to - i) !== rule.to) return true;
    }
  }
  return false;
}

/**
 * Whether a phrase written as `v` over [i, j) may cover the context rules' words inside it: only
 * where it covers each whole and writes it as the rule does (钟表 → 鐘錶 over 表 → 錶).
 */
function agrees(hits: Map<number, ContextRule>, held: Uint8Array, i: number, j: number, v: string): boolean {
  for (let p = i + 1; p < j; p++) {
    if (!held[p]) continue;
    const rule = hits.get(p)!;
    if (v.length !== j - i || p + rule.word.length > j || v.slice(p - i, p - i + rule.to.length) !== rule.to) return false;
  }
  return true;
}

/** Where the stage's context rules fire: each rule's start, with the rule. */
function contextHits(input: Marked, context: ContextRules, dictionary: TrieNode): Map<number, ContextRule> | undefined {
  const { text, flags } = input;
  let hits: Map<number, ContextRule> | undefined;
  const { first } = context;
  for (let i = 0; i < text.length; i++) {
    if (!first[text.charCodeAt(i)] || flags[i]! & FIXED) continue;
    const rules = context.byFirst.get(text.charCodeAt(i))!;
    const rule = ruleAt(rules, text, i);
    if (!rule) continue;
    let fixed = false;
    for (let k = i; k < i + rule.word.length; k++) if (flags[k]! & FIXED) fixed = true;
    if (fixed || specificPhrase(dictionary, text, i, rule)) continue;
    (hits ??= new Map()).set(i, rule);
    i += rule.word.length - 1;
  }
  return hits;
}

export function runStage(input: Marked, stage: Stage, trace?: (step: Step) => void): Marked {
  const { text, flags } = input;
  const n = text.length;
  const { dictionary, rule, curated, lattice } = stage;
  const whole = rule === 'whole';
  const curatedFlag = stage.curatedFinal ? FIXED : 0;
  // The output's flags are the input's, changed in place, for as long as the output is as long as
  // the input so far (nearly always: most replacements are one for one); after a replacement of
  // another length they are copied into an array of their own.
  let out = flags;
  // The output's text, a code unit at a time: one string made at the end, not a list of slices
  // and replacements joined (in traditional → simplified nearly every character is replaced).
  let units = new Uint16Array(n + 16);
  let o = 0; // length of the output so far
  let copied = 0; // input before this has been written
  const room = (size: number) => {
    if (size >= units.length) {
      const more = new Uint16Array(size + (units.length >> 1) + 16);
      more.set(units.subarray(0, o));
      units = more;
    }
    if (out !== flags && size < out.length) return;
    const bigger = new Uint8Array(Math.max(size + 1, out.length + (out.length >> 1)));
    bigger.set(out.subarray(0, o));
    out = bigger;
  };
  const write = (value: string) => {
    for (let k = 0; k < value.length; k++) units[o + k] = value.charCodeAt(k);
    o += value.length;
  };
  const copyTo = (to: number) => {
    if (to <= copied) return;
    // (In place, the output is no longer than the input, which always has room.)
    if (out !== flags) room(o + to - copied);
    for (let k = copied, w = o; k < to; k++) units[w++] = text.charCodeAt(k);
    if (out !== flags) {
      // A loop, not out.set(flags.subarray(…)): most copies are a few characters, and a view each is garbage.
      for (let k = copied; k < to; k++) out[o++] = flags[k]!;
    } else o = to;
  };

  const starts = startTable(stage);
  cutWhereDecided(input, stage, starts);
  // Where a context rule decides: no phrase runs across its start (held), and it is taken there.
  const hits = stage.context && contextHits(input, stage.context, dictionary);
  let held: Uint8Array | undefined;
  if (hits) {
    held = new Uint8Array(n + 1);
    for (const at of hits.keys()) held[at] = 1;
  }
  const contextFlag = stage.contextFinal ? FIXED : 0;
  const index = indexOf(dictionary, leads);
  const candidates: (number | string)[] = [];
  for (let i = 0; i < n;) {
    const unit = text.charCodeAt(i);
    // Most characters start nothing in the stage: one look in the table and on.
    if ((!(starts[unit]! & STARTS) || flags[i]! & FIXED) && !held?.[i]) {
      i++;
      continue;
    }
    const hit = held?.[i] ? hits!.get(i) : undefined;
    const first = text.codePointAt(i)!;
    const width = first > 0xffff ? 2 : 1;
    if (!hit && width === 2 && !dictionary.has(first) && !curated?.has(first)) {
      i += width;
      continue;
    }
    // The longest dictionary phrase at i, as opencc-js finds it, and whether a word boundary lies
    // inside it: most often none does, and it is the one.
    let end = 0;
    let value: string | undefined;
    let crossing = false;
    let bounded = false;
    let overHeld = false; // whether the phrase so far runs over a context rule's word
    let node: TrieNode | undefined = flags[i]! & FIXED ? undefined : width === 1 && index ? index.first[unit] : dictionary.get(first);
    for (let j = i + width; node;) {
      if (node.trie_val !== undefined) {
        end = j;
        value = node.trie_val;
        crossing = bounded || (overHeld && !agrees(hits!, held!, i, j, value));
      }
      if (flags[j]! & BOUND) bounded = true;
      if (j >= n || flags[j]! & FIXED) break;
      if (held?.[j]) overHeld = true;
      if (index && j === i + width && !mayStart(index.pairs, unit, text.charCodeAt(j))) break;
      const cp = text.codePointAt(j)!;
      j += cp > 0xffff ? 2 : 1;
      node = node.get(cp);
    }
    // Otherwise every dictionary phrase at i: its end, the last word boundary inside it (0: none), its value.
    let count = 0; // candidates' entries (the array is reused: no new one per position)
    let firstBound = 0;
    let lastBound = 0;
    node = crossing ? dictionary : undefined;
    for (let j = i; j < n && node;) {
      if (flags[j]! & FIXED) break;
      const cp = text.codePointAt(j)!;
      j += cp > 0xffff ? 2 : 1;
      node = node.get(cp);
      if (!node) break;
      if (node.trie_val !== undefined) {
        candidates[count++] = j;
        candidates[count++] = lastBound;
        candidates[count++] = node.trie_val;
      }
      if (flags[j]! & BOUND) {
        firstBound ||= j;
        lastBound = j;
      }
    }
    // The longest one the rules allow, and how much of it is used (up to `end`).
    const longest = end;
    let partOf = 0; // the end of the phrase whose first part, up to a word boundary, is used
    if (crossing) {
      end = 0;
      value = undefined;
    }
    for (let c = count - 3; c >= 0 && value === undefined; c -= 3) {
      const j = candidates[c] as number;
      const inside = candidates[c + 1] as number;
      const v = candidates[c + 2] as string;
      if (held && !agrees(hits!, held, i, j, v)) continue;
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
      if (usedTo !== j) partOf = j;
    }
    // The longest curated word at i: whole words only.
    let isCurated = false;
    let choice: string | undefined;
    // Whole words start on a boundary; inside a word of the cut only with the scored split (never
    // inside a run not cut, which has no curated word in it).
    if (curated && (flags[i]! & BOUND || (lattice && !(flags[i]! & UNCUT)))) {
      let c: TrieNode | undefined = curated;
      for (let j = i; j < n && c;) {
        if (flags[j]! & FIXED) break;
        const cp = text.codePointAt(j)!;
        j += cp > 0xffff ? 2 : 1;
        c = c.get(cp);
        if (!c) break;
        if (c.trie_val === undefined || j < end || (held && !agrees(hits!, held, i, j, c.trie_val))) continue;
        if (flags[i]! & BOUND && flags[j]! & BOUND) {
          end = j;
          value = c.trie_val;
          isCurated = true;
          choice = undefined;
        } else if (lattice) {
          // Inside one longer word of jieba's (坐|地铁 in 坐地铁): split it where that scores as well.
          const split = splitInside(text, flags, i, j, lattice.simplify);
          if (split) {
            end = j;
            value = c.trie_val;
            isCurated = true;
            choice = split;
          }
        }
      }
      if (choice) {
        flags[i] = flags[i]! | BOUND;
        flags[end] = flags[end]! | BOUND;
      }
    }
    // A deciding regional phrase held in doubt: an overlapping word is far more frequent (低级|别的).
    let doubted = false;
    if (lattice?.doubt && value !== undefined && !isCurated && end - i >= 2 && value !== text.slice(i, end)) {
      const lo = Math.max(0, i - 3);
      const hi = Math.min(n, end + 3);
      const doubt = doubtAbout(lattice.simplify(text.slice(lo, hi)), i - lo, end - lo);
      if (doubt) {
        trace?.({
          at: i,
          source: text.slice(i, end),
          output: text.slice(i, end),
          kind: 'phrase',
          choice: `${value} held in doubt: ${doubt.word} (${doubt.frequency}) is more than twice as frequent as the phrase (${doubt.phrase})`,
        });
        value = undefined;
        end = 0;
        doubted = true;
      }
    }
    // A context rule decides its word here, unless a longer phrase from here writes it as the rule
    // does and goes on (面团 → 麵糰 over 面 → 麵).
    if (hit && !(value !== undefined && end > i + hit.word.length && value.length === end - i && value.startsWith(hit.to))) {
      const ruleEnd = i + hit.word.length;
      trace?.({ at: i, source: hit.word, output: hit.to, kind: 'context rule', rule: hit.why });
      copyTo(i);
      if (out === flags && hit.to.length === hit.word.length) {
        if (contextFlag) for (let k = i; k < ruleEnd; k++) out[k] = out[k]! | contextFlag;
      } else {
        room(o + hit.to.length);
        out[o] = (flags[i]! & (BOUND | UNCUT)) | contextFlag;
        for (let k = 1; k < hit.to.length; k++)
          out[o + k] = (hit.to.length === hit.word.length ? flags[i + k]! & (BOUND | UNCUT) : flags[i]! & UNCUT) | contextFlag;
      }
      write(hit.to);
      i = copied = ruleEnd;
      continue;
    }
    if (trace && !doubted && (value !== undefined || longest > i))
      trace({
        at: i,
        source: text.slice(i, end || i + width),
        output: value ?? text.slice(i, i + width),
        kind: isCurated ? 'curated word' : partOf ? 'part of a phrase' : end - i <= width ? 'character' : 'phrase',
        of: partOf && !isCurated ? text.slice(i, partOf) : undefined,
        refused: longest > end && longest !== partOf ? text.slice(i, longest) : undefined,
        ...(choice ? { choice } : {}),
      });
    if (value === undefined) {
      i += width;
      continue;
    }
    copyTo(i);
    const extra = isCurated ? curatedFlag : 0;
    if (out === flags && value.length === end - i) {
      // In place: the boundaries stay where they were (a phrase never holds a FIXED position).
      if (extra) for (let k = i; k < end; k++) out[k] = out[k]! | extra;
    } else {
      room(o + value.length);
      out[o] = (flags[i]! & (BOUND | UNCUT)) | extra;
      if (value.length === end - i) for (let k = 1; k < value.length; k++) out[o + k] = (flags[i + k]! & (BOUND | UNCUT)) | extra;
      else for (let k = 1; k < value.length; k++) out[o + k] = (flags[i]! & UNCUT) | extra;
    }
    write(value);
    i = copied = end;
  }
  copyTo(n);
  if (out !== flags) room(o);
  out[o] = BOUND;
  // (Node's UTF-16 decoding keeps a lone surrogate as it is; TextDecoder would replace it.)
  const written = Buffer.from(units.buffer, 0, o * 2).toString('utf16le');
  return { text: written, flags: out.subarray(0, o + 1), cut: input.cut };
}

/**
 * Whether the curated word at [i, j), inside one word of the cut (no boundary inside that word
 * but the word goes on past it), is taken by splitting the word: the scored choice of
 * convert.lattice.ts. Returns what `convert --explain` says of it, or undefined.
 */
function splitInside(text: string, flags: Uint8Array, i: number, j: number, simplify: (s: string) => string): string | undefined {
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
export function runStages(input: Marked, stages: readonly Stage[], trace?: (stage: number, marked: Marked, step?: Step) => void): string {
  let marked = input;
  stages.forEach((stage, k) => {
    const before = marked;
    marked = runStage(marked, stage, trace && ((step) => trace(k, before, step)));
    trace?.(k, before);
  });
  return marked.text;
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
const STARTS = 1;
const LEADS_HERE = 2;
const startTables = new WeakMap<Stage, Uint8Array>();
function startTable(stage: Stage): Uint8Array {
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
function cutWhereDecided(marked: Marked, stage: Stage, table: Uint8Array): void {
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

// An Ideographic Description Sequence (⿰氵青 …) is passed over whole by opencc-js when nothing
// matches at its start: its components are never a phrase's start. As opencc-js's core.js.
function idsArity(cp: number): number {
  if (cp >= 0x2ff0 && cp <= 0x2ff1) return 2;
  if (cp >= 0x2ff2 && cp <= 0x2ff3) return 3;
  if (cp >= 0x2ff4 && cp <= 0x2fff) return 2;
  return 0;
}
function idsEnd(s: string, i: number): number {
  const arity = idsArity(s.codePointAt(i)!);
  if (arity === 0) return 0;
  let end = i + (s.codePointAt(i)! > 0xffff ? 2 : 1);
  for (let k = 0; k < arity; k++) {
    if (end >= s.length) return 0;
    const child = idsEnd(s, end);
    end = child || end + (s.codePointAt(end)! > 0xffff ? 2 : 1);
  }
  return end;
}
function unmatchedLength(s: string, i: number): number {
  const end = idsEnd(s, i);
  return end > i ? end - i : s.codePointAt(i)! > 0xffff ? 2 : 1;
}

/** The end of the longest entry of `root` at `i` of at least `min` code points, and its value (opencc-js's matchPrefix). */
function longestAt(root: TrieNode, s: string, i: number, min: number): { end: number; value: string } | undefined {
  let node: TrieNode | undefined = root;
  let found: { end: number; value: string } | undefined;
  for (let j = i, depth = 1; j < s.length; depth++) {
    const cp = s.codePointAt(j)!;
    j += cp > 0xffff ? 2 : 1;
    node = node.get(cp);
    if (!node) break;
    if (node.trie_val !== undefined && depth >= min) found = { end: j, value: node.trie_val };
  }
  return found;
}

/**
 * opencc-js's own conversion (Trie.convert) over a trie's nodes: the longest entry at each
 * position, left to right, no word boundaries. For the few plain opencc-js conversions convert.ts
 * still makes, over the tries the stages already hold, so that no dictionary is held twice.
 */
export function convertLongest(root: TrieNode, s: string): string {
  const out: string[] = [];
  let plain = 0;
  for (let i = 0; i < s.length;) {
    const m = longestAt(root, s, i, 1);
    if (m) {
      if (plain < i) out.push(s.slice(plain, i));
      out.push(m.value);
      i = plain = m.end;
    } else i += unmatchedLength(s, i);
  }
  if (plain < s.length) out.push(s.slice(plain));
  return out.join('');
}

/**
 * opencc-js's conversion with segmentation (its s2tw config and the like): the text cut where the
 * segmentation dictionary's longest phrase matches, and each piece converted by every trie in
 * turn. The segmentation dictionary here is the first trie's phrases (its entries of two code
 * points or more: opencc-js's s2* configs segment by STPhrases, the part of the ST trie that is
 * not single characters), so it needs no trie of its own.
 */
export function convertSegmented(chain: readonly TrieNode[], s: string): string {
  const pieces: string[] = [];
  let plain = -1;
  for (let i = 0; i < s.length;) {
    const m = longestAt(chain[0]!, s, i, 2);
    if (m) {
      if (plain >= 0) pieces.push(s.slice(plain, i));
      plain = -1;
      pieces.push(s.slice(i, m.end));
      i = m.end;
    } else {
      if (plain < 0) plain = i;
      i += unmatchedLength(s, i);
    }
  }
  if (plain >= 0) pieces.push(s.slice(plain));
  return pieces.map((piece) => chain.reduce((text, root) => convertLongest(root, text), piece)).join('');
}
