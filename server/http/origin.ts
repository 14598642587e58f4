import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import proxyaddr from 'proxy-addr';
import type { Config } from '../config';

/**
 * The site's own origin, which every state-changing form and every socket connection must come
 * from. With PUBLIC_URL it is that; without, it is the origin the request itself was made to: its
 * Host header and scheme, as told by X-Forwarded-Host/-Proto only when the peer is a proxy named
 * in TRUST_PROXY (anyone else could send those headers).
 */
export type SiteOrigin = (req: IncomingMessage) => string | undefined;

/** Builds the site-origin function for a configuration. */
export function siteOrigin(config: Pick<Config, 'publicUrl' | 'trustProxy'>): SiteOrigin {
  if (config.publicUrl) {
    const origin = config.publicUrl.origin;
    return () => origin;
  }
  const trusted = proxyaddr.compile(config.trustProxy ?? []);
  return (req) => {
    const viaProxy = trusted(req.socket.remoteAddress ?? '', 0);
    let scheme = req.socket instanceof TLSSocket && req.socket.encrypted ? 'https' : 'http';
    let host = req.headers.host;
    if (viaProxy) {
      const proto = firstValue(req.headers['x-forwarded-proto']);
      if (proto === 'http' || proto === 'https') scheme = proto;
      host = firstValue(req.headers['x-forwarded-host']) ?? host;
    }
    return host ? normalizeOrigin(`${scheme}://${host}`) : undefined;
  };
}

/** True when the request's Origin header is absent or names the site itself (scheme, host and port). */
export function fromOwnSite(req: IncomingMessage, site: SiteOrigin): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const own = site(req);
  return own !== undefined && normalizeOrigin(origin) === own;
}

/** An origin in canonical form (lower case, default port dropped), or undefined when it is not one. */
function normalizeOrigin(value: string): string | undefined {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first ? first.toLowerCase() : undefined;
}

/**
 * A link an admin passes on by hand (a password-reset link, an invite): absolute under PUBLIC_URL,
 * never built from the request's Host header, which whoever sends the request chooses (a link an
 * attacker steered to their own host would hand them the token). Without PUBLIC_URL only the path
 * is known: `url` is that path, `absolute` false, and the page tells the admin to set PUBLIC_URL
 * or put the site's address in front of it.
 */
export function passOnLink(publicUrl: URL | undefined, path: string): { url: string; absolute: boolean } {
  return publicUrl ? { url: new URL(path, publicUrl.origin).href, absolute: true } : { url: path, absolute: false };
}
