import { ConversionCache, type TextCache } from '../caches';
import { type SourceVariant, type Variant, convertHtml, convertText, convertTexts, detectVariant } from './convert';
import { htmlExcerpt, htmlHead } from './excerpt';
import type { ConversionRules } from './glossary';
import { hasPins, resolveHtmlPins, resolvePins, unpinned } from './pins';

/**
 * Titles and bodies in the reader's variant (and 已註銷用戶, the name of a deleted account's kept
 * posts: shownName), through the app's conversion cache (caches.ts:
 * per post, revision, variant and conversion-rules version, bounded by bytes). An edit raises the
 * revision, a glossary change the rules version (the board's glossary and the site's, which the
 * cache carries: caches.ts ConversionCache), so a stale conversion is never served and simply
 * ages out. A post's board glossary applies when it comes with its `board_id`. Titles and bodies are separate entries, since a
 * page of follow-up lines reads titles only.
 */

export type Convertible = {
  id: string;
  revision: number;
  variant: SourceVariant;
  title: string;
  body: string;
} & OnBoard;

/**
 * The post's board, as a row has it (`board_id`) or a service's Post (`boardId`): its glossary
 * applies. Required, so that no list of posts can leave it out: null for a text of no board (a
 * 悄悄話), which the site's glossary alone applies to.
 */
type OnBoard = { board_id: string | null; boardId?: string | null } | { board_id?: string | null; boardId: string | null };

const boardOf = (p: { board_id?: string | null; boardId?: string | null }) => p.board_id ?? p.boardId ?? null;

// Bodies are keyed by their size too: `gentie posts:resanitize` changes a body without an edit.
// A reader of no variant ('w', as written) is cached only for posts with pins.
const key = (part: 't' | 'b', p: Convertible, reader: Variant | undefined, cache: TextCache) =>
  part === 't'
    ? `t:${p.id}:${p.revision}:${reader ?? 'w'}:${versionOf(cache, p)}`
    : `b:${p.id}:${p.revision}:${Buffer.byteLength(p.body)}:${reader ?? 'w'}:${versionOf(cache, p)}`;

/** The conversion-rules version of a post's text (the glossaries: text/glossary.ts). */
const versionOf = (cache: TextCache, p: { board_id?: string | null; boardId?: string | null }) =>
  cache instanceof ConversionCache ? cache.rules.versionFor(boardOf(p)) : '';

/** The rules a post's text is converted by. */
export const rulesOf = (cache: TextCache, p: { board_id?: string | null; boardId?: string | null }) =>
  cache instanceof ConversionCache ? (cache.rules.rulesFor(boardOf(p)) as ConversionRules | undefined) : undefined;

function remember(cache: TextCache, k: string, value: string): string {
  cache.set(k, value);
  return value;
}

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

/** Whether `name` is the name deleted accounts are shown under, in either script (no member has it). */
export function isDeletedMemberName(name: string): boolean {
  const typed = name.normalize('NFKC').trim();
  return typed === DELETED_MEMBER_NAME || typed === DELETED_MEMBER_HANS;
}

/** A name on a post (its author, its last editor) as shownName gives it; the same object when nothing changes. */
function shownNamed<N extends { name?: unknown } | null | undefined>(named: N, reader: Variant | undefined): N {
  if (typeof named?.name !== 'string' || shownName(named.name, reader) === named.name) return named;
  return { ...named, name: shownName(named.name, reader) };
}

/** The post with its author's and last editor's names as shownName gives them (posts that carry them). */
function withShownAuthor<P>(post: P, reader: Variant | undefined): P {
  if (reader !== 'zh-hans') return post;
  const { author, editedBy } = post as { author?: { name?: unknown } | null; editedBy?: { name?: unknown } | null };
  const [a, e] = [shownNamed(author, reader), shownNamed(editedBy, reader)];
  if (a === author && e === editedBy) return post;
  return { ...post, ...(a === author ? {} : { author: a }), ...(e === editedBy ? {} : { editedBy: e }) };
}

/**
 * Where a text is shown, as its conversion needs it: the app's conversion cache (which carries the
 * glossaries: caches.ts ConversionCache) and the board whose glossary applies, or null for a text
 * that belongs to no board (a 悄悄話, the site's name), which the site's glossary alone applies to.
 * Every text shown that is not a cached post's goes through textFor, htmlFor or textsFor with one
 * of these, so no surface can show a text converted without its glossaries: the converters
 * themselves (text/convert.ts) and the resolving of pins (text/pins.ts) are not imported outside
 * text/ (eslint.config.mjs, "Conversion only through text/localize.ts").
 */
export interface ShownOn {
  cache: TextCache;
  board: string | null;
}

/** Where a text of `board` is shown through `cache` (null: on no board, the site's glossary only). */
export const shownOn = (cache: TextCache, board: string | null | undefined): ShownOn => ({ cache, board: board ?? null });

/** The rules a text shown `on` is converted by. */
const rulesOn = (on: ShownOn) => rulesOf(on.cache, { board_id: on.board });

/**
 * The conversion-rules version of what is shown `on` (the site glossary's and the board's): for
 * the key of anything kept that holds text converted there.
 */
export const versionOn = (on: ShownOn): string => versionOf(on.cache, { board_id: on.board });

