import { type Request, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { parseInput, wholeNumber } from '../http/validate';
import { type Limiter, addressKey } from '../limits/limiter';
import { localizedTitles } from '../text/localize';
import { VARIANTS, type Variant } from '../variants';
import type { PageContext } from '../views/layout';
import { localizeError } from '../views/messages.errors';
import { presentHit, showHits } from './search.presenter';
import { type SearchInput, search, searchScope } from './search.service';
import { searchPage } from './search.views';

const day = (field: string) =>
  z
    .string({ error: `${field} must be a day (YYYY-MM-DD)` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${field} must be a day (YYYY-MM-DD)`)
    .refine((s) => !Number.isNaN(Date.parse(s)), `${field} must be a day (YYYY-MM-DD)`)
    .optional()
    .or(z.literal('').transform(() => undefined));

/** A filter by name or slug: text of bounded length ('' means no filter, as an empty form field sends). */
const name = (field: string) =>
  z
    .string({ error: `${field} must be text` })
    .max(100, `${field} is far too long`)
    .optional()
    .transform((s) => (s ? s.trim() || undefined : undefined));

/** /search's and GET /api/search's query (q is checked by the search itself: its refusals say why). */
const searchQuery = z.object({
  q: z.string({ error: 'q must be text' }).optional(),
  /** `title`: titles only. */
  in: z.enum(['title', 'all'], { error: 'in must be title or all' }).optional(),
  board: name('board'),
  author: name('author'),
  /** A thread's id: search within it. */
  thread: name('thread'),
  from: day('from'),
  to: day('to'),
  /** 1: include deleted posts (moderators, on the boards they moderate). */
  deleted: z.enum(['0', '1'], { error: 'deleted must be 0 or 1' }).optional(),
  page: wholeNumber('page must be a number').pipe(z.number().min(1).max(1000)).optional(),
  /** The variant of titles and snippets (API; pages use the reader's). */
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
});

const toInput = (query: z.infer<typeof searchQuery>): SearchInput => ({
  q: query.q ?? '',
  titleOnly: query.in === 'title',
  board: query.board,
  author: query.author,
  thread: query.thread,
  from: query.from,
  to: query.to,
  deleted: query.deleted === '1',
  page: query.page ?? 1,
});

/**
 * Search: `/search?q=` (a page in the reader's variant; without q, the form alone) and
 * `GET /api/search`. Each search spends a point of the address's allowance (limits.search.address).
 */
export function searchRouter(
  db: Kysely<Database>,
  limiter: Limiter,
  caches: Pick<Caches, 'conversions' | 'searches'>,
  pageContext: (req: Request) => PageContext,
  timeZone: string,
): Router {
  const router = Router();
  const { conversions } = caches;
  const run = async (req: Request, input: SearchInput) => {
    await limiter.consume('search:address', addressKey(req.ip ?? ''));
    return search(db, req.member, input, timeZone, caches.searches);
  };

  router.get('/search', async (req, res) => {
    const input = toInput(parseInput(searchQuery, req.query));
    const ctx = pageContext(req);
    // Moderators and admins see the "include deleted" box; the search decides on which boards it applies.
    const canSeeDeleted = !!req.member && req.member.role !== 'member';
    const scope = input.board || input.thread ? await searchScope(db, input) : {};
    if (scope.thread) scope.thread = localizedTitles(conversions, [scope.thread], req.variant)[0];
    if (!input.q.trim()) {
      res.send(searchPage(ctx, input, null, canSeeDeleted, scope));
      return;
    }
    try {
      const results = await run(req, input);
      res.send(searchPage(ctx, input, { ...results, hits: showHits(conversions, results, req.variant) }, canSeeDeleted, scope));
    } catch (error) {
      // A query refused, or a board or member not there: the page says why above the form, which
      // keeps what was typed to correct (anything else, a rate limit included, is the usual page).
      if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 404)) throw error;
      res.status(error.status).send(searchPage(ctx, input, null, canSeeDeleted, scope, localizeError(ctx, error)));
    }
  });

  router.get('/api/search', async (req, res) => {
    const query = parseInput(searchQuery, req.query);
    const results = await run(req, toInput(query));
    res.json({
      results: showHits(conversions, results, query.variant).map(presentHit),
      page: results.page,
      pages: results.pages,
      total: results.total,
      totalCapped: results.capped,
    });
  });

  return router;
}
