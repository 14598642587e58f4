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
 */

/** A quote's attribution at the start of its first line: "[name](/t/<id>)". */
export const QUOTE_ATTRIBUTION = /^\[([^\]\n]{1,64})\]\(\/t\/(\d{1,19})\)/;

// A quote's attribution as both formats render it, once sanitized: a blockquote whose first
// paragraph starts with a link to a post.
const QUOTED_POST = /<blockquote>\s*<p>\s*<a href="\/t\/(\d{1,19})"/g;

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
