import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { getBoard, listBoards } from '../boards/boards.service';
import { homePage } from '../boards/boards.views';
import { parseInput } from '../http/validate';
import { VARIANTS, type Variant } from '../text/convert';
import type { PageContext } from '../views/layout';
import { type HotLists, HOT_KEEP, hotInVariant, presentHot } from './posts.hot';
import { HotSection } from './posts.hot.views';
import { boardsInVariant } from './posts.variants';

/** `?hot=` on `/` and `/b/:slug`: which window the hot list shows (today unless asked). */
export const hotQuery = z.object({
  /** today (the default) or week. */
  hot: z.enum(['today', 'week'], { error: 'must be today or week' }).default('today'),
});

/** `GET /api/hot`. */
const apiQuery = z.object({
  /** A board's slug: its list; absent: the site's. */
  board: z.string({ error: 'must be a board slug' }).max(64, 'must be a board slug').optional(),
  /** today (the default) or week. */
  period: z.enum(['today', 'week'], { error: 'must be today or week' }).default('today'),
  /** Titles converted for a reader of this variant; absent = as written. */
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
  /** How many threads (10 unless asked, at most HOT_KEEP). */
  limit: z.coerce
    .number({ error: `must be a number from 1 to ${HOT_KEEP}` })
    .int(`must be a number from 1 to ${HOT_KEEP}`)
    .min(1, `must be a number from 1 to ${HOT_KEEP}`)
    .max(HOT_KEEP, `must be at most ${HOT_KEEP}`)
    .optional(),
});

/**
 * `/` (the boards and the site's hot threads) and `GET /api/hot` (a hot list as JSON). `/` lives
 * here, not with the boards, because its hot list is made of threads (posts/ sits above boards/).
 */
export function hotRouter(
  db: Kysely<Database>,
  hot: HotLists,
  caches: Pick<Caches, 'conversions'>,
  pageContext: (req: Request) => PageContext,
): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const { hot: period } = parseInput(hotQuery, req.query);
    const ctx = pageContext(req);
    const [boards, list] = await Promise.all([listBoards(db), hot.list({ board: null, period, viewer: req.member, limit: HOT_KEEP })]);
    const shown = hotInVariant(caches.conversions, list, req.variant);
    res.send(
      homePage(
        ctx,
        boardsInVariant(caches.conversions, boards, req.variant),
        HotSection({ ctx, list: shown, base: '/', variant: req.variant }),
      ),
    );
  });

  router.get('/api/hot', async (req, res) => {
    const { board: slug, period, variant, limit } = parseInput(apiQuery, req.query);
    const board = slug ? await getBoard(db, slug) : null;
    const list = await hot.list({ board, period, viewer: req.member, limit });
    res.json(presentHot(hotInVariant(caches.conversions, list, variant)));
  });

  return router;
}
