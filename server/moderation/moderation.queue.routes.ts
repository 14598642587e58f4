import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { requireMember } from '../http/context';
import { localPath } from '../http/paths';
import { parseInput } from '../http/validate';
import { type HeldPost, presentHeld, getHeld, heldInVariant, ownHeld } from '../posts/posts.held';
import { VARIANTS, type Variant } from '../variants';
import type { TextCache } from '../caches';
import { presentPost } from '../posts/posts.presenter';
import { localized } from '../text/localize';
import { type PageContext, ownPageContext } from '../views/layout';
import { freeTextIn } from '../http/answers';
import * as queue from './moderation.queue';
import { heldPage, queuePage } from './moderation.queue.views';

/** A queue as a reader of `variant` reads it (undefined: as written, pins resolved), by each board's glossary. */
const inVariant = (conversions: TextCache, q: queue.ReviewQueue, variant: Variant | undefined): queue.ReviewQueue => ({
  ...q,
  entries: q.entries.map((held) => heldInVariant(conversions, held, variant)),
});

/** The API's `variant=`: titles and bodies as a reader of it reads them; absent, as written. */
const variantQuery = z.object({
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
});

/** A rejection's reason, told to the author (required: the service says so in the reader's script). */
const rejectInput = z.object({ reason: z.string({ error: 'a reason is required' }).max(2000, 'is too long').optional() });

/** The board's review setting, as the board's tools send it. */
const reviewInput = z.object({ review: z.string({ error: 'must be one of new, links, off' }).max(20, 'must be one of new, links, off') });

/**
 * The review queue (moderation.queue.ts): the queues and one held post, approving and rejecting,
 * and the board's review setting; JSON and HTML. Who may do what is the service's to decide.
 */
export function reviewQueueRouter(db: Kysely<Database>, conversions: TextCache, pageContext: (req: Request) => PageContext): Router {
  const router = Router();
  const variantOf = (req: Request) => parseInput(variantQuery, { variant: req.query.variant }).variant;
  const presentQueue = (req: Request, q: queue.ReviewQueue) => {
    const variant = variantOf(req);
    // The board's name too, by its glossary (http/answers.ts).
    const name = q.board && freeTextIn(conversions, variant)(q.board.name, q.board.id);
    return {
      board: q.board ? { slug: q.board.slug, name, review: q.board.review } : null,
      held: inVariant(conversions, q, variant).entries.map(presentHeld),
    };
  };
  // One held post in the API, as a reader of `variant=` reads it.
  const shownHeld = (req: Request, held: HeldPost) => presentHeld(heldInVariant(conversions, held, variantOf(req)));

  router.get('/api/boards/:slug/queue', async (req, res) => {
    res.json(presentQueue(req, await queue.boardQueue(db, requireMember(req), req.params.slug)));
  });

  router.get('/api/queue', async (req, res) => {
    res.json(presentQueue(req, await queue.allQueues(db, requireMember(req))));
  });

  router.get('/api/me/held', async (req, res) => {
    res.json({ held: (await ownHeld(db, requireMember(req))).map((h) => shownHeld(req, h)) });
  });

  router.get('/api/held/:id', async (req, res) => {
    const { held } = await getHeld(db, requireMember(req), req.params.id);
    res.json({ heldPost: shownHeld(req, held) });
  });

  router.post('/api/held/:id/approve', async (req, res) => {
    const { held, post } = await queue.approveHeld(db, requireMember(req), req.params.id);
    res.json({ heldPost: shownHeld(req, held), post: presentPost(localized(conversions, post, variantOf(req))) });
  });

  router.post('/api/held/:id/reject', async (req, res) => {
    const held = await queue.rejectHeld(db, requireMember(req), req.params.id, parseInput(rejectInput, req.body ?? {}));
    res.json({ heldPost: shownHeld(req, held) });
  });

  router.post('/api/boards/:slug/review', async (req, res) => {
    const { review } = parseInput(reviewInput, req.body);
    res.json({ review: await queue.setReview(db, requireMember(req), req.params.slug, review) });
  });

  router.get('/b/:slug/queue', async (req, res) => {
    const ctx = pageContext(req);
    res.send(queuePage(ctx, inVariant(conversions, await queue.boardQueue(db, requireMember(req), req.params.slug), ctx.variant)));
  });

  router.get('/queue', async (req, res) => {
    const ctx = pageContext(req);
    res.send(queuePage(ctx, inVariant(conversions, await queue.allQueues(db, requireMember(req)), ctx.variant)));
  });

  router.get('/held/:id', async (req, res) => {
    const { held, moderates } = await getHeld(db, requireMember(req), req.params.id);
    // Seen only by its author and the board's moderators, never kept: times in the viewer's own zone.
    const ctx = ownPageContext(pageContext(req));
    res.send(heldPage(ctx, heldInVariant(conversions, held, ctx.variant), moderates));
  });

  // The forms come back to where they were sent from (a queue), else to the board's queue.
  router.post('/held/:id/approve', async (req, res) => {
    const { held } = await queue.approveHeld(db, requireMember(req), req.params.id);
    res.redirect(303, localPath(req.body?.back, `${req.variantPrefix}/b/${held.board.slug}/queue`));
  });

  router.post('/held/:id/reject', async (req, res) => {
    const held = await queue.rejectHeld(db, requireMember(req), req.params.id, parseInput(rejectInput, { reason: req.body?.reason }));
    res.redirect(303, localPath(req.body?.back, `${req.variantPrefix}/b/${held.board.slug}/queue`));
  });

  router.post('/b/:slug/review', async (req, res) => {
    const { review } = parseInput(reviewInput, { review: req.body?.review });
    await queue.setReview(db, requireMember(req), req.params.slug, review);
    res.redirect(303, `${req.variantPrefix}/b/${req.params.slug}`);
  });

  return router;
}
