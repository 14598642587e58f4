import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CachedPage, Caches, RenderedLines } from '../caches';
import type { Database } from '../db/database';
import type { Limiter } from '../limits/limiter';
import { asksPreview, formFormat, formPreview, formatField, previewRoutes } from './posts.preview';
import { ignoringOf } from '../members/ignores.repository';
import { type AppError, notFound } from '../errors';
import type { FormPreview } from '../views/composer';
import { answeredUnchanged, answeredUnchangedTag, entityTag } from '../http/conditional';
import { readCookie } from '../sessions/sessions.cookies';
import { requireMember } from '../http/context';
import type { Pacing } from '../limits/paced';
import { formText, refusedForm } from '../http/forms';
import { parseInput, wholeNumber } from '../http/validate';
import { VARIANTS, type Variant } from '../text/convert';
import { trustedHtml } from '../views/html';
import { firstParagraph, quoteSource } from '../text/quotes';
import type { PageContext } from '../views/layout';
import type { Rules } from '../policy/policy';
import type { ReadRecorder } from '../reads/reads.recorder';
import { type KnownViewer, apiParts, pageParts, postVersion } from './posts.etag';
import { presentPost } from './posts.presenter';
import { presentHeld } from './posts.held';
import * as lists from './posts.lists';
import * as posts from './posts.service';
import type { PostInput } from './posts.body';
import type { ThreadState } from './posts.model';
import { withWritten } from './posts.permissions';
import * as paging from './posts.paging';
import { firstNewFollowUp, markSeen, readerOf, seenBefore, seenParts } from './posts.seen';
import { SEEN_COOKIE, parseSeenCookie } from './posts.seen.cookie';
import { flavourOf, keepableHeaders, pageKey, sendPage, sharesPages } from './posts.pages';
import { CURSOR_MAX_CHARS } from './posts.cursor';
import { localized, localizedAll } from '../text/localize';
import { indexInVariant, windowInVariant } from './posts.variants';
import { renderWindow, overlayWindow } from './posts.windows.lines';
import { keepWindow, keptWindow, windowKey } from './posts.windows.cache';
import { heldLine } from './posts.lines';
import { type OwnHeldLine, heldInVariant, ownHeldInVariant } from './posts.held';
import { getPostWindow } from './posts.windows';
import { filterRoutes } from './posts.filters.routes';
import { postInThread } from './posts.paths';
import { type ShownWindow, postPage } from './posts.views';
import { boardPage, featuredPage } from './posts.board.views';
import type { FormState } from './posts.form.views';
import { HOT_KEEP, type HotLists, hotInVariant } from './posts.hot';
import { hotQuery } from './posts.hot.routes';
import { HotSection } from './posts.hot.views';

/** A new thread or follow-up, from the API or a form. */
const postInput = z.object({
  /** Plain text; trimmed and checked by the service. Required: a title can be the whole message. */
  title: z.string({ error: 'a title is required (a string)' }).max(2000, 'is far too long'),
  /** Written in `format`, rendered and sanitized on write; empty or absent for a title-only post. */
  body: z.string({ error: 'must be a string' }).max(200_000, 'is too long').optional(),
  format: formatField,
});

/** A form's post: as the API's, but a body without a format is text (forms default to it). */
function formPost(body: unknown): PostInput {
  const input = parseInput(postInput, body);
  return { ...input, format: input.format ?? 'text' };
}

const variantQuery = z.object({
  /** Titles and bodies converted for a reader of this variant; absent = as written. */
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
});

/** A page of a walk through a thread (docs/api.md, "Walking a thread"). */
const pagingQuery = variantQuery.extend({
  limit: wholeNumber(`must be a number from 1 to ${paging.PAGE_MAX}`)
    .pipe(z.number().min(1, `must be a number from 1 to ${paging.PAGE_MAX}`).max(paging.PAGE_MAX, `must be at most ${paging.PAGE_MAX}`))
    .default(paging.PAGE_MAX),
  /** The nextCursor of the previous page, as it came. */
  cursor: z.string({ error: 'must be the nextCursor of the previous page' }).max(CURSOR_MAX_CHARS, 'is not a cursor').optional(),
  /** bodies=false: the follow-ups come with body ''. */
  bodies: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});

