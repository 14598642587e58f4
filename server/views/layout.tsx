import type { AppError } from '../errors';
import type { Assets } from './assets';
import type { Ignoring, Member } from '../db/member';
import { UNREAD_CAP, type UnreadCounts } from '../db/unread';
import { type LinkContext, href, unprefixed } from '../http/paths';
import { VARIANTS, type Variant } from '../text/convert';
import type { FreeText } from '../text/localize';
import { htmlText } from '../text/fingerprint';
import { type Child, Fragment, type SafeHtml, h, trustedHtml } from './html';
import { type Messages, hans, hant } from './messages';
import { localizeError } from './messages.errors';

/** What every page needs to know about the request it answers. */
export interface PageContext extends LinkContext {
  member: Member | null;
  /** The path asked for, to come back to after logging in. */
  path: string;
  assets: Assets;
  timeZone: string;
  t: Messages;
  lang: string;
  /** The reader's variant; undefined = posts as written. */
  variant: Variant | undefined;
  /**
   * Free text somebody wrote that is not a post (a board's name or description, a ban's, report's,
   * edit's or log entry's reason, a glossary's note) in the reader's variant: pins resolved, by the
   * glossary of the board it belongs to (its id), else the site's (text/localize.ts freeTextIn).
   * Every view shows such text through it; a form's value to edit again stays as written.
   */
  shown: FreeText;
  /** '' or the URL prefix of the variant the page was asked under: every link is built with it (href). */
  prefix: string;
  /** The member's unread 悄悄話 and notifications (absent for readers, and for JSON). */
  unread?: UnreadCounts;
  /** True when the site sends email (SMTP_URL): only then do pages mention email (forgot password, /settings/email). */
  mail?: boolean;
  /**
   * The members the reader ignores, on pages that list posts (members/ignores.repository.ts
   * ignoringOf): their posts are collapsed lines. Absent when none, or not loaded.
   */
  ignored?: Ignoring;
  /**
   * The site's origin from PUBLIC_URL ('https://bbs.example.org'), for the absolute links a page
   * carries (canonical, og:url); absent without PUBLIC_URL, and then pages carry none: a page kept
   * whole for anonymous readers (posts/posts.pages.ts) must not name the Host one request came with.
   */
  origin?: string;
  /** The site's name in the reader's script (site.name); absent: the catalog's. */
  siteName?: string;
  /** The site's one-line description (site.description) in the reader's script; '' or absent: none. */
  siteDescription?: string;
  /** True while the forum is read-only for an import: every page says so at its top. */
  maintenance?: boolean;
  /**
   * Who may register now (registration.mode): closed shows no register link, invite says an
   * invite is needed. Absent: open.
   */
  registration?: 'open' | 'invite' | 'closed';
}

/** The site's name as a page shows it. */
export const siteNameOf = (ctx: Pick<PageContext, 'siteName' | 't'>): string => ctx.siteName ?? ctx.t.siteName;

/**
 * What a page says about itself to search engines and link previews (OpenGraph): its type, a
 * plain-text description in the page's variant, and its canonical path when it is not the path
 * asked for without its query (a later page of a list keeps its page).
 */
export interface PageMeta {
  /** og:type; pages without one carry no OpenGraph tags. */
  type?: 'website' | 'article' | 'profile';
  description?: string;
  /** The canonical path, with the page's variant prefix; default: the path asked for, without query or fragment; null: none. */
  canonical?: string | null;
  /**
   * Atom feeds of what the page shows (feeds/), for feed readers to discover: their titles and
   * paths without a variant prefix (feedHref puts the page's variant on them).
   */
  feeds?: PageFeed[];
}

/** A feed a page links to (<link rel="alternate" type="application/atom+xml">). */
export interface PageFeed {
  title: string;
  /** '/b/slug/feed.xml', without a variant prefix. */
  path: string;
}

/**
 * A feed's URL as a page links to it: in the page's variant, named by its prefix even when the
 * page has none (a reader whose saved choice is zh-tw subscribes to the zh-tw feed: a feed has no
 * cookie to go by), absolute under PUBLIC_URL when it is set.
 */
export const feedHref = (ctx: Pick<PageContext, 'variant' | 'origin'>, path: string): string =>
  `${ctx.origin ?? ''}${ctx.variant ? `/${ctx.variant}` : ''}${path}`;

/** Characters of a description (og:description): a preview shows about this many. */
export const DESCRIPTION_CHARS = 160;

/**
 * A description of sanitized HTML (a post's body, a profile): inline tags are dropped where they
 * stand (a bold word stays inside its sentence), block tags become spaces (htmlText).
 */
export function describeHtml(html: string): string | undefined {
  return describe(htmlText(html.replace(/<\/?(?:a|b|strong|i|em|u|s|code)(?:\s[^>]*)?>/gi, ''))) || undefined;
}

