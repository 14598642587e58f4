import { createHash } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { matchesTag } from '../http/conditional';
import type { SiteOrigin } from '../http/origin';
import { postInThread } from '../posts/posts.paths';
import { localizedExcerpt, localizedTitles, shownName, shownOn, textIn } from '../text/localize';
import { ATOM_TYPE, type AtomEntry, type AtomFeed, renderAtom } from '../views/atom';
import { catalogFor } from '../views/layout';
import type { Variant } from '../variants';
import * as feeds from './feeds.service';

/**
 * The Atom feeds (docs/api.md, "Feeds"): `/feed.xml` (every board's new threads),
 * `/b/:slug/feed.xml`, `/t/:id/feed.xml`, `/u/:name/feed.xml` and, when the app has a hot list,
 * `/hot/feed.xml`; each under every variant prefix, its text converted for that variant.
 *
 * A feed is the same for everyone who asks: a feed reader has no session and polls for many
 * people. So the variant comes from the prefix alone (unprefixed: posts as written, whatever a
 * cookie or Accept-Language says; pages link to the feed in their own variant), nothing depends on
 * who asks, and a shared cache may keep it a minute. The entity tag is a digest of the document,
 * so every change a reader could see (a new post, an edit, a deletion, a renamed board) changes
 * it; Last-Modified is the newest entry's time, for readers that only send If-Modified-Since, or,
 * in a variant's feed (converted), the last change of the glossaries when that is later: a glossary
 * change changes the converted text without a new entry, and must not be answered 304.
 */

/** Characters of an entry's summary: the opening of the post's text. */
export const FEED_SUMMARY_CHARS = 280;

/** How long a browser or shared cache may keep a feed without asking again. */
const CACHE_CONTROL = 'public, max-age=60';

/** The feed routes. `hot`: the hot list's thread ids (absent: no hot feed); `siteName`: the site's name in a script. */
export function feedsRouter(
  db: Kysely<Database>,
  caches: Pick<Caches, 'conversions'>,
  site: SiteOrigin,
  options: { hot?: feeds.HotThreads; siteName?: (variant: Variant | undefined) => string } = {},
): Router {
  const router = Router();
  const answer = (req: Request, res: Response, content: feeds.FeedContent) => {
    // A variant's feed is converted: its text changes with the glossaries (caches.ts ConversionRulesSource).
    const rulesChanged = feedVariant(req) ? caches.conversions.rules.changedAt() : undefined;
    sendFeed(req, res, atomOf(content, req, site(req) ?? '', caches.conversions, options.siteName), rulesChanged);
  };

  router.get('/feed.xml', async (req, res) => answer(req, res, await feeds.siteFeed(db)));
  router.get('/b/:slug/feed.xml', async (req, res) => answer(req, res, await feeds.boardFeed(db, req.params.slug)));
  router.get('/t/:id/feed.xml', async (req, res) => answer(req, res, await feeds.threadFeed(db, req.params.id)));
  router.get('/u/:name/feed.xml', async (req, res) => answer(req, res, await feeds.memberFeed(db, req.params.name)));
  const { hot } = options;
  if (hot) router.get('/hot/feed.xml', async (req, res) => answer(req, res, await feeds.hotFeed(db, hot)));

  return router;
}

/** The variant a feed is in: its URL's prefix, and only that. */
const feedVariant = (req: Request): Variant | undefined => (req.variantPrefix ? req.variant : undefined);

