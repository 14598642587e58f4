import { type Router, type Request, type Response } from 'express';
import type { RenderedLines } from '../caches';
import { asksPreview, formPreview } from './posts.preview';
import { ignoringOf } from '../members/ignores.repository';
import { notFound } from '../errors';
import { answeredUnchangedTag, entityTag } from '../http/conditional';
import { readCookie } from '../sessions/sessions.cookies';
import { requireMember } from '../http/context';
import { refusedForm } from '../http/forms';
import { parseInput } from '../http/validate';
import { htmlBytes, trustedHtml } from '../views/html';
import { sendMarkup } from '../views/send';
import { firstParagraph, quoteSource } from '../text/quotes';
import type { PageContext } from '../views/layout';
import { type KnownViewer, type VersionFacts, pageParts, postVersion } from './posts.etag';
import * as posts from './posts.service';
import { type SeenBefore, firstNewFollowUp, markSeen, readerOf, seenParts } from './posts.seen';
import type { Ignoring } from '../db/member';
import { SEEN_COOKIE, parseSeenCookie } from './posts.seen.cookie';
import { flavourOf, keepAndSend, pageKey, sharesPages } from './posts.pages';
import { windowInVariant } from './posts.variants';
import { renderWindow, overlayWindow } from './posts.windows.lines';
import { keepWindow, keptWindow, windowKey } from './posts.windows.cache';
import { heldLine } from './posts.lines';
import { type OwnHeldLine, ownHeldInVariant } from './posts.held';
import { getPostWindow } from './posts.windows';
import { type ShownWindow, postPage, postPageMarkup } from './posts.views';
import type { RouteDeps } from './posts.routes';
import { afterWriting, formPost, formState, threadPageQuery } from './posts.inputs';

/** A thread's pages (`/t/:id`, a window of its follow-ups at a time), the quote page and the reply form. */
export function threadRoutes(router: Router, { db, rules, caches, pageContext, pacing, limiter, reading, reads }: RouteDeps): void {
  const { conversions } = caches;

  // Pages that list posts collapse those of members the reader ignores (members/ignores.repository.ts).
  const listContext = async (req: Request): Promise<PageContext> => ({ ...pageContext(req), ignored: await ignoringOf(db, req.member) });

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
    let facts: VersionFacts | undefined;
    let held: OwnHeldLine[] = [];
    let known: KnownViewer | undefined;
    let ignored: Ignoring | undefined;
    let seen = null as SeenBefore | null;
    // One statement for all of it: the page's version, and what is the reader's own on it: whom
    // they ignore (collapsed lines) and their position before this visit (posts.seen.ts).
    const version = await postVersion(db, postId, req.member, rules, {
      muted: true,
      conversion: conversions.rules,
      held: (lines) => (held = lines),
      // The viewer's role, ban and mute on the thread: the window takes them from here.
      viewer: (k) => (known = k),
      ignoring: (i) => (ignored = i),
      seen: { source: readerOf(req), read: (s) => (seen = s) },
      facts: (f) => (facts = f),
      learn: caches.threads,
    });
    const ctx: PageContext = { ...pageContext(req), ignored };
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
    const html = postPageMarkup(ctx, { ...page.head, seen }, { ...page.shown, top }, undefined, unnotified, heldNotice);
    // Nothing personal on it: kept whole for the next such reader (posts.pages.ts).
    const flavour =
      facts && etag && sharesPages(req) && !ctx.maintenance && !ctx.ignored?.ids.size && page.shown.newIds.length === 0 && !seen?.newCount
        ? flavourOf(parseSeenCookie(readCookie(req, SEEN_COOKIE)), facts.threadId, facts.seq)
        : undefined;
    if (flavour && facts && etag) {
      await keepAndSend(req, res, caches, pageKey(req, flavour), facts, {
        postId,
        etag,
        kind: 'page',
        root: page.head.post.parentId === null,
        identity: htmlBytes(html),
      });
    } else sendMarkup(res, html);
    await marking;
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
