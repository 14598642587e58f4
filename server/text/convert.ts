import { Jieba } from '@node-rs/jieba';
import { SIMPLIFIED_CONTEXT, TAIWAN_CONTEXT, TRADITIONAL_CONTEXT, compileRules } from './convert.context';
import { hongKongZhe } from './convert.hongkong';
import { forgetSplits, forgetSplitsSaid, jiebaDictionary } from './convert.lattice';
import { MAINLAND_WORDS, TAIWAN_WORDS, TRADITIONAL_OVERRIDES, WORD_OVERRIDES } from './convert.overrides';
import { BOUND, type Marked, markEveryRun, markRuns } from './convert.cutting';
import { convertLongest } from './convert.plain';
import { HAN, LOCALE, type Locale, config, normalized, simplifiedToTraditional, twoStages } from './convert.opencc';
import { type Stage, type Step, runStages } from './convert.stages';
import { groupNodes, nodesOf, wordNodes } from './convert.tries';
import { type ConversionRules, applyGlossaries } from './glossary';
import { OpenCC } from './opencc';
import { hasPins, inHtmlText, pinText, splitPins } from './pins';

/**
 * Script and vocabulary conversion between the variants readers choose.
 *
 * opencc-js converts by longest dictionary match from left to right, which cuts ordinary sentences
 * in the wrong place: 一个中心 matches 个中 (箇中) and becomes 一箇中心; 基本上复制了 matches 上复
 * and becomes 基本上覆制了; its Taiwan stage turns 低级别 into 低階別. We cut the text into words
 * with jieba and keep opencc-js's dictionaries and its stages (OpenCC's configs), but no stage may
 * match a phrase across words (convert.stages.ts says how). A small curated dictionary of whole
 * words (convert.overrides.ts) fixes what the dictionaries get wrong in either direction, never
 * inside a longer dictionary phrase.
 */

import { type SourceVariant, type Variant, VARIANTS } from '../variants';
export { type SourceVariant, type Variant, VARIANTS } from '../variants';
export { simplifiedToTaiwan, simplifiedToTraditional } from './convert.opencc';
export { detectVariant, foldHongKong, foldScript, hasSimplifiedForms } from './convert.detect';

// jieba's dictionary: the buffer the scored choices read frequencies from (convert.lattice.ts),
// without the keyword weights (6 MB) that '@node-rs/jieba/dict' would also load and keep.
let jieba: Jieba | undefined;
const segmenter = () => (jieba ??= Jieba.withDict(jiebaDictionary()));

/** Text cut into words by jieba's dictionary (no guessing of unknown words): the pieces join back into the text. */
export function cutWords(text: string): string[] {
  return segmenter().cut(text, false);
}

type Traditional = Exclude<Locale, 'cn'>;

// Stages per conversion, built on first use (bounded by construction: a dozen pairs of locales).
const pipelines = new Map<string, readonly Stage[]>();
function pipeline(key: string, make: () => readonly Stage[]): readonly Stage[] {
  let stages = pipelines.get(key);
  if (!stages) pipelines.set(key, (stages = make()));
  return stages;
}

/**
 * Simplified → traditional: OpenCC's simplified → traditional phrases and characters (a phrase
 * crossing a word must end on a word boundary), with the curated script words; then the region's
 * phrases and forms (Taiwan vocabulary, with the curated Taiwan words, or Hong Kong forms), inside
 * words or over whole words only.
 */
function fromSimplifiedStages(to: Traditional): readonly Stage[] {
  return pipeline(`s>${to}`, () => {
    const [script, region] = twoStages(`s2${to}`);
    const toOpenCC = simplifiedToTraditional;
    return [
      {
        name: `script (OpenCC s2${to} phrases and characters, curated words)`,
        dictionary: groupNodes(script),
        rule: 'end',
        curated: wordNodes(WORD_OVERRIDES),
        context: compileRules(to === 'hk' ? SIMPLIFIED_CONTEXT : TAIWAN_CONTEXT),
        lattice: { simplify: (s) => s },
      },
      {
        name: to === 'twp' ? 'region (Taiwan vocabulary and forms, curated Taiwan words)' : `region (OpenCC ${to} forms)`,
        dictionary: groupNodes(region),
        rule: 'whole',
        // What the first stage wrote is traditional: cut as such where this stage needs words.
        cut: cutTraditional,
        // The curated Taiwan words meet the text as the first stage wrote it (OpenCC's traditional).
        curated: to === 'twp' ? wordNodes([...TAIWAN_WORDS].map(([cn, tw]): [string, string] => [toOpenCC(cn), tw])) : undefined,
        // Taiwan's vocabulary changes words: held in doubt where the cut is (低级|别的).
        lattice: { simplify: simplifiedCharacters, doubt: to === 'twp' },
      },
    ];
  });
}