const newQuery = pagingQuery.extend({
  /** The highest post id the reader has seen; 0 for every follow-up. */
  since: wholeNumber('must be a post id (0 for all)').pipe(z.number().min(0, 'must be a post id (0 for all)')),
});

const pageQuery = z.object({
  page: wholeNumber('must be a page number').pipe(z.number().min(1, 'must be a page number').max(100_000)).default(1),
  /** featured=1: only threads marked 加精. */
  featured: z.enum(['0', '1'], { error: 'must be 0 or 1' }).optional(),
  /** Which window the board's hot threads show: today (the default) or week (posts.hot.routes.ts). */
  hot: hotQuery.shape.hot,
  /** After starting a thread that is held for review: its id (the page says it waits, to its author only). */
  held: z
    .string({ error: 'must be a held post id' })
    .regex(/^\d{1,19}$/, 'must be a held post id')
    .optional(),
});

/** A page of the 精華區: after the thread a "next page" link names. */
const featuredQuery = z.object({
  after: z
    .string({ error: 'must be the cursor of a "next page" link' })
    .regex(/^\d{1,15}_[1-9]\d{0,17}$/, 'must be the cursor of a "next page" link')
    .optional(),
});

/**
 * A post just written, as the API answers: the post, and the members it mentions who were not
 * notified (past MENTION_NOTIFY_MAX; their mentions are linked all the same), when there are any.
 */
const presentWritten = (post: posts.WrittenPost) => ({
  post: presentPost(post),
  ...(post.unnotifiedMentions.length ? { unnotifiedMentions: post.unnotifiedMentions } : {}),
});

/**
 * A thread page: which window of the follow-ups (after a cursor, or the one holding a post), and
 * how many members a post just written mentions without notifying them.
 */
const threadPageQuery = z
  .object({
    unnotified: wholeNumber('must be a number').pipe(z.number().min(0).max(1000)).optional(),
    /** The "more follow-ups" link's cursor, as it came. */
    after: z.string({ error: 'must be the cursor of a "more follow-ups" link' }).max(CURSOR_MAX_CHARS, 'is not a cursor').optional(),
    /** A follow-up under the page's post: the window holding it. */
    at: z
      .string({ error: 'must be a post id' })
      .regex(/^\d{1,19}$/, 'must be a post id')
      .optional(),
    /** After posting a follow-up that is held for review: its id (the page says it waits, to its author only). */
    held: z
      .string({ error: 'must be a held post id' })
      .regex(/^\d{1,19}$/, 'must be a held post id')
      .optional(),
    /** A later window's "more" link: the reader's position when the first window was served (marks only). */
    seen: z
      .string({ error: 'must be a post id' })
      .regex(/^\d{1,19}$/, 'must be a post id')
      .optional(),
  })
  .refine((q) => q.after === undefined || q.at === undefined, { message: 'give either after or at, not both', path: ['at'] });

/**
 * Where a form goes after writing a post: to the post, saying how many mentions were not notified.
 * A held follow-up: to its place in the thread (the window holding its parent), which its author
 * sees it in, with the notice that it waits; a held thread: to the board's page, which lists it.
 */
function afterWriting(req: Request, submitted: posts.Submitted): string {
  if (submitted.held) {
    const h = submitted.heldPost;
    if (h.threadId === null || h.parentId === null) return `${req.variantPrefix}/b/${h.board.slug}?held=${h.id}#h${h.id}`;
    const at = h.parentId === h.threadId ? '' : `&at=${h.parentId}`;
    return `${req.variantPrefix}/t/${h.threadId}?held=${h.id}${at}#h${h.id}`;
  }
  const post = submitted.post;
  return (
    req.variantPrefix +
    postInThread(post.threadId, post.id, post.unnotifiedMentions.length ? `unnotified=${post.unnotifiedMentions.length}` : '')
  );
}

