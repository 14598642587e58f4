/** Member names: what may be chosen, and the key that makes names unique regardless of case and width. */

export const NAME_MIN = 2;
export const NAME_MAX = 24;

// Letters (any script, Han included), combining marks, digits, and _ - . · inside a name.
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_\-.·]*$/u;
// Controls, format characters (zero-width, bidi overrides and isolates), private use, unassigned.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

export type NameCheck = { ok: true; name: string; key: string } | { ok: false; reason: string };

/** NFKC-normalizes `input` and checks it is an acceptable member name. */
export function checkName(input: string): NameCheck {
  if (FORBIDDEN.test(input)) {
    return { ok: false, reason: 'A name cannot contain control, zero-width or text-direction characters.' };
  }
  const name = input.normalize('NFKC').trim();
  const length = [...name].length;
  if (length < NAME_MIN || length > NAME_MAX) {
    return { ok: false, reason: `A name is ${NAME_MIN} to ${NAME_MAX} characters long.` };
  }
  if (FORBIDDEN.test(name) || !NAME_PATTERN.test(name)) {
    return {
      ok: false,
      reason: 'A name uses letters (Chinese or Latin), digits and _ - . only, and starts with a letter or digit.',
    };
  }
  return { ok: true, name, key: nameKey(name) };
}

/** The uniqueness key of a name: NFKC, then lower case (Lisland_2013 and ｌｉｓｌａｎｄ_2013 collide). */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFKC');
}
