import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import type { Limiter } from '../limits/limiter';
import { asksPreview, formPreview } from './posts.preview';
import { ignoringOf } from '../members/ignores.repository';
import { requireMember } from '../http/context';
import type { Pacing } from '../limits/paced';
import { refusedForm } from '../http/forms';
import { parseInput } from '../http/validate';
import type { PageContext } from '../views/layout';
import type { Rules } from '../policy/policy';
import type { ReadRecorder } from '../reads/reads.recorder';
import * as lists from './posts.lists';
import * as posts from './posts.service';
import { readerOf } from './posts.seen';
import { indexInVariant } from './posts.variants';
import { boardTrees } from './posts.index.cache';
import { heldInVariant } from './posts.held';
import { filterRoutes } from './posts.filters.routes';
import { boardPage, boardPageMarkup, featuredPage } from './posts.board.views';
import { sendMarkup } from '../views/send';
import { HOT_KEEP, type HotLists, hotInVariant } from './posts.hot';
import { HotSection } from './posts.hot.views';
import { apiRoutes } from './posts.api.routes';
import { threadRoutes } from './posts.thread.routes';
import { afterWriting, featuredQuery, formPost, formState, pageQuery } from './posts.inputs';

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
  boardRoutes(router, deps);
  threadRoutes(router, deps);
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
export interface RouteDeps {
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

/** A board's pages (its threads, its 精華區) and the form that starts a thread. */
function boardRoutes(router: Router, { db, caches, pageContext, pacing, limiter, reading, hot }: RouteDeps): void {
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
    // Who the reader ignores first: their trees are rendered for them, never kept (posts.index.cache.ts).
    const ctx = await listContext(req);
    const trees = boardTrees(caches.lines, ctx, treeLines, (boardId) => (req.variant ? conversions.rules.versionFor(boardId) : ''));
    const index = await lists.getBoardIndex(db, req.params.slug, page, req.member, false, {
      treeLines,
      reader: readerOf(req),
      kept: trees.kept,
    });
    const heldNotice = held !== undefined && index.heldThreads.some((h) => h.id === held);
    const shown = indexInVariant(conversions, index, req.variant);
    const heldThreads = shown.heldThreads.map((h) => heldInVariant(conversions, h, req.variant));
    // The board's hot threads (kept in memory: posts.hot.ts), in the reader's variant.
    const hotList =
      hot && hotInVariant(conversions, await hot.list({ board: index.board, period, viewer: req.member, limit: HOT_KEEP }), req.variant);
    const hotHtml = hotList && HotSection({ ctx, list: hotList, base: `/b/${index.board.slug}`, variant: req.variant });
    sendMarkup(res, boardPageMarkup(ctx, { ...shown, heldThreads, trees: trees.rendered(shown) }, undefined, heldNotice, hotHtml));
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
}
