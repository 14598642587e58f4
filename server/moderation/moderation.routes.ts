import { CLI_ACTOR } from '../audit/audit';
import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { getBoard } from '../boards/boards.service';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import { guessFormat } from '../text/formats';
import { VARIANTS, type Variant } from '../variants';
import { withoutImages } from '../text/images';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { localPath } from '../http/paths';
import type { Pacing } from '../limits/paced';
import type { Limiter } from '../limits/limiter';
import { asksPreview, formFormat, formPreview, formatField } from '../posts/posts.preview';
import { parseInput, wholeNumber } from '../http/validate';
import { postInThread } from '../posts/posts.paths';
import { presentPost } from '../posts/posts.presenter';
import { getPost } from '../posts/posts.service';
import { htmlFor, localized, localizedTitles, shownName, shownOn, textFor } from '../text/localize';
import type { PageContext } from '../views/layout';
import { renderDiffs } from './moderation.diff';
import type { Rules } from '../policy/policy';
import * as reports from './moderation.reports';
import type { LogEntryRow } from './moderation.repository';
import { type IssuedBan, banMember, liftBan } from './moderation.banning';
import { moderationLog, siteModerationLog } from './moderation.log';
import { postRevisions } from './moderation.revisions';
import * as moderation from './moderation.service';
import * as visibleBans from './moderation.bans';
import { memberInfoPage, publicBansPage } from './moderation.bans.views';
import { editPage, logPage, reportPage, reportQueuePage, revisionsPage } from './moderation.views';

/** Why a change was made; optional except where the service requires it. */
const reason = z.string({ error: 'must be a string' }).max(2000, 'is too long').optional();

const editInput = z.object({
  /** The new title (plain text); absent keeps the current one. */
  title: z.string({ error: 'must be a string' }).max(2000, 'is far too long').optional(),
  /** The new body, written in `format` (absent: guessed as before formats, deprecated); absent keeps what was written. */
  body: z.string({ error: 'must be a string' }).max(200_000, 'is too long').optional(),
  /** How the body is written; alone, renders what was written in this format instead. */
  format: formatField,
  /** Uploaded images (their ids) to take out of the body (text/images.ts withoutImages). */
  removeImages: z
    .array(z.string().regex(/^[0-9a-f]{64}$/, 'must be image ids (64 hex digits)'), { error: 'must be a list of image ids' })
    .max(100, 'too many')
    .optional(),
  reason,
});

/** The boxes ticked on a form (one value or several), as strings. */
const formList = (body: unknown, name: string): string[] => {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
};

const reasonInput = z.object({ reason });
const reportInput = z.object({ reason: z.string({ error: 'a reason is required' }).max(2000, 'is too long') });

const banInput = z.object({
  /** The member to ban. */
  username: z.string({ error: 'the member’s name is required' }).max(200),
  /** How long, in days. */
  days: wholeNumber('must be a whole number of days'),
  reason: z.string({ error: 'a reason is required' }).max(2000, 'is too long'),
  /** The reported post this ban answers (closes its reports). */
  postId: z.string().refine(isId, 'must be a post id').optional(),
});

/** A thread's slow mode: seconds between one member's follow-ups (0: off). */
const slowModeInput = z.object({
  seconds: wholeNumber('must be a whole number of seconds').pipe(
    z
      .number()
      .min(0, 'must be 0 (off) or more')
      .max(moderation.SLOW_MODE_MAX_SECONDS, `must be at most ${moderation.SLOW_MODE_MAX_SECONDS} seconds (a day)`),
  ),
});

const CHANGES = ['lock', 'unlock', 'pin', 'unpin', 'feature', 'unfeature'] as const;
const REVISION_CHANGES = ['hide', 'unhide'] as const;
/** A version of a post, as numbered in its revisions (0 = as first written). */
const revisionParam = z.object({
  revision: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a version number (0 or more)')
    .transform(Number),
});
const pageQuery = z.object({
  page: wholeNumber('must be a page number').pipe(z.number().min(1, 'must be a page number').max(100_000)).default(1),
});

/** A page of revisions through the API, in the reader's variant (`variant=`; absent: as written). */
const revisionsQuery = pageQuery.extend({
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
});

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
  banListRoutes(router, deps);
  apiRoutes(router, deps);
  pageRoutes(router, deps);
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

const publicBansInput = z.object({ on: z.union([z.boolean(), z.enum(['0', '1'])], { error: 'must be true or false' }) });

/**
 * Visible bans: a board's public list and its switch (moderators), and what moderators know of a
 * member's addresses on their board (moderation.bans.ts).
 */
function banListRoutes(router: Router, { db, pageContext }: RouteDeps): void {
  const presentBan = (b: { name: string; expiresAt: Date; reason: string }) => ({
    name: b.name,
    expiresAt: b.expiresAt.toISOString(),
    reason: b.reason,
  });
  const switchOn = (body: unknown) => {
    const { on } = parseInput(publicBansInput, body);
    return on === true || on === '1';
  };

  router.get('/api/boards/:slug/bans', async (req, res) => {
    const list = await visibleBans.publicBans(db, req.member ?? null, req.params.slug);
    res.json({ board: list.board, bans: list.bans.map(presentBan) });
  });

  router.get('/b/:slug/bans', async (req, res) => {
    res.send(publicBansPage(pageContext(req), await visibleBans.publicBans(db, req.member ?? null, req.params.slug)));
  });

  router.post('/api/boards/:slug/public-bans', async (req, res) => {
    const on = switchOn(req.body);
    await visibleBans.setPublicBans(db, requireMember(req), req.params.slug, on);
    res.json({ publicBans: on });
  });

  router.post('/b/:slug/public-bans', async (req, res) => {
    const on = switchOn(req.body);
    await visibleBans.setPublicBans(db, requireMember(req), req.params.slug, on);
    res.redirect(303, `${req.variantPrefix ?? ''}/b/${req.params.slug}${on ? '/bans' : ''}`);
  });

  router.get('/api/boards/:slug/members/:name', async (req, res) => {
    const info = await visibleBans.sharedAddresses(db, requireMember(req), req.params.slug, req.params.name);
    res.json({ name: info.name, sharesAddressWith: info.sharesWith });
  });

  router.get('/b/:slug/members/:name', async (req, res) => {
    res.send(memberInfoPage(pageContext(req), await visibleBans.sharedAddresses(db, requireMember(req), req.params.slug, req.params.name)));
  });
}

