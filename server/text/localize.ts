import type { TextCache } from '../caches';
import { type SourceVariant, type Variant, convertHtml, convertText, convertTexts } from './convert';
import { htmlExcerpt, htmlHead } from './excerpt';
import { hasPins, resolveHtmlPins, resolvePins } from './pins';

/**
 * Titles and bodies in the reader's variant, through the app's conversion cache (caches.ts:
 * per post, revision and variant, bounded by bytes). An edit raises the revision, so a stale
 * conversion is never served and simply ages out. Titles and bodies are separate entries, since a
 * page of follow-up lines reads titles only.
 */

export interface Convertible {
  id: string;
  revision: number;
  variant: SourceVariant;
  title: string;
  body: string;
}

// Bodies are keyed by their size too: `gentie posts:resanitize` changes a body without an edit.
// A reader of no variant ('w', as written) is cached only for posts with pins.
const key = (part: 't' | 'b', p: Convertible, reader: Variant | undefined) =>
  part === 't' ? `t:${p.id}:${p.revision}:${reader ?? 'w'}` : `b:${p.id}:${p.revision}:${Buffer.byteLength(p.body)}:${reader ?? 'w'}`;

function remember(cache: TextCache, k: string, value: string): string {
  cache.set(k, value);
  return value;
}

/**
 * Plain text as a reader of `reader` reads it (undefined: as written): converted from `from`, or
 * with its pins (text/pins.ts) resolved when it is not converted. For every text shown that is not
 * a cached post's (notifications, digests, snippets, revisions).
 */
export function textFor(text: string, from: SourceVariant, reader: Variant | undefined): string {
  return reader ? convertText(text, from, reader) : resolvePins(text, undefined);
}

/** Sanitized HTML as a reader of `reader` reads it (undefined: as written), as textFor. */
export function htmlFor(html: string, from: SourceVariant, reader: Variant | undefined): string {
  return reader ? convertHtml(html, from, reader) : resolveHtmlPins(html, undefined);
}

// Whether a post reads otherwise than stored: another script, or pins to resolve (whatever the reader).
const convertsTitle = (p: Convertible, reader: Variant | undefined) =>
  (reader !== undefined && p.variant !== reader && p.variant !== 'other') || hasPins(p.title);
const convertsBody = (p: Convertible, reader: Variant | undefined) =>
  (reader !== undefined && p.variant !== reader && p.variant !== 'other') || hasPins(p.body);
const needsConversion = (p: Convertible, reader: Variant | undefined) => convertsTitle(p, reader) || convertsBody(p, reader);

function title(cache: TextCache, post: Convertible, reader: Variant | undefined): string {
  if (!convertsTitle(post, reader)) return post.title;
  const k = key('t', post, reader);
  return post.title ? (cache.get(k) ?? remember(cache, k, textFor(post.title, post.variant, reader))) : '';
}

function body(cache: TextCache, post: Convertible, reader: Variant | undefined): string {
  if (!convertsBody(post, reader)) return post.body;
  const k = key('b', post, reader);
  return post.body ? (cache.get(k) ?? remember(cache, k, htmlFor(post.body, post.variant, reader))) : '';
}

/** The post's title and body in the reader's variant (undefined: as written). */
export function localized<P extends Convertible>(cache: TextCache, post: P, reader: Variant | undefined): P {
  if (!needsConversion(post, reader)) return post;
  return { ...post, title: title(cache, post, reader), body: body(cache, post, reader) };
}

/**
 * Only the titles of many posts in the reader's variant, for lists that show nothing else (board
 * index, member pages, the lines of a thread). Bodies are left untouched and must not be shown.
 * The titles the cache lacks are converted in one batch per source variant (one jieba call for a
 * whole page instead of one per line), then cached.
 */
export function localizedTitles<P extends Convertible>(cache: TextCache, posts: P[], reader: Variant | undefined): P[] {
  if (!reader) return posts.map((p) => (hasPins(p.title) ? { ...p, title: title(cache, p, reader) } : p));
  const missing = new Map<SourceVariant, P[]>();
  for (const p of posts) {
    if (!convertsTitle(p, reader) || !p.title || cache.has(key('t', p, reader))) continue;
    const list = missing.get(p.variant) ?? [];
    list.push(p);
    missing.set(p.variant, list);
  }
  for (const [variant, list] of missing) {
    const titles = convertTexts(
      list.map((p) => p.title),
      variant,
      reader,
    );
    list.forEach((p, i) => remember(cache, key('t', p, reader), titles[i]!));
  }
  return posts.map((p) => (convertsTitle(p, reader) ? { ...p, title: title(cache, p, reader) } : p));
}

/** Many posts, titles and bodies, in the reader's variant (titles batched as localizedTitles does). */
export function localizedAll<P extends Convertible>(cache: TextCache, posts: P[], reader: Variant | undefined): P[] {
  return localizedTitles(cache, posts, reader).map((p) => (convertsBody(p, reader) && p.body ? { ...p, body: body(cache, p, reader) } : p));
}

/**
 * The opening words of a post's body as plain text in the reader's variant (a feed entry's
 * summary: text/excerpt.ts), cached like a body. Only the head of the body is converted, as HTML,
 * so code and mentioned names stay as written, and a long body costs what a short one does.
 */
export function localizedExcerpt(cache: TextCache, post: Convertible, reader: Variant | undefined, chars: number): string {
  if (!post.body) return '';
  if (!convertsBody(post, reader)) return htmlExcerpt(post.body, chars);
  const k = `e:${post.id}:${post.revision}:${Buffer.byteLength(post.body)}:${reader ?? 'w'}:${chars}`;
  const found = cache.get(k);
  if (found !== undefined) return found;
  const head = htmlHead(post.body);
  return remember(cache, k, htmlExcerpt(htmlFor(head, post.variant, reader), chars, head.length < post.body.length));
}