/** Plain text cut to a description's length, white space collapsed, with an ellipsis when cut. */
export function describe(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const chars = [...flat];
  return chars.length <= DESCRIPTION_CHARS ? flat : `${chars.slice(0, DESCRIPTION_CHARS - 1).join('')}…`;
}

/** An unread count as the header shows it: "99+" at the cap. */
export const shownCount = (count: number) => (count >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(count));

/**
 * A header link with its unread count; the browser module keeps the count up to date
 * (data-unread names which), and hides it at zero.
 */
function UnreadLink({ ctx, path, label, which }: { ctx: PageContext; path: string; label: string; which: keyof UnreadCounts }) {
  const count = ctx.unread?.[which] ?? 0;
  return (
    <a href={href(ctx, path)} class="unread-link">
      {label}
      <span
        class="unread"
        data-unread={which}
        data-cap={UNREAD_CAP}
        data-label={ctx.t.unreadLabel('%d')}
        hidden={count === 0}
        aria-label={ctx.t.unreadLabel(shownCount(count))}
      >
        {shownCount(count)}
      </span>
    </a>
  );
}

const HREFLANG: Record<Variant, string> = { 'zh-hans': 'zh-Hans', 'zh-hant': 'zh-Hant', 'zh-tw': 'zh-Hant-TW', 'zh-hk': 'zh-Hant-HK' };

/** The switch between variants, in every page's header: each choice is remembered in a cookie. */
function VariantSwitch({ ctx }: { ctx: PageContext }) {
  const path = unprefixed(ctx.path);
  const choices: [Variant | 'original', string][] = [
    ['original', ctx.t.originalScript],
    ['zh-hans', '简体'],
    ['zh-hant', '繁體'],
    ['zh-tw', '台灣'],
    ['zh-hk', '香港'],
  ];
  return (
    <nav class="variant-switch" aria-label={ctx.t.scriptSwitch}>
      {choices.map(([v, label]) =>
        (ctx.variant ?? 'original') === v ? (
          <strong aria-current="true">{label}</strong>
        ) : (
          <a
            href={`/variant?to=${v}&next=${encodeURIComponent(path)}`}
            hreflang={v === 'original' ? undefined : HREFLANG[v]}
            rel="nofollow"
          >
            {label}
          </a>
        ),
      )}
    </nav>
  );
}

/** The interface words and page language for a variant (traditional unless simplified). */
export function catalogFor(variant: string | undefined): { t: Messages; lang: string } {
  switch (variant) {
    case 'zh-hans':
      return { t: hans, lang: 'zh-Hans' };
    case 'zh-tw':
      return { t: hant, lang: 'zh-Hant-TW' };
    case 'zh-hk':
      return { t: hant, lang: 'zh-Hant-HK' };
    default:
      return { t: hant, lang: 'zh-Hant' };
  }
}

/**
 * The context of a page that is the member's own and is never kept for another reader (悄悄話,
 * notifications, /settings with its sessions and sign-ins, a held post's page, and their JSON):
 * its times are in the member's own time zone (`/settings`, users.time_zone), else the site's.
 * Pages kept whole or built from windows kept for every reader (threads, boards, `/`) stay in the
 * site's TZ_DISPLAY: their caches are keyed without a zone (docs/api.md, "Times").
 */
export function ownPageContext(ctx: PageContext): PageContext {
  const own = ctx.member?.timeZone;
  return own ? { ...ctx, timeZone: own } : ctx;
}

/** The parts of every page's context that do not depend on the request. */
export const defaultPageContext = (
  assets: Assets,
  timeZone: string,
): Omit<PageContext, 'member' | 'path' | 'variant' | 'prefix' | 'shown'> => ({
  assets,
  timeZone,
  t: hant,
  lang: 'zh-Hant',
});

function Header({ ctx }: { ctx: PageContext }) {
  const { t, member } = ctx;
  const next = encodeURIComponent(ctx.path);
  return (
    <header class="site" data-variant={ctx.variant ?? 'original'} data-member={member ? '' : undefined}>
      <a class="brand" href={href(ctx, '/')}>
        {siteNameOf(ctx)}
      </a>
      {ctx.siteDescription ? <span class="tagline">{ctx.siteDescription}</span> : null}
      <nav aria-label={t.home}>
        {member ? (
          <Fragment>
            <span class="me">
              {t.loggedInAs}
              <a href={href(ctx, `/u/${encodeURIComponent(member.name)}`)}>{member.name}</a>
            </span>
            <UnreadLink ctx={ctx} path="/messages" label={t.messagesLink} which="messages" />
            <UnreadLink ctx={ctx} path="/notifications" label={t.notificationsLink} which="notifications" />
            {ctx.unread?.held !== undefined ? (
              // Moderators (and admins): the posts waiting in their boards' review queues, kept live.
              <UnreadLink ctx={ctx} path="/queue" label={t.review.headerLink} which="held" />
            ) : null}
            <a href={href(ctx, '/settings')}>{t.account}</a>
            <form method="post" action={href(ctx, '/logout')} class="inline">
              <button type="submit">{t.logout}</button>
            </form>
          </Fragment>
        ) : (
          <Fragment>
            <a href={href(ctx, `/login?next=${next}`)}>{t.login}</a>
            {ctx.registration === 'closed' ? null : (
              <a href={href(ctx, `/register?next=${next}`)}>{ctx.registration === 'invite' ? t.registerByInvite : t.register}</a>
            )}
          </Fragment>
        )}
      </nav>
    </header>
  );
}

