import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { guessFormat } from '../text/formats';
import { withoutImages } from '../text/images';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { localPath } from '../http/paths';
import type { Pacing } from '../limits/paced';
import type { Limiter } from '../limits/limiter';
import { asksPreview, formFormat, formPreview } from '../posts/posts.preview';
import { parseInput } from '../http/validate';
import { postInThread } from '../posts/posts.paths';
import { presentPost } from '../posts/posts.presenter';
import { getPost } from '../posts/posts.model';
import type { PageContext } from '../views/layout';
import type { Rules } from '../policy/policy';
import { banRoutes } from './moderation.bans.routes';
import { CHANGES, editInput, reasonInput, slowModeInput } from './moderation.inputs';
import { logRoutes } from './moderation.log.routes';
import { reportRoutes } from './moderation.reports.routes';
import { revisionRoutes } from './moderation.revisions.routes';
import * as moderation from './moderation.service';
import { editPage } from './moderation.views';

/** Edits, deletion, restoring, thread flags, reports, bans, revisions and the log: JSON and HTML. */
export function moderationRouter(
  db: Kysely<Database>,
  rules: Rules,
  caches: Pick<Caches, 'conversions' | 'diffs'>,
  pageContext: (req: Request) => PageContext,
  pacing: Pacing,
  limiter: Limiter,
): Router {
  const router = Router();
  const deps = { db, rules, caches, pageContext, pacing, limiter };
  banRoutes(router, deps);
  changeRoutes(router, deps);
  revisionRoutes(router, deps);
  reportRoutes(router, deps);
  logRoutes(router, deps);
  return router;
}

/** What the routes use, as moderationRouter was given it. */
interface RouteDeps {
  db: Kysely<Database>;
  rules: Rules;
  caches: Pick<Caches, 'conversions' | 'diffs'>;
  pageContext: (req: Request) => PageContext;
  /** Paces edits and reports by member and address (server/limits/paced.ts). */
  pacing: Pacing;
  /** Limits the edit form's previews (posts/posts.preview.ts). */
  limiter: Limiter;
}

/** The boxes ticked on a form (one value or several), as strings. */
const formList = (body: unknown, name: string): string[] => {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
};

/**
 * Edits, deletion and restoring, a thread's flags and slow mode: the JSON API answers with the
 * changed post or thread, the forms with a redirect, or the error (or the edit form again).
 */
