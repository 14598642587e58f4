import { Jieba } from '@node-rs/jieba';
import { dict as jiebaDict } from '@node-rs/jieba/dict';
import { MAINLAND_WORDS, TAIWAN_WORDS, TRADITIONAL_OVERRIDES, WORD_OVERRIDES } from './convert.overrides';
import { OpenCC } from './opencc';

/**
 * Script and vocabulary conversion between the variants readers choose.
 *
 * opencc-js converts by longest dictionary match from left to right, which cuts ordinary sentences
 * in the wrong place: 一个中心 matches 个中 (箇中) and becomes 一箇中心; 基本上复制了 matches 上复
 * and becomes 基本上覆制了. For simplified text (where one character has several traditional
 * forms) we cut the text into words with jieba and keep opencc-js's dictionaries, but refuse any
 * phrase match that cuts into a word at its end (runToTraditional). A small curated dictionary of
 * whole words (convert.overrides.ts) fixes what the dictionaries get wrong in either direction.
 */

import { type SourceVariant, type Variant, VARIANTS } from '../variants';
export { type SourceVariant, type Variant, VARIANTS } from '../variants';

// OpenCC locales: cn simplified; tw Taiwan standard characters; twp the same with Taiwan phrases
// (软件→軟體); hk Hong Kong characters.
type Locale = 'cn' | 'tw' | 'twp' | 'hk';
const LOCALE: Record<Variant, Locale> = { 'zh-hans': 'cn', 'zh-hant': 'tw', 'zh-tw': 'twp', 'zh-hk': 'hk' };

// opencc-js converters by (from, to), built on first use: building one loads its dictionaries.
// Kept for the process, bounded by construction (at most 25 pairs of the five locales), and the
// same for every app: they hold dictionaries, not anything a reader wrote.
const converters = new Map<string, (s: string) => string>();
function converter(from: Locale | 't', to: Locale | 't'): (s: string) => string {
  const key = `${from}>${to}`;
  const found = converters.get(key);
  if (found) return found;
  const made = OpenCC.Converter({ from, to });
  converters.set(key, made);
  return made;
}

let jieba: Jieba | undefined;
const segmenter = () => (jieba ??= Jieba.withDict(jiebaDict));

/** Text cut into words by jieba's dictionary (no guessing of unknown words): the pieces join back into the text. */
export function cutWords(text: string): string[] {
  return segmenter().cut(text, false);
}

// opencc-js's own first stage from simplified: phrases, then characters, into OpenCC's traditional.
let simplifiedToTraditional: InstanceType<typeof OpenCC.Trie> | undefined;
function stageOne(): InstanceType<typeof OpenCC.Trie> {
  if (!simplifiedToTraditional) {
    const trie = new OpenCC.Trie();
    const chain = OpenCC.Locale.configs?.s2t?.conversionChain[0];
    if (!chain) throw new Error('opencc-js has no s2t conversion chain');
    trie.loadDictGroup(chain);
    simplifiedToTraditional = trie;
  }
  return simplifiedToTraditional;
}

