/**
 * The one Atom writer (RFC 4287): a feed of entries as an XML string, every piece of text escaped
 * and every character XML 1.0 forbids taken out. Feeds are small (a few dozen entries of a title
 * and a short excerpt), so a string built in one pass is all it takes; no XML library earns its
 * place for writing it. URLs come in absolute (the feeds take them from PUBLIC_URL, as the
 * sitemap does); the writer only escapes them.
 *
 * Text goes out as type="text": an excerpt is plain text, and a feed reader shows it as such,
 * never as markup. Nothing goes into CDATA, so a title holding "]]>" is just text with "&gt;".
 */

/** The media type of an Atom document. */
export const ATOM_TYPE = 'application/atom+xml';

/** Who wrote an entry: a member's name and their page. */
export interface AtomPerson {
  name: string;
  uri?: string;
}

/** One entry: a thread or a follow-up. */
export interface AtomEntry {
  /** A permanent, absolute IRI for the post (the same in every variant's feed). */
  id: string;
  title: string;
  /** The page the entry is read on (rel="alternate"), absolute. */
  link: string;
  /** When it was written. */
  published: Date;
  /** When it last changed: its last edit, else when it was written. */
  updated: Date;
  author: AtomPerson;
  /** Plain text, already cut to length. */
  summary: string;
  /** Where it was posted (the board), as an atom:category. */
  category?: { term: string; label: string };
}

/** A whole feed. */
export interface AtomFeed {
  /** The feed's own absolute URL: its id and its rel="self" link. */
  self: string;
  /** The page the feed follows (rel="alternate"), absolute. */
  alternate: string;
  title: string;
  subtitle?: string;
  /** The language of its text (xml:lang), e.g. zh-Hant-TW. */
  lang?: string;
  /** When the feed last changed in a way a reader would care about. */
  updated: Date;
  /** The feed's generator (the site's name). */
  generator?: string;
  /** Who the feed is by (the site): Atom asks for one unless every entry names its own (an empty feed). */
  author?: AtomPerson;
  entries: AtomEntry[];
}

const NS = 'http://www.w3.org/2005/Atom';

/**
 * Characters XML 1.0 does not allow at all (C0 controls but tab, line feed and carriage return;
 * unpaired surrogates; U+FFFE and U+FFFF), and the C1 controls and DEL it discourages: none of
 * them means anything in a title or an excerpt, and one of the first kind makes the whole feed
 * unreadable to every parser.
 */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for an element's content or a quoted attribute: forbidden characters out, markup escaped. */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** An element holding text. */
const element = (name: string, text: string, attributes = '') => `<${name}${attributes}>${xmlText(text)}</${name}>`;
const link = (rel: string, href: string, type?: string) =>
  `<link rel="${rel}"${type ? ` type="${xmlText(type)}"` : ''} href="${xmlText(href)}"/>`;

const person = (p: AtomPerson) => `<author>${element('name', p.name)}${p.uri ? element('uri', p.uri) : ''}</author>`;

function entryXml(e: AtomEntry): string {
  const author = person(e.author);
  const category = e.category ? `<category term="${xmlText(e.category.term)}" label="${xmlText(e.category.label)}"/>` : '';
  return (
    `<entry>${element('id', e.id)}${element('title', e.title, ' type="text"')}${link('alternate', e.link, 'text/html')}` +
    `${element('published', e.published.toISOString())}${element('updated', e.updated.toISOString())}${author}${category}` +
    `${element('summary', e.summary, ' type="text"')}</entry>\n`
  );
}

/** The feed as an XML document (UTF-8). */
export function renderAtom(feed: AtomFeed): string {
  const lang = feed.lang ? ` xml:lang="${xmlText(feed.lang)}"` : '';
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="${NS}"${lang}>\n` +
    `${element('id', feed.self)}${element('title', feed.title, ' type="text"')}` +
    `${feed.subtitle ? element('subtitle', feed.subtitle, ' type="text"') : ''}` +
    `${element('updated', feed.updated.toISOString())}` +
    `${link('self', feed.self, ATOM_TYPE)}${link('alternate', feed.alternate, 'text/html')}` +
    `${feed.author ? person(feed.author) : ''}${feed.generator ? element('generator', feed.generator) : ''}\n` +
    `${feed.entries.map(entryXml).join('')}</feed>\n`
  );
}
