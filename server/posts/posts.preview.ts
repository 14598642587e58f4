import type { Request, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BodyFormat, Database } from '../db/database';
import type { Member } from '../db/member';
import { requireMember } from '../http/context';
import { href } from '../http/paths';
import { formText } from '../http/forms';
import { parseInput } from '../http/validate';
import type { Limiter } from '../limits/limiter';
import { FORMATS } from '../text/formats';
import { VARIANTS, type Variant } from '../text/convert';
import { mapBodyLinks } from '../text/sanitize';
import type { FormPreview } from '../views/composer';
import { previewBody } from './posts.body';
import type { TextCache } from '../caches';
import { isId } from '../db/ids';
import { type ShownOn, shownOn } from '../text/localize';

/**
 * The preview of a body before it is posted (issue 16): `POST /api/preview` for scripts and the
 * composer, and the preview button of every posting form (new thread, follow-up, edit), which posts
 * the form back and gets its page again with the preview above the form. Both render with the code
 * that stores a post (posts.body.ts previewBody), so what is previewed is what is stored; both
 * spend a point of the member's `preview:member` allowance (limits/limiter.ts).
 */

/** How a body is written (text/formats.ts); absent: the JSON API guesses as before formats (deprecated), a form means text. */
export const formatField = z.enum(FORMATS, { error: `must be one of ${FORMATS.join(', ')}` }).optional();

/** A body to preview, as a post would take it, and the variant to show it in (a 悄悄話's preview takes the same). */
export const previewInput = z.object({
  /** Only for finding mentions and the script the post is written in; not checked as a title is. */
  title: z.string({ error: 'must be a string' }).max(2000, 'is far too long').optional(),
  body: z.string({ error: 'must be a string' }).max(200_000, 'is too long').optional(),
  format: formatField,
  /** Shown as a reader of this variant would see the post; absent = as written. */
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
  /**
   * The page asking was asked under the variant's URL prefix (/zh-hans/…): links to this site's
   * pages get it, as that page shows a stored body's (an unprefixed page keeps them unprefixed).
   */
  prefixed: z.boolean({ error: 'must be true or false' }).optional(),
  /**
   * Where the post would go: a new thread's board (its slug), or the post it answers or edits (an
   * id). Its board's glossary then applies, as it will once posted; absent: the site's only.
   */
  board: z.string({ error: 'must be a string' }).max(200, 'is too long').optional(),
  post: z.string({ error: 'must be a string' }).max(40, 'is too long').optional(),
});

/** Where a previewed post would go (a board's slug, or the post answered or edited). */
export interface PreviewPlace {
  board?: string;
  post?: string;
}

/**
 * The board a previewed post would be shown on, as the glossaries need it: the board named, or the
 * board of the post answered or edited; null (the site's glossary only) when neither is there.
 * A glossary is public (/b/:slug/glossary), so naming any board reveals nothing.
 */
export async function previewShownOn(db: Kysely<Database>, conversions: TextCache, place: PreviewPlace): Promise<ShownOn> {
  let board: string | null = null;
  if (place.post !== undefined && isId(place.post))
    board = (await db.selectFrom('posts').select('board_id').where('id', '=', place.post).executeTakeFirst())?.board_id ?? null;
  else if (place.board !== undefined)
    board = (await db.selectFrom('boards').select('id').where('slug', '=', place.board).executeTakeFirst())?.id ?? null;
  return shownOn(conversions, board);
}

/**
 * A preview's HTML with its links to this site's pages under `variant`'s prefix when the page
 * asking has one, as a page shows a stored body (posts.views.tsx bodyHtml): what is previewed is
 * exactly what will be shown to this reader.
 */
export function linkedForPage(html: string, variant: Variant | undefined, prefixed: boolean | undefined): string {
  if (!variant || !prefixed) return html;
  const ctx = { prefix: `/${variant}` };
  return mapBodyLinks(html, (url) => href(ctx, url));
}

/** Whether a form was posted by its preview button (nothing is written then). */
export const asksPreview = (body: unknown): boolean => formText(body, 'preview') !== undefined;

/** A posted form's format as chosen, to show the form again with it (undefined when absent or not a format). */
export function formFormat(body: unknown): BodyFormat | undefined {
  const value = formText(body, 'format');
  return (FORMATS as readonly string[]).includes(value ?? '') ? (value as BodyFormat) : undefined;
}

/**
 * A form's preview: its body in its format (text when none was chosen), in the page's variant.
 * `fallback` is the format of a form that sends none (an edit form's post's own).
 */
export async function formPreview(
  db: Kysely<Database>,
  conversions: TextCache,
  limiter: Limiter,
  req: Request,
  member: Member,
  /** The form's place: its board's glossary applies. */
  place: PreviewPlace,
  fallback: BodyFormat = 'text',
): Promise<FormPreview> {
  await limiter.consume('preview:member', member.id);
  const { title, body, format } = parseInput(previewInput, req.body);
  return previewBody(db, { title, body, format: format ?? fallback }, req.variant, await previewShownOn(db, conversions, place));
}

/** `POST /api/preview {format, body, title?, variant?, prefixed?, board?, post?}` → `{html, bytes}`. */
export function previewRoutes(router: Router, db: Kysely<Database>, conversions: TextCache, limiter: Limiter): void {
  router.post('/api/preview', async (req, res) => {
    const member = requireMember(req);
    await limiter.consume('preview:member', member.id);
    const { variant, prefixed, board, post, ...input } = parseInput(previewInput, req.body);
    const { html, bytes } = await previewBody(db, input, variant, await previewShownOn(db, conversions, { board, post }));
    res.set('Cache-Control', 'private, no-store').json({ html: linkedForPage(html, variant, prefixed), bytes });
  });
}
