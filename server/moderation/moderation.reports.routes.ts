import { type Request, type Router } from 'express';
import type { Kysely } from 'kysely';
import { getBoard } from '../boards/boards.service';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { answerVariant, freeTextIn } from '../http/answers';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { parseInput } from '../http/validate';
import type { Pacing } from '../limits/paced';
import { postInThread } from '../posts/posts.paths';
import { presentPost } from '../posts/posts.presenter';
import { getPost } from '../posts/posts.model';
import { localizedAll, localizedTitles } from '../text/localize';
import type { PageContext } from '../views/layout';
import { reasonInput, reportInput } from './moderation.inputs';
import * as reports from './moderation.reports';
import { reportPage, reportQueuePage } from './moderation.views';

/** Reporting a post, a board's report queue and dismissing its reports: JSON and HTML. */
export function reportRoutes(
  router: Router,
  {
    db,
    caches,
    pageContext,
    pacing,
  }: { db: Kysely<Database>; caches: Pick<Caches, 'conversions'>; pageContext: (req: Request) => PageContext; pacing: Pacing },
): void {
  router.post('/api/posts/:id/report', async (req, res) => {
    const member = requireMember(req);
    const report = await reports.reportPost(db, member, req.params.id, parseInput(reportInput, req.body), pacing(member, req.ip ?? ''));
    res
      .status(201)
      .json({ report: { id: report.id, postId: report.postId, reason: report.reason, createdAt: report.createdAt.toISOString() } });
  });

  router.get('/api/boards/:slug/reports', async (req, res) => {
    const entries = await reports.reportQueue(db, requireMember(req), req.params.slug);
    const variant = answerVariant(req);
    const shown = freeTextIn(caches.conversions, variant);
    const posts = localizedAll(
      caches.conversions,
      entries.map((e) => e.post),
      variant,
    );
    res.json({
      reports: entries.map((e, i) => ({
        post: presentPost(posts[i]!),
        count: e.count,
        reports: e.reports.map((r) => ({
          id: r.id,
          reason: shown(r.reason, e.post.boardId),
          reporter: r.reporter,
          createdAt: r.createdAt.toISOString(),
        })),
      })),
    });
  });

  router.post('/api/posts/:id/reports/dismiss', async (req, res) => {
    const closed = await reports.dismissReports(db, requireMember(req), req.params.id, parseInput(reasonInput, req.body));
    res.json({ closed });
  });

  router.get('/t/:id/report', async (req, res) => {
    const post = await reports.postForReport(db, requireMember(req), req.params.id);
    res.send(reportPage(pageContext(req), localizedTitles(caches.conversions, [post], req.variant)[0]!));
  });

  router.post('/t/:id/report', async (req, res) => {
    const member = requireMember(req);
    try {
      await reports.reportPost(
        db,
        member,
        req.params.id,
        parseInput(reportInput, { reason: req.body?.reason }),
        pacing(member, req.ip ?? ''),
      );
    } catch (error) {
      return refusedForm(res, error, async (refusal) => {
        const post = localizedTitles(caches.conversions, [await reports.postForReport(db, member, req.params.id)], req.variant)[0]!;
        return reportPage(pageContext(req), post, { refusal, reason: formText(req.body, 'reason') });
      });
    }
    const post = await getPost(db, req.params.id);
    res.redirect(303, req.variantPrefix + postInThread(post.threadId, post.id));
  });

  router.get('/b/:slug/reports', async (req, res) => {
    const entries = await reports.reportQueue(db, requireMember(req), req.params.slug);
    const posts = localizedTitles(
      caches.conversions,
      entries.map((e) => e.post),
      req.variant,
    );
    const shown = entries.map((e, i) => ({ ...e, post: posts[i]! }));
    res.send(reportQueuePage(pageContext(req), await getBoard(db, req.params.slug), shown));
  });

  router.post('/b/:slug/reports/:postId/dismiss', async (req, res) => {
    await reports.dismissReports(db, requireMember(req), req.params.postId, {});
    res.redirect(303, `${req.variantPrefix}/b/${req.params.slug}/reports`);
  });
}
