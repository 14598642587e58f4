/**
 * Quotes (引用) of a post in another one, in text and markdown alike: a block of lines starting
 * with "> ", the first naming its source with a link back to the quoted post.
 *
 *     > [張三](/t/123) 寫道：
 *     > the selected text, or the quoted post's first paragraph
 *
 * Markdown reads this as a blockquote whose first line links to /t/123; the text format reads it
 * the same way (text/formats.ts) and renders the same HTML, so a quote looks alike whichever
 * format its author chose. The composer writes the attribution in the page's script; the words
 * after the link are free text, only the link says which post is quoted.
 *
 * The name in the brackets is not trusted: on write (posts, edits, 悄悄話, previews and
 * posts:resanitize) the posts layer replaces it with the name of the quoted post's author, read
 * from the database by the post id (posts.quotes.ts resolveQuotes), and marks the link
 * `class="quote-author"`, the only attribution the stylesheet shows as one. A quote naming a post
 * that does not exist keeps its words as plain text, unlinked: anyone can write "張三 寫道：" by
 * hand, and it then reads as the quoter's own words, not as an attribution. What the quote says
 * is the quoter's responsibility (a selection, shortened or not); the link back lets a reader
 * check it against the post.
 */

/** A quote's attribution at the start of its first line: "[name](/t/<id>)". */
export const QUOTE_ATTRIBUTION = /^\[([^\]\n]{1,64})\]\(\/t\/(\d{1,19})\)/;

// A quote's attribution as both formats render it, once sanitized: a blockquote whose first
// paragraph starts with a link to a post.
const QUOTED_POST = /<blockquote>\s*<p>\s*<a href="\/t\/(\d{1,19})"/g;

// The same, whole: the link's own attributes and its content (text only: links do not nest).
const ATTRIBUTION_LINK = /(<blockquote>\s*<p>\s*)<a href="\/t\/(\d{1,19})"[^>]*>([\s\S]*?)<\/a>/g;

/** The class of an attribution the server wrote (resolveQuotes), and only of those. */
export const QUOTE_AUTHOR_CLASS = 'quote-author';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A sanitized body with each quote's attribution written from `authors` (post id → its author's
 * name): the link's text becomes the name and the link gets the attribution's class; a post not in
 * `authors` (there is none with that id) leaves the link's text as plain text. Any attribution class
 * elsewhere (HTML written through the API may carry one) is dropped first, so only these carry it.
 */
export function attributeQuotes(html: string, authors: ReadonlyMap<string, string>): string {
  const plain = html.includes(QUOTE_AUTHOR_CLASS) ? html.replace(/ class="quote-author"/g, '') : html;
  if (!plain.includes('<blockquote>')) return plain;
  return plain.replace(ATTRIBUTION_LINK, (_m, lead: string, id: string, text: string) => {
    const name = authors.get(id);
    return name === undefined ? `${lead}${text}` : `${lead}<a href="/t/${id}" class="${QUOTE_AUTHOR_CLASS}">${escapeHtml(name)}</a>`;
  });
}

/** Posts quoted (with an attribution) by a sanitized body, once each, in order; at most `max`. */
export function quotedPostIds(html: string, max: number): string[] {
  if (!html.includes('<blockquote>')) return [];
  const ids = new Set<string>();
  for (const m of html.matchAll(QUOTED_POST)) {
    ids.add(m[1]!);
    if (ids.size >= max) break;
  }
  return [...ids];
}

/**
 * A post's first paragraph as plain text, from its sanitized body: its own quotes left out (a
 * quote of a quote repeats what the thread already says), line breaks kept. '' for a body with no
 * text of its own.
 */
export function firstParagraph(html: string): string {
  let own = html;
  // Innermost first, until none is left: nested quotes go with the quote holding them.
  for (let before = ''; before !== own;) {
    before = own;
    own = own.replace(/<blockquote>(?:(?!<blockquote>)[\s\S])*?<\/blockquote>/g, '');
  }
  const block = /<(p|li|pre)>([\s\S]*?)<\/\1>/.exec(own)?.[2] ?? own;
  return decodeText(block.replace(/<br\s*\/?>\n?/g, '\n').replace(/<[^>]*>/g, '')).trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Text of sanitized HTML with its character references as the characters they stand for. */
function decodeText(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, name: string) => ENTITIES[name]!);
}

/**
 * A quote of a post, to go into a reply as its author writes it: the attribution (`wrote`, the
 * words after the name in the page's script), then `text` (a selection, or the first paragraph)
 * with every line behind "> ", and a blank line after it to write below.
 */
export function quoteSource(author: string, postId: string, text: string, wrote: string): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((line) => `> ${line}`.trimEnd());
  return `> [${author}](/t/${postId}) ${wrote}\n${lines.join('\n')}\n\n`;
}
