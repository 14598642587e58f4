import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { parseInput } from '../http/validate';
import type { PageContext } from '../views/layout';
import { checkResetLink, forgotPassword, resetPassword } from './email.reset';
import * as email from './email.service';
import type { EmailDeps, EmailState } from './email.service';
import { type EmailNotice, emailSettingsPage, forgotPage, messagePage, resetPage, unsubscribePage } from './email.views';

/** An address to verify, from the form on /settings/email or the API. */
const addressInput = z.object({
  /** The address as typed; checked by the service (email.service checkEmail). */
  email: z.string({ error: 'an email address is required' }).max(1000, 'is too long'),
});

/** A "forgot password" request. */
const forgotInput = z.object({
  /** A member name or a verified address. */
  login: z.string({ error: 'a name or email address is required' }).min(1, 'a name or email address is required').max(300, 'is too long'),
});

/** A new password through a reset link. */
const resetInput = z.object({
  /** The token from the link (/password/reset?token=…). */
  token: z.string({ error: 'the link is incomplete' }).max(200, 'is too long'),
  /** The new password, checked like a new member's. */
  password: z.string({ error: 'a password is required' }).max(1000, 'is too long'),
});

/** The digest choice from the API. */
const digestInput = z.object({
  /** true: a daily email of unread notifications. */
  digest: z.boolean({ error: 'true or false' }),
});

/** A verification token sent through the API. */
const tokenInput = z.object({
  /** The token from the verification link. */
  token: z.string({ error: 'the token is required' }).max(200, 'is too long'),
});

const NOTICES: readonly EmailNotice[] = ['sent', 'verified', 'removed', 'saved'];
const noticeOf = (value: unknown) => NOTICES.find((n) => n === value);

const presentState = (s: EmailState) => ({ email: s.email, pending: s.pending, digest: s.digest });

/**
 * Email pages and API: /settings/email, the verification link, "forgot password" and the reset
 * link, the digest's unsubscribe link. Mounted only when SMTP_URL is set: without it every one of
 * these answers 404, and no page links here.
 */
