import type { NextFunction, Request, Response } from 'express';

/**
 * Caching of everything answered after the session is known (pages and API alike). Every answer
 * depends on the cookie (the header names the member, the session may have expired), prefixed
 * pages included, so shared caches must key on it: Vary: Cookie. An answer for a logged-in member
 * is theirs alone: no shared cache may keep it, and the browser keeps no copy once the tab is
 * gone (private, no-store), so another person at the same computer cannot step back into it.
 * Answers with an entity tag (thread pages and their JSON: conditional.ts) are private, no-cache
 * instead, so the browser can revalidate them; logging out clears what it kept.
 */
export function cacheByMember(req: Request, res: Response, next: NextFunction): void {
  res.vary('Cookie');
  if (req.member) res.set('Cache-Control', 'private, no-store');
  next();
}
