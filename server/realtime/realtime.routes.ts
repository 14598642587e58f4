import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { notFound } from '../errors';
import { parseInput } from '../http/validate';
import * as posts from '../posts/posts.repository';
import { VARIANTS } from '../text/convert';
import { renderedEventsSince, renderer } from './realtime.render';

const eventsQuery = z.object({
  /** The last seq the client has; events after it come back in order. */
  since: z.coerce.number({ error: 'must be a seq number' }).int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The variant to render the posts in; absent = as written. */
  variant: z.enum(['original', ...VARIANTS], { error: `must be original or one of ${VARIANTS.join(', ')}` }).default('original'),
});

/** GET /api/threads/:id/events?since=: the catch-up for clients that missed live events. */
export function realtimeRouter(db: Kysely<Database>, timeZone: string, caches: Pick<Caches, 'conversions'>): Router {
  const router = Router();
  const render = renderer(timeZone, caches.conversions);
  router.get('/api/threads/:id/events', async (req, res) => {
    const { since, variant } = parseInput(eventsQuery, req.query);
    const state = isId(req.params.id) ? await posts.findThreadState(db, req.params.id) : undefined;
    if (!state) throw notFound('PostNotFound', `There is no thread ${req.params.id}.`);
    // One page: a client further behind asks again from the last seq it got.
    const { events, more } = await renderedEventsSince(db, render, req.params.id, since, variant);
    res.json({ threadId: req.params.id, seq: Number(state.seq), events, more });
  });
  return router;
}
