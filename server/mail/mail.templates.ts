/**
 * The one layout every email uses: a heading and a few blocks, written out twice, as plain text and
 * as simple HTML (no images, no scripts, inline styles only: mail clients drop the rest). Words come
 * from the caller, already in the member's script; this file only lays them out and escapes them.
 */

/** A part of an email's body. */
export type MailBlock =
  /** A paragraph. */
  | { kind: 'text'; text: string }
  /** The link the email is about (verify, reset…): a button in HTML, "label: url" in text. */
  | { kind: 'action'; label: string; url: string }
  /** A list of lines, each optionally a link, with a note after it (who, when). */
  | { kind: 'list'; items: readonly MailListItem[] }
  /** Small print at the end (why this email came, how to stop it). */
  | { kind: 'note'; text: string; link?: { label: string; url: string } };

/** One line of a list block. */
export interface MailListItem {
  text: string;
  url?: string;
  note?: string;
}

/** What composeMail lays out. */
export interface MailContent {
  /** The HTML lang attribute (zh-Hant, zh-Hans…). */
  lang: string;
  heading: string;
  blocks: readonly MailBlock[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const LINK = 'color:#1a4f8b';
const BUTTON = 'display:inline-block;padding:8px 16px;background:#1a4f8b;color:#ffffff;text-decoration:none;border-radius:4px';

function blockText(block: MailBlock): string {
  switch (block.kind) {
    case 'text':
      return block.text;
    case 'action':
      return `${block.label}:\n${block.url}`;
    case 'list':
      return block.items.map((i) => `* ${i.text}${i.note ? ` (${i.note})` : ''}${i.url ? `\n  ${i.url}` : ''}`).join('\n');
    case 'note':
      return `--\n${block.text}${block.link ? `\n${block.link.label}: ${block.link.url}` : ''}`;
  }
}

function blockHtml(block: MailBlock): string {
  switch (block.kind) {
    case 'text':
      return `<p>${esc(block.text)}</p>`;
    case 'action':
      return `<p><a href="${esc(block.url)}" style="${BUTTON}">${esc(block.label)}</a></p>\n<p style="font-size:12px;color:#666">${esc(block.url)}</p>`;
    case 'list':
      return `<ul>${block.items
        .map((i) => {
          const text = i.url ? `<a href="${esc(i.url)}" style="${LINK}">${esc(i.text)}</a>` : esc(i.text);
          return `<li>${text}${i.note ? ` <span style="color:#666">(${esc(i.note)})</span>` : ''}</li>`;
        })
        .join('')}</ul>`;
    case 'note': {
      const link = block.link ? ` <a href="${esc(block.link.url)}" style="${LINK}">${esc(block.link.label)}</a>` : '';
      return `<hr><p style="font-size:12px;color:#666">${esc(block.text)}${link}</p>`;
    }
  }
}

/** The email as plain text and as HTML, from the same words. */
export function composeMail(content: MailContent): { text: string; html: string } {
  const text = [content.heading, ...content.blocks.map(blockText)].join('\n\n') + '\n';
  const html = `<!doctype html>
<html lang="${esc(content.lang)}"><head><meta charset="utf-8"><title>${esc(content.heading)}</title></head>
<body style="font-family:sans-serif;line-height:1.6;color:#222;max-width:600px">
<h1 style="font-size:18px">${esc(content.heading)}</h1>
${content.blocks.map(blockHtml).join('\n')}
</body></html>
`;
  return { text, html };
}