/**
 * The JSON API: each route answers with the changed or asked-for resource, or the error. Long
 * because it lists every endpoint, each a few lines (the HTML pages and forms are in pageRoutes).
 */
function apiRoutes(router: Router, { db, rules, pacing, caches }: RouteDeps): void {
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
        reason: v.reason,
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

  router.post('/api/posts/:id/report', async (req, res) => {
    const member = requireMember(req);
    const report = await reports.reportPost(db, member, req.params.id, parseInput(reportInput, req.body), pacing(member, req.ip ?? ''));
    res
      .status(201)
      .json({ report: { id: report.id, postId: report.postId, reason: report.reason, createdAt: report.createdAt.toISOString() } });
  });

  router.get('/api/boards/:slug/reports', async (req, res) => {
    const entries = await reports.reportQueue(db, requireMember(req), req.params.slug);
    res.json({
      reports: entries.map((e) => ({
        post: presentPost(e.post),
        count: e.count,
        reports: e.reports.map((r) => ({ id: r.id, reason: r.reason, reporter: r.reporter, createdAt: r.createdAt.toISOString() })),
      })),
    });
  });

  router.post('/api/posts/:id/reports/dismiss', async (req, res) => {
    const closed = await reports.dismissReports(db, requireMember(req), req.params.id, parseInput(reasonInput, req.body));
    res.json({ closed });
  });

  const presentBan = (b: IssuedBan) => ({
    id: b.id,
    username: b.username,
    boardId: b.boardId,
    reason: b.reason,
    expiresAt: b.expiresAt.toISOString(),
  });

  router.post('/api/boards/:slug/bans', async (req, res) => {
    const ban = await banMember(db, requireMember(req), { ...parseInput(banInput, req.body), board: req.params.slug });
    res.status(201).json({ ban: presentBan(ban) });
  });

  router.post('/api/bans', async (req, res) => {
    const ban = await banMember(db, requireMember(req), parseInput(banInput, req.body));
    res.status(201).json({ ban: presentBan(ban) });
  });

  router.delete('/api/bans/:id', async (req, res) => {
    await liftBan(db, requireMember(req), req.params.id);
    res.json({ ok: true });
  });

  const presentLog = (entries: LogEntryRow[]) =>
    entries.map((e) => ({
      id: e.id,
      board: e.board_slug,
      action: e.action,
      // The operator at the CLI has no account: named as the audit log names them.
      actor: { name: e.actor_name ?? CLI_ACTOR.name, role: e.actor_role },
      postId: e.post_id,
      target: e.target_name,
      reason: e.reason,
      revision: e.revision,
      heldId: e.held_id,
      at: e.created_at.toISOString(),
    }));

  router.get('/api/boards/:slug/log', async (req, res) => {
    const { page } = parseInput(pageQuery, req.query);
    const log = await moderationLog(db, requireMember(req), req.params.slug, page);
    res.json({ entries: presentLog(log.entries), page });
  });

  router.get('/api/moderation/log', async (req, res) => {
    const { page } = parseInput(pageQuery, req.query);
    const log = await siteModerationLog(db, requireMember(req), page);
    res.json({ entries: presentLog(log.entries), page });
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

/**
 * The HTML pages and forms: each form answers with a redirect, or the error page. Long because it
 * lists every page and form, each a few lines.
 */
function pageRoutes(router: Router, { db, rules, caches, pageContext, pacing, limiter }: RouteDeps): void {
  /** Back to where the form was, if it said so and it is on this site; else the post's thread. */
  const back = (req: Request, fallback: string) => localPath(req.body?.back, fallback);
  const toPost = async (req: Request, res: Response, id: string) => {
    const post = await getPost(db, id);
    res.redirect(303, req.variantPrefix + postInThread(post.threadId, post.id));
  };

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
    await toPost(req, res, req.params.id);
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
    res.redirect(303, back(req, `${req.variantPrefix}/t/${req.params.id}/revisions#v${revision}`));
  });

  router.get('/b/:slug/reports', async (req, res) => {
    const entries = await reports.reportQueue(db, requireMember(req), req.params.slug);
    res.send(reportQueuePage(pageContext(req), await getBoard(db, req.params.slug), entries));
  });

  router.post('/b/:slug/reports/:postId/dismiss', async (req, res) => {
    await reports.dismissReports(db, requireMember(req), req.params.postId, {});
    res.redirect(303, `${req.variantPrefix}/b/${req.params.slug}/reports`);
  });

  router.post('/b/:slug/bans', async (req, res) => {
    await banMember(db, requireMember(req), { ...parseInput(banInput, req.body), board: req.params.slug });
    res.redirect(303, `${req.variantPrefix}/b/${req.params.slug}/reports`);
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
