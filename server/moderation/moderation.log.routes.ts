import { CLI_ACTOR } from '../audit/audit';
import { type Request, type Router } from 'express';
import type { Kysely } from 'kysely';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { answerVariant, freeTextIn } from '../http/answers';
import { requireMember } from '../http/context';
import { parseInput } from '../http/validate';
import type { PageContext } from '../views/layout';
import { pageQuery } from './moderation.inputs';
import { moderationLog, siteModerationLog } from './moderation.log';
import type { LogEntryRow } from './moderation.repository';
import { logPage } from './moderation.views';

/** A board's moderation log (its moderators) and every board's (admins): JSON and HTML. */
export function logRoutes(
  router: Router,
  { db, pageContext, caches }: { db: Kysely<Database>; pageContext: (req: Request) => PageContext; caches: Pick<Caches, 'conversions'> },
): void {
  // Reasons as `variant=` reads them (the entry's board's glossary, pins resolved); names never converted.
  const presentLog = (req: Request, entries: LogEntryRow[]) => {
    const shown = freeTextIn(caches.conversions, answerVariant(req));
    return entries.map((e) => ({
      id: e.id,
      board: e.board_slug,
      action: e.action,
      // The operator at the CLI has no account: named as the audit log names them.
      actor: { name: e.actor_name ?? CLI_ACTOR.name, role: e.actor_role },
      postId: e.post_id,
      target: e.target_name,
      reason: shown(e.reason, e.board_id),
      revision: e.revision,
      heldId: e.held_id,
      at: e.created_at.toISOString(),
    }));
  };

  router.get('/api/boards/:slug/log', async (req, res) => {
    const { page } = parseInput(pageQuery, req.query);
    const log = await moderationLog(db, requireMember(req), req.params.slug, page);
    res.json({ entries: presentLog(req, log.entries), page });
  });

  router.get('/api/moderation/log', async (req, res) => {
    const { page } = parseInput(pageQuery, req.query);
    const log = await siteModerationLog(db, requireMember(req), page);
    res.json({ entries: presentLog(req, log.entries), page });
  });

  router.get('/log', async (req, res) => {
    const { page } = parseInput(pageQuery, req.query);
    const log = await siteModerationLog(db, requireMember(req), page);
    res.send(logPage(pageContext(req), null, log.entries, page));
  });

  router.get('/b/:slug/log', async (req, res) => {
    const { page } = parseInput(pageQuery, req.query);
    const log = await moderationLog(db, requireMember(req), req.params.slug, page);
    res.send(logPage(pageContext(req), log.board, log.entries, page));
  });
}
