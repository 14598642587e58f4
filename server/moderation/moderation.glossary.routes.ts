import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { Caches, TextCache } from '../caches';
import type { Database } from '../db/database';
import type { GlossaryHistoryLine, GlossaryStore } from '../glossary/glossary.store';
import { answerVariant } from '../http/answers';
import { requireMember } from '../http/context';
import type { Pacing } from '../limits/paced';
import { getPost } from '../posts/posts.model';
import { formatGlossary } from '../text/glossary';
import { localizedTitles } from '../text/localize';
import { VARIANTS, type Variant } from '../variants';
import type { PageContext } from '../views/layout';
import * as glossary from './moderation.glossary';
import { flagPage, glossaryPage } from './moderation.glossary.views';

/**
 * Glossaries over HTTP (moderation.glossary.ts), JSON and pages, the same for a board's glossary
 * (`/api/boards/:slug/glossary…`, `/b/:slug/glossary…`) and the site's (`/api/admin/glossary…`,
 * `/admin/glossary…`); and the readers' flags of a wrong conversion (`/api/posts/:id/conversion-flag`,
 * `/t/:id/conversion-flag`). docs/api.md lists them.
 */
/** Flags with their posts' titles as a reader of `variant` reads them (undefined: as written, pins resolved). */
function flagsIn(conversions: TextCache, flags: glossary.GlossaryFlag[], variant: Variant | undefined): glossary.GlossaryFlag[] {
  const titles = localizedTitles(
    conversions,
    flags.map((f) => f.post),
    variant,
  );
  return flags.map((f, i) => ({ ...f, postTitle: titles[i]!.title }));
}