const presentThread = (s: ThreadState) => ({
  replyCount: s.replyCount,
  lastActivityAt: s.lastActivityAt.toISOString(),
  locked: s.locked,
  pinned: s.pinned,
  featured: s.featured,
  seq: s.seq,
  readCount: s.readCount,
});

/** Threads, follow-ups, the board index and member pages: HTML and JSON. */
export function postsRouter(
  db: Kysely<Database>,
  rules: Rules,
  caches: Pick<Caches, 'conversions' | 'lines' | 'pages' | 'threads'>,
  pageContext: (req: Request) => PageContext,
  pacing: Pacing,
  limiter: Limiter,
  settings: Partial<ReadingSettings> & { reads?: ReadRecorder; hot?: HotLists } = {},
): Router {
  const router = Router();
  const { reads, hot, ...reading } = settings;
  const deps = { db, rules, caches, pageContext, pacing, limiter, reading: { ...DEFAULT_READING, ...reading }, reads, hot };
  apiRoutes(router, deps);
  // Before the thread page: /t/:id?by= is a filter of it (posts.filters.routes.ts).
  filterRoutes(router, deps);
  pageRoutes(router, deps);
  return router;
}

/** How much of a thread a page shows (config.ts). */
export interface ReadingSettings {
  /** Follow-up lines under each thread on a board index (INDEX_TREE_LINES). */
  indexTreeLines: number;
  /** Lines in a window of a thread page (THREAD_WINDOW_LINES). */
  windowLines: number;
  /** Levels a thread page nests below its post (THREAD_DEPTH_CAP). */
  depthCap: number;
}

const DEFAULT_READING: ReadingSettings = { indexTreeLines: lists.DEFAULT_INDEX_TREE_LINES, windowLines: 500, depthCap: 12 };

/** What the routes use, as postsRouter was given it. */
interface RouteDeps {
  db: Kysely<Database>;
  rules: Rules;
  reading: ReadingSettings;
  caches: Pick<Caches, 'conversions' | 'lines' | 'pages' | 'threads'>;
  pageContext: (req: Request) => PageContext;
  /** Paces new threads and follow-ups by member and address (server/limits/paced.ts). */
  pacing: Pacing;
  /** Limits previews (posts.preview.ts). */
  limiter: Limiter;
  /** Where thread pages count their reads (server/reads/); none: not counted. */
  reads: ReadRecorder | undefined;
  /** The hot threads a board's page shows (posts.hot.ts); none: the page shows no hot list. */
  hot: HotLists | undefined;
}

