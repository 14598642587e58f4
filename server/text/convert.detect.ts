import type { SourceVariant } from '../variants';
import { HAN, converter, simplifiedToTaiwan } from './convert.opencc';

/**
 * What the script tables tell about a text, for comparing and labelling, not for showing: text
 * folded to one script (search and fingerprints compare with it), and the variant a text is
 * written in (posts, messages and settings record it as the text's source variant).
 */

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
  return HAN.test(text) && simplifiedToTaiwan(text) !== text;
}

// Characters that exist only in one script, found by asking OpenCC which way each one converts.
// Remembered for the process: the answer depends only on the character and OpenCC's dictionaries,
// so no app can see another's stale entry, and the keys are Han characters only (detectVariant
// asks for nothing else), so it is bounded by construction: about 95,000 of them, 6.5 MB measured
// with every one asked.
const scriptOf = new Map<string, 'hans' | 'hant' | 'both'>();
function charScript(ch: string): 'hans' | 'hant' | 'both' {
  let s = scriptOf.get(ch);
  if (!s) {
    const toTrad = simplifiedToTaiwan(ch);
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
