import type { Request, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { TextCache } from '../caches';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { ignoringOf } from '../members/ignores.repository';
import { parseInput, wholeNumber } from '../http/validate';
import { localizedAll, localizedTitles } from '../text/localize';
import { VARIANTS, type Variant } from '../variants';
import type { PageContext } from '../views/layout';
import { type ContextPost, FILTER_PAGE_SIZE, getAuthorPosts, getLatest } from './posts.filters';
import { authorPostsPage, latestPage } from './posts.filters.views';
import { presentPost } from './posts.presenter';

/** A post id to page from (keyset): the last one the previous page showed. */
const postId = (field: string) =>
  z
    .string({ error: `${field} must be a post id` })
    .refine(isId, 'must be a post id')
    .optional();

/**
 * `by`: `op` (the thread starter), or a member's name in any case (a member named "op" is
 * `by=OP`). Longer than any name could be is refused; a name nobody has is a 404 MemberNotFound.
 */
const by = z.string({ error: 'must be op or a member name' }).min(1, 'must be op or a member name').max(100, 'is far too long');

const variant = z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional();

/** Posts per API page: 1 to FILTER_PAGE_SIZE (the default). */
const limit = wholeNumber('must be a number').pipe(z.number().min(1).max(FILTER_PAGE_SIZE)).optional();

const authorPageQuery = z.object({ by, after: postId('after') });
const latestPageQuery = z.object({ before: postId('before') });
const authorApiQuery = z.object({ by, after: postId('after'), limit, variant });
const latestApiQuery = z.object({ before: postId('before'), limit, variant });

/**
 * A filtered list in the reader's variant: the posts' titles (and bodies, when fetched), their
 * parents' and the root's titles. Names are never converted.
 */
function listInVariant<L extends { root: ContextPost['post']; posts: ContextPost[] }>(
  conversions: TextCache,
  list: L,
  reader: Variant | undefined,
  bodies: boolean,
): L {
  const own = (bodies ? localizedAll : localizedTitles)(
    conversions,
    list.posts.map((p) => p.post),
    reader,
  );
  const others = localizedTitles(conversions, [list.root, ...list.posts.flatMap((p) => (p.parent ? [p.parent] : []))], reader);
  let next = 1;
  return {
    ...list,
    root: others[0]!,
    posts: list.posts.map((p, i) => ({ post: own[i]!, parent: p.parent ? others[next++]! : null })),
  };
}

/** A post of a filtered list in JSON: the post, and the one it answers ({id, title, author}) or null. */
const presentContextPost = ({ post, parent }: ContextPost) => ({
  ...presentPost(post),
  parent: parent ? { id: parent.id, title: parent.title, author: parent.author } : null,
});

/**
 * A thread's filters and orders: `/t/:id?by=op|<name>`, `/t/:id/latest`, and their JSON
 * (`/api/threads/:id/posts?by=`, `/api/threads/:id/latest`). Registered before the thread page,
 * which `/t/:id` without `by` goes on to.
 */
export function filterRoutes(
  router: Router,
  { db, caches, pageContext }: { db: Kysely<Database>; caches: { conversions: TextCache }; pageContext: (req: Request) => PageContext },
): void {
  const { conversions } = caches;
  // Like the thread page, these lists collapse the posts of members the reader ignores.
  const listContext = async (req: Request): Promise<PageContext> => ({ ...pageContext(req), ignored: await ignoringOf(db, req.member) });

  router.get('/t/:id', async (req, res, next) => {
    if (req.query.by === undefined) return next();
    const query = parseInput(authorPageQuery, req.query);
    const [page, ctx] = await Promise.all([getAuthorPosts(db, req.params.id, query.by, req.member, query), listContext(req)]);
    res.send(authorPostsPage(ctx, listInVariant(conversions, page, req.variant, false), query.by));
  });

  router.get('/t/:id/latest', async (req, res) => {
    const query = parseInput(latestPageQuery, req.query);
    const [page, ctx] = await Promise.all([getLatest(db, req.params.id, req.member, query), listContext(req)]);
    res.send(latestPage(ctx, listInVariant(conversions, page, req.variant, false)));
  });

  router.get('/api/threads/:id/posts', async (req, res) => {
    const query = parseInput(authorApiQuery, req.query);
    const page = await getAuthorPosts(db, req.params.id, query.by, req.member, { ...query, bodies: true, rootOnly: true });
    const shown = listInVariant(conversions, page, query.variant, true);
    res.json({ posts: shown.posts.map(presentContextPost), nextAfter: shown.nextAfter ?? null });
  });

  router.get('/api/threads/:id/latest', async (req, res) => {
    const query = parseInput(latestApiQuery, req.query);
    const page = await getLatest(db, req.params.id, req.member, { ...query, bodies: true, rootOnly: true });
    const shown = listInVariant(conversions, page, query.variant, true);
    res.json({ posts: shown.posts.map(presentContextPost), nextBefore: shown.nextBefore ?? null });
  });
}
