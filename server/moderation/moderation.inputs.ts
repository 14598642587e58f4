import { z } from 'zod';
import { isId } from '../db/ids';
import { wholeNumber } from '../http/validate';
import { formatField } from '../posts/posts.preview';
import { VARIANTS, type Variant } from '../variants';
import { SLOW_MODE_MAX_SECONDS } from './moderation.service';

/**
 * What moderation's routes accept (moderation.routes.ts and the routes beside it): the zod
 * schemas of their forms, bodies and queries, and the changes their paths name.
 */

/** Why a change was made; optional except where the service requires it. */
const reason = z.string({ error: 'must be a string' }).max(2000, 'is too long').optional();

export const editInput = z.object({
  /** The new title (plain text); absent keeps the current one. */
  title: z.string({ error: 'must be a string' }).max(2000, 'is far too long').optional(),
  /** The new body, written in `format` (absent: guessed as before formats, deprecated); absent keeps what was written. */
  body: z.string({ error: 'must be a string' }).max(200_000, 'is too long').optional(),
  /** How the body is written; alone, renders what was written in this format instead. */
  format: formatField,
  /** Uploaded images (their ids) to take out of the body (text/images.ts withoutImages). */
  removeImages: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, 'must be image ids (64 hex digits)'), { error: 'must be a list of image ids' })
    .max(100, 'too many')
    .optional(),
  reason,
});

export const reasonInput = z.object({ reason });
export const reportInput = z.object({ reason: z.string({ error: 'a reason is required' }).max(2000, 'is too long') });

export const banInput = z.object({
  /** The member to ban. */
  username: z.string({ error: 'the member’s name is required' }).max(200),
  /** How long, in days. */
  days: wholeNumber('must be a whole number of days'),
  reason: z.string({ error: 'a reason is required' }).max(2000, 'is too long'),
  /** The reported post this ban answers (closes its reports). */
  postId: z.string().refine(isId, 'must be a post id').optional(),
});

/** A thread's slow mode: seconds between one member's follow-ups (0: off). */
export const slowModeInput = z.object({
  seconds: wholeNumber('must be a whole number of seconds').pipe(
    z.number().min(0, 'must be 0 (off) or more').max(SLOW_MODE_MAX_SECONDS, `must be at most ${SLOW_MODE_MAX_SECONDS} seconds (a day)`),
  ),
});

export const CHANGES = ['lock', 'unlock', 'pin', 'unpin', 'feature', 'unfeature'] as const;
export const REVISION_CHANGES = ['hide', 'unhide'] as const;
/** A version of a post, as numbered in its revisions (0 = as first written). */
export const revisionParam = z.object({
  revision: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a version number (0 or more)')
    .transform(Number),
});
export const pageQuery = z.object({
  page: wholeNumber('must be a page number').pipe(z.number().min(1, 'must be a page number').max(100_000)).default(1),
});

/** A page of revisions through the API, in the reader's variant (`variant=`; absent: as written). */
export const revisionsQuery = pageQuery.extend({
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
});

export const publicBansInput = z.object({ on: z.union([z.boolean(), z.enum(['0', '1'])], { error: 'must be true or false' }) });
