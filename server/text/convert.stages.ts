import type { ContextRules } from './convert.context';
import { BOUND, type Cut, FIXED, type Marked, STARTS, UNCUT, cutWhereDecided, startTable } from './convert.cutting';
import { indexOf, mayStart } from './convert.index';
import { agrees, contextHits } from './convert.stages.context';
import { doubtAbout, splitInside } from './convert.lattice';
import { type TrieNode, leads } from './convert.tries';

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
  const stageFlag = stage.contextFinal ? FIXED : 0;
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
    // does and goes on (面团 → 麵糰 over 面 → 麵) and the rule's output is not final.
    if (hit && (hit.final || !(value !== undefined && end > i + hit.word.length && value.length === end - i && value.startsWith(hit.to)))) {
      const ruleEnd = i + hit.word.length;
      const contextFlag = stageFlag | (hit.final ? FIXED : 0);
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
