import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Caches, RenderedLines } from '../caches';
import type { Database } from '../db/database';
import type { Ignoring } from '../db/member';
import { ignoringOf } from '../members/ignores.repository';
import type { AppError } from '../errors';
import { answeredUnchanged } from '../http/conditional';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { parseInput, wholeNumber } from '../http/validate';
import { VARIANTS, type Variant } from '../text/convert';
import { trustedHtml } from '../views/html';
import type { PageContext } from '../views/layout';
import type { Rules } from '../policy/policy';
import { apiParts, pageParts, postVersion } from './posts.etag';
import { presentPost } from './posts.presenter';
import * as lists from './posts.lists';
import * as posts from './posts.service';
import * as paging from './posts.paging';
import { markSeen, readerOf, seenBefore, seenParts } from './posts.seen';
import { CURSOR_MAX_CHARS } from './posts.cursor';
import { localized, localizedAll } from '../text/localize';
import { indexInVariant, treeInVariant } from './posts.variants';
import { renderTree } from './posts.lines';
import { filterRoutes } from './posts.filters.routes';
import { type FormState, boardPage, postPage } from './posts.views';

/** A new thread or follow-up, from the API or a form. */
const postInput = z.object({
  /** Plain text; trimmed and checked by the service. Required: a title can be the whole message. */
  title: z.string({ error: 'a title is required (a string)' }).max(2000, 'is far too long'),
  /** HTML or plain text, sanitized on write; empty or absent for a title-only post. */
  body: z.string({ error: 'must be a string' }).max(200_000, 'is too long').optional(),
});

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
});

/**
 * A post just written, as the API answers: the post, and the members it mentions who were not
 * notified (past MENTION_NOTIFY_MAX; their mentions are linked all the same), when there are any.
 */
const presentWritten = (post: posts.WrittenPost) => ({
  post: presentPost(post),
  ...(post.unnotifiedMentions.length ? { unnotifiedMentions: post.unnotifiedMentions } : {}),
});

/** A thread page may say how many members a post just written mentions without notifying them. */
const threadPageQuery = z.object({
  unnotified: wholeNumber('must be a number').pipe(z.number().min(0).max(1000)).optional(),
});

/** Where a form goes after writing a post: to the post, saying how many mentions were not notified. */
const afterWriting = (req: Request, post: posts.WrittenPost) =>
  `${req.variantPrefix}/t/${post.threadId}${post.unnotifiedMentions.length ? `?unnotified=${post.unnotifiedMentions.length}` : ''}` +
  (post.id === post.threadId ? '' : `#p${post.id}`);

const presentThread = (s: posts.ThreadState) => ({
  replyCount: s.replyCount,
  lastActivityAt: s.lastActivityAt.toISOString(),
  locked: s.locked,
  pinned: s.pinned,
  featured: s.featured,
  seq: s.seq,
});

/**
 * The key of a rendered follow-up tree (caches.lines). Every change to a thread raises its seq
 * (thread_events), so an entry can never be stale: a new version of the thread simply has a new
 * key, and old entries age out. The tree is the expensive part of a big thread's page (reading and
 * rendering thousands of lines); the rest of the page (the post, the viewer's forms) is rendered
 * for every request.
 */
function linesKey(
  postId: string,
  seq: number,
  variant: string | undefined,
  seesDeleted: boolean,
  prefix: string,
  ignored: Ignoring | undefined,
): string {
  return `${postId}:${seq}:${variant ?? 'original'}:${seesDeleted ? 'm' : 'r'}:${prefix}${ignored ? `:${ignoredKey(ignored)}` : ''}`;
}

/**
 * A reader who ignores members sees their lines collapsed, so the tree is rendered for their set
 * of ignored members: the key holds a digest of it (readers who ignore no one share one entry).
 */
function ignoredKey(ignored: Ignoring): string {
  return createHash('sha1')
    .update([...ignored.ids].sort().join(','))
    .digest('base64url');
}

/** Threads, follow-ups, the board index and member pages: HTML and JSON. */
export function postsRouter(
  db: Kysely<Database>,
  rules: Rules,
  caches: Pick<Caches, 'conversions' | 'lines'>,
  pageContext: (req: Request) => PageContext,
  settings: { indexTreeLines: number } = { indexTreeLines: lists.DEFAULT_INDEX_TREE_LINES },
): Router {
  const router = Router();
  const deps = { db, rules, caches, pageContext, treeLines: settings.indexTreeLines };
  apiRoutes(router, deps);
  // Before the thread page: /t/:id?by= is a filter of it (posts.filters.routes.ts).
  filterRoutes(router, deps);
  pageRoutes(router, deps);
  return router;
}

/** What the routes use, as postsRouter was given it. */
interface RouteDeps {
  db: Kysely<Database>;
  rules: Rules;
  /** Follow-up lines under each thread on a board index (INDEX_TREE_LINES). */
  treeLines: number;
  caches: Pick<Caches, 'conversions' | 'lines'>;
  pageContext: (req: Request) => PageContext;
}

