import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { clearSessionCookie, requireMember, setSessionCookie } from '../http/context';
import { localPath } from '../http/paths';
import { parseInput } from '../http/validate';
import type { PageContext } from '../views/layout';
import { type Member, createMember, logIn, logOut, openSession } from './members.service';
import { loginPage, logoutPage, registerPage } from './members.views';

/** Name and password as posted by a form or the API. */
const credentials = z.object({
  /** The member name as typed; normalized and checked by the service. */
  username: z.string({ error: 'a name is required' }).max(200, 'is too long'),
  /** The password in clear; only its argon2id hash is kept. */
  password: z.string({ error: 'a password is required' }).max(1000, 'is too long'),
});

/** Where to go after logging in: only a path on this site. */
const safeNext = (value: unknown) => localPath(value);

const presentMember = (m: Member) => ({ id: m.id, name: m.name, role: m.role });

/** Register, log in, log out: the HTML forms and the JSON API. */
export function membersRouter(db: Kysely<Database>, pageContext: (req: Request) => PageContext): Router {
  const router = Router();

  const startSession = async (req: Request, res: Response, member: Member) => {
    const session = await openSession(db, member);
    setSessionCookie(req, res, session.token, session.expiresAt);
  };

  router.post('/api/register', async (req, res) => {
    const input = parseInput(credentials, req.body);
    const member = await createMember(db, input);
    await startSession(req, res, member);
    res.status(201).json({ member: presentMember(member) });
  });

  router.post('/api/login', async (req, res) => {
    const input = parseInput(credentials, req.body);
    const member = await logIn(db, { ...input, address: req.ip ?? '' });
    await startSession(req, res, member);
    res.json({ member: presentMember(member) });
  });

  router.post('/api/logout', async (req, res) => {
    if (req.sessionToken) await logOut(db, req.sessionToken);
    clearSessionCookie(req, res);
    res.json({ ok: true });
  });

  router.get('/api/me', (req, res) => {
    res.json({ member: presentMember(requireMember(req)) });
  });

  router.get('/login', (req, res) => {
    res.send(loginPage(pageContext(req), { next: safeNext(req.query.next) }));
  });

  router.get('/register', (req, res) => {
    res.send(registerPage(pageContext(req), { next: safeNext(req.query.next) }));
  });

  router.get('/logout', (req, res) => {
    res.send(logoutPage(pageContext(req)));
  });

  // The forms answer a refusal with the same form, the message above it, and the right status.
  const formFailure = (req: Request, res: Response, error: unknown, page: typeof loginPage) => {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    if (error.retryAfter) res.set('Retry-After', String(error.retryAfter));
    const username = typeof req.body?.username === 'string' ? req.body.username : '';
    res.status(error.status).send(page(pageContext(req), { next: safeNext(req.body?.next), username, error: error.message }));
  };

  router.post('/login', async (req, res) => {
    try {
      const input = parseInput(credentials, req.body);
      const member = await logIn(db, { ...input, address: req.ip ?? '' });
      await startSession(req, res, member);
      res.redirect(303, safeNext(req.body?.next));
    } catch (error) {
      formFailure(req, res, error, loginPage);
    }
  });

  router.post('/register', async (req, res) => {
    try {
      const member = await createMember(db, parseInput(credentials, req.body));
      await startSession(req, res, member);
      res.redirect(303, safeNext(req.body?.next));
    } catch (error) {
      formFailure(req, res, error, registerPage);
    }
  });

  router.post('/logout', async (req, res) => {
    if (req.sessionToken) await logOut(db, req.sessionToken);
    clearSessionCookie(req, res);
    res.redirect(303, '/');
  });

  return router;
}
