import { type SourceVariant, type Variant, convertHtml, convertText } from './convert';

/**
 * Converted titles and bodies, cached per (post, revision, variant): an edit raises the revision,
 * so a stale conversion is never served and simply ages out. A plain LRU bounded by entry count.
 */
const MAX_ENTRIES = 50_000;
const cache = new Map<string, { title: string; body: string }>();

export interface Convertible {
  id: string;
  revision: number;
  variant: string;
  title: string;
  body: string;
}

/** The post's title and body in the reader's variant (undefined: as written). */
export function localized<P extends Convertible>(post: P, reader: Variant | undefined): P {
  if (!reader || post.variant === reader || post.variant === 'other') return post;
  // A tombstone (title and body hidden) has nothing to convert and must not share the cache entry.
  if (!post.title && !post.body) return post;
  const key = `${post.id}:${post.revision}:${reader}`;
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key); // move to the young end
  } else {
    const from = post.variant as SourceVariant;
    hit = { title: convertText(post.title, from, reader), body: convertHtml(post.body, from, reader) };
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, hit);
  return { ...post, title: hit.title, body: hit.body };
}

/** Empties the cache (benchmarks measure cold pages with it). */
export function clearConversionCache(): void {
  cache.clear();
}
