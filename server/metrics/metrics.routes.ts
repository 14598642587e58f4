import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import proxyaddr from 'proxy-addr';
import { metricsText } from './metrics';

/**
 * GET /metrics: this process's metrics in Prometheus's text format, for a scraper the operator
 * trusts and no one else. They tell how busy the forum is, which routes fail and what the caches
 * hold: nothing personal, but nothing for the public either.
 *
 * Who may read them:
 * - anyone presenting METRICS_TOKEN as a bearer token (`Authorization: Bearer <token>`), from
 *   anywhere; a token that is given must be right, wherever it comes from;
 * - otherwise, a client on this machine: the client address, as TRUST_PROXY resolves it, is a
 *   loopback address. A request that came through a proxy the app does not trust (it carries
 *   X-Forwarded-For or Forwarded, and its TCP peer is not among TRUST_PROXY) is not: a reverse
 *   proxy on this machine connects from loopback for every client it forwards. Behind a proxy,
 *   set TRUST_PROXY (so the real client is known) and METRICS_TOKEN (docs/deployment.md).
 *
 * Anyone else gets the 404 any unknown address gets, word for word: the page does not say it is
 * there. The token is compared in constant time (digests of equal length).
 */

const isLoopback = proxyaddr.compile('loopback');

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** The bearer token of an Authorization header; undefined when there is none, '' when it is not a bearer token. */
function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
}

/** Whether the request may read the metrics (see above). */
export function mayReadMetrics(req: Request, token: string | undefined): boolean {
  const given = bearer(req.headers.authorization);
  if (given !== undefined) return token !== undefined && timingSafeEqual(digest(given), digest(token));
  const client = req.ip;
  if (client === undefined || !isLoopback(client, 0)) return false;
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (!forwarded) return true;
  // express's compiled TRUST_PROXY: with a trusted peer, req.ip is the client the proxy named.
  const trusts = req.app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  return trusts(req.socket.remoteAddress ?? '', 0);
}

/** The /metrics handler; a request that may not read them goes on to the 404. */
export function metricsRoute(token: string | undefined) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!mayReadMetrics(req, token)) return next();
    const { contentType, text } = await metricsText();
    res.set('Content-Type', contentType).set('Cache-Control', 'no-store').send(text);
  };
}
