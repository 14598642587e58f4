import { LRUCache } from 'lru-cache';
import { type SourceVariant, type Variant, convertHtml, convertText, convertTexts } from './convert';

/**
 * Converted titles and bodies, cached per (post, revision, variant): an edit raises the revision,
 * so a stale conversion is never served and simply ages out. Titles and bodies are separate
 * entries, since a page of follow-up lines reads titles only.
 *
 * Bounded by bytes, not entries: a title is a few dozen bytes and a body up to 100 KB (a converted
 * one twice that in memory), so a bound by count would let a few hundred long bodies take as much
 * memory as a hundred thousand titles.
 */
export const CONVERSION_CACHE_BYTES = 64 * 1024 * 1024;

// JavaScript strings are UTF-16 in memory (Latin-1 ones half that): two bytes per code unit is
// the upper bound, for the key and the value.
const stringBytes = (value: string, key: string) => (value.length + key.length) * 2;

const cache = new LRUCache<string, string>({ maxSize: CONVERSION_CACHE_BYTES, sizeCalculation: stringBytes });

export interface Convertible {
  id: string;
  revision: number;
  variant: string;
  title: string;
  body: string;
}

// Bodies are keyed by their size too: `gentie posts:resanitize` changes a body without an edit.
const key = (part: 't' | 'b', p: Convertible, reader: Variant) =>
  part === 't' ? `t:${p.id}:${p.revision}:${reader}` : `b:${p.id}:${p.revision}:${Buffer.byteLength(p.body)}:${reader}`;

function remember(k: string, value: string): string {
  cache.set(k, value);
  return value;
}

const needsConversion = (p: Convertible, reader: Variant | undefined): reader is Variant =>
  reader !== undefined && p.variant !== reader && p.variant !== 'other';

function title(post: Convertible, reader: Variant): string {
  const k = key('t', post, reader);
  return post.title ? (cache.get(k) ?? remember(k, convertText(post.title, post.variant as SourceVariant, reader))) : '';
}

function body(post: Convertible, reader: Variant): string {
  const k = key('b', post, reader);
  return post.body ? (cache.get(k) ?? remember(k, convertHtml(post.body, post.variant as SourceVariant, reader))) : '';
}

/** The post's title and body in the reader's variant (undefined: as written). */
export function localized<P extends Convertible>(post: P, reader: Variant | undefined): P {
  if (!needsConversion(post, reader)) return post;
  return { ...post, title: title(post, reader), body: body(post, reader) };
}

/**
 * Only the titles of many posts in the reader's variant, for lists that show nothing else (board
 * index, member pages, the lines of a thread). Bodies are left untouched and must not be shown.
 * The titles the cache lacks are converted in one batch per source variant (one jieba call for a
 * whole page instead of one per line), then cached.
 */
export function localizedTitles<P extends Convertible>(posts: P[], reader: Variant | undefined): P[] {
  if (!reader) return posts;
  const missing = new Map<string, P[]>();
  for (const p of posts) {
    if (!needsConversion(p, reader) || !p.title || cache.has(key('t', p, reader))) continue;
    const list = missing.get(p.variant) ?? [];
    list.push(p);
    missing.set(p.variant, list);
  }
  for (const [variant, list] of missing) {
    const titles = convertTexts(
      list.map((p) => p.title),
      variant as SourceVariant,
      reader,
    );
    list.forEach((p, i) => remember(key('t', p, reader), titles[i]!));
  }
  return posts.map((p) => (needsConversion(p, reader) ? { ...p, title: title(p, reader) } : p));
}

/** Many posts, titles and bodies, in the reader's variant (titles batched as localizedTitles does). */
export function localizedAll<P extends Convertible>(posts: P[], reader: Variant | undefined): P[] {
  return localizedTitles(posts, reader).map((p) => (needsConversion(p, reader) && p.body ? { ...p, body: body(p, reader) } : p));
}

/** How full the cache is: entries, and their calculated size against the bound (for tests and metrics). */
export function conversionCacheStats(): { entries: number; bytes: number; maxBytes: number } {
  return { entries: cache.size, bytes: cache.calculatedSize, maxBytes: CONVERSION_CACHE_BYTES };
}

/** Empties the cache (benchmarks measure cold pages with it). */
export function clearConversionCache(): void {
  cache.clear();
}
