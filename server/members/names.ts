import unhomoglyph from 'unhomoglyph';
import type { Invalid } from '../errors';
import { OpenCC } from '../text/opencc';

/** Member names: what may be chosen, and the key that makes names unique regardless of case and width. */

export const NAME_MIN = 2;
export const NAME_MAX = 24;

// Letters (any script, Han included), combining marks, digits, and _ - . · inside a name.
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_\-.·]*$/u;
// Controls, format characters (zero-width, bidi overrides and isolates), private use, unassigned.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
/**
 * Characters that show nothing: Unicode's default-ignorable code points, which include the Hangul
 * fillers that are letters (U+115F, U+1160, U+3164 ㅤ, U+FFA0) and so pass NAME_PATTERN, variation
 * selectors and the combining grapheme joiner; and the blank braille pattern U+2800.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/u;

let invisiblePattern: string | undefined;

/**
 * INVISIBLE as a PostgreSQL regular expression (a bracket of code point ranges), built from the
 * JavaScript one so the two never disagree: to find the names kept from before the rule.
 */
export function invisibleNamePattern(): string {
  if (invisiblePattern === undefined) {
    const ranges: [number, number][] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (!INVISIBLE.test(String.fromCodePoint(cp))) continue;
      const last = ranges[ranges.length - 1];
      if (last && last[1] === cp - 1) last[1] = cp;
      else ranges.push([cp, cp]);
    }
    const char = (cp: number) => String.fromCodePoint(cp);
    invisiblePattern = `[${ranges.map(([a, b]) => (a === b ? char(a) : `${char(a)}-${char(b)}`)).join('')}]`;
  }
  return invisiblePattern;
}

/** A checked name, or why not: `reason` in English, `invalid` for the catalogs. */
export type NameCheck = { ok: true; name: string; key: string } | { ok: false; reason: string; invalid: Invalid };

/** NFKC-normalizes `input` and checks it is an acceptable member name. */
export function checkName(input: string): NameCheck {
  if (FORBIDDEN.test(input)) {
    return {
      ok: false,
      reason: 'A name cannot contain control, zero-width or text-direction characters.',
      invalid: { kind: 'hiddenCharacters' },
    };
  }
  const name = input.normalize('NFKC').trim();
  const length = [...name].length;
  if (length < NAME_MIN || length > NAME_MAX) {
    return {
      ok: false,
      reason: `A name is ${NAME_MIN} to ${NAME_MAX} characters long.`,
      invalid: { kind: 'length', min: NAME_MIN, max: NAME_MAX },
    };
  }
  if (FORBIDDEN.test(name) || !NAME_PATTERN.test(name)) {
    return {
      ok: false,
      reason: 'A name uses letters (Chinese or Latin), digits and _ - . only, and starts with a letter or digit.',
      invalid: { kind: 'nameCharacters' },
    };
  }
  return { ok: true, name, key: nameKey(name) };
}

export type NewNameCheck = { ok: true; name: string; key: string; skeleton: string } | { ok: false; reason: string; invalid: Invalid };

/**
 * Checks a name someone wants to take: everything checkName asks, and no invisible characters
 * (names that existed before this rule still log in: logins and lookups use checkName). Returns
 * the skeleton too, which the caller compares with existing members' (names.service.ts).
 */
export function checkNewName(input: string): NewNameCheck {
  const checked = checkName(input);
  if (!checked.ok) return checked;
  if (isInvisibleName(checked.name)) {
    return {
      ok: false,
      reason: 'A name cannot contain invisible characters (fillers such as ㅤ, or variation selectors).',
      invalid: { kind: 'invisibleCharacters' },
    };
  }
  return { ...checked, skeleton: nameSkeleton(checked.name) };
}

/** True when a name holds a character that shows nothing (so two names could look the same, or blank). */
export function isInvisibleName(name: string): boolean {
  return INVISIBLE.test(name) || INVISIBLE.test(name.normalize('NFKC'));
}

/** The uniqueness key of a name: NFKC, then lower case (Lisland_2013 and ｌｉｓｌａｎｄ_2013 collide). */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFKC');
}

let toSimplified: ((s: string) => string) | undefined;

/** Traditional characters (standard, Taiwan and Hong Kong forms) folded to simplified, character by character. */
function foldScript(text: string): string {
  if (!toSimplified) {
    const fromHongKong = OpenCC.Converter({ from: 'hk', to: 'cn' });
    const fromTaiwan = OpenCC.Converter({ from: 'tw', to: 'cn' });
    toSimplified = (s) => fromTaiwan(fromHongKong(s));
  }
  return toSimplified(text);
}

// Full case folding as far as JavaScript has it: through upper case, ß and ﬀ become ss and ff
// and final ς becomes σ, which toLowerCase alone leaves apart.
const foldCase = (s: string) => s.toUpperCase().toLowerCase();

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const HAN = /\p{Script=Han}/u;

/**
 * The confusable key of a name: two names with the same skeleton look alike. UTS #39's skeleton
 * (NFD, then each character to its prototype in Unicode's confusables.txt, as the unhomoglyph
 * package carries it, then NFD) taken after NFKC, with invisible characters dropped, simplified
 * and traditional Chinese folded together (张三 = 張三), then case folded, since names are unique
 * regardless of case. The mapping comes before the folding because case carries the likeness
 * (Cyrillic М looks like M, its small м does not look like m); prototypes folded to lower case
 * can map on again (M → m → rn), and some are traditional characters (the radical ⻑ → 長), so
 * mapping and folding repeat until nothing changes. Not meant to be read: m becomes rn, 1 l.
 *
 * When this function changes, a migration sets users.name_skeleton to null and start-up computes
 * the new skeletons (backfillNameSkeletons).
 */
export function nameSkeleton(name: string): string {
  let s = name.normalize('NFKC').replace(IGNORABLE, '').normalize('NFD');
  for (let round = 0; round < 5; round++) {
    const next = foldCase(unhomoglyph(HAN.test(s) ? foldScript(s) : s).normalize('NFD'));
    if (next === s) break;
    s = next;
  }
  return s.normalize('NFC');
}
