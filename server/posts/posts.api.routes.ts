import { type Router, type Response } from 'express';
import { previewRoutes } from './posts.preview';
import { keepAndSend, pageKey, sharesPages } from './posts.pages';
import { answeredUnchangedTag, entityTag } from '../http/conditional';
import { requireMember } from '../http/context';
import { parseInput } from '../http/validate';
import { type KnownViewer, type VersionFacts, apiParts, postVersion } from './posts.etag';
import { presentPost } from './posts.presenter';
import { presentHeld } from './posts.held';
import * as lists from './posts.lists';
import * as posts from './posts.service';
import type { ThreadState } from './posts.model';
import { withWritten } from './posts.permissions';
import * as paging from './posts.paging';
import { readerOf } from './posts.seen';
import { localized, localizedAll } from '../text/localize';
import { indexInVariant } from './posts.variants';
import type { RouteDeps } from './posts.routes';
import { newQuery, pageQuery, pagingQuery, postInput, variantQuery } from './posts.inputs';

/**
 * A post just written, as the API answers: the post, and the members it mentions who were not
 * notified (past MENTION_NOTIFY_MAX; their mentions are linked all the same), when there are any.
 */
const presentWritten = (post: posts.WrittenPost) => ({
  post: presentPost(post),
  ...(post.unnotifiedMentions.length ? { unnotifiedMentions: post.unnotifiedMentions } : {}),
});

const presentThread = (s: ThreadState) => ({
  replyCount: s.replyCount,
  lastActivityAt: s.lastActivityAt.toISOString(),
  locked: s.locked,
  pinned: s.pinned,
  featured: s.featured,
  seq: s.seq,
  readCount: s.readCount,
});

/** The JSON API: new threads and follow-ups, a post, a board's threads. */
export function apiRoutes(router: Router, { db, rules, caches, pacing, limiter }: RouteDeps): void {
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
    let known: KnownViewer | undefined;
    let facts: VersionFacts | undefined;
    const version = await postVersion(db, req.params.id, req.member, rules, {
      conversion: conversions.rules,
      // The viewer's role and ban on the board: the page takes them from here.
      viewer: (k) => (known = k),
      facts: (f) => (facts = f),
      learn: caches.threads,
    });
    // An unchanged answer is a 304 before the page is read (posts.etag.ts; the URL, with its
    // limit, cursor and bodies, is part of the tag).
    const etag = version && entityTag([...version, ...apiParts(req)]);
    if (etag && answeredUnchangedTag(req, res, etag)) return;
    const page = await paging.getSubtreePage(db, req.params.id, req.member, { limit, cursor, bodies: bodies !== 'false' }, known);
    // Its author and the board's moderators get what was written too (an edit starts from it).
    const post = await withWritten(db, req.member, page.post, page.thread, rules, page.actor);
    const answer = {
      post: presentPost(localized(conversions, post, variant)),
      thread: presentThread(page.thread),
      replies: localizedAll(conversions, page.replies, variant).map(presentPost),
      nextCursor: page.nextCursor,
    };
    // Nothing personal in it: kept whole for the next anonymous reader of the same address, as a
    // thread page is (posts.pages.ts), and answered from there while the thread is at this version.
    if (facts && etag && sharesPages(req) && !req.maintenance) {
      await keepAndSend(req, res, caches, pageKey(req, 'n'), facts, {
        postId: post.id,
        etag,
        kind: 'json',
        root: false,
        identity: Buffer.from(JSON.stringify(answer)),
      });
    } else res.json(answer);
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
