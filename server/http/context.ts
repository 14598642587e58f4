import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Member } from '../db/member';
import { AppError } from '../errors';
import { cookieFrom } from '../sessions/sessions.cookies';
import { VARIANTS, type Variant } from '../text/convert';
import { type SiteOrigin, fromOwnSite } from './origin';
import { VARIANT_PREFIX } from './paths';

export const VARIANT_COOKIE = 'gentie_variant';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augmenting Express.Request needs its global namespace
  namespace Express {
    interface Request {
      /** The reader's variant: URL prefix, else saved choice, else Accept-Language; undefined = as written. */
      variant: Variant | undefined;
      /** The URL prefix the page was asked under ('' or '/zh-hans', …): kept on every link. */
      variantPrefix: string;
      /** True while the forum is read-only for an import (server/backup/backup.maintenance.ts): pages say so. */
      maintenance?: boolean;
    }
  }
}

/** The variant an Accept-Language header prefers, if it names Chinese at all. */
export function variantFromAcceptLanguage(header: string | undefined): Variant | undefined {
  if (!header) return undefined;
  const tags = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (!tag.startsWith('zh')) continue;
    if (/^zh-(tw)\b|^zh-hant-tw/.test(tag)) return 'zh-tw';
    if (/^zh-(hk|mo)\b|^zh-hant-(hk|mo)/.test(tag)) return 'zh-hk';
    if (/^zh-hant/.test(tag)) return 'zh-hant';
    return 'zh-hans';
  }
  return undefined;
}

/** The reader's variant as a request's URL and headers decide it (resolveVariant's decision). */
export interface VariantChoice {
  variant: Variant | undefined;
  /** '' or the URL's variant prefix ('/zh-hans', …). */
  prefix: string;
  /** The URL without its prefix (the URL itself when it has none). */
  url: string;
}

/**
 * Decides the reader's variant without touching the request: resolveVariant's decision, which
 * the app's warm pages (posts/posts.pages.ts) also need before express is involved. A prefix
 * (/zh-hans/t/1) wins; an unprefixed page uses the saved choice (cookie; "original" = as
 * written), else Accept-Language, else the site's default (site.defaultVariant; undefined: as written).
 */
export function chooseVariant(url: string, headers: IncomingHttpHeaders, fallback?: Variant): VariantChoice {
  const m = VARIANT_PREFIX.exec(url);
  if (m) {
    const rest = url.slice(m[0].length);
    return { variant: m[1] as Variant, prefix: `/${m[1]}`, url: rest.startsWith('/') ? rest : `/${rest}` };
  }
  const saved = cookieFrom(headers.cookie, VARIANT_COOKIE);
  const variant =
    saved === 'original'
      ? undefined
      : saved && (VARIANTS as readonly string[]).includes(saved)
        ? (saved as Variant)
        : (variantFromAcceptLanguage(headers['accept-language']) ?? fallback);
  return { variant, prefix: '', url };
}

/**
 * Decides the reader's variant (chooseVariant), with `fallback` the site's default asked for per
 * request (an admin may change it). A prefix is stripped from the URL; an unprefixed page varies
 * by the cookie and Accept-Language that chose it.
 */
export function variantResolver(fallback: () => Variant | undefined = () => undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const choice = chooseVariant(req.url, req.headers, fallback());
    req.variant = choice.variant;
    req.variantPrefix = choice.prefix;
    if (choice.prefix) req.url = choice.url;
    else {
      res.vary('Cookie');
      res.vary('Accept-Language');
    }
    next();
  };
}

/** Decides the reader's variant with no site default (variantResolver). */
export const resolveVariant = variantResolver();

/** The logged-in member, or a 401 that says whether the session expired or there never was one. */
export function requireMember(req: Request): Member {
  if (req.member) return req.member;
  if (req.sessionExpired) throw new AppError(401, 'SessionExpired', 'Your session has expired: log in again.');
  throw new AppError(401, 'NotLoggedIn', 'Log in first.');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser says come from another site: Sec-Fetch-Site
 * when the browser sends it, otherwise the Origin header against the site's own origin (scheme,
 * host and port: `https://host` is another origin than `http://host`).
 */
export function refuseCrossSite(site: SiteOrigin) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) return next();
    const fetchSite = req.headers['sec-fetch-site'];
    const ok = fetchSite !== undefined ? fetchSite === 'same-origin' || fetchSite === 'none' : fromOwnSite(req, site);
    next(ok ? undefined : new AppError(403, 'CrossSiteRequest', 'Requests from other sites are refused.'));
  };
}
