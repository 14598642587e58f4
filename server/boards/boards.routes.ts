import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { listBoards } from './boards.service';

/** `GET /api/boards`. (`/`, the boards with the site's hot threads, is posts/posts.hot.routes.ts.) */
export function boardsRouter(db: Kysely<Database>): Router {
  const router = Router();

  router.get('/api/boards', async (_req, res) => {
    const boards = await listBoards(db);
    res.json({
      boards: boards.map((b) => ({
        slug: b.slug,
        name: b.name,
        description: b.description,
        threadCount: b.threadCount,
        replyCount: b.replyCount,
        lastActivityAt: b.lastActivityAt?.toISOString() ?? null,
      })),
    });
  });

  return router;
}