/**
 * Traditional → simplified: the region's own words and forms back to OpenCC's traditional, with
 * the curated words (final: simplified already), then OpenCC's traditional → simplified phrases
 * and characters.
 */
function toSimplifiedStages(from: Traditional): readonly Stage[] {
  return pipeline(`${from}>s`, () => {
    const [hongKong, script] = twoStages(from === 'twp' ? 'tw2sp' : `${from}2s`);
    // Hong Kong text's 著 is read as Taiwan's: 着 but in the words of writing and fame (convert.hongkong.ts).
    const region = from === 'hk' ? [...hongKong, hongKongZhe()] : hongKong;
    return [
      {
        name:
          from === 'twp' ? 'region (Taiwan vocabulary back, curated mainland words)' : `region (OpenCC ${from} forms back, curated words)`,
        dictionary: groupNodes(region),
        rule: 'whole',
        curated: nodesOf(from === 'twp' ? MAINLAND_WORDS : TRADITIONAL_OVERRIDES),
        curatedFinal: true,
        context: compileRules(TRADITIONAL_CONTEXT),
        contextFinal: true,
        lattice: { simplify: simplifiedCharacters },
      },
      { name: 'script (OpenCC traditional → simplified phrases and characters)', dictionary: groupNodes(script), rule: 'end' },
    ];
  });
}

/** Traditional → traditional of another region: the source's forms undone, the reader's applied. */
function betweenTraditionalStages(from: Traditional, to: Traditional): readonly Stage[] {
  return pipeline(`${from}>${to}`, () =>
    [...OpenCC.Locale.from[from]!, ...OpenCC.Locale.to[to]!].map((group, k): Stage => ({
      name: k < OpenCC.Locale.from[from]!.length ? `region (OpenCC ${from} forms back)` : `region (OpenCC ${to} forms)`,
      dictionary: groupNodes(group),
      rule: 'whole',
    })),
  );
}

// Tests set this to cut every run of Han characters before the first stage: the reference that
// cutting only where a stage's phrase decides something must convert alike.
let everyRun = false;
/** For tests: whether every run is cut into words up front (see `everyRun`). */
export function cutEveryRun(on: boolean): void {
  everyRun = on;
}

/** Simplified text, to be cut into jieba's words where a stage needs them. */
function simplifiedWords(text: string): Marked {
  return (everyRun ? markEveryRun : markRuns)(text, cutWords);
}

// Traditional text is cut as its simplified characters (jieba's dictionary is simplified): the
// characters are mapped one for one, so the words fall at the same places.
// (The t2s trie is the traditional → simplified stages' own: groupNodes shares it.)
/** Traditional text in simplified characters, one for one (the text itself where that changes its length). */
function simplifiedCharacters(run: string): string {
  const simplified = convertLongest(groupNodes(config('t2s').conversionChain[0]!), run);
  return simplified.length === run.length ? simplified : run;
}
function cutTraditional(run: string): string[] {
  return segmenter().cut(simplifiedCharacters(run), false);
}

/** Traditional text, to be cut into words where a stage needs them. */
function traditionalWords(text: string): Marked {
  return (everyRun ? markEveryRun : markRuns)(text, cutTraditional);
}

// Set while `explainConversion` runs: told each choice of each stage.
let tracing: ((stage: Stage, marked: Marked, step?: Step) => void) | undefined;
function run(marked: Marked, stages: readonly Stage[]): string {
  const trace = tracing;
  return runStages(marked, stages, trace && ((k, m, step) => trace(stages[k]!, m, step)));
}

// The glossaries (glossary.ts) go first, on the text as marked for the stages: their terms come
// out FIXED, so no stage changes them or matches across them. Without rules, nothing changes.

