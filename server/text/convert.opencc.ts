import type { Variant } from '../variants';
import { convertLongest, convertSegmented } from './convert.plain';
import { type DictGroup, groupNodes } from './convert.tries';
import { OpenCC } from './opencc';

/**
 * opencc-js as the conversion uses it: its locales and configs (the stages' dictionaries), its own
 * converters (kept for folding and detecting), and the two plain conversions the stages' tries
 * also answer (simplifiedToTraditional, simplifiedToTaiwan). Nothing here cuts words.
 */

// OpenCC locales: cn simplified; tw Taiwan standard characters; twp the same with Taiwan phrases
// (软件→軟體); hk Hong Kong characters.
/** An OpenCC locale. */
export type Locale = 'cn' | 'tw' | 'twp' | 'hk';
/** The OpenCC locale of each variant a reader can ask for. */
export const LOCALE: Record<Variant, Locale> = { 'zh-hans': 'cn', 'zh-hant': 'tw', 'zh-tw': 'twp', 'zh-hk': 'hk' };

// opencc-js converters by (from, to), built on first use: building one loads its dictionaries.
// Kept for the process, bounded by construction (at most 25 pairs of the five locales), and the
// same for every app: they hold dictionaries, not anything a reader wrote. Only the small ones
// (traditional → simplified, for folding and detecting) are opencc-js's own: one from simplified
// holds the ~20 MB STPhrases trie twice (to convert and to segment), a third and fourth copy
// beside the stages' (simplifiedToTaiwan below converts the same way over the stages' tries).
const converters = new Map<string, (s: string) => string>();
/** opencc-js's own converter from one locale to another (for folding and detecting). */
export function converter(from: Locale | 't', to: Locale | 't'): (s: string) => string {
  const key = `${from}>${to}`;
  const found = converters.get(key);
  if (found) return found;
  const made = OpenCC.Converter({ from, to });
  converters.set(key, made);
  return made;
}

// opencc-js's own conversion chains (OpenCC's configs: s2tw, tw2sp …), each a list of stages.
export interface Config {
  conversionChain: readonly DictGroup[];
  normalizationChain?: readonly DictGroup[];
}
/** An opencc-js config by name (s2tw, tw2sp …). */
export function config(name: string): Config {
  const found = (OpenCC.Locale.configs as Record<string, Config | undefined> | undefined)?.[name];
  if (!found) throw new Error(`opencc-js has no ${name} config`);
  return found;
}

/** A config's two stages: script and region (from simplified), or region and script (to simplified). */
export function twoStages(name: string): readonly [DictGroup, DictGroup] {
  const chain = config(name).conversionChain;
  if (chain.length !== 2) throw new Error(`opencc-js's ${name} config no longer has two stages`);
  return chain as readonly [DictGroup, DictGroup];
}

/** opencc-js's cn → t (its s2t config: the ST phrases and characters, no segmentation), over the stages' trie. */
export function simplifiedToTraditional(text: string): string {
  return convertLongest(groupNodes(config('s2t').conversionChain[0]!), normalized(text));
}

/**
 * opencc-js's cn → tw (its s2tw config: segmented by the ST phrases, then the ST and the Taiwan
 * variants tries), over the stages' tries: the same output (tests/text/convert.shared.test.ts
 * compares them), without a second and third ~20 MB copy of the ST dictionaries.
 */
export function simplifiedToTaiwan(text: string): string {
  const [script, region] = twoStages('s2tw');
  return convertSegmented([groupNodes(script), groupNodes(region)], normalized(text));
}

// CJK compatibility ideographs (豈 U+F900 …), which OpenCC maps to their unified forms first.
const COMPATIBILITY = /[\uF900-\uFAFF]|\uD87E[\uDC00-\uDE1F]/;
let normalizer: ((s: string) => string) | undefined;
/** Text with its compatibility ideographs unified, as OpenCC does before converting. */
export function normalized(text: string): string {
  if (!COMPATIBILITY.test(text)) return text;
  const normalize = (normalizer ??= OpenCC.ConverterFactory(...(config('s2t').normalizationChain ?? [])));
  return normalize(text);
}

/** A Han character. */
export const HAN = /\p{Script=Han}/u;