/** The JSON API: new threads and follow-ups, a post, a board's threads. */
function apiRoutes(router: Router, { db, rules, caches, pacing, limiter }: RouteDeps): void {
  const { conversions } = caches;
  previewRoutes(router, db, conversions, limiter);

  // A post held for review is 202 Accepted: written, waiting for a moderator (posts.held.ts).
  const answerSubmitted = (res: Response, submitted: posts.Submitted) => {
    if (submitted.held) {
      res
        .status(202)
        .location(`/held/${submitted.heldPost.id}`)
        .json({ held: true, heldPost: presentHeld(submitted.heldPost) });
    } else res.status(201).location(`/t/${submitted.post.id}`).json(presentWritten(submitted.post));
  };

  router.post('/api/boards/:slug/threads', async (req, res) => {
    const member = requireMember(req);
    answerSubmitted(
      res,
      await posts.submitThread(db, member, req.params.slug, parseInput(postInput, req.body), pacing(member, req.ip ?? '')),
    );
  });

  router.post('/api/posts/:id/replies', async (req, res) => {
    const member = requireMember(req);
    answerSubmitted(res, await posts.submitReply(db, member, req.params.id, parseInput(postInput, req.body), pacing(member, req.ip ?? '')));
  });

  // A post's subtree a page at a time (posts.paging.ts); a thread below PAGE_MAX comes whole, as it always did.
  router.get('/api/posts/:id', async (req, res) => {
    const { variant, limit, cursor, bodies } = parseInput(pagingQuery, req.query);
    // An unchanged answer is a 304 before the page is read (posts.etag.ts; the URL, with its
    // limit, cursor and bodies, is part of the tag).
    const version = await postVersion(db, req.params.id, req.member, rules, { conversion: conversions.rules });
    if (version && answeredUnchanged(req, res, [...version, ...apiParts(req)])) return;
    const page = await paging.getSubtreePage(db, req.params.id, req.member, { limit, cursor, bodies: bodies !== 'false' });
    // Its author and the board's moderators get what was written too (an edit starts from it).
    const post = await withWritten(db, req.member, page.post, page.thread, rules);
    res.json({
      post: presentPost(localized(conversions, post, variant)),
      thread: presentThread(page.thread),
      replies: localizedAll(conversions, page.replies, variant).map(presentPost),
      nextCursor: page.nextCursor,
    });
  });

  router.get('/api/threads/:id/new', async (req, res) => {
    const { variant, limit, cursor, bodies, since } = parseInput(newQuery, req.query);
    const page = await paging.getNewPage(db, req.params.id, String(since), req.member, { limit, cursor, bodies: bodies !== 'false' });
    res.json({
      thread: { id: page.thread.threadId, ...presentThread(page.thread) },
      replies: localizedAll(conversions, page.replies, variant).map(presentPost),
      nextCursor: page.nextCursor,
    });
  });

  router.get('/api/boards/:slug/threads', async (req, res) => {
    const { page, featured } = parseInput(pageQuery, req.query);
    const { variant } = parseInput(variantQuery, { variant: req.query.variant });
    // The API lists threads, not their trees: no follow-up lines are read.
    const index = indexInVariant(
      conversions,
      await lists.getBoardIndex(db, req.params.slug, page, req.member, featured === '1', {
        rootBodies: true,
        treeLines: 0,
        reader: readerOf(req),
      }),
      variant,
    );
    res.json({
      board: { slug: index.board.slug, name: index.board.name, description: index.board.description },
      threads: index.threads.map((t) => ({ post: presentPost(t.root), ...presentThread(t.state), newCount: t.newCount })),
      page: index.page,
      pages: index.pages,
      total: index.total,
    });
  });
}

