import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { TextCache } from '../caches';
import type { Database } from '../db/database';
import { type FreeText, answerVariant, freeTextIn } from '../http/answers';
import type { NamedMember } from '../members/names.service';
import type { PageContext } from '../views/layout';
import type { AddressBan, AddressBans } from '../limits/address-bans';
import { formText } from '../http/forms';
import { localizeError } from '../views/messages.errors';
import { AppError } from '../errors';
import { addAddressBan, liftAddressBan, listAddressBans, memberAddresses } from './admin.addresses';
import { addressBansPage, memberAddressesPage } from './admin.addresses.views';
import { lookalikeNames } from './admin.service';
import { lookalikeNamesPage } from './admin.views';
import { auditPage } from './admin.audit';
import { auditPageView } from './admin.audit.views';
import { metricsAtAGlance } from './admin.metrics';
import { metricsPageView } from './admin.metrics.views';

const presentMember = (m: NamedMember) => ({ name: m.name, role: m.role, createdAt: m.createdAt.toISOString() });

/** An address ban as JSON, its reason as `shown` gives it (the reader's `variant=`). */
const presentBan = (b: AddressBan, shown: FreeText = (text) => text) => ({
  range: b.range,
  reason: shown(b.reason),
  expiresAt: b.expiresAt.toISOString(),
  createdAt: b.createdAt.toISOString(),
});

const text = (body: unknown, name: string) => formText(body, name) ?? '';

/** A query parameter given once, as text; anything else (repeated, missing) as absent. */
const queryText = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);

/** Operators' pages and their JSON (admins only): `/admin/names`, members' post addresses, address bans, the audit log, the metrics. */
export function adminRouter(
  db: Kysely<Database>,
  pageContext: (req: Request) => PageContext,
  addressBans: AddressBans,
  conversions: TextCache,
): Router {
  const router = Router();

  router.get('/api/admin/names', async (req, res) => {
    const data = await lookalikeNames(db, req.member);
    res.json({ lookalikes: data.lookalikes.map((g) => g.map(presentMember)), invisible: data.invisible.map(presentMember) });
  });

  router.get('/admin/names', async (req, res) => {
    res.send(lookalikeNamesPage(pageContext(req), await lookalikeNames(db, req.member)));
  });

  router.get('/api/admin/members/:name/addresses', async (req, res) => {
    const data = await memberAddresses(db, req.member, req.params.name);
    res.json({ name: data.name, addresses: data.addresses.map((a) => ({ postId: a.postId, address: a.address, at: a.at.toISOString() })) });
  });

  router.get('/admin/members/:name/addresses', async (req, res) => {
    res.send(memberAddressesPage(pageContext(req), await memberAddresses(db, req.member, req.params.name)));
  });

  router.get('/api/admin/audit', async (req, res) => {
    const page = await auditPage(db, req.member, { before: queryText(req, 'before'), subject: queryText(req, 'subject') });
    res.json({
      lines: page.lines.map((l) => ({ ...l, at: l.at.toISOString() })),
      older: page.older,
    });
  });

  router.get('/admin/audit', async (req, res) => {
    const subject = queryText(req, 'subject');
    const page = await auditPage(db, req.member, { before: queryText(req, 'before'), subject });
    res.send(auditPageView(pageContext(req), page, subject, freeTextIn(conversions, undefined)));
  });

  // The process's numbers at a glance (the page also draws them); never cached: they change each request.
  router.get('/api/admin/metrics', async (req, res) => {
    const glance = await metricsAtAGlance(req.member);
    res.set('Cache-Control', 'no-store').json(glance);
  });

  router.get('/admin/metrics', async (req, res) => {
    const glance = await metricsAtAGlance(req.member);
    res.set('Cache-Control', 'no-store').send(metricsPageView(pageContext(req), glance));
  });

  router.get('/api/admin/address-bans', async (req, res) => {
    const shown = freeTextIn(conversions, answerVariant(req));
    res.json({ bans: (await listAddressBans(db, req.member)).map((b) => presentBan(b, shown)) });
  });

  router.post('/api/admin/address-bans', async (req, res) => {
    const ban = await addAddressBan(db, addressBans, req.member, {
      range: text(req.body, 'range'),
      until: text(req.body, 'until'),
      reason: text(req.body, 'reason'),
    });
    res.status(201).json({ ban: presentBan(ban) });
  });

  router.post('/api/admin/address-bans/unban', async (req, res) => {
    res.json({ lifted: await liftAddressBan(db, addressBans, req.member, text(req.body, 'range')) });
  });

  router.get('/admin/address-bans', async (req, res) => {
    res.send(addressBansPage(pageContext(req), await listAddressBans(db, req.member)));
  });

  router.post('/admin/address-bans', async (req, res) => {
    try {
      await addAddressBan(db, addressBans, req.member, {
        range: text(req.body, 'range'),
        until: text(req.body, 'until'),
        reason: text(req.body, 'reason'),
      });
    } catch (error) {
      // A wrong range or date comes back on the page, in the reader's script; refusals of access go on as usual.
      if (!(error instanceof AppError) || error.code !== 'ValidationFailed') throw error;
      const ctx = pageContext(req);
      res.status(400).send(addressBansPage(ctx, await listAddressBans(db, req.member), localizeError(ctx, error)));
      return;
    }
    res.redirect(303, `${req.variantPrefix ?? ''}/admin/address-bans`);
  });

  router.post('/admin/address-bans/unban', async (req, res) => {
    await liftAddressBan(db, addressBans, req.member, text(req.body, 'range'));
    res.redirect(303, `${req.variantPrefix ?? ''}/admin/address-bans`);
  });

  return router;
}
