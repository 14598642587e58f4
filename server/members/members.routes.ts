import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { requireMember } from '../http/context';
import { formText, refusedForm } from '../http/forms';
import { localPath } from '../http/paths';
import { parseInput } from '../http/validate';
import type { Limiter } from '../limits/limiter';
import { clearSessionCookie, readCookie, setSessionCookie } from '../sessions/sessions.cookies';
import * as sessionService from '../sessions/sessions.service';
import type { SessionSummary } from '../sessions/sessions.service';
import type { PageContext } from '../views/layout';
import * as members from './members.service';
import type { Member, SignInContext } from './members.service';
import { loginPage, logoutPage, registerPage } from './members.views';
import type { Settings } from '../settings/settings';
import { inviteUsable } from './invites';

/** Name and password as posted by a form or the API; a registration may carry an invite. */
const credentials = z.object({
  /** The token of an admin's invite link (an invite-only site needs one to register). */
  invite: z.string().max(200, 'is too long').optional(),
  /** The member name as typed; normalized and checked by the service. */
  username: z.string({ error: 'a name is required' }).max(200, 'is too long'),
  /** The password in clear; only its argon2id hash is kept. */
  password: z.string({ error: 'a password is required' }).max(1000, 'is too long'),
});

/** A password change, from the API or the form on /settings (people/settings.routes.ts). */
export const passwordChange = z.object({
  /** The password in use now: a session alone is not enough to change it. */
  currentPassword: z.string({ error: 'the current password is required' }).max(1000, 'is too long'),
  /** The password to use from now on; checked like a new member's. */
  newPassword: z.string({ error: 'a new password is required' }).max(1000, 'is too long'),
});

/** Where to go after logging in: only a path on this site. */
const safeNext = (value: unknown) => localPath(value);

const presentMember = (m: Member) => ({ id: m.id, name: m.name, role: m.role });

const presentSession = (s: SessionSummary) => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
  address: s.address,
  userAgent: s.userAgent,
  current: s.current,
});

/** A long-lived cookie naming the browser: where it signed in before, the member is let in past a name's slow-down. */
const DEVICE_COOKIE = 'gentie_device';
const DEVICE_DAYS = 365;

const signInContext = (req: Request): SignInContext => ({
  address: req.ip ?? '',
  userAgent: req.get('user-agent') ?? '',
  device: readCookie(req, DEVICE_COOKIE),
});

/** Changes the password of the request's member from its body (the API here, the form on /settings). */
export const changePasswordFrom = (db: Kysely<Database>, limiter: Limiter, req: Request) =>
  members.changePassword(db, limiter, requireMember(req), req.sessionToken, parseInput(passwordChange, req.body));

/**
 * Register, log in, log out; one's sessions, sign-ins and password: the HTML forms and the JSON API (the pages
 * for one's sessions and password are /settings, people/settings.routes.ts).
 * Long because it lists every route, each a few lines, after the sign-in steps both kinds share.
 */