function changeRoutes(router: Router, { db, rules, caches, pageContext, pacing, limiter }: RouteDeps): void {
  /** Back to where the form was, if it said so and it is on this site; else the post's thread. */
  const back = (req: Request, fallback: string) => localPath(req.body?.back, fallback);
  const toPost = async (req: Request, res: Response, id: string) => {
    const post = await getPost(db, id);
    res.redirect(303, req.variantPrefix + postInThread(post.threadId, post.id));
  };

  router.patch('/api/posts/:id', async (req, res) => {
    const member = requireMember(req);
    const input = await withImagesRemoved(db, rules, member, req.params.id, parseInput(editInput, req.body));
    const post = await moderation.editPost(db, rules, member, req.params.id, input, pacing(member, req.ip ?? ''));
    res.json({ post: presentPost(post) });
  });

  router.delete('/api/posts/:id', async (req, res) => {
    const post = await moderation.deletePost(db, rules, requireMember(req), req.params.id, parseInput(reasonInput, req.body));
    res.json({ post: presentPost(post) });
  });

  router.post('/api/posts/:id/restore', async (req, res) => {
    res.json({ post: presentPost(await moderation.restorePost(db, rules, requireMember(req), req.params.id)) });
  });

  router.post('/api/threads/:id/slow-mode', async (req, res) => {
    const { seconds } = parseInput(slowModeInput, req.body);
    const state = await moderation.setSlowMode(db, rules, requireMember(req), req.params.id, seconds);
    res.json({ thread: { id: req.params.id, slowModeSeconds: state.slow_mode_seconds, seq: Number(state.seq) } });
  });

  router.post('/api/threads/:id/:change', async (req, res, next) => {
    const change = CHANGES.find((c) => c === req.params.change);
    if (!change) return next();
    const state = await moderation.changeThread(db, rules, requireMember(req), req.params.id, change);
    res.json({
      thread: { id: req.params.id, locked: state.locked, pinned: state.pinned, featured: state.featured, seq: Number(state.seq) },
    });
  });

  router.get('/t/:id/edit', async (req, res) => {
    res.send(editPage(pageContext(req), await moderation.postForEdit(db, rules, requireMember(req), req.params.id)));
  });

  // A refused edit shows the edit form again only to whom GET /t/:id/edit would show it (the
  // loader checks again): the author past the edit window gets the error page, not the form.
  router.post('/t/:id/edit', async (req: Request<{ id: string }>, res: Response) => {
    const member = requireMember(req);
    const values = () => ({
      title: formText(req.body, 'title'),
      body: formText(req.body, 'body'),
      format: formFormat(req.body),
      reason: formText(req.body, 'reason'),
      removeImages: formList(req.body, 'removeImage'),
    });
    try {
      if (asksPreview(req.body)) {
        // Only to whom the edit form is shown (postForEdit checks), and nothing is written.
        const post = await moderation.postForEdit(db, rules, member, req.params.id);
        const preview = await formPreview(db, caches.conversions, limiter, req, member, { post: post.id });
        res.send(editPage(pageContext(req), post, { preview, values: values() }));
        return;
      }
      const parsed = parseInput(editInput, { ...req.body, removeImage: undefined, removeImages: formList(req.body, 'removeImage') });
      // A form's body without a format is text, as on every form (the API's is guessed).
      const format = parsed.format ?? (parsed.body === undefined ? undefined : 'text');
      const input = await withImagesRemoved(db, rules, member, req.params.id, { ...parsed, format });
      await moderation.editPost(db, rules, member, req.params.id, input, pacing(member, req.ip ?? ''));
    } catch (error) {
      return refusedForm(res, error, async (refusal) => {
        const post = await moderation.postForEdit(db, rules, member, req.params.id);
        return editPage(pageContext(req), post, { refusal, values: values() });
      });
    }
    await toPost(req, res, req.params.id);
  });

  router.post('/t/:id/delete', async (req, res) => {
    await moderation.deletePost(db, rules, requireMember(req), req.params.id, parseInput(reasonInput, { reason: req.body?.reason }));
    const post = await getPost(db, req.params.id);
    res.redirect(303, back(req, req.variantPrefix + postInThread(post.threadId, post.id)));
  });

  router.post('/t/:id/restore', async (req, res) => {
    await moderation.restorePost(db, rules, requireMember(req), req.params.id);
    await toPost(req, res, req.params.id);
  });

  router.post('/t/:id/thread/slow-mode', async (req, res) => {
    const { seconds } = parseInput(slowModeInput, req.body);
    await moderation.setSlowMode(db, rules, requireMember(req), req.params.id, seconds);
    res.redirect(303, `${req.variantPrefix}/t/${req.params.id}`);
  });

  router.post('/t/:id/thread/:change', async (req, res, next) => {
    const change = CHANGES.find((c) => c === req.params.change);
    if (!change) return next();
    await moderation.changeThread(db, rules, requireMember(req), req.params.id, change);
    res.redirect(303, `${req.variantPrefix}/t/${req.params.id}`);
  });
}

/**
 * An edit with the images it names taken out of its body (the body as sent, or, when none is, what
 * the author wrote: asked through postForEdit, which checks the member may edit it). Authorization
 * and everything else stay the edit's own.
 */
async function withImagesRemoved(
  db: Kysely<Database>,
  rules: Rules,
  member: Member,
  postId: string,
  input: z.infer<typeof editInput>,
): Promise<Omit<z.infer<typeof editInput>, 'removeImages'>> {
  const { removeImages, ...edit } = input;
  if (!removeImages?.length) return edit;
  let { body, format } = edit;
  if (body === undefined) {
    const post = await moderation.postForEdit(db, rules, member, postId);
    const written = post.written ?? { format: 'html' as const, source: post.body };
    body = written.source;
    format = format ?? written.format;
  }
  return { ...edit, body: withoutImages(format ?? guessFormat(body), body, removeImages), format };
}
