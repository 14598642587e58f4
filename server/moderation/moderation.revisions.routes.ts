import { type Request, type Router } from 'express';
import type { Kysely } from 'kysely';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { requireMember } from '../http/context';
import { localPath } from '../http/paths';
import { parseInput } from '../http/validate';
import { presentPost } from '../posts/posts.presenter';
import { htmlFor, localized, localizedTitles, shownName, shownOn, textFor, textIn } from '../text/localize';
import type { PageContext } from '../views/layout';
import { renderDiffs } from './moderation.diff';
import { REVISION_CHANGES, pageQuery, reasonInput, revisionParam, revisionsQuery } from './moderation.inputs';
import { postRevisions } from './moderation.revisions';
import * as moderation from './moderation.service';
import { revisionsPage } from './moderation.views';

/** A post's versions, and hiding or showing one (moderators): JSON and HTML. */
export function revisionRoutes(
  router: Router,
  {
    db,
    caches,
    pageContext,
  }: { db: Kysely<Database>; caches: Pick<Caches, 'conversions' | 'diffs'>; pageContext: (req: Request) => PageContext },
): void {
  router.get('/api/posts/:id/revisions', async (req, res) => {
    const { page, variant } = parseInput(revisionsQuery, req.query);
    const { post, versions, pages, total } = await postRevisions(db, req.member, req.params.id, page);
    // In the reader's variant (variant=), pins resolved (text/pins.ts), every version from the post's script as the page's diffs are.
    const on = shownOn(caches.conversions, post.boardId);
    res.json({
      post: presentPost(localized(caches.conversions, post, variant)),
      revisions: versions.map((v) => ({
        revision: v.revision,
        title: textFor(on, v.title, post.variant, variant),
        body: htmlFor(on, v.body, post.variant, variant),
        bytes: v.bytes,
        by: { ...v.by, name: shownName(v.by.name, variant) },
        at: v.at.toISOString(),
        reason: v.reason && textIn(on, v.reason, variant),
        hidden: v.hidden,
      })),
      page,
      pages,
      total,
    });
  });

  router.post('/api/posts/:id/revisions/:revision/:change', async (req, res, next) => {
    const change = REVISION_CHANGES.find((c) => c === req.params.change);
    if (!change) return next();
    const { revision } = parseInput(revisionParam, { revision: req.params.revision });
    res.json(
      await moderation.setRevisionHidden(
        db,
        requireMember(req),
        req.params.id,
        revision,
        change === 'hide',
        parseInput(reasonInput, req.body ?? {}),
      ),
    );
  });

  router.get('/t/:id/revisions', async (req, res) => {
    const { page } = parseInput(pageQuery, req.query);
    const revisions = await postRevisions(db, req.member, req.params.id, page);
    const shown = revisions.versions.filter((v) => revisions.seesHidden || !v.hidden);
    const pairs = shown.map((v) => ({ before: v.previous, after: v }));
    const rendered = await renderDiffs(
      caches.diffs,
      revisions.post.id,
      pairs,
      req.variant,
      revisions.seesHidden,
      revisions.post.variant,
      shownOn(caches.conversions, revisions.post.boardId),
    );
    const diffs = new Map(shown.map((v, i) => [v.revision, rendered[i]!]));
    const post = localizedTitles(caches.conversions, [revisions.post], req.variant)[0]!;
    res.send(revisionsPage(pageContext(req), { ...revisions, post }, diffs));
  });

  router.post('/t/:id/revisions/:revision/:change', async (req, res, next) => {
    const change = REVISION_CHANGES.find((c) => c === req.params.change);
    if (!change) return next();
    const { revision } = parseInput(revisionParam, { revision: req.params.revision });
    const reason = parseInput(reasonInput, { reason: req.body?.reason }).reason;
    await moderation.setRevisionHidden(db, requireMember(req), req.params.id, revision, change === 'hide', { reason });
    res.redirect(303, localPath(req.body?.back, `${req.variantPrefix}/t/${req.params.id}/revisions#v${revision}`));
  });
}
