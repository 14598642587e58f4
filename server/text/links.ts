/**
 * Counts what a new member's post may hold only a few of (issue 14, trust levels): links to
 * other sites and images, in a sanitized body. A link is an <a> whose target leaves the site
 * (http:, https:, mailto: or protocol-relative) or an address written as text (https://…, www.…) outside
 * any link: spammers paste bare addresses too. Links to the site's own paths (mentions, /t/1)
 * are not counted. A moderator reviewing a held post is shown where its links go, as text
 * (linkTargets, bodyAsText).
 */

import { htmlText } from './fingerprint';

const ANCHOR = /<a\s[^>]*>[\s\S]*?<\/a>/g;
const EXTERNAL_HREF = / href="(?:https?:\/\/|mailto:|\/\/)/i;
const BARE_ADDRESS = /\b(?:https?:\/\/|www\.)[^\s<]+/gi;

/** Links to other sites in a sanitized body, each written link or bare address once. */
export function countLinks(body: string): number {
  if (!body) return 0;
  let links = 0;
  const rest = body.replace(ANCHOR, (anchor) => {
    if (EXTERNAL_HREF.test(anchor.slice(0, anchor.indexOf('>') + 1))) links++;
    return ' ';
  });
  const text = rest.replace(/<[^>]*>/g, ' ');
  return links + (text.match(BARE_ADDRESS)?.length ?? 0);
}

/** Images in a sanitized body. */
export function countImages(body: string): number {
  return body.match(/<img\s/g)?.length ?? 0;
}

const HREF = / href="([^"]*)"/i;
const IMAGE_SRC = /<img\s[^>]*?src="([^"]*)"[^>]*>/gi;

/** Undoes the escaping a sanitized attribute value carries (&amp; and the like), for showing it as text. */
const unescapeAttribute = (value: string) =>
  value.replace(
    /&(amp|lt|gt|quot|#39|apos);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[e] ?? _,
  );

/**
 * Where a sanitized body's links to other sites go, in order, each once: the targets of its <a>s
 * that leave the site, its images' sources and the addresses written as text. A moderator
 * reviewing a post reads these as text, not as links to follow.
 */
export function linkTargets(body: string): string[] {
  if (!body) return [];
  const targets: string[] = [];
  const rest = body.replace(ANCHOR, (anchor) => {
    const open = anchor.slice(0, anchor.indexOf('>') + 1);
    const href = HREF.exec(open)?.[1];
    if (href !== undefined && EXTERNAL_HREF.test(open)) targets.push(unescapeAttribute(href));
    return ' ';
  });
  for (const m of rest.matchAll(IMAGE_SRC)) targets.push(unescapeAttribute(m[1]!));
  const text = rest.replace(/<[^>]*>/g, ' ');
  for (const m of text.matchAll(BARE_ADDRESS)) targets.push(unescapeAttribute(m[0]));
  return [...new Set(targets)];
}

/**
 * A sanitized body as plain text for a reviewer: paragraphs and line breaks kept as new lines, each
 * link's text followed by where it goes (「文字 <https://…>」), each image as its source; the
 * caller escapes it as any text.
 */
export function bodyAsText(body: string): string {
  // Where the angle brackets around a target go: private-use characters no sanitized body holds,
  // so the tag stripping below leaves them alone.
  const [open, close] = ['\uE000', '\uE001'];
  const text = body
    .replace(ANCHOR, (anchor) => {
      const start = anchor.slice(0, anchor.indexOf('>') + 1);
      const href = HREF.exec(start)?.[1];
      const inner = anchor.slice(start.length, -'</a>'.length);
      return href === undefined ? inner : `${inner} ${open}${href}${close}`;
    })
    .replace(IMAGE_SRC, (_, src: string) => ` ${open}${src}${close} `)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|li|blockquote|pre|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return htmlText(text)
    .replaceAll(open, '<')
    .replaceAll(close, '>')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
