import type { NextFunction, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import type { UnreadCounts } from '../db/unread';
import { memberForToken } from './sessions.service';

export const SESSION_COOKIE = 'gentie_session';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augmenting Express.Request needs its global namespace
  namespace Express {
    interface Request {
      /** The logged-in member, or null. */
      member: Member | null;
      /** The session cookie's token as sent (valid or not). */
      sessionToken: string | undefined;
      /** True when the cookie named a session that has expired. */
      sessionExpired: boolean;
      /** The member's unread 悄悄話 and notifications, for a page's header (GET pages only). */
      unread?: UnreadCounts;
    }
  }
}

/** Reads one cookie from the Cookie header. */
export function readCookie(req: Request, name: string): string | undefined {
  return cookieFrom(req.headers.cookie, name);
}

/** Reads one cookie from a Cookie header's text (a socket handshake's, a request's). */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure on HTTPS. */
export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', expires: expiresAt });
}

/**
 * Removes the session cookie (with the attributes it was set with, or browsers keep it), and asks
 * the browser to forget the pages it kept: a member's thread pages may be stored to be revalidated
 * (private, no-cache: http/conditional.ts), and whoever uses the browser next must not step back
 * into them. Browsers honour Clear-Site-Data over HTTPS (and on localhost).
 */
export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
  res.set('Clear-Site-Data', '"cache"');
}

/**
 * Loads the member of the session cookie onto the request (`timeZone`: the day a member was last
 * seen is this zone's). A page (a GET or HEAD outside the API) shows the member's unread counts in
 * its header: they are read by the same query (one round trip for both), onto `req.unread`.
 */
export function sessionMiddleware(db: Kysely<Database>, timeZone?: string) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    req.member = null;
    req.sessionExpired = false;
    req.sessionToken = readCookie(req, SESSION_COOKIE);
    if (req.sessionToken) {
      const page = (req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api/');
      const found = page
        ? await memberForToken(db, req.sessionToken, { timeZone, unread: true })
        : await memberForToken(db, req.sessionToken, { timeZone });
      if (found === 'expired') req.sessionExpired = true;
      else if (found) {
        const { unread, ...member } = found as Member & { unread?: UnreadCounts };
        req.member = member;
        req.unread = unread;
      }
    }
    next();
  };
}