export function glossaryRouter(
  db: Kysely<Database>,
  store: GlossaryStore,
  caches: Pick<Caches, 'conversions'>,
  pageContext: (req: Request) => PageContext,
  pacing: Pacing,
): Router {
  const router = Router();
  const targetOf = (req: Request): glossary.GlossaryTarget =>
    req.params.slug !== undefined ? { board: String(req.params.slug) } : { site: true };
  const editor = (req: Request): glossary.Editor => ({ member: requireMember(req) });
  const presentHistory = (h: GlossaryHistoryLine) => ({
    id: h.id,
    version: h.version,
    action: h.action,
    detail: h.detail,
    terms: h.terms,
    by: h.actorName,
    at: h.at.toISOString(),
  });
  const present = (g: glossary.GlossaryView) => ({ scope: g.board ? g.board.slug : 'site', version: g.version, terms: g.terms });
  // A form's forms[zh-tw]… fields (the URL-encoded parser keeps the brackets in the names).
  const formsOf = (body: Record<string, unknown>) => {
    if (body.forms !== undefined) return body.forms;
    const forms: Record<string, unknown> = {};
    for (const v of VARIANTS) if (body[`forms[${v}]`] !== undefined) forms[v] = body[`forms[${v}]`];
    return forms;
  };
  const bodyOf = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const modeOf = (req: Request) => (bodyOf(req).mode === 'replace' ? 'replace' : 'merge');

  for (const [api, page] of [
    ['/api/boards/:slug/glossary', '/b/:slug/glossary'],
    ['/api/admin/glossary', '/admin/glossary'],
  ] as const) {
    // JSON.
    router.get(api, async (req, res) => {
      res.json({ glossary: present(await glossary.getGlossary(db, requireMember(req), targetOf(req))) });
    });
    router.post(`${api}/terms`, async (req, res) => {
      const body = bodyOf(req);
      const g = await glossary.addTerm(db, store, editor(req), targetOf(req), { text: body.text, forms: formsOf(body) });
      res.status(201).json({ glossary: present(g) });
    });
    router.post(`${api}/terms/remove`, async (req, res) => {
      res.json({ glossary: present(await glossary.removeTerm(db, store, editor(req), targetOf(req), bodyOf(req).text)) });
    });
    router.post(`${api}/import`, async (req, res) => {
      const body = bodyOf(req);
      const file = Array.isArray(body.terms) ? JSON.stringify(body.terms) : body.file;
      res.json({ glossary: present(await glossary.importGlossary(db, store, editor(req), targetOf(req), file, modeOf(req))) });
    });
    router.get(`${api}/history`, async (req, res) => {
      res.json({ history: (await glossary.getGlossaryHistory(db, requireMember(req), targetOf(req))).map(presentHistory) });
    });
    router.post(`${api}/revert`, async (req, res) => {
      res.json({ glossary: present(await glossary.revertGlossary(db, store, editor(req), targetOf(req), bodyOf(req).id)) });
    });

    // The file, for the page's link, the API and `glossary:export` alike.
    const exportFile = async (req: Request, res: Response) => {
      const g = await glossary.getGlossary(db, requireMember(req), targetOf(req));
      if (req.query.format === 'json') {
        res.attachment('glossary.json').json({ terms: g.terms });
        return;
      }
      res.attachment('glossary.txt').type('text/plain; charset=utf-8').send(formatGlossary(g.terms));
    };
    router.get(`${api}/export`, exportFile);
    router.get(`${page}/export`, exportFile);

    // Pages: each change goes back to the page (303), a refusal is the error page in the reader's script.
    router.get(page, async (req, res) => {
      const member = requireMember(req);
      const target = targetOf(req);
      const [g, history] = await Promise.all([glossary.getGlossary(db, member, target), glossary.getGlossaryHistory(db, member, target)]);
      const flags = 'board' in target ? await glossary.glossaryFlags(db, member, target.board) : null;
      const ctx = pageContext(req);
      res.send(glossaryPage(ctx, g, history, flags && flagsIn(caches.conversions, flags, ctx.variant)));
    });
    const back = (req: Request, res: Response) =>
      res.redirect(
        303,
        `${req.variantPrefix}${req.params.slug !== undefined ? `/b/${String(req.params.slug)}/glossary` : '/admin/glossary'}`,
      );
    router.post(`${page}/terms`, async (req, res) => {
      const body = bodyOf(req);
      await glossary.addTerm(db, store, editor(req), targetOf(req), { text: body.text, forms: formsOf(body) });
      back(req, res);
    });
    router.post(`${page}/remove`, async (req, res) => {
      await glossary.removeTerm(db, store, editor(req), targetOf(req), bodyOf(req).text);
      back(req, res);
    });
    router.post(`${page}/import`, async (req, res) => {
      await glossary.importGlossary(db, store, editor(req), targetOf(req), bodyOf(req).file, modeOf(req));
      back(req, res);
    });
    router.post(`${page}/revert`, async (req, res) => {
      await glossary.revertGlossary(db, store, editor(req), targetOf(req), bodyOf(req).id);
      back(req, res);
    });
  }

  // The board's queue of flagged conversions.
  router.get('/api/boards/:slug/glossary/flags', async (req, res) => {
    const flags = await glossary.glossaryFlags(db, requireMember(req), req.params.slug);
    // The posts' titles as `variant=` reads them (absent: as written), pins resolved (text/pins.ts).
    // `wrong` and `fixed` are terms of one script or the other, as the reader typed them: never converted.
    res.json({
      flags: flagsIn(caches.conversions, flags, answerVariant(req)).map(({ post: _post, ...f }) => ({
        ...f,
        createdAt: f.createdAt.toISOString(),
      })),
    });
  });
  for (const [path, outcome] of [
    ['accept', 'accepted'],
    ['dismiss', 'dismissed'],
  ] as const) {
    router.post(`/api/boards/:slug/glossary/flags/:id/${path}`, async (req, res) => {
      const body = bodyOf(req);
      const g = await glossary.resolveFlag(db, store, requireMember(req), req.params.slug, req.params.id, outcome, {
        text: body.text,
        forms: formsOf(body),
      });
      res.json({ outcome, glossary: g && present(g) });
    });
    router.post(`/b/:slug/glossary/flags/:id/${path}`, async (req, res) => {
      const body = bodyOf(req);
      await glossary.resolveFlag(db, store, requireMember(req), req.params.slug, req.params.id, outcome, {
        text: body.text,
        forms: formsOf(body),
      });
      res.redirect(303, `${req.variantPrefix}/b/${req.params.slug}/glossary`);
    });
  }

  // Readers flag a wrong conversion on a post.
  router.post('/api/posts/:id/conversion-flag', async (req, res) => {
    const member = requireMember(req);
    const flag = await glossary.flagConversion(db, member, req.params.id, bodyOf(req), pacing(member, req.ip ?? ''));
    res.status(201).json({ flag });
  });
  router.get('/t/:id/conversion-flag', async (req, res) => {
    requireMember(req);
    const post = localizedTitles(caches.conversions, [await getPost(db, req.params.id)], req.variant)[0]!;
    res.send(flagPage(pageContext(req), post));
  });
  router.post('/t/:id/conversion-flag', async (req, res) => {
    const member = requireMember(req);
    await glossary.flagConversion(db, member, req.params.id, bodyOf(req), pacing(member, req.ip ?? ''));
    const post = localizedTitles(caches.conversions, [await getPost(db, req.params.id)], req.variant)[0]!;
    res.status(201).send(flagPage(pageContext(req), post, true));
  });
  return router;
}
