import { type SourceVariant, type Variant, convertHtml, convertText, convertTexts } from './convert';

/**
 * Converted titles and bodies, cached per (post, revision, variant): an edit raises the revision,
 * so a stale conversion is never served and simply ages out. Titles and bodies are separate
 * entries, since a page of follow-up lines reads titles only. A plain LRU bounded by entry count.
 */
const MAX_ENTRIES = 100_000;
const cache = new Map<string, string>();

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
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(k, value);
  return value;
}

function recall(k: string): string | undefined {
  const hit = cache.get(k);
  if (hit !== undefined) {
    cache.delete(k); // move to the young end
    cache.set(k, hit);
  }
  return hit;
}

const needsConversion = (p: Convertible, reader: Variant | undefined): reader is Variant =>
  reader !== undefined && p.variant !== reader && p.variant !== 'other';

/** The post's title and body in the reader's variant (undefined: as written). */
export function localized<P extends Convertible>(post: P, reader: Variant | undefined): P {
  if (!needsConversion(post, reader)) return post;
  const from = post.variant as SourceVariant;
  const tk = key('t', post, reader);
  const title = post.title ? (recall(tk) ?? remember(tk, convertText(post.title, from, reader))) : '';
  const bk = key('b', post, reader);
  const body = post.body ? (recall(bk) ?? remember(bk, convertHtml(post.body, from, reader))) : '';
  return { ...post, title, body };
}

/**
 * Many posts in the reader's variant: the titles the cache lacks are converted in one batch per
 * source variant (one jieba call for a whole page instead of one per line), then cached.
 */
export function localizedAll<P extends Convertible>(posts: P[], reader: Variant | undefined): P[] {
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
  return posts.map((p) => localized(p, reader));
}

/** Empties the cache (benchmarks measure cold pages with it). */
export function clearConversionCache(): void {
  cache.clear();
}