export function membersRouter(
  db: Kysely<Database>,
  limiter: Limiter,
  settings: Settings,
  pageContext: (req: Request) => PageContext,
): Router {
  const router = Router();

  const startSession = async (req: Request, res: Response, member: Member) => {
    const session = await members.openSession(db, member, signInContext(req));
    setSessionCookie(req, res, session.token, session.expiresAt);
    res.cookie(DEVICE_COOKIE, session.device, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: DEVICE_DAYS * 86400_000,
    });
  };

  const register = (req: Request) => members.registerMember(db, limiter, settings, parseInput(credentials, req.body), signInContext(req));
  // Why the register page shows no form now (closed; invite-only without a usable invite), if it does not.
  const registrationClosed = async (invite: string | undefined): Promise<AppError | undefined> => {
    try {
      const mode = settings.get('registration.mode');
      members.checkRegistrationOpen(mode, invite);
      if (mode === 'invite' && !(await inviteUsable(db, invite))) {
        return new AppError(403, 'RegistrationRefused', 'This invite link is unknown, expired, revoked or used up.', {
          params: { reason: 'inviteInvalid' },
        });
      }
      return undefined;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  };
  const logIn = (req: Request) =>
    members.logIn(db, limiter, parseInput(credentials, req.body), { ...signInContext(req), signedInAs: req.member?.id });
  const changePassword = (req: Request) => changePasswordFrom(db, limiter, req);
  const logOutEverywhere = async (req: Request, res: Response) => {
    await sessionService.logOutEverywhere(db, requireMember(req));
    clearSessionCookie(req, res);
  };

  // ---- JSON API

  router.post('/api/register', async (req, res) => {
    const member = await register(req);
    await startSession(req, res, member);
    res.status(201).json({ member: presentMember(member) });
  });

  router.post('/api/login', async (req, res) => {
    const member = await logIn(req);
    await startSession(req, res, member);
    res.json({ member: presentMember(member) });
  });

  router.post('/api/logout', async (req, res) => {
    if (req.sessionToken) await sessionService.logOut(db, req.sessionToken);
    clearSessionCookie(req, res);
    res.json({ ok: true });
  });

  router.post('/api/logout/all', async (req, res) => {
    await logOutEverywhere(req, res);
    res.json({ ok: true });
  });

  router.get('/api/me', (req, res) => {
    res.json({ member: presentMember(requireMember(req)) });
  });

  router.get('/api/me/sessions', async (req, res) => {
    const sessions = await sessionService.listSessions(db, requireMember(req), req.sessionToken);
    res.json({ sessions: sessions.map(presentSession) });
  });

  router.delete('/api/me/sessions/:id', async (req, res) => {
    await sessionService.revokeSession(db, requireMember(req), req.params.id);
    res.json({ ok: true });
  });

  router.get('/api/me/sign-ins', async (req, res) => {
    const signIns = await members.listSignIns(db, requireMember(req));
    res.json({ signIns: signIns.map((s) => ({ address: s.address, userAgent: s.userAgent, at: s.at.toISOString() })) });
  });

  router.post('/api/me/password', async (req, res) => {
    await changePassword(req);
    res.json({ ok: true });
  });

  // ---- Pages

  router.get('/login', (req, res) => {
    res.send(loginPage(pageContext(req), { next: safeNext(req.query.next) }));
  });

  router.get('/register', async (req, res) => {
    const invite = typeof req.query.invite === 'string' ? req.query.invite : undefined;
    const closed = await registrationClosed(invite);
    res.status(closed ? 403 : 200).send(registerPage(pageContext(req), { next: safeNext(req.query.next), invite }, closed));
  });

  router.get('/logout', (req, res) => {
    res.send(logoutPage(pageContext(req)));
  });

  // A refused login or registration shows its form again with the name typed (never the password).
  const credentialsForm = (req: Request, page: typeof loginPage) => (refusal: AppError) =>
    page(pageContext(req), {
      next: safeNext(req.body?.next),
      username: formText(req.body, 'username') ?? '',
      refusal,
      invite: formText(req.body, 'invite'),
    });

  router.post('/login', async (req, res) => {
    try {
      const member = await logIn(req);
      await startSession(req, res, member);
      res.redirect(303, safeNext(req.body?.next));
    } catch (error) {
      await refusedForm(res, error, credentialsForm(req, loginPage));
    }
  });

  router.post('/register', async (req, res) => {
    try {
      const member = await register(req);
      await startSession(req, res, member);
      res.redirect(303, safeNext(req.body?.next));
    } catch (error) {
      await refusedForm(res, error, credentialsForm(req, registerPage));
    }
  });

  router.post('/logout', async (req, res) => {
    if (req.sessionToken) await sessionService.logOut(db, req.sessionToken);
    clearSessionCookie(req, res);
    res.redirect(303, `${req.variantPrefix}/`);
  });

  router.post('/logout/all', async (req, res) => {
    await logOutEverywhere(req, res);
    res.redirect(303, `${req.variantPrefix}/`);
  });

  return router;
}
