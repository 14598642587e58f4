import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { type FreeText, answerVariant, freeTextIn } from '../http/answers';
import { refusedForm } from '../http/forms';
import { parseInput, wholeNumber } from '../http/validate';
import { messageInVariant, presentMessage } from './messages.presenter';
import * as reports from './messages.reports';
import type { MessagesDeps } from './messages.deps';
import { reportPage, reportsPage } from './messages.admin.views';

/** How an admin closes a message report: dismissed, or the sender banned from the whole site. */
const resolveInput = z.discriminatedUnion(
  'resolution',
  [
    z.object({ resolution: z.literal('dismissed') }),
    z.object({
      resolution: z.literal('banned'),
      /** Days the site-wide ban lasts. */
      days: wholeNumber('must be a number of days').pipe(z.number().min(1).max(3650)),
      /** Why, as every ban says. */
      reason: z.string({ error: 'say why the member is banned (a string)' }).max(2000, 'is too long'),
    }),
  ],
  { error: 'must be dismissed or banned' },
);

/** A report as JSON, its reason as `shown` gives it (the reader's `variant=`). */
const presentReport = (r: reports.MessageReport, shown: FreeText = (text) => text) => ({
  id: r.id,
  messageId: r.messageId,
  reason: shown(r.reason),
  reporter: r.reporter,
  sender: r.sender,
  createdAt: r.createdAt.toISOString(),
  resolvedAt: r.resolvedAt?.toISOString() ?? null,
  resolution: r.resolution,
  resolvedBy: r.resolvedBy,
});

/**
 * The admins' way to a reported 悄悄話 (404 for everyone else): the open reports
 * (`/admin/message-reports`), one report with its message (`/admin/message-reports/:id`, each
 * reading logged), and closing it. Their JSON twins are under /api/admin/message-reports.
 */
export function adminReportRoutes(router: Router, { db, pageContext, banSender, caches }: MessagesDeps): void {
  router.get('/api/admin/message-reports', async (req, res) => {
    const shown = freeTextIn(caches.conversions, answerVariant(req));
    res.json({ reports: (await reports.openMessageReports(db, req.member ?? null)).map((r) => presentReport(r, shown)) });
  });

  router.get('/api/admin/message-reports/:id', async (req, res) => {
    const reading = await reports.readMessageReport(db, req.member ?? null, req.params.id);
    // The reason and the message as `variant=` reads them (absent: as written), pins resolved.
    const variant = answerVariant(req);
    res.json({
      report: presentReport(reading.report, freeTextIn(caches.conversions, variant)),
      message: presentMessage(messageInVariant(caches.conversions, reading.message, variant)),
    });
  });

  router.post('/api/admin/message-reports/:id/resolve', async (req, res) => {
    const report = await reports.resolveMessageReport(db, req.member ?? null, req.params.id, parseInput(resolveInput, req.body), banSender);
    res.json({ report: presentReport(report) });
  });

  router.get('/admin/message-reports', async (req, res) => {
    res.send(reportsPage(pageContext(req), await reports.openMessageReports(db, req.member ?? null)));
  });

  router.get('/admin/message-reports/:id', async (req, res) => {
    res.send(reportPage(pageContext(req), await reports.readMessageReport(db, req.member ?? null, req.params.id)));
  });

  router.post('/admin/message-reports/:id/resolve', async (req: Request<{ id: string }>, res: Response) => {
    try {
      await reports.resolveMessageReport(db, req.member ?? null, req.params.id, parseInput(resolveInput, req.body), banSender);
      res.redirect(303, `${req.variantPrefix}/admin/message-reports`);
    } catch (error) {
      // The page again (a refused ban: its reason, an admin as sender…); reading it again is logged too.
      await refusedForm(res, error, async (refusal) =>
        reportPage(pageContext(req), await reports.readMessageReport(db, req.member ?? null, req.params.id), refusal),
      );
    }
  });
}