const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Simplified text into OpenCC's traditional, matching dictionary phrases greedily as opencc-js
 * does, with one rule more: a phrase that crosses a word boundary (jieba's) must end on one.
 * 一个|中心 can no longer match 个中, nor 基本上|复制 match 上复, nor 街头|发生 match 头发;
 * 那只|猫 still matches 只猫 (隻貓). Curated whole words come first. jieba is called once for
 * the whole text (a native call costs more than the cutting).
 */
function stageOneText(text: string, taiwanWords: boolean): string {
  // Word boundaries and word ends by position, in typed arrays: a page's titles make one text of
  // tens of thousands of characters, looked up at every position.
  const isBoundary = new Uint8Array(text.length + 1);
  const wordEnd = new Int32Array(text.length + 1);
  isBoundary[0] = 1;
  let at = 0;
  for (const w of segmenter().cut(text, false)) {
    wordEnd[at] = at + w.length;
    at += w.length;
    isBoundary[at] = 1;
  }
  const trie = stageOne();
  const crossesBadly = (i: number, end: number) => {
    for (let b = i + 1; b < end; b++) if (isBoundary[b]) return !isBoundary[end];
    return false;
  };
  const overrideFor = (start: number, limit: number): string | undefined => {
    const end = wordEnd[start]!;
    if (end === 0 || end > limit || end - start < 2 || !OVERRIDE_FIRST.has(text[start]!)) return undefined;
    const word = text.slice(start, end);
    return (taiwanWords && TAIWAN_WORDS.get(word)) || WORD_OVERRIDES.get(word);
  };
  return text.replace(HAN_RUN, (run, offset: number) => {
    // Matching works on the run (short) with positions shifted: no phrase can reach past it.
    let out = '';
    for (let i = 0; i < run.length;) {
      const override = overrideFor(offset + i, offset + run.length);
      if (override !== undefined) {
        out += override;
        i = wordEnd[offset + i]! - offset;
        continue;
      }
      let m = trie.matchPrefix(run, i);
      while (m && m.end - i > 1 && crossesBadly(offset + i, offset + m.end)) m = trie.matchPrefix(run.slice(0, m.end - 1), i);
      if (m) {
        out += m.value;
        i = m.end;
      } else {
        const len = run.codePointAt(i)! > 0xffff ? 2 : 1;
        out += run.slice(i, i + len);
        i += len;
      }
    }
    return out;
  });
}

// First characters of the curated words: most positions need no word lookup at all.
const OVERRIDE_FIRST = new Set([...WORD_OVERRIDES.keys(), ...TAIWAN_WORDS.keys()].map((w) => w[0]!));

/**
 * Simplified text for a traditional reader: the word-aware first stage, then the locale's phrases
 * and variants on the whole text (TWPhrases has entries that mix scripts, like U盤 → 隨身碟).
 */
function fromSimplified(text: string, to: Locale): string {
  return converter('t', to)(stageOneText(text, to === 'twp'));
}

/** Traditional text for a simplified reader: curated words first, opencc-js for the rest. */
function toSimplified(text: string, from: Locale): string {
  const convert = converter(from, 'cn');
  const words = from === 'twp' ? MAINLAND_WORDS : TRADITIONAL_OVERRIDES;
  let out = '';
  let rest = 0;
  for (let i = 0; i < text.length;) {
    const m = words.matchPrefix(text, i);
    if (!m) {
      i++;
      continue;
    }
    out += convert(text.slice(rest, i)) + m.value;
    i = rest = m.end;
  }
  return out + convert(text.slice(rest));
}

/**
 * Converts plain text written in `from` for a reader of `to`. Text that is not Chinese, or is
 * already in the reader's variant, comes back unchanged.
 */
export function convertText(text: string, from: SourceVariant, to: Variant): string {
  if (from === to || from === 'other' || !HAN.test(text)) return text;
  switch (from) {
    case 'zh-hans':
      return fromSimplified(text, LOCALE[to]);
    case 'mixed':
      // Traditional characters in it survive the simplified → traditional path, and simplified
      // ones survive the traditional → simplified path.
      return to === 'zh-hans' ? toSimplified(text, 'tw') : fromSimplified(text, LOCALE[to]);
    default:
      return to === 'zh-hans' ? toSimplified(text, LOCALE[from]) : converter(LOCALE[from], LOCALE[to])(text);
  }
}

// Tags of a sanitized body; the text between them is what readers read.
const TAG = /(<[^>]*>)/;
const CONVERTED_ATTRIBUTES = /\s(alt|title)="([^"]*)"/g;

// Joins many short texts into one conversion (one jieba call, one opencc pass instead of one per
// text). It cannot occur in a title (control characters are refused) or a sanitized body.
const SEPARATOR = '\u0001\n';

/** Converts many plain texts at once (the titles of a thread page); same results as one by one. */
export function convertTexts(texts: string[], from: SourceVariant, to: Variant): string[] {
  if (texts.length < 2 || texts.some((t) => t.includes('\u0001'))) return texts.map((t) => convertText(t, from, to));
  const out = convertText(texts.join(SEPARATOR), from, to).split(SEPARATOR);
  return out.length === texts.length ? out : texts.map((t) => convertText(t, from, to));
}

/**
 * Converts the text of sanitized HTML: text nodes, and alt and title attributes. Tags, URLs, other
 * attributes, everything inside <code> and <pre>, and the names of mentions (<a class="mention">,
 * text/mentions.ts: a name is never converted) stay exactly as written.
 */
