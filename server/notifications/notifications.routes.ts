import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { answerVariant } from '../http/answers';
import { requireMember } from '../http/context';
import { localPath } from '../http/paths';
import { parseInput } from '../http/validate';
import { type PageContext, catalogFor, ownPageContext } from '../views/layout';
import type { Variant } from '../variants';
import * as notifications from './notifications.service';
import { notificationsPage } from './notifications.views';

/** An id as the API takes it: digits (a JSON number is taken too). */
const id = z.union([z.string().refine(isId, 'must be a notification id'), z.number().int().positive().transform(String)], {
  error: 'must be a notification id',
});

const pageQuery = z.object({
  /** Where the previous page ended (its nextCursor); absent: the newest. */
  cursor: z.string({ error: 'must be a cursor from nextCursor' }).refine(isId, 'must be a cursor from nextCursor').optional(),
});

const readInput = z.object({
  /** The notifications to mark read; absent marks all of the member's. */
  ids: z.array(id, { error: 'must be a list of notification ids' }).max(notifications.MARK_READ_MAX, 'names too many').optional(),
});

/** `/notifications` and its API, and muting threads (form and API). */
export function notificationsRouter(
  db: Kysely<Database>,
  caches: Pick<Caches, 'conversions'>,
  pageContext: (req: Request) => PageContext,
): Router {
  const router = Router();
  // The request's variant as errors' `localized` is decided: `variant=` first (JSON), else prefix, cookie, Accept-Language.
  // A member's notifications are theirs alone: their times (a ban's end) in the member's own time zone.
  const wording = (req: Request, asked?: Variant) => {
    const ctx = ownPageContext(pageContext(req));
    const variant = asked ?? req.variant;
    return { t: asked ? catalogFor(asked).t : ctx.t, variant, timeZone: ctx.timeZone, conversions: caches.conversions };
  };

  router.get('/api/notifications', async (req, res) => {
    const member = requireMember(req);
    const { cursor } = parseInput(pageQuery, req.query);
    const page = await notifications.listNotifications(db, member, cursor, wording(req, answerVariant(req)));
    res.json({
      notifications: page.notifications.map((n) => ({
        ...n,
        createdAt: n.createdAt.toISOString(),
        readAt: n.readAt?.toISOString() ?? null,
      })),
      nextCursor: page.nextCursor,
      unread: page.unread,
    });
  });

  router.post('/api/notifications/read', async (req, res) => {
    const member = requireMember(req);
    const { ids } = parseInput(readInput, req.body);
    const read = await notifications.markNotificationsRead(db, member, ids);
    res.json({ read });
  });

  for (const change of ['mute', 'unmute'] as const) {
    router.post(`/api/threads/:id/${change}`, async (req, res) => {
      await notifications.setThreadMuted(db, requireMember(req), req.params.id, change === 'mute');
      res.json({ threadId: req.params.id, muted: change === 'mute' });
    });
    router.post(`/t/:id/${change}`, async (req, res) => {
      await notifications.setThreadMuted(db, requireMember(req), req.params.id, change === 'mute');
      res.redirect(303, localPath(req.body?.back, `${req.variantPrefix}/t/${req.params.id}`));
    });
  }

  router.get('/notifications', async (req, res) => {
    const member = requireMember(req);
    const { cursor } = parseInput(pageQuery, req.query);
    const page = await notifications.listNotifications(db, member, cursor, wording(req));
    res.send(notificationsPage(ownPageContext(pageContext(req)), page, cursor));
  });

  // Opening a notification marks it read on the way to what it points at.
  router.get('/notifications/:id', async (req, res) => {
    const url = await notifications.openNotification(db, requireMember(req), req.params.id);
    res.redirect(303, `${req.variantPrefix}${url}`);
  });

  router.post('/notifications/read', async (req, res) => {
    await notifications.markNotificationsRead(db, requireMember(req));
    res.redirect(303, `${req.variantPrefix}/notifications`);
  });

  return router;
}
