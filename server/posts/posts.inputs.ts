import { type Request } from 'express';
import { z } from 'zod';
import { formFormat, formatField } from './posts.preview';
import { type AppError } from '../errors';
import type { FormPreview } from '../views/composer';
import { formText } from '../http/forms';
import { parseInput, wholeNumber } from '../http/validate';
import { VARIANTS, type Variant } from '../text/convert';
import type * as posts from './posts.service';
import type { PostInput } from './posts.body';
import * as paging from './posts.paging';
import { CURSOR_MAX_CHARS } from './posts.cursor';
import { postInThread } from './posts.paths';
import type { FormState } from './posts.form.views';
import { hotQuery } from './posts.hot.routes';

/**
 * What the posts routes accept (posts.routes.ts and the routes beside it): the zod schemas of their
 * bodies and queries, a form's post read back for the page again, and where a form goes after writing.
 */

/** A new thread or follow-up, from the API or a form. */
export const postInput = z.object({
  /** Plain text; trimmed and checked by the service. Required: a title can be the whole message. */
  title: z.string({ error: 'a title is required (a string)' }).max(2000, 'is far too long'),
  /** Written in `format`, rendered and sanitized on write; empty or absent for a title-only post. */
  body: z.string({ error: 'must be a string' }).max(200_000, 'is too long').optional(),
  format: formatField,
});

/** A form's post: as the API's, but a body without a format is text (forms default to it). */
export function formPost(body: unknown): PostInput {
  const input = parseInput(postInput, body);
  return { ...input, format: input.format ?? 'text' };
}

export const variantQuery = z.object({
  /** Titles and bodies converted for a reader of this variant; absent = as written. */
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
});

/** A page of a walk through a thread (docs/api.md, "Walking a thread"). */
export const pagingQuery = variantQuery.extend({
  limit: wholeNumber(`must be a number from 1 to ${paging.PAGE_MAX}`)
    .pipe(z.number().min(1, `must be a number from 1 to ${paging.PAGE_MAX}`).max(paging.PAGE_MAX, `must be at most ${paging.PAGE_MAX}`))
    .default(paging.PAGE_MAX),
  /** The nextCursor of the previous page, as it came. */
  cursor: z.string({ error: 'must be the nextCursor of the previous page' }).max(CURSOR_MAX_CHARS, 'is not a cursor').optional(),
  /** bodies=false: the follow-ups come with body ''. */
  bodies: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});

export const newQuery = pagingQuery.extend({
  /** The highest post id the reader has seen; 0 for every follow-up. */
  since: wholeNumber('must be a post id (0 for all)').pipe(z.number().min(0, 'must be a post id (0 for all)')),
});

export const pageQuery = z.object({
  page: wholeNumber('must be a page number').pipe(z.number().min(1, 'must be a page number').max(100_000)).default(1),
  /** featured=1: only threads marked 加精. */
  featured: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
  /** Which window the board's hot threads show: today (the default) or week (posts.hot.routes.ts). */
  hot: hotQuery.shape.hot,
  /** After starting a thread that is held for review: its id (the page says it waits, to its author only). */
  held: z
    .string({ error: 'must be a held post id' })
    .regex(/^\d{1,19}$/, 'must be a held post id')
    .optional(),
});

/** A page of the 精華區: after the thread a "next page" link names. */
export const featuredQuery = z.object({
  after: z
    .string({ error: 'must be the cursor of a "next page" link' })
    .regex(/^\d{1,15}_[1-9]\d{0,17}$/, 'must be the cursor of a "next page" link')
    .optional(),
});

/**
 * A thread page: which window of the follow-ups (after a cursor, or the one holding a post), and
 * how many members a post just written mentions without notifying them.
 */
export const threadPageQuery = z
  .object({
    unnotified: wholeNumber('must be a number').pipe(z.number().min(0).max(1000)).optional(),
    /** The "more follow-ups" link's cursor, as it came. */
    after: z.string({ error: 'must be the cursor of a "more follow-ups" link' }).max(CURSOR_MAX_CHARS, 'is not a cursor').optional(),
    /** A follow-up under the page's post: the window holding it. */
    at: z
      .string({ error: 'must be a post id' })
      .regex(/^\d{1,19}$/, 'must be a post id')
      .optional(),
    /** After posting a follow-up that is held for review: its id (the page says it waits, to its author only). */
    held: z
      .string({ error: 'must be a held post id' })
      .regex(/^\d{1,19}$/, 'must be a held post id')
      .optional(),
    /** A later window's "more" link: the reader's position when the first window was served (marks only). */
    seen: z
      .string({ error: 'must be a post id' })
      .regex(/^\d{1,19}$/, 'must be a post id')
      .optional(),
  })
  .refine((q) => q.after === undefined || q.at === undefined, { message: 'give either after or at, not both', path: ['at'] });

/**
 * Where a form goes after writing a post: to the post, saying how many mentions were not notified.
 * A held follow-up: to its place in the thread (the window holding its parent), which its author
 * sees it in, with the notice that it waits; a held thread: to the board's page, which lists it.
 */
export function afterWriting(req: Request, submitted: posts.Submitted): string {
  if (submitted.held) {
    const h = submitted.heldPost;
    if (h.threadId === null || h.parentId === null) return `${req.variantPrefix}/b/${h.board.slug}?held=${h.id}#h${h.id}`;
    const at = h.parentId === h.threadId ? '' : `&at=${h.parentId}`;
    return `${req.variantPrefix}/t/${h.threadId}?held=${h.id}${at}#h${h.id}`;
  }
  const post = submitted.post;
  return (
    req.variantPrefix +
    postInThread(post.threadId, post.id, post.unnotifiedMentions.length ? `unnotified=${post.unnotifiedMentions.length}` : '')
  );
}

// A refused form comes back as the same page, the refusal above the form and the text kept; a
// board or post that is not there (any more) is the 404 page, as it would be for a GET.
// A previewed form comes back the same way, with the preview above it (posts.preview.ts).
export const formState = (req: Request, shown: { refusal: AppError } | { preview: FormPreview }): FormState => ({
  values: { title: formText(req.body, 'title'), body: formText(req.body, 'body'), format: formFormat(req.body) },
  ...shown,
});
