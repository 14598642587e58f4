import type { Invalid } from '../errors';

export const TITLE_MAX = 100;

/** A checked title, or why not: `reason` in English, `invalid` for the catalogs. */
export type TitleCheck = { ok: true; title: string } | { ok: false; reason: string; invalid: Invalid };

// Controls other than whitespace, and the characters that reorder text (bidi overrides, embeddings,
// isolates and marks) or hide it (zero-width space, word joiner, BOM). ZWJ stays: emoji use it.
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFB]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when plain text holds what titles refuse: a control character other than tab and line
 * breaks, a zero-width or text-direction character, or half a surrogate pair. Every plain text
 * shown on a page (board names and descriptions, reasons) is held to the same rule.
 */
export function hasHiddenCharacters(text: string): boolean {
  return FORBIDDEN.test(text) || LONE_SURROGATE.test(text);
}

/** A post title: plain text, trimmed, runs of whitespace collapsed to one space, 1-100 characters. */
export function checkTitle(input: string): TitleCheck {
  if (hasHiddenCharacters(input)) {
    return {
      ok: false,
      reason: 'A title cannot contain control, zero-width or text-direction characters.',
      invalid: { kind: 'hiddenCharacters' },
    };
  }
  const title = input.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (!title) return { ok: false, reason: 'A title is required: it can be the whole message.', invalid: { kind: 'required' } };
  const length = [...title].length;
  if (length > TITLE_MAX) {
    return {
      ok: false,
      reason: `A title is at most ${TITLE_MAX} characters (this one has ${length}).`,
      invalid: { kind: 'tooLong', max: TITLE_MAX },
    };
  }
  return { ok: true, title };
}