/** Simplified (or mixed) text for a traditional reader. */
function fromSimplified(text: string, to: Traditional, reader: Variant, rules?: ConversionRules): string {
  const source = normalized(text);
  const stages = fromSimplifiedStages(to);
  return run(applyGlossaries(simplifiedWords(source), rules, reader), stages);
}

/** Traditional (or mixed) text for a simplified reader. */
function toSimplified(text: string, from: Traditional, rules?: ConversionRules): string {
  const source = normalized(text);
  const stages = toSimplifiedStages(from);
  return run(applyGlossaries(traditionalWords(source), rules, 'zh-hans'), stages);
}

/** Traditional text for a reader of another region's traditional. */
function betweenTraditional(text: string, from: Traditional, to: Traditional, reader: Variant, rules?: ConversionRules): string {
  const stages = betweenTraditionalStages(from, to);
  return run(applyGlossaries(traditionalWords(text), rules, reader), stages);
}

/** What `convert --explain` prints: each stage's words and choices. */
export interface Explanation {
  output: string;
  stages: { name: string; text: string; words: string[]; steps: Step[] }[];
}

/**
 * Converts text as convertText does and says how: for each stage, the text it read cut into the
 * words it used (every run cut, which converts alike: tests/text/convert.cutting.test.ts), and
 * each phrase, curated word or character it wrote differently, with any longer phrase the word
 * boundaries refused. For the operator (`npm run gentie -- convert --explain "…"`).
 */
export function explainConversion(text: string, from: SourceVariant, to: Variant, rules?: ConversionRules): Explanation {
  const stages: Explanation['stages'] = [];
  const byStage = new Map<Stage, Explanation['stages'][number]>();
  const wasEveryRun = everyRun;
  everyRun = true;
  tracing = (stage, marked, step) => {
    let entry = byStage.get(stage);
    if (!entry) byStage.set(stage, (entry = { name: stage.name ?? 'stage', text: marked.text, words: [], steps: [] }));
    if (step) {
      if (step.source !== step.output || step.refused || step.kind !== 'character') entry.steps.push(step);
      return;
    }
    // The stage is done: its input's words, as the boundaries it used.
    let start = 0;
    for (let k = 1; k <= marked.text.length; k++) {
      if (marked.flags[k]! & BOUND || k === marked.text.length) {
        entry.words.push(marked.text.slice(start, k));
        start = k;
      }
    }
    stages.push(entry);
  };
  try {
    return { output: convertText(text, from, to, rules), stages };
  } finally {
    tracing = undefined;
    everyRun = wasEveryRun;
  }
}

/**
 * Converts plain text written in `from` for a reader of `to`. Text that is not Chinese, or is
 * already in the reader's variant, comes back unchanged, but for its pins (text/pins.ts), which
 * are resolved for `to` whatever the text's variant. `rules`: the glossaries that apply
 * (glossary.ts), after pins and ahead of the curated words and the dictionaries.
 */
export function convertText(text: string, from: SourceVariant, to: Variant, rules?: ConversionRules): string {
  return hasPins(text) ? convertPinned(text, from, to, rules) : convertPlain(text, from, to, rules);
}

/**
 * Text with pins: the plain segments converted together (joined by SEPARATOR, which no phrase
 * crosses, so no dictionary phrase runs into or out of a pin), each pin resolved for `to`.
 */
function convertPinned(text: string, from: SourceVariant, to: Variant, rules?: ConversionRules): string {
  const segments = splitPins(text);
  const plain = segments.flatMap((s) => (s.pinned ? [] : [s.text]));
  const converted =
    plain.length > 1 && !plain.some((t) => t.includes('\u0001'))
      ? convertPlain(plain.join(SEPARATOR), from, to, rules).split(SEPARATOR)
      : [];
  const out = converted.length === plain.length ? converted : plain.map((t) => convertPlain(t, from, to, rules));
  let k = 0;
  return segments.map((s) => (s.pinned ? pinText(s, to) : out[k++]!)).join('');
}

