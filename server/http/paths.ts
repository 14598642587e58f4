/**
 * A path on this site to send the reader back to (next=, back=), or `fallback`. Only "/…" paths:
 * never "//host" or "/\host" (browsers read both as another site), never control characters.
 */
export function localPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\\\u0000-\u001f]*$/.test(value) ? value : fallback;
}

/** A variant's URL prefix at the start of a path ("/zh-hans/t/1", "/zh-tw?x", "/zh-hk"); group 1 is the variant. */
export const VARIANT_PREFIX = /^\/(zh-hans|zh-hant|zh-tw|zh-hk)(?=[/?#]|$)/;

/** A path without its variant prefix ("/zh-hans/t/1" → "/t/1", "/zh-hans" → "/"). */
export const unprefixed = (path: string): string => path.replace(VARIANT_PREFIX, '') || '/';

/** What building a link needs to know about the page it is on. */
export interface LinkContext {
  /** '' or the URL prefix of the variant the page was asked under ('/zh-hans', …). */
  prefix: string;
}

// Paths that mean the same under every variant: static files, uploaded images, the API and the
// script switch. A path that names its variant already (the hreflang alternates) is not prefixed
// again either.
const SAME_UNDER_EVERY_VARIANT = /^\/(?:static\/|uploads\/|api\/|variant(?:[?#]|$)|(?:zh-hans|zh-hant|zh-tw|zh-hk)(?:[/?#]|$))/;

/**
 * A link to `path` (a path on this site, "/t/1") from a page asked under `ctx.prefix`: pages stay
 * under the reader's prefix ("/zh-hans/t/1"), so a link is born with it. Anything else (another
 * site, "//host", a relative "?page=2", "#p3", static files, the API, the switch) is returned as is.
 */
export function href(ctx: LinkContext, path: string): string {
  if (!ctx.prefix || !path.startsWith('/') || path.startsWith('//') || SAME_UNDER_EVERY_VARIANT.test(path)) return path;
  return ctx.prefix + path;
}
