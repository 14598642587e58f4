import { createHash } from 'node:crypto';
import { foldScript } from './convert';

/**
 * A post's fingerprint for refusing "the same post again" (posts.content_hash): a hash of its title
 * and text as a reader would compare them. Two posts that differ only in how they were typed get
 * the same hash: full-width or half-width forms (NFKC), Latin case, runs of white space, simplified
 * or traditional characters (text/convert.ts foldScript), and the markup around the text (the
 * sanitized body is reduced to its text).
 */

// Entities a sanitized body can hold: the escaped markup characters and numeric references.
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of sanitized HTML: tags become spaces (so block boundaries stay word breaks), entities their characters. */
export function htmlText(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Text as it is compared: NFKC, one script, lower-case, white space collapsed and trimmed. */
export function normalizeText(text: string): string {
  return foldScript(text.normalize('NFKC')).toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** The fingerprint of a post's title and sanitized body (base64url of SHA-256, 43 characters). */
export function contentHash(title: string, sanitizedBody: string): string {
  // U+0000 cannot occur in either after normalizing, so title "a b" + body "" differs from "a" + "b".
  const text = `${normalizeText(title)}\u0000${normalizeText(htmlText(sanitizedBody))}`;
  return createHash('sha256').update(text).digest('base64url');
}
