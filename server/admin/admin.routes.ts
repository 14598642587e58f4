import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { NamedMember } from '../members/names.service';
import type { PageContext } from '../views/layout';
import { lookalikeNames } from './admin.service';
import { lookalikeNamesPage } from './admin.views';

const presentMember = (m: NamedMember) => ({ name: m.name, role: m.role, createdAt: m.createdAt.toISOString() });

/** Operators' pages and their JSON (admins only): `/admin/names`. */
export function adminRouter(db: Kysely<Database>, pageContext: (req: Request) => PageContext): Router {
  const router = Router();

  router.get('/api/admin/names', async (req, res) => {
    const data = await lookalikeNames(db, req.member);
    res.json({ lookalikes: data.lookalikes.map((g) => g.map(presentMember)), invisible: data.invisible.map(presentMember) });
  });

  router.get('/admin/names', async (req, res) => {
    res.send(lookalikeNamesPage(pageContext(req), await lookalikeNames(db, req.member)));
  });

  return router;
}