/** The JSON API: new threads and follow-ups, a post, a board's threads. */
function apiRoutes(router: Router, { db, rules, caches }: RouteDeps): void {
  const { conversions } = caches;

  router.post('/api/boards/:slug/threads', async (req, res) => {
    const member = requireMember(req);
    const post = await posts.createThread(db, member, req.params.slug, parseInput(postInput, req.body));
    res.status(201).location(`/t/${post.id}`).json(presentWritten(post));
  });

  router.post('/api/posts/:id/replies', async (req, res) => {
    const member = requireMember(req);
    const post = await posts.reply(db, member, req.params.id, parseInput(postInput, req.body));
    res.status(201).location(`/t/${post.id}`).json(presentWritten(post));
  });

  // A post's subtree a page at a time (posts.paging.ts); a thread below PAGE_MAX comes whole, as it always did.
  router.get('/api/posts/:id', async (req, res) => {
    const { variant, limit, cursor, bodies } = parseInput(pagingQuery, req.query);
    // An unchanged answer is a 304 before the page is read (posts.etag.ts; the URL, with its
    // limit, cursor and bodies, is part of the tag).
    const version = await postVersion(db, req.params.id, req.member, rules);
    if (version && answeredUnchanged(req, res, [...version, ...apiParts(req)])) return;
    const page = await paging.getSubtreePage(db, req.params.id, req.member, { limit, cursor, bodies: bodies !== 'false' });
    res.json({
      post: presentPost(localized(conversions, page.post, variant)),
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
function pageRoutes(router: Router, { db, rules, caches, pageContext, treeLines }: RouteDeps): void {
  const { conversions } = caches;

  // Pages that list posts collapse those of members the reader ignores (members/ignores.repository.ts).
  const listContext = async (req: Request): Promise<PageContext> => ({ ...pageContext(req), ignored: await ignoringOf(db, req.member) });

  router.get('/b/:slug', async (req, res) => {
    const { page, featured } = parseInput(pageQuery, req.query);
    const [index, ctx] = await Promise.all([
      lists.getBoardIndex(db, req.params.slug, page, req.member, featured === '1', { treeLines, reader: readerOf(req) }),
      listContext(req),
    ]);
    res.send(boardPage(ctx, indexInVariant(conversions, index, req.variant)));
  });

  router.get('/t/:id', async (req, res) => {
    const { unnotified } = parseInput(threadPageQuery, req.query);
    // The follow-ups are lines (no bodies needed), and the rendered tree is reused for as long as
    // the thread does not change (its seq is part of the key).
    let key = '';
    let lines: RenderedLines | undefined;
    // The reader's position before this visit (posts.seen.ts) is read beside the page's version.
    const [ctx, version, seen] = await Promise.all([
      listContext(req),
      postVersion(db, req.params.id, req.member, rules, { muted: true }),
      seenBefore(db, req, req.params.id),
    ]);
    // An unchanged page is a 304 before anything is read or rendered (posts.etag.ts).
    if (version && answeredUnchanged(req, res, [...version, ...pageParts(req, ctx), ...seenParts(seen)])) return;
    const found = await posts.getPostTree(db, req.params.id, req.member, {
      rules,
      bodies: false,
      skipReplies: (seq, seesDeleted) => {
        key = linesKey(req.params.id, seq, req.variant, seesDeleted, req.variantPrefix, ctx.ignored);
        lines = caches.lines.get(key);
        return lines !== undefined;
      },
    });
    const tree = { ...treeInVariant(conversions, found, req.variant), seen };
    if (!lines) {
      // Its lines are in the variant's catalog and their links under the page's prefix (both in
      // the key), so the tree is sent again exactly as it was rendered.
      lines = { html: renderTree(ctx, tree.replies, tree.post.depth).html, count: tree.replies.length };
      caches.lines.set(key, lines);
    }
    // The new position is recorded while the page goes out (an anonymous reader's cookie goes with it).
    const marking = markSeen(db, req, res, found, seen);
    res.send(postPage(ctx, tree, undefined, { html: trustedHtml(lines.html), count: lines.count }, unnotified));
    await marking;
  });

  // A refused form comes back as the same page, the refusal above the form and the text kept; a
  // board or post that is not there (any more) is the 404 page, as it would be for a GET.
  const formState = (req: Request, refusal: AppError): FormState => ({
    values: { title: formText(req.body, 'title'), body: formText(req.body, 'body') },
    refusal,
  });

  router.post('/b/:slug/threads', async (req: Request<{ slug: string }>, res: Response) => {
    const member = requireMember(req);
    try {
      const post = await posts.createThread(db, member, req.params.slug, parseInput(postInput, req.body));
      res.redirect(303, afterWriting(req, post));
    } catch (error) {
      await refusedForm(res, error, async (refusal) => {
        const index = indexInVariant(
          conversions,
          await lists.getBoardIndex(db, req.params.slug, 1, req.member, false, { treeLines }),
          req.variant,
        );
        return boardPage(await listContext(req), index, formState(req, refusal));
      });
    }
  });

  router.post('/t/:id/reply', async (req: Request<{ id: string }>, res: Response) => {
    const member = requireMember(req);
    try {
      const post = await posts.reply(db, member, req.params.id, parseInput(postInput, req.body));
      res.redirect(303, afterWriting(req, post));
    } catch (error) {
      await refusedForm(res, error, async (refusal) => {
        const tree = treeInVariant(conversions, await posts.getPostTree(db, req.params.id, req.member, { rules }), req.variant);
        return postPage(await listContext(req), tree, formState(req, refusal));
      });
    }
  });
}
