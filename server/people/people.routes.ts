import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Limiter } from '../limits/limiter';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { requireMember } from '../http/context';
import { localPath } from '../http/paths';
import { parseInput } from '../http/validate';
import { presentPost } from '../posts/posts.presenter';
import { memberHref } from '../posts/posts.lines';
import { localizedTitles } from '../text/localize';
import { VARIANTS, type Variant } from '../variants';
import type { PageContext } from '../views/layout';
import * as people from './people.service';
import { homeInVariant, profileInVariant } from './people.variants';
import { memberHomePage } from './people.views';

/** A post id to page after (keyset): the last one the previous page showed. */
const beforeId = z.string({ error: 'must be a post id' }).refine(isId, 'must be a post id').optional();

/** /u/:name's query: which list to page through, and from where. */
const homeQuery = z.object({
  /** One list, paged; absent: the first page of both. */
  list: z.enum(['threads', 'replies'], { error: 'must be threads or replies' }).optional(),
  before: beforeId,
});

/** GET /api/members/:name/posts's query. */
const postsQuery = z.object({
  list: z.enum(['threads', 'replies'], { error: 'must be threads or replies' }).default('threads'),
  before: beforeId,
  /** Titles converted for a reader of this variant; absent = as written. */
  variant: z.enum(VARIANTS as [Variant, ...Variant[]], { error: `must be one of ${VARIANTS.join(', ')}` }).optional(),
});

const variantQuery = postsQuery.pick({ variant: true });

/** Where a follow or ignore form sends the member back: a path on this site (the settings list), else the member's page. */
const backTo = (req: Request, name: string) => localPath(req.body?.back, `${req.variantPrefix}${memberHref(name)}`);

const presentMember = (m: people.HomeMember, viewer: people.ViewerRelation | null) => ({
  name: m.name,
  role: m.role,
  joinedAt: m.joinedAt.toISOString(),
  lastSeenOn: m.lastSeenOn,
  threads: m.threads,
  replies: m.replies,
  profile: m.profile,
  deleted: m.deleted,
  // Only to a logged-in reader, about themselves: nobody else learns who follows or ignores whom.
  ...(viewer ? { following: viewer.following, ignoring: viewer.ignoring } : {}),
});

/** Member home pages (/u/:name), their JSON, and following and ignoring (forms and API). */
export function peopleRouter(
  db: Kysely<Database>,
  limiter: Limiter,
  caches: Pick<Caches, 'conversions'>,
  pageContext: (req: Request) => PageContext,
): Router {
  const router = Router();
  const { conversions } = caches;

  router.get('/u/:name', async (req, res) => {
    const { list, before } = parseInput(homeQuery, req.query);
    const home = await people.getMemberHome(db, req.params.name, req.member, { list, before });
    res.send(memberHomePage(pageContext(req), homeInVariant(conversions, home, req.variant)));
  });

  router.get('/api/members/:name', async (req, res) => {
    const { variant } = parseInput(variantQuery, req.query);
    const { member, viewer } = await people.getHomeMember(db, req.params.name, req.member);
    res.json({ member: presentMember(profileInVariant(conversions, member, variant), viewer) });
  });

  router.get('/api/members/:name/posts', async (req, res) => {
    const { list, before, variant } = parseInput(postsQuery, req.query);
    const { member } = await people.getHomeMember(db, req.params.name, null);
    const page = await people.getMemberPosts(db, member.id, list, before);
    res.json({ posts: localizedTitles(conversions, page.posts, variant).map(presentPost), nextBefore: page.next ?? null });
  });

  // Following and ignoring: the API answers where the member now stands; the forms go back.
  const toggles = [
    ['follow', people.setFollowing, 'following'],
    ['ignore', people.setIgnoring, 'ignoring'],
  ] as const;
  for (const [action, set, state] of toggles) {
    // Each change counts against the member's hourly allowance ('relation:member').
    const change = async (req: Request, on: boolean) => {
      const member = requireMember(req);
      await limiter.consume('relation:member', member.id);
      return set(db, member, String(req.params.name), on);
    };
    router.post(`/api/members/:name/${action}`, async (req, res) => {
      res.json({ [state]: await change(req, true) });
    });
    router.delete(`/api/members/:name/${action}`, async (req, res) => {
      res.json({ [state]: await change(req, false) });
    });
    router.post(`/u/:name/${action}`, async (req, res) => {
      await change(req, true);
      res.redirect(303, backTo(req, req.params.name));
    });
    router.post(`/u/:name/un${action}`, async (req, res) => {
      await change(req, false);
      res.redirect(303, backTo(req, req.params.name));
    });
  }

  return router;
}