export function convertHtml(html: string, from: SourceVariant, to: Variant): string {
  if (from === to || from === 'other' || !HAN.test(html)) return html;
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
        return part.replace(CONVERTED_ATTRIBUTES, (_m, name: string, value: string) => ` ${name}="${convertText(value, from, to)}"`);
      }
      return verbatim > 0 || mention ? part : convertText(part, from, to);
    })
    .join('');
}

/**
 * Folds text to one script for comparing, not for showing: traditional characters become
 * simplified by opencc-js's character and phrase tables alone (no word cutting), so 頂貼 and 顶贴
 * fold alike. Text with no Han characters comes back as it is, at the cost of one regex test.
 */
export function foldScript(text: string): string {
  return HAN.test(text) ? converter('tw', 'cn')(text) : text;
}

/**
 * Folds any traditional or Hong Kong form left in text that is otherwise simplified (衞 → 卫,
 * 綫 → 线): opencc-js's Hong Kong → mainland tables, characters and phrases, no vocabulary. For
 * comparing (search folds with it), not for showing.
 */
export function foldHongKong(text: string): string {
  return HAN.test(text) ? converter('hk', 'cn')(text) : text;
}

/**
 * Whether text has a character written differently in traditional script (软, 这): text without
 * one (晶片, 程式, 出口管制) could be either script, and its vocabulary either region's.
 */
export function hasSimplifiedForms(text: string): boolean {
  return HAN.test(text) && converter('cn', 'tw')(text) !== text;
}

const MENTION_OPEN = /^<a\s[^>]*\bclass="mention"/;

// Characters that exist only in one script, found by asking OpenCC which way each one converts.
// Remembered for the process: the answer depends only on the character and OpenCC's dictionaries,
// so no app can see another's stale entry, and the keys are Han characters only (detectVariant
// asks for nothing else), so it is bounded by construction: about 95,000 of them, 6.5 MB measured
// with every one asked.
const scriptOf = new Map<string, 'hans' | 'hant' | 'both'>();
function charScript(ch: string): 'hans' | 'hant' | 'both' {
  let s = scriptOf.get(ch);
  if (!s) {
    const toTrad = converter('cn', 'tw')(ch);
    const toSimp = converter('tw', 'cn')(ch);
    s = toTrad !== ch && toSimp === ch ? 'hans' : toSimp !== ch && toTrad === ch ? 'hant' : 'both';
    scriptOf.set(ch, s);
  }
  return s;
}

// Hong Kong writes these where Taiwan writes 裡 綫→線 着→著 (as traditional text).
const HONG_KONG_FORMS = /[裏綫衞]/;

/**
 * The variant a text is written in: simplified, traditional (Taiwan vocabulary → zh-tw, Hong Kong
 * forms → zh-hk, else zh-hant), a real mix of both, or other (no Chinese).
 */
export function detectVariant(text: string): SourceVariant {
  let hans = 0;
  let hant = 0;
  let han = 0;
  for (const ch of text) {
    if (!HAN.test(ch)) continue;
    han++;
    const s = charScript(ch);
    if (s === 'hans') hans++;
    else if (s === 'hant') hant++;
  }
  if (han === 0) return 'other';
  // A stray character of the other script (a quoted name, a typo) does not make a text mixed.
  if (hans > 0 && hant > 0 && Math.min(hans, hant) / Math.max(hans, hant) >= 0.2) return 'mixed';
  if (hant > hans) {
    if (HONG_KONG_FORMS.test(text)) return 'zh-hk';
    // Taiwan vocabulary: the phrase-aware Taiwan → mainland conversion differs from the plain one.
    return converter('twp', 'cn')(text) !== converter('tw', 'cn')(text) ? 'zh-tw' : 'zh-hant';
  }
  return 'zh-hans';
}

/**
 * Loads jieba's dictionary and opencc-js's tries now (about half a second), so the first reader of
 * a converted page does not wait for them. Called once at start-up.
 */
export function warmUpConversion(): void {
  for (const to of VARIANTS) convertText('一个中心：软件和芯片，头发。', 'zh-hans', to);
  convertText('這裡的軟體', 'zh-tw', 'zh-hans');
}
