import { THIRD_ROUND } from './convert.context.round3';
import { FIFTH_ROUND, FIFTH_ROUND_BACK } from './convert.context.round5';
import { SIXTH_ROUND, SIXTH_ROUND_BACK } from './convert.context.round6';
import { FOURTH_ROUND, FOURTH_ROUND_BACK, LAST_RESORT, TAIWAN_FORMS } from './convert.context.round4';
import { COUNTING } from './convert.context.counting';
import { MEANING } from './convert.context.meaning';
import { NAMES } from './convert.context.names';
import { OpenCC } from './opencc';

/**
 * Context rules for the characters whose form depends on more than their word (issue 18): 只 is
 * 隻 in 这只好斗的公鸡 but 只 in 这只好作罢, 不准 is 不準 in 判断不准 but 不准 in 不准吸烟, 回复
 * is 回復 in 体力回复 but 回覆 in 回复帖子. No dictionary phrase or word boundary can tell them
 * apart: the words around them can. Each rule names a word (most often one character), the text
 * that must come just before it and/or just after it, what it writes there, and why; a rule
 * decides its word before any dictionary phrase or curated word of the stage (convert.stages.ts),
 * and no phrase may run across it.
 *
 * Rules look at the characters only, never at jieba's cut, so they decide alike however a run is
 * cut (tests/text/convert.cutting.test.ts). They are few and narrow on purpose: a rule fires
 * only where its neighbours say which meaning it is, and anything they do not cover is left to the
 * dictionaries as before. Each has its own sentences in tests/text/convert.context.test.ts.
 */

export interface ContextRule {
  /** The text the rule decides, in the source script. */
  word: string;
  /** What it writes: Taiwan-standard traditional (simplified → traditional) or simplified. */
  to: string;
  /** Must match the text just before the word (tested on up to 8 characters ending there; anchor with $). */
  before?: RegExp;
  /** Must match the text just after the word (tested on up to 12 characters starting there; anchor with ^). */
  after?: RegExp;
  /** Must not match the text just before the word. */
  notBefore?: RegExp;
  /** Whether the rule is there to correct a dictionary phrase, which it then outranks (convert.stages.ts). */
  overDictionary?: true;
  /** Whether what it writes is final (FIXED): later stages leave it as written (Taiwan's own forms). */
  final?: true;
  /** Why, in a few words: what `convert --explain` prints. */
  why: string;
}

/**
 * Simplified → traditional, written in Taiwan's standard (converted to OpenCC's for the stages), by
 * rule family: counting (convert.context.counting.ts), meaning (convert.context.meaning.ts) and
 * names (convert.context.names.ts). Rules of one character all stand in one family, in order.
 */
const FROM_SIMPLIFIED: ContextRule[] = [...COUNTING, ...MEANING, ...NAMES];

/** Traditional → simplified: the few places where a traditional word means two things. */
const FROM_TRADITIONAL: ContextRule[] = [
  // 想像 "to imagine" is 想象 on the mainland; 想|像 "wish to be like" keeps 像.
  { word: '想像', to: '想像', after: /^[^，。！？；\s]{1,8}(?:一樣|一般|似的|那樣|這樣)/, why: '想|像…一樣: wish to be like (像)' },
  // 揹 (to carry on the back) is simplified 背.
  { word: '揹著', to: '背着', why: '揹著: carrying on the back (背着)' },
  { word: '揹', to: '背', why: '揹: 背 in simplified' },
  // 藉 is 借 (藉這個機會 → 借这个机会) except in 慰藉, 狼藉, 枕藉 and 蘊藉.
  { word: '藉', to: '借', notBefore: /(?:慰|狼|枕|蘊|蕴|藉)$/, why: '藉 "by means of": 借 (慰藉, 狼藉 keep 藉)' },
];

const toOpenCCTraditional = OpenCC.Converter({ from: 'tw', to: 't' });

/** The rules for simplified text, writing OpenCC's traditional (the region's forms come after). */
export const SIMPLIFIED_CONTEXT: readonly ContextRule[] = [
  ...SIXTH_ROUND,
  ...FIFTH_ROUND,
  ...FOURTH_ROUND,
  ...THIRD_ROUND,
  ...FROM_SIMPLIFIED,
  ...LAST_RESORT,
].map((r) => ({ ...r, to: toOpenCCTraditional(r.to) }));

/** The rules for simplified text read in Taiwan's forms (zh-hant, zh-tw): Taiwan's own forms first, written as they are. */
export const TAIWAN_CONTEXT: readonly ContextRule[] = [...TAIWAN_FORMS, ...SIMPLIFIED_CONTEXT];

/** The rules for traditional text, writing simplified (final). */
export const TRADITIONAL_CONTEXT: readonly ContextRule[] = [
  ...SIXTH_ROUND_BACK,
  ...FROM_TRADITIONAL,
  ...FOURTH_ROUND_BACK,
  ...FIFTH_ROUND_BACK,
];

/** Rules compiled for matching: by the first code unit of their word, and a table of those units (64 KB). */
export interface ContextRules {
  byFirst: Map<number, ContextRule[]>;
  first: Uint8Array;
}

// Compiled once per list of rules (each conversion's pipeline shares its direction's).
const compiled = new WeakMap<readonly ContextRule[], ContextRules>();

export function compileRules(rules: readonly ContextRule[]): ContextRules {
  const found = compiled.get(rules);
  if (found) return found;
  const byFirst = new Map<number, ContextRule[]>();
  const first = new Uint8Array(0x10000);
  for (const rule of rules) {
    const unit = rule.word.charCodeAt(0);
    first[unit] = 1;
    const list = byFirst.get(unit);
    if (list) list.push(rule);
    else byFirst.set(unit, [rule]);
  }
  const made = { byFirst, first };
  compiled.set(rules, made);
  return made;
}

/**
 * The first rule that fires for a word starting at i, if any. The text after the word is tested
 * first and the text before it read only when needed: most rules are anchored on what follows, and
 * the common characters among their words (了, 里) rarely have it.
 */
export function ruleAt(rules: readonly ContextRule[], text: string, i: number): ContextRule | undefined {
  let before: string | undefined;
  let after: string | undefined;
  let afterAt = -1; // where `after` starts (rules of one first character have words of different lengths)
  for (const rule of rules) {
    if (!text.startsWith(rule.word, i)) continue;
    const end = i + rule.word.length;
    if (rule.after) {
      if (afterAt !== end) {
        after = text.slice(end, end + 12);
        afterAt = end;
      }
      if (!rule.after.test(after!)) continue;
    }
    before ??= text.slice(Math.max(0, i - 8), i);
    if (rule.before && !rule.before.test(before)) continue;
    if (rule.notBefore?.test(before)) continue;
    return rule;
  }
  return undefined;
}
