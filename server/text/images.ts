/**
 * Images uploaded here, as bodies name them (/uploads/<hash>…): which a body shows, and a source
 * with some of them taken out (an author removing an image while editing, issue 16). Plain string
 * work on what the author wrote, in its format, so the edit renders and sanitizes the result as it
 * would any other.
 */
import type { Format } from './formats';

/** A content hash as upload URLs write it. */
const HASH = /^[0-9a-f]{64}$/;

/** Where an upload's thumbnail is served (uploads.service.ts serves it; the edit form shows it). */
export const uploadThumbnailPath = (hash: string) => `/uploads/${hash}.thumb.webp`;

/** The uploaded images a sanitized body shows (in an img or a link), by hash, in order, each once. */
export function uploadedImagesIn(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/(?:src|href)="\/uploads\/([0-9a-f]{64})[.\w]*"/g)) found.add(m[1]!);
  return [...found];
}

/**
 * `source`, written in `format`, without what shows the uploaded images `hashes`:
 * - markdown: an image of one (`![alt](/uploads/<hash>…)`), the same inside a link (the snippet
 *   the upload page gives: the thumbnail linked to the image), and a link to one (its text stays);
 * - html: an <img> of one, with the <a> around it, and a link to one (its text stays);
 * - every format: the address itself where it stands as text (absolute or not).
 * Nothing else changes; hashes that are not 64 hex digits are ignored.
 */
export function withoutImages(format: Format, source: string, hashes: readonly string[]): string {
  let out = source;
  for (const hash of hashes) {
    if (!HASH.test(hash)) continue;
    // Hex only: safe inside a regular expression as it is.
    const named = `[^)\\s]*\\/uploads\\/${hash}[^)\\s]*`;
    if (format === 'markdown') {
      // Bracketed text with its escapes (the upload page's snippet writes "[" in alt text as "\[").
      const text = `(?:\\\\.|[^\\]\\\\])*`;
      out = out
        .replace(new RegExp(`\\[!\\[${text}\\]\\(${named}\\)\\]\\([^)]*\\)`, 'g'), '')
        .replace(new RegExp(`\\[!\\[${text}\\]\\([^)]*\\)\\]\\(${named}\\)`, 'g'), '')
        .replace(new RegExp(`!\\[${text}\\]\\(${named}\\)`, 'g'), '')
        .replace(new RegExp(`\\[(${text})\\]\\(${named}\\)`, 'g'), '$1');
    } else if (format === 'html') {
      const attr = `[^>]*\\/uploads\\/${hash}[^>]*`;
      out = out
        .replace(new RegExp(`<a\\b[^>]*>\\s*<img\\b${attr}>\\s*</a>`, 'gi'), '')
        .replace(new RegExp(`<a\\b${attr}>\\s*<img\\b[^>]*>\\s*</a>`, 'gi'), '')
        .replace(new RegExp(`<img\\b${attr}>`, 'gi'), '')
        .replace(new RegExp(`<a\\b${attr}>([\\s\\S]*?)</a>`, 'gi'), '$1');
    }
    // The address as text: up to the end of its file name (.jpg, .thumb.webp, .64.webp), so the
    // Chinese text that often runs on right after it stays.
    out = out.replace(new RegExp(`(?:https?:\\/\\/[^\\s/]+)?\\/uploads\\/${hash}[A-Za-z0-9._~-]*`, 'g'), '');
  }
  return out;
}
