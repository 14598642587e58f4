import type { TextCache } from '../caches';
import { type SourceVariant, type Variant, convertHtml, convertText, convertTexts } from './convert';
import { htmlExcerpt, htmlHead } from './excerpt';

/**
 * Titles and bodies in the reader's variant (and 已註銷用戶, the name of a deleted account's kept
 * posts: shownName), through the app's conversion cache (caches.ts:
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
const key = (part: 't' | 'b', p: Convertible, reader: Variant) =>
  part === 't' ? `t:${p.id}:${p.revision}:${reader}` : `b:${p.id}:${p.revision}:${Buffer.byteLength(p.body)}:${reader}`;

function remember(cache: TextCache, k: string, value: string): string {
  cache.set(k, value);
  return value;
}

const needsConversion = (p: Convertible, reader: Variant | undefined): reader is Variant =>
  reader !== undefined && p.variant !== reader && p.variant !== 'other';

/**
 * The name a deleted account's posts are shown under when an admin kept them (admin.members.ts
 * deleteMember stores it as the account's name). Names are never converted, as their owners wrote
 * them; this one is the site's own words, so it is shown in the reader's script.
 */
export const DELETED_MEMBER_NAME = '已註銷用戶';
const DELETED_MEMBER_HANS = '已注销用户';

/** A member's name as a reader of `reader` sees it: as registered, but 已註銷用戶 in their script. */
export function shownName(name: string, reader: Variant | undefined): string {
  return name === DELETED_MEMBER_NAME && reader === 'zh-hans' ? DELETED_MEMBER_HANS : name;
}

/** The post with its author's name as shownName gives it (posts that carry an author). */
function withShownAuthor<P>(post: P, reader: Variant | undefined): P {
  const author = (post as { author?: { name?: unknown } }).author;
  if (reader !== 'zh-hans' || typeof author?.name !== 'string' || author.name !== DELETED_MEMBER_NAME) return post;
  return { ...post, author: { ...author, name: DELETED_MEMBER_HANS } };
}

function title(cache: TextCache, post: Convertible, reader: Variant): string {
  const k = key('t', post, reader);
  return post.title ? (cache.get(k) ?? remember(cache, k, convertText(post.title, post.variant, reader))) : '';
}

function body(cache: TextCache, post: Convertible, reader: Variant): string {
  const k = key('b', post, reader);
  return post.body ? (cache.get(k) ?? remember(cache, k, convertHtml(post.body, post.variant, reader))) : '';
}

/** The post's title and body in the reader's variant (undefined: as written). */
export function localized<P extends Convertible>(cache: TextCache, post: P, reader: Variant | undefined): P {
  if (!needsConversion(post, reader)) return withShownAuthor(post, reader);
  return withShownAuthor({ ...post, title: title(cache, post, reader), body: body(cache, post, reader) }, reader);
}

/**
 * Only the titles of many posts in the reader's variant, for lists that show nothing else (board
 * index, member pages, the lines of a thread). Bodies are left untouched and must not be shown.
 * The titles the cache lacks are converted in one batch per source variant (one jieba call for a
 * whole page instead of one per line), then cached.
 */
export function localizedTitles<P extends Convertible>(cache: TextCache, posts: P[], reader: Variant | undefined): P[] {
  if (!reader) return posts;
  const missing = new Map<SourceVariant, P[]>();
  for (const p of posts) {
    if (!needsConversion(p, reader) || !p.title || cache.has(key('t', p, reader))) continue;
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
  return posts.map((p) => withShownAuthor(needsConversion(p, reader) ? { ...p, title: title(cache, p, reader) } : p, reader));
}

/** Many posts, titles and bodies, in the reader's variant (titles batched as localizedTitles does). */
export function localizedAll<P extends Convertible>(cache: TextCache, posts: P[], reader: Variant | undefined): P[] {
  return localizedTitles(cache, posts, reader).map((p) =>
    needsConversion(p, reader) && p.body ? { ...p, body: body(cache, p, reader) } : p,
  );
}

/**
 * The opening words of a post's body as plain text in the reader's variant (a feed entry's
 * summary: text/excerpt.ts), cached like a body. Only the head of the body is converted, as HTML,
 * so code and mentioned names stay as written, and a long body costs what a short one does.
 */
export function localizedExcerpt(cache: TextCache, post: Convertible, reader: Variant | undefined, chars: number): string {
  if (!post.body) return '';
  if (!needsConversion(post, reader)) return htmlExcerpt(post.body, chars);
  const k = `e:${post.id}:${post.revision}:${Buffer.byteLength(post.body)}:${reader}:${chars}`;
  const found = cache.get(k);
  if (found !== undefined) return found;
  const head = htmlHead(post.body);
  return remember(cache, k, htmlExcerpt(convertHtml(head, post.variant, reader), chars, head.length < post.body.length));
}
