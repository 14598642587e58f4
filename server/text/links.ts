/**
 * Counts what a new member's post may hold only a few of (issue 14, trust levels): links to
 * other sites and images, in a sanitized body. A link is an <a> whose target leaves the site
 * (http:, https:, mailto: or protocol-relative) or an address written as text (https://…, www.…) outside
 * any link: spammers paste bare addresses too. Links to the site's own paths (mentions, /t/1)
 * are not counted.
 */

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
