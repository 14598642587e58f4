import sanitizeHtml from 'sanitize-html';

/**
 * The one allowlist for post bodies: paragraphs and line breaks, bold/italic/underline, lists,
 * quotes, code, links (http, https, mailto; always rel="nofollow ugc noopener") and http(s)
 * images or images uploaded here (/uploads/…). Everything else is dropped; the text inside dropped tags is kept, except in script,
 * style and similar, whose content goes too.
 */
const SAFE_HREF = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;
const MEMBER_PAGE = /^\/u\/[^/?#"]+$/;
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
  // Only our own mention links (text/mentions.ts) carry a class.
  allowedClasses: { a: ['mention'] },
  transformTags: {
    // A link whose target is not http(s), mailto or a path on this site becomes its bare text
    // (the span is not allowed, so only its content stays). A mention link to a member's page
    // keeps exactly its stored form (the posts layer links mentions after sanitizing, and scans
    // them again on every edit), so sanitizing a stored body again changes nothing.
    a: (tagName, attribs): sanitizeHtml.Tag =>
      attribs.class === 'mention' && MEMBER_PAGE.test(attribs.href ?? '')
        ? { tagName, attribs: { href: attribs.href!, class: 'mention' } }
        : SAFE_HREF.test(attribs.href?.trim() ?? '')
          ? { tagName, attribs: { ...withoutClass(attribs), rel: 'nofollow ugc noopener', target: '_blank' } }
          : { tagName: 'span', attribs: {} },
  },
  // Images only from http(s) URLs or this site's uploaded images (/uploads/<hash>…, served with
  // their own strict headers): no data:, no other relative paths, no empty src.
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^(?:https?:\/\/|\/uploads\/[0-9a-f]{64}\.)/i.test(frame.attribs.src ?? ''),
};

const LOOKS_LIKE_HTML = /<[a-zA-Z/!]/;

/** Plain text (a form's textarea): paragraphs on blank lines, <br> on single line breaks. */
function textToHtml(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .split(/\n[ \t]*\n+/)
    .map((para) => para.trim())
    .filter(Boolean)
    .map((para) => `<p>${escape(para).replace(/\n/g, '<br />')}</p>`)
    .join('');
}

/**
 * Makes a body safe to store and serve: HTML goes through the allowlist; text without markup is
 * turned into paragraphs. A body with no visible content becomes '' (a title-only post).
 */
export function sanitizeBody(input: string): string {
  const normalized = input.replace(/\r\n?/g, '\n').normalize('NFC');
  if (!normalized.trim()) return '';
  const html = LOOKS_LIKE_HTML.test(normalized) ? normalized : textToHtml(normalized);
  const clean = sanitizeHtml(html, OPTIONS).trim();
  // Only empty paragraphs and breaks left: nothing to read.
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