/** Text without pins (or whose `-{` is literal) written in `from`, for a reader of `to`. */
function convertPlain(text: string, from: SourceVariant, to: Variant, rules?: ConversionRules): string {
  if (from === to || from === 'other' || !HAN.test(text)) return text;
  const reader = LOCALE[to];
  switch (from) {
    case 'zh-hans':
      return reader === 'cn' ? text : fromSimplified(text, reader, to, rules);
    case 'mixed':
      // Traditional characters in it survive the simplified → traditional path, and simplified
      // ones survive the traditional → simplified path.
      return reader === 'cn' ? toSimplified(text, 'tw', rules) : fromSimplified(text, reader, to, rules);
    default: {
      const source = LOCALE[from] as Traditional;
      return reader === 'cn' ? toSimplified(text, source, rules) : betweenTraditional(text, source, reader, to, rules);
    }
  }
}

// Tags of a sanitized body; the text between them is what readers read.
const TAG = /(<[^>]*>)/;
const CONVERTED_ATTRIBUTES = /\s(alt|title)="([^"]*)"/g;

// Joins many short texts into one conversion (one jieba call, one opencc pass instead of one per
// text). It cannot occur in a title (control characters are refused) or a sanitized body.
const SEPARATOR = '\u0001\n';

/** Converts many plain texts at once (the titles of a thread page); same results as one by one. */
export function convertTexts(texts: string[], from: SourceVariant, to: Variant, rules?: ConversionRules): string[] {
  if (texts.length < 2 || texts.some((t) => t.includes('\u0001'))) return texts.map((t) => convertText(t, from, to, rules));
  const out = convertText(texts.join(SEPARATOR), from, to, rules).split(SEPARATOR);
  return out.length === texts.length ? out : texts.map((t) => convertText(t, from, to, rules));
}

/**
 * Converts the text of sanitized HTML: text nodes, and alt and title attributes. Tags, URLs, other
 * attributes, everything inside <code> and <pre>, and the names of mentions (<a class="mention">,
 * text/mentions.ts) and of quotes' authors (<a class="quote-author">, text/quotes.ts) stay exactly
 * as written: a name is never converted.
 */
export function convertHtml(html: string, from: SourceVariant, to: Variant, rules?: ConversionRules): string {
  const pins = hasPins(html);
  if (!pins && (from === to || from === 'other' || !HAN.test(html))) return html;
  let verbatim = 0; // depth inside <code>/<pre>
  let mention = false; // inside a mention link (links never nest)
  return html
    .split(TAG)
    .map((part) => {
      if (part.startsWith('<')) {
        const tag = /^<(\/?)(code|pre)\b/.exec(part);
        if (tag) verbatim += tag[1] ? -1 : 1;
        if (MENTION_OPEN.test(part)) mention = true;
        else if (mention && part.startsWith('</a')) mention = false;
        return part.replace(
          CONVERTED_ATTRIBUTES,
          (_m, name: string, value: string) => ` ${name}="${inHtmlText(value, (v) => convertText(v, from, to, rules))}"`,
        );
      }
      // Code and names are never converted, but their pins are resolved all the same (a pin is
      // syntax of the text, read before its format: text/pins.ts).
      if (verbatim > 0 || mention) return pins ? inHtmlText(part, (t) => convertText(t, 'other', to)) : part;
      return pins ? inHtmlText(part, (t) => convertText(t, from, to, rules)) : convertText(part, from, to, rules);
    })
    .join('');
}

// A mention's or a quote attribution's link (text/quotes.ts): both hold a member's name.
const MENTION_OPEN = /^<a\s[^>]*\bclass="(?:mention|quote-author)"/;

/**
 * Forgets every fragment of text the conversion remembers between calls: the scored splits per
 * jieba word (convert.lattice.ts, convert.stages.ts), the only ones; dictionaries stay loaded.
 * For the conversion bench, which times conversions with nothing remembered (issue 18's target).
 */
export function forgetConversionFragments(): void {
  forgetSplits();
  forgetSplitsSaid();
}

/**
 * Loads jieba's dictionary and opencc-js's tries now (about half a second), so the first reader of
 * a converted page does not wait for them. Called once at start-up.
 */
export function warmUpConversion(): void {
  for (const to of VARIANTS) convertText('一个中心：软件和芯片，头发。', 'zh-hans', to);
  convertText('這裡的軟體', 'zh-tw', 'zh-hans');
}
