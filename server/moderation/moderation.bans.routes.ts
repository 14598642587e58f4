import { type Request, type Router } from 'express';
import type { Kysely } from 'kysely';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { answerVariant, freeTextIn } from '../http/answers';
import { requireMember } from '../http/context';
import { parseInput } from '../http/validate';
import type { PageContext } from '../views/layout';
import * as visibleBans from './moderation.bans';
import { memberInfoPage, publicBansPage } from './moderation.bans.views';
import { type IssuedBan, banMember, liftBan } from './moderation.banning';
import { banInput, publicBansInput } from './moderation.inputs';

/**
 * Bans: a board's public list of them and its switch, what moderators know of a member's addresses
 * on their board (moderation.bans.ts), and giving and lifting them (moderation.banning.ts); JSON
 * and HTML.
 */
export function banRoutes(
  router: Router,
  { db, pageContext, caches }: { db: Kysely<Database>; pageContext: (req: Request) => PageContext; caches: Pick<Caches, 'conversions'> },
): void {
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
    const shown = freeTextIn(caches.conversions, answerVariant(req));
    res.json({
      board: { slug: list.board.slug, name: shown(list.board.name, list.board.id) },
      bans: list.bans.map((b) => presentBan({ ...b, reason: shown(b.reason, list.board.id) })),
    });
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

  const presentIssued = (b: IssuedBan) => ({
    id: b.id,
    username: b.username,
    boardId: b.boardId,
    reason: b.reason,
    expiresAt: b.expiresAt.toISOString(),
  });

  router.post('/api/boards/:slug/bans', async (req, res) => {
    const ban = await banMember(db, requireMember(req), { ...parseInput(banInput, req.body), board: req.params.slug });
    res.status(201).json({ ban: presentIssued(ban) });
  });

  router.post('/api/bans', async (req, res) => {
    const ban = await banMember(db, requireMember(req), parseInput(banInput, req.body));
    res.status(201).json({ ban: presentIssued(ban) });
  });

  router.delete('/api/bans/:id', async (req, res) => {
    await liftBan(db, requireMember(req), req.params.id);
    res.json({ ok: true });
  });

  router.post('/b/:slug/bans', async (req, res) => {
    await banMember(db, requireMember(req), { ...parseInput(banInput, req.body), board: req.params.slug });
    res.redirect(303, `${req.variantPrefix}/b/${req.params.slug}/reports`);
  });
}
