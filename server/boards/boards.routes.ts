import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { TextCache } from '../caches';
import type { Database } from '../db/database';
import { answerVariant, freeTextIn } from '../http/answers';
import { listBoards } from './boards.service';

/** `GET /api/boards`. (`/`, the boards with the site's hot threads, is posts/posts.hot.routes.ts.) */
export function boardsRouter(db: Kysely<Database>, conversions: TextCache): Router {
  const router = Router();

  router.get('/api/boards', async (req, res) => {
    // Names and descriptions as `variant=` reads them, each by its board's glossary, pins resolved.
    const shown = freeTextIn(conversions, answerVariant(req));
    const boards = await listBoards(db);
    res.json({
      boards: boards.map((b) => ({
        slug: b.slug,
        name: shown(b.name, b.id),
        description: shown(b.description, b.id),
        threadCount: b.threadCount,
        replyCount: b.replyCount,
        lastActivityAt: b.lastActivityAt?.toISOString() ?? null,
      })),
    });
  });

  return router;
}