/** The HTML pages (board, thread, member) and the forms that post a thread or a follow-up. */
function pageRoutes(router: Router, { db, rules, caches, pageContext, pacing, limiter, reading, reads, hot }: RouteDeps): void {
  const { conversions } = caches;
  const treeLines = reading.indexTreeLines;

  // Pages that list posts collapse those of members the reader ignores (members/ignores.repository.ts).
  const listContext = async (req: Request): Promise<PageContext> => ({ ...pageContext(req), ignored: await ignoringOf(db, req.member) });

  router.get('/b/:slug', async (req, res) => {
    const { page, featured, held, hot: period } = parseInput(pageQuery, req.query);
    // The featured list is the board's 精華區 now, under the reader's variant prefix.
    if (featured === '1') {
      res.redirect(301, `${req.variantPrefix}/b/${encodeURIComponent(req.params.slug)}/featured`);
      return;
    }
    const [index, ctx] = await Promise.all([
      lists.getBoardIndex(db, req.params.slug, page, req.member, false, { treeLines, reader: readerOf(req) }),
      listContext(req),
    ]);
    const heldNotice = held !== undefined && index.heldThreads.some((h) => h.id === held);
    const shown = indexInVariant(conversions, index, req.variant);
    const heldThreads = shown.heldThreads.map((h) => heldInVariant(conversions, h, req.variant));
    // The board's hot threads (kept in memory: posts.hot.ts), in the reader's variant.
    const hotList =
      hot && hotInVariant(conversions, await hot.list({ board: index.board, period, viewer: req.member, limit: HOT_KEEP }), req.variant);
    const hotHtml = hotList && HotSection({ ctx, list: hotList, base: `/b/${index.board.slug}`, variant: req.variant });
    res.send(boardPage(ctx, { ...shown, heldThreads }, undefined, heldNotice, hotHtml));
  });

  // The board's 精華區, a page at a time after a keyset cursor (posts.lists.ts getFeaturedIndex).
  router.get('/b/:slug/featured', async (req, res) => {
    const { after } = parseInput(featuredQuery, req.query);
    const [index, ctx] = await Promise.all([
      lists.getFeaturedIndex(db, req.params.slug, after === undefined ? null : lists.parseFeaturedCursor(after), req.member, readerOf(req)),
      listContext(req),
    ]);
    res.send(featuredPage(ctx, indexInVariant(conversions, index, req.variant)));
  });

  /**
   * A window of a post's follow-ups for this reader: read (or taken from caches.lines, the seq in
   * the key), converted, rendered, and overlaid with what is the reader's own (new marks, ignored
   * members). Or the page to go to instead, when `at` is nested deeper than this page shows.
   */
  const windowFor = async (
    req: Request,
    ctx: PageContext,
    where: { after?: string; at?: string; seen?: string | null; held?: OwnHeldLine[]; known?: KnownViewer },
  ): Promise<{ deeperPage: string } | { head: Parameters<typeof postPage>[1]; shown: ShownWindow }> => {
    let key = '';
    let rendered: RenderedLines | undefined;
    const answer = await getPostWindow(db, String(req.params.id), req.member, {
      ...where,
      size: reading.windowLines,
      depthCap: reading.depthCap,
      rules,
      cached: async (version, tx) => {
        // The glossaries' version too: a glossary change converts the window anew (caches.ts).
        const rulesVersion = req.variant ? conversions.rules.versionFor(version.boardId) : '';
        const reader = { variant: req.variant, prefix: req.variantPrefix, timeZone: ctx.timeZone, rules: rulesVersion };
        key = windowKey(String(req.params.id), version, reader);
        // Kept at this version, or patched from an earlier one (posts.windows.cache.ts).
        rendered = await keptWindow(tx, caches.lines, key, version, { ctx, conversions, variant: req.variant });
        return rendered !== undefined;
      },
    });
    if ('deeperPage' in answer) return answer;
    const window = windowInVariant(conversions, answer.window, req.variant);
    if (!rendered) {
      // Its lines are in the variant's catalog and their links under the page's prefix (both in
      // the key), so the window is sent again exactly as it was rendered.
      rendered = renderWindow(ctx, {
        context: window.context,
        lines: window.lines,
        baseDepth: window.post.depth,
        depthCap: reading.depthCap,
        next: window.nextCursor ? `/t/${window.post.id}?after=${window.nextCursor}` : null,
        patchable: { seq: window.version.seq, postId: window.post.id, start: window.version.start, size: reading.windowLines },
      });
      keepWindow(caches.lines, key, rendered);
    }
    // The reader's own held follow-ups, in their places (posts.held.ts): never in the cached lines.
    const held = req.member ? ownHeldInVariant(conversions, window.post.boardId, where.held ?? [], req.variant) : [];
    const overlaid = overlayWindow(ctx, rendered, {
      ignored: ctx.ignored,
      seen: where.seen,
      memberId: req.member?.id,
      held: held.map((h) => ({ id: h.id, parentId: h.parentId, html: heldLine(ctx, h, req.member!.name) })),
      pageId: window.post.id,
    });
    const placed = new Set(overlaid.placedHeld);
    return {
      head: window,
      shown: {
        html: trustedHtml(overlaid.html),
        count: rendered.count,
        heldPlaced: placed.size,
        // Those with no place in this window are listed on the first one, so the author always finds them.
        heldElsewhere: window.first ? held.filter((h) => !placed.has(h.id)) : [],
        first: window.first,
        newIds: overlaid.newIds,
        ancestors: window.ancestors,
        deepest: window.post.depth + reading.depthCap,
      },
    };
  };

  router.get('/t/:id', async (req, res) => {
    // In memory only (server/reads/), and before the 304 below: a reader revalidating reads again.
    // (A page kept whole was sent before express saw the request: warmPages in posts.pages.ts.)
    reads?.record(req.params.id, req);
    const postId = String(req.params.id);
    const { unnotified, after, at, seen: carried, held: heldId } = parseInput(threadPageQuery, req.query);
    // Taken before the reads: what they read is learnt only if the LISTEN link stayed up meanwhile.
    const generation = caches.threads.generation;
    let facts: { threadId: string; seq: number; readCount: number } | undefined;
    let boardId = '';
    let held: OwnHeldLine[] = [];
    let known: KnownViewer | undefined;
    // The reader's position before this visit (posts.seen.ts) is read beside the page's version.
    const [ctx, version, seen] = await Promise.all([
      listContext(req),
      postVersion(db, postId, req.member, rules, {
        muted: true,
        conversion: conversions.rules,
        held: (lines) => (held = lines),
        // The viewer's role, ban and mute on the thread: the window takes them from here.
        viewer: (k) => (known = k),
        facts: (threadId, f) => {
          facts = { threadId, ...f };
          boardId = f.boardId;
          caches.threads.learn(threadId, f, generation);
        },
      }),
      seenBefore(db, req, postId),
    ]);
    // An unchanged page is a 304 before anything is read or rendered (posts.etag.ts).
    const etag = version && entityTag([...version, ...pageParts(req, ctx), ...seenParts(seen)]);
    if (etag && answeredUnchangedTag(req, res, etag)) return;
    // The first window records the visit, so a later one marks what was new by the position the
    // first one was served with (its "more" link carries it).
    const later = after !== undefined || at !== undefined;
    const page = await windowFor(req, ctx, { after, at, seen: later ? (carried ?? seen?.postId) : seen?.postId, held, known });
    if ('deeperPage' in page) {
      res.redirect(302, `${req.variantPrefix}/t/${page.deeperPage}?at=${at}#p${at}`);
      return;
    }
    const id = page.head.post.id;
    // A returning reader whose first window holds nothing new lands on the window that holds the
    // first new follow-up (docs/api.md, "Thread pages"). This request is the visit and records
    // it; the window it lands on marks by the position carried in its URL, as a "more" link's
    // does, and records nothing.
    if (
      !later &&
      unnotified === undefined &&
      heldId === undefined &&
      seen &&
      page.head.post.parentId === null &&
      page.shown.newIds.length === 0
    ) {
      const landing = await firstNewFollowUp(db, req, seen, page.head.post.depth + reading.depthCap);
      if (landing) {
        const marking = markSeen(db, req, res, page.head, seen);
        // Where it sends the reader depends on them: no cache keeps it, and it has no version.
        res.removeHeader('ETag');
        res.set('Cache-Control', 'private, no-store');
        res.redirect(302, `${req.variantPrefix}/t/${id}?at=${landing}&seen=${seen.postId}#p${landing}`);
        await marking;
        return;
      }
    }
    // The new position is recorded while the first window goes out (an anonymous reader's cookie goes with it).
    const marking = later ? Promise.resolve() : markSeen(db, req, res, page.head, seen);
    // Back to the first window from a later one: within a visit (a position carried), without
    // sending the reader on to what is new again and without recording the visit twice.
    const top = carried && later ? `/t/${id}?at=${id}&seen=${carried}` : `/t/${id}`;
    // The notice after posting a held follow-up, for its author only (it is one of theirs, waiting).
    const heldNotice = heldId !== undefined && held.some((h) => h.id === heldId);
    const html = postPage(ctx, { ...page.head, seen }, { ...page.shown, top }, undefined, unnotified, heldNotice);
    // Nothing personal on it: kept whole for the next such reader (posts.pages.ts).
    const flavour =
      facts && etag && sharesPages(req) && !ctx.maintenance && !ctx.ignored?.ids.size && page.shown.newIds.length === 0 && !seen?.newCount
        ? flavourOf(parseSeenCookie(readCookie(req, SEEN_COOKIE)), facts.threadId, facts.seq)
        : undefined;
    if (flavour && facts && etag) {
      const key = pageKey(req, flavour);
      const kept: CachedPage = {
        postId,
        threadId: facts.threadId,
        seq: facts.seq,
        readCount: facts.readCount,
        boardId,
        rules: conversions.rules.versionFor(boardId),
        etag,
        root: page.head.post.parentId === null,
        // What the middleware and this route have set so far: sent again with each warm answer.
        headers: keepableHeaders(res),
        identity: Buffer.from(html, 'utf8'),
      };
      // A miss of the warm page cache (its hits are counted as they are served, posts.pages.ts).
      caches.pages.misses++;
      caches.pages.set(key, kept);
      await sendPage(req, res, key, kept, caches.pages);
    } else res.send(html);
    await marking;
  });

  // A refused form comes back as the same page, the refusal above the form and the text kept; a
  // board or post that is not there (any more) is the 404 page, as it would be for a GET.
  // A previewed form comes back the same way, with the preview above it (posts.preview.ts).
  const formState = (req: Request, shown: { refusal: AppError } | { preview: FormPreview }): FormState => ({
    values: { title: formText(req.body, 'title'), body: formText(req.body, 'body'), format: formFormat(req.body) },
    ...shown,
  });

  router.post('/b/:slug/threads', async (req: Request<{ slug: string }>, res: Response) => {
    const member = requireMember(req);
    try {
      if (asksPreview(req.body)) {
        const preview = await formPreview(db, conversions, limiter, req, member, { board: req.params.slug });
        const index = await lists.getBoardIndex(db, req.params.slug, 1, req.member, false, { treeLines });
        res.send(boardPage(await listContext(req), indexInVariant(conversions, index, req.variant), formState(req, { preview })));
        return;
      }
      const submitted = await posts.submitThread(db, member, req.params.slug, formPost(req.body), pacing(member, req.ip ?? ''));
      res.redirect(303, afterWriting(req, submitted));
    } catch (error) {
      await refusedForm(res, error, async (refusal) => {
        const index = indexInVariant(
          conversions,
          await lists.getBoardIndex(db, req.params.slug, 1, req.member, false, { treeLines }),
          req.variant,
        );
        return boardPage(await listContext(req), index, formState(req, { refusal }));
      });
    }
  });

  // 引用 without JavaScript: the post's page with the reply form holding a quote of it (its first
  // paragraph, or its title when it has no body), in the reader's variant. Nothing is written.
  router.get('/t/:id/quote', async (req, res) => {
    requireMember(req);
    const ctx = await listContext(req);
    const page = await windowFor(req, ctx, {});
    if ('deeperPage' in page) throw notFound('PostNotFound', `There is no post ${req.params.id}.`, { params: { id: req.params.id } });
    const { post } = page.head;
    res.set('Cache-Control', 'private, no-store');
    // A deleted post is not quoted (nor replied to): its page as it is.
    if (post.deleted) return void res.send(postPage(ctx, page.head, page.shown));
    const body = quoteSource(post.author.name, post.id, firstParagraph(post.body) || post.title, ctx.t.composer.wrote);
    res.send(postPage(ctx, page.head, page.shown, { values: { body, format: 'text' } }));
  });

  router.post('/t/:id/reply', async (req: Request<{ id: string }>, res: Response) => {
    const member = requireMember(req);
    // The thread page again, with the form as the member left it.
    const again = async (shown: Parameters<typeof formState>[1], otherwise: Error) => {
      const ctx = await listContext(req);
      const page = await windowFor(req, ctx, {});
      if ('deeperPage' in page) throw otherwise;
      return postPage(ctx, page.head, page.shown, formState(req, shown));
    };
    try {
      if (asksPreview(req.body)) {
        const preview = await formPreview(db, conversions, limiter, req, member, { post: req.params.id });
        res.send(
          await again({ preview }, notFound('PostNotFound', `There is no post ${req.params.id}.`, { params: { id: req.params.id } })),
        );
        return;
      }
      const submitted = await posts.submitReply(db, member, req.params.id, formPost(req.body), pacing(member, req.ip ?? ''));
      res.redirect(303, afterWriting(req, submitted));
    } catch (error) {
      await refusedForm(res, error, (refusal) => again({ refusal }, refusal));
    }
  });
}
