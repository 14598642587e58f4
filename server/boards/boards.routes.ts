import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { PageContext } from '../views/layout';
import { listBoards } from './boards.service';
import { homePage } from './boards.views';

/** `/` and `GET /api/boards`. */
export function boardsRouter(db: Kysely<Database>, pageContext: (req: Request) => PageContext): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.send(homePage(pageContext(req), await listBoards(db)));
  });

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