export function emailRouter(deps: EmailDeps, pageContext: (req: Request) => PageContext): Router {
  const router = Router();
  const { db } = deps;

  // ---- JSON API

  router.get('/api/me/email', async (req, res) => {
    res.json(presentState(await email.emailState(db, requireMember(req))));
  });

  router.post('/api/me/email', async (req, res) => {
    const member = requireMember(req);
    const status = await email.requestVerification(deps, member, parseInput(addressInput, req.body).email, req.variant);
    res.status(status === 'sent' ? 202 : 200).json({ status, ...presentState(await email.emailState(db, member)) });
  });

  router.delete('/api/me/email', async (req, res) => {
    const member = requireMember(req);
    await email.removeEmail(db, member);
    res.json(presentState(await email.emailState(db, member)));
  });

  router.post('/api/me/email/digest', async (req, res) => {
    const member = requireMember(req);
    await email.setDigest(db, member, parseInput(digestInput, req.body).digest, req.variant);
    res.json(presentState(await email.emailState(db, member)));
  });

  router.post('/api/email/verify', async (req, res) => {
    const verified = await email.verifyEmail(db, parseInput(tokenInput, req.body).token);
    res.json({ email: verified.email });
  });

  router.post('/api/password/forgot', async (req, res) => {
    await forgotPassword(deps, parseInput(forgotInput, req.body).login, { address: req.ip ?? '', variant: req.variant });
    res.status(202).json({ ok: true });
  });

  // ---- Pages: settings

  const settingsHtml = async (req: Request, page: { notice?: EmailNotice; refusal?: AppError; typed?: string } = {}) =>
    emailSettingsPage(pageContext(req), { state: await email.emailState(db, requireMember(req)), ...page });
  const backToSettings = (req: Request, notice: EmailNotice) => `${req.variantPrefix}/settings/email?notice=${notice}`;

  router.get('/settings/email', async (req, res) => {
    res.send(await settingsHtml(req, { notice: noticeOf(req.query.notice) }));
  });

  router.post('/settings/email', async (req, res) => {
    let status: 'sent' | 'verified';
    try {
      status = await email.requestVerification(deps, requireMember(req), parseInput(addressInput, req.body).email, req.variant);
    } catch (error) {
      return refusedForm(res, error, (refusal) => settingsHtml(req, { refusal, typed: formText(req.body, 'email') }));
    }
    res.redirect(303, backToSettings(req, status));
  });

  router.post('/settings/email/remove', async (req, res) => {
    await email.removeEmail(db, requireMember(req));
    res.redirect(303, backToSettings(req, 'removed'));
  });

  router.post('/settings/email/digest', async (req, res) => {
    const on = formText(req.body, 'digest') === 'on';
    try {
      await email.setDigest(db, requireMember(req), on, req.variant);
    } catch (error) {
      return refusedForm(res, error, (refusal) => settingsHtml(req, { refusal }));
    }
    res.redirect(303, backToSettings(req, 'saved'));
  });

  router.get('/settings/email/verify', async (req, res) => {
    const verified = await email.verifyEmail(db, req.query.token);
    const ctx = pageContext(req);
    const w = ctx.t.email;
    res.send(messagePage(ctx, w.settingsTitle, `${w.verified} ${verified.email}`, { path: '/settings/email', label: w.settingsTitle }));
  });

  // ---- Pages: forgotten passwords

  router.get('/password/forgot', (req, res) => {
    res.send(forgotPage(pageContext(req), {}));
  });

  router.post('/password/forgot', async (req, res) => {
    try {
      await forgotPassword(deps, parseInput(forgotInput, req.body).login, { address: req.ip ?? '', variant: req.variant });
    } catch (error) {
      return refusedForm(res, error, (refusal) => forgotPage(pageContext(req), { refusal, login: formText(req.body, 'login') }));
    }
    res.send(forgotPage(pageContext(req), { sent: true }));
  });

  // ---- The digest's unsubscribe link: a page with a button (GET), and RFC 8058 one-click (POST)

  router.get('/email/unsubscribe', async (req, res) => {
    await email.checkUnsubscribeLink(db, req.query.token);
    res.send(unsubscribePage(pageContext(req), String(req.query.token)));
  });

  router.post('/email/unsubscribe', async (req, res) => {
    await email.unsubscribe(db, req.query.token);
    const ctx = pageContext(req);
    const w = ctx.t.email;
    res.send(messagePage(ctx, w.unsubscribeTitle, w.unsubscribed, { path: '/settings/email', label: w.settingsTitle }));
  });

  return router;
}

/**
 * The reset link's page and API (/password/reset): mounted whether or not SMTP_URL is set, since
 * an admin can also make a reset link to pass on by hand (admin/admin.members.ts issueResetLink).
 */
export function passwordResetRouter(db: EmailDeps['db'], pageContext: (req: Request) => PageContext): Router {
  const router = Router();

  router.post('/api/password/reset', async (req, res) => {
    await resetPassword(db, parseInput(resetInput, req.body));
    res.json({ ok: true });
  });

  router.get('/password/reset', async (req, res) => {
    await checkResetLink(db, req.query.token);
    res.send(resetPage(pageContext(req), { token: String(req.query.token) }));
  });

  router.post('/password/reset', async (req, res) => {
    try {
      await resetPassword(db, parseInput(resetInput, req.body));
    } catch (error) {
      // A dead link has no form to show again: its error page says to ask for a new one.
      if (error instanceof AppError && error.code === 'TokenInvalid') throw error;
      return refusedForm(res, error, (refusal) => resetPage(pageContext(req), { token: formText(req.body, 'token') ?? '', refusal }));
    }
    const ctx = pageContext(req);
    res.send(messagePage(ctx, ctx.t.email.resetTitle, ctx.t.email.resetDone, { path: '/login', label: ctx.t.login }));
  });

  return router;
}
