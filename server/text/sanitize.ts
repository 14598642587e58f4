import sanitizeHtml from 'sanitize-html';

/**
 * The one allowlist for post bodies: paragraphs and line breaks, bold/italic/underline, lists,
 * quotes, code, links (http, https, mailto; always rel="nofollow ugc noopener") and http(s)
 * images or images uploaded here (/uploads/…). Everything else is dropped; the text inside dropped tags is kept, except in script,
 * style and similar, whose content goes too.
 */
const SAFE_HREF = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;
const MEMBER_PAGE = /^\/u\/[^/?#"]+$/;
const POST_PAGE = /^\/t\/\d{1,19}$/;
const withoutClass = ({ class: _class, ...rest }: Record<string, string>) => rest;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'a', 'img'],
  allowedAttributes: {
    // rel and target are always set by the transform below, whatever the input said.
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'title', 'width', 'height'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'iframe', 'object', 'template'],
  enforceHtmlBoundary: false,
  // Only our own mention links (text/mentions.ts) and quote attributions (text/quotes.ts) carry a class.
  allowedClasses: { a: ['mention', 'quote-author'] },
  transformTags: {
    // A link whose target is not http(s), mailto or a path on this site becomes its bare text
    // (the span is not allowed, so only its content stays). A mention link to a member's page
    // keeps exactly its stored form (the posts layer links mentions after sanitizing, and scans
    // them again on every edit), so sanitizing a stored body again changes nothing.
    a: (tagName, attribs): sanitizeHtml.Tag =>
      attribs.class === 'mention' && MEMBER_PAGE.test(attribs.href ?? '')
        ? { tagName, attribs: { href: attribs.href!, class: 'mention' } }
        : // An attribution keeps its form too; the posts layer writes every one again (quotes.ts attributeQuotes).
          attribs.class === 'quote-author' && POST_PAGE.test(attribs.href ?? '')
          ? { tagName, attribs: { href: attribs.href!, class: 'quote-author' } }
          : SAFE_HREF.test(attribs.href?.trim() ?? '')
            ? { tagName, attribs: { ...withoutClass(attribs), rel: 'nofollow ugc noopener', target: '_blank' } }
            : { tagName: 'span', attribs: {} },
  },
  // Images only from http(s) URLs or this site's uploaded images (/uploads/<hash>…, served with
  // their own strict headers): no data:, no other relative paths, no empty src.
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^(?:https?:\/\/|\/uploads\/[0-9a-f]{64}\.)/i.test(frame.attribs.src ?? ''),
};

/**
 * Passes rendered or written HTML through the allowlist. Only empty paragraphs and breaks left (or
 * nothing at all): '' (a title-only post). Every format ends here (text/formats.ts renderBody).
 */
export function cleanBody(html: string): string {
  const clean = sanitizeHtml(html, OPTIONS).trim();
  const visible = clean
    .replace(/<(p|br|\/p)\s*\/?>/g, '')
    .replace(/&nbsp;/g, '')
    .trim();
  return visible || /<img /.test(clean) ? clean : '';
}

/**
 * A sanitized body with the target of each of its links passed through `to` (a page gives links
 * to paths on this site its variant prefix). Only the href of <a> tags can change: text stays
 * exactly as written, even text that looks like markup (`href="/t/1"` inside <code>). Exact on
 * sanitized HTML only, where a '<' in text or '>' in an attribute value is always escaped, so
 * "<a …>" is always a tag. `to` gets the href as it stands in the markup (entities escaped) and
 * must return it so.
 */
export function mapBodyLinks(body: string, to: (href: string) => string): string {
  if (!body.includes('<a ')) return body;
  return body.replace(/<a\s[^>]*>/g, (tag) => tag.replace(/ href="([^"]*)"/, (_m, url: string) => ` href="${to(url)}"`));
}