/** A shared link's preview (OpenGraph): on pages that say what they are (threads, boards, members). */
function OpenGraph({ ctx, title, meta, url }: { ctx: PageContext; title: string; meta: PageMeta; url: string | undefined }) {
  return (
    <Fragment>
      <meta property="og:title" content={title} />
      <meta property="og:type" content={meta.type} />
      <meta property="og:site_name" content={siteNameOf(ctx)} />
      {url ? <meta property="og:url" content={url} /> : null}
      {meta.description ? <meta property="og:description" content={meta.description} /> : null}
      {meta.description ? <meta name="description" content={meta.description} /> : null}
    </Fragment>
  );
}

/**
 * A whole HTML page around `content`. Every link in it was built with the page's prefix (href);
 * nothing is rewritten afterwards, so markup is sent exactly as the views made it.
 */
export function renderPage(ctx: PageContext, title: string, content: Child, meta: PageMeta = {}): string {
  return renderPageMarkup(ctx, title, content, meta).html;
}

/** renderPage's page as markup, in pieces when it is big: sent with htmlBytes (server/views/html.ts). */
export function renderPageMarkup(ctx: PageContext, title: string, content: Child, meta: PageMeta = {}): SafeHtml {
  const { assets } = ctx;
  const canonical = ctx.origin && meta.canonical !== null ? ctx.origin + (meta.canonical ?? ctx.path.replace(/[?#].*$/s, '')) : undefined;
  const doc: SafeHtml = (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} - ${siteNameOf(ctx)}`}</title>
        {ctx.siteDescription && !(meta.type && meta.description) ? <meta name="description" content={ctx.siteDescription} /> : null}
        {VARIANTS.map((v) => (
          <link rel="alternate" hreflang={HREFLANG[v]} href={`/${v}${unprefixed(ctx.path)}`} />
        ))}
        <link rel="alternate" hreflang="x-default" href={unprefixed(ctx.path)} />
        {canonical ? <link rel="canonical" href={canonical} /> : null}
        {meta.type ? <OpenGraph ctx={ctx} title={title} meta={meta} url={canonical} /> : null}
        {(meta.feeds ?? []).map((feed) => (
          <link rel="alternate" type="application/atom+xml" title={feed.title} href={feedHref(ctx, feed.path)} />
        ))}
        {assets.style ? <link rel="stylesheet" href={`/static/${assets.style}`} /> : null}
        {assets.script ? <script type="module" src={`/static/${assets.script}`}></script> : null}
      </head>
      <body>
        <Header ctx={ctx} />
        <VariantSwitch ctx={ctx} />
        {ctx.maintenance ? (
          <p class="maintenance" role="status" data-maintenance="">
            {ctx.t.maintenance}
          </p>
        ) : null}
        <main id="main">{content}</main>
      </body>
    </html>
  );
  return (
    <Fragment>
      {trustedHtml('<!doctype html>\n')}
      {doc}
    </Fragment>
  );
}

/**
 * A refusal where a form or page shows it, in the reader's script; `data-code` is the error's code
 * (for scripts and tests: the English message is for the JSON API and the logs).
 */
export function Refusal({ ctx, error }: { ctx: PageContext; error: AppError | undefined }): SafeHtml {
  return error ? (
    <p class="error-message" role="alert" data-code={error.code}>
      {localizeError(ctx, error)}
    </p>
  ) : (
    trustedHtml('')
  );
}

/** A page for a refusal or a missing page, in the reader's script. */
export function renderErrorPage(ctx: PageContext, error: AppError): string {
  const title = error.status === 404 ? ctx.t.notFoundTitle : ctx.t.errorTitle;
  return renderPage(
    ctx,
    title,
    <section class="error">
      <h1>{title}</h1>
      <p class="error-message" data-code={error.code}>
        {localizeError(ctx, error)}
      </p>
      {error.status === 401 ? (
        <p>
          <a href={href(ctx, `/login?next=${encodeURIComponent(ctx.path)}`)}>{ctx.t.login}</a>
        </p>
      ) : null}
      <p>
        <a href={href(ctx, '/')}>{ctx.t.home}</a>
      </p>
    </section>,
    // A refusal or a missing page is nothing to index.
    { canonical: null },
  );
}