/** A feed's content as an Atom document's parts: titles and excerpts converted, every URL absolute. */
function atomOf(
  content: feeds.FeedContent,
  req: Request,
  origin: string,
  conversions: Caches['conversions'],
  nameOf?: (variant: Variant | undefined) => string,
): AtomFeed {
  const variant = feedVariant(req);
  const prefix = variant ? `/${variant}` : '';
  const { t, lang } = catalogFor(variant);
  // The site's name (site.name) in the feed's script; the catalog's when none is given.
  const siteName = nameOf?.(variant) ?? t.siteName;
  const url = (path: string) => `${origin}${prefix}${path}`;
  const titles = localizedTitles(conversions, content.posts, variant);
  const entries: AtomEntry[] = titles.map((p) => ({
    // The post's own page without a prefix: the same entry in every variant's feed.
    id: `${origin}/t/${p.id}`,
    title: p.title,
    link: url(postInThread(p.thread_id, p.id)),
    published: p.created_at,
    updated: p.edited_at ?? p.created_at,
    author: { name: shownName(p.author_name, variant), uri: url(`/u/${encodeURIComponent(p.author_name)}`) },
    // A title-only post's title is its whole message.
    summary: localizedExcerpt(conversions, p, variant, FEED_SUMMARY_CHARS) || p.title,
    // The board's name by its glossary, pins resolved.
    category: { term: p.board_slug, label: textIn(shownOn(conversions, p.board_id), p.board_name, variant) },
  }));
  const { title, subtitle } = subjectWords(content.subject, t, variant, conversions);
  return {
    self: url(content.path),
    alternate: url(content.page),
    title: `${title} - ${siteName}`,
    subtitle,
    lang: variant ? lang : undefined,
    updated: entries.reduce((latest, e) => (e.updated > latest ? e.updated : latest), content.since),
    author: { name: siteName, uri: url('/') },
    generator: siteName,
    entries,
  };
}

/** A feed's title (and a board's description as its subtitle) in the feed's variant. */
function subjectWords(
  subject: feeds.FeedSubject,
  t: ReturnType<typeof catalogFor>['t'],
  variant: Variant | undefined,
  conversions: Caches['conversions'],
): { title: string; subtitle?: string } {
  switch (subject.kind) {
    case 'board': {
      // The board's name and description, by its glossary (text/localize.ts), pins resolved.
      const on = shownOn(conversions, subject.id);
      const d = textIn(on, subject.description, variant);
      return { title: t.feeds.board(textIn(on, subject.name, variant)), subtitle: d || undefined };
    }
    case 'thread':
      return { title: t.feeds.thread(localizedTitles(conversions, [{ ...subject.root, body: '' }], variant)[0]!.title) };
    case 'member':
      return { title: t.feeds.member(subject.name) };
    case 'site':
      return { title: t.feeds.site };
    case 'hot':
      return { title: t.feeds.hot };
  }
}

/**
 * Sends a feed, or 304 Not Modified: by its entity tag when the reader sends If-None-Match (which
 * then decides alone, RFC 9110 §13.2.2), else by If-Modified-Since against its newest entry.
 */
function sendFeed(req: Request, res: Response, feed: AtomFeed, rulesChanged: Date | undefined): void {
  const xml = renderAtom(feed);
  const etag = `W/"${createHash('sha1').update(xml).digest('base64url')}"`;
  // The same for every reader (not per cookie or language, as the middleware assumed): only the encoding varies.
  res.removeHeader('Vary');
  res.set('Vary', 'Accept-Encoding');
  res.set('Cache-Control', CACHE_CONTROL);
  res.set('ETag', etag);
  // In whole seconds, as HTTP dates are: an entry's time rounded down, a glossary change up (a
  // change in the same second as the reader's last copy is after it).
  const entries = Math.floor(feed.updated.getTime() / 1000) * 1000;
  const modified = rulesChanged ? Math.max(entries, Math.ceil(rulesChanged.getTime() / 1000) * 1000) : entries;
  res.set('Last-Modified', new Date(modified).toUTCString());
  const inm = req.headers['if-none-match'];
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  const unchanged = inm !== undefined ? matchesTag(inm, etag) : !Number.isNaN(since) && modified <= since;
  if (unchanged) {
    res.status(304).end();
    return;
  }
  res.set('Content-Type', `${ATOM_TYPE}; charset=utf-8`).send(xml);
}