/**
 * Plain text as a reader of `reader` reads it (undefined: as written): converted from `from` by
 * the glossaries that apply where it is shown, or with its pins (text/pins.ts) resolved when it is
 * not converted. For every text shown that is not a cached post's (notifications, digests,
 * snippets, revisions, held posts, previews, quoted titles, the site's words).
 */
export function textFor(on: ShownOn, text: string, from: SourceVariant, reader: Variant | undefined): string {
  return reader ? convertText(text, from, reader, rulesOn(on)) : resolvePins(text, undefined);
}

/** Sanitized HTML as a reader of `reader` reads it (undefined: as written), as textFor. */
export function htmlFor(on: ShownOn, html: string, from: SourceVariant, reader: Variant | undefined): string {
  return reader ? convertHtml(html, from, reader, rulesOn(on)) : resolveHtmlPins(html, undefined);
}

/** Several plain texts of one script, as textFor, converted in one batch (one jieba call). */
export function textsFor(on: ShownOn, texts: string[], from: SourceVariant, reader: Variant | undefined): string[] {
  return reader ? convertTexts(texts, from, reader, rulesOn(on)) : texts.map((t) => resolvePins(t, undefined));
}

/** Plain text of no known script (a description, the site's name), as textFor: its script detected, pins aside. */
export function textIn(on: ShownOn, text: string, reader: Variant | undefined): string {
  if (!text) return text;
  return reader ? textFor(on, text, detectVariant(unpinned(text)), reader) : resolvePins(text, undefined);
}

/** Converts one free text (a name, a reason) of a board (its id; null or absent: of none) for the reader. */
export type FreeText = <T extends string | null | undefined>(text: T, board?: string | null) => T;

/**
 * Free texts (a board's name or description, a ban's, report's or edit's reason, a glossary's
 * note) as a reader of `variant` reads them (undefined: as written): their script detected, pins
 * resolved (text/pins.ts), by the glossary of the board they belong to when it is given (its id),
 * else the site's alone. JSON answers take it for `variant=` (http/answers.ts), pages as
 * `ctx.shown` (views/layout.tsx), refusals that quote a reason from the page's (views/messages.errors.ts).
 */
export function freeTextIn(conversions: TextCache, variant: Variant | undefined): FreeText {
  return <T extends string | null | undefined>(text: T, board?: string | null): T =>
    (typeof text === 'string' && text ? textIn(shownOn(conversions, board), text, variant) : text) as T;
}

// Whether a post reads otherwise than stored: another script, or pins to resolve (whatever the reader).
const convertsTitle = (p: Convertible, reader: Variant | undefined) =>
  (reader !== undefined && p.variant !== reader && p.variant !== 'other') || hasPins(p.title);
const convertsBody = (p: Convertible, reader: Variant | undefined) =>
  (reader !== undefined && p.variant !== reader && p.variant !== 'other') || hasPins(p.body);
const needsConversion = (p: Convertible, reader: Variant | undefined) => convertsTitle(p, reader) || convertsBody(p, reader);

function title(cache: TextCache, post: Convertible, reader: Variant | undefined): string {
  if (!convertsTitle(post, reader)) return post.title;
  const k = key('t', post, reader, cache);
  return post.title ? (cache.get(k) ?? remember(cache, k, textFor(shownOn(cache, boardOf(post)), post.title, post.variant, reader))) : '';
}

function body(cache: TextCache, post: Convertible, reader: Variant | undefined): string {
  if (!convertsBody(post, reader)) return post.body;
  const k = key('b', post, reader, cache);
  return post.body ? (cache.get(k) ?? remember(cache, k, htmlFor(shownOn(cache, boardOf(post)), post.body, post.variant, reader))) : '';
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
  if (!reader) return posts.map((p) => (hasPins(p.title) ? { ...p, title: title(cache, p, reader) } : p));
  // Batched per source variant and board (each board's glossary applies to its own titles).
  const missing = new Map<string, P[]>();
  for (const p of posts) {
    if (!convertsTitle(p, reader) || !p.title || cache.has(key('t', p, reader, cache))) continue;
    const batch = `${p.variant}:${boardOf(p) ?? ''}`;
    const list = missing.get(batch) ?? [];
    list.push(p);
    missing.set(batch, list);
  }
  for (const list of missing.values()) {
    const titles = textsFor(
      shownOn(cache, boardOf(list[0]!)),
      list.map((p) => p.title),
      list[0]!.variant,
      reader,
    );
    list.forEach((p, i) => remember(cache, key('t', p, reader, cache), titles[i]!));
  }
  return posts.map((p) => withShownAuthor(convertsTitle(p, reader) ? { ...p, title: title(cache, p, reader) } : p, reader));
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
  const k = `e:${post.id}:${post.revision}:${Buffer.byteLength(post.body)}:${reader ?? 'w'}:${chars}:${versionOf(cache, post)}`;
  const found = cache.get(k);
  if (found !== undefined) return found;
  const head = htmlHead(post.body);
  return remember(
    cache,
    k,
    htmlExcerpt(htmlFor(shownOn(cache, boardOf(post)), head, post.variant, reader), chars, head.length < post.body.length),
  );
}
