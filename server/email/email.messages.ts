import { type MailListItem, composeMail } from '../mail/mail.templates';
import type { MailMessage } from '../mail/mail.transport';
import type { Variant } from '../variants';
import { catalogFor } from '../views/layout';

/**
 * The emails the site sends, in the member's script: the words from the catalogs
 * (views/messages.email.ts), the layout from mail/. Links are absolute, under PUBLIC_URL and the
 * member's variant prefix, so the page they open is in the same script as the email.
 */

/** How long a verification link works. */
export const VERIFY_HOURS = 24;
/** How long a password reset link works. */
export const RESET_MINUTES = 60;

/** An absolute link to a page of the site, under the variant's prefix (none for traditional by default). */
export function mailLink(publicUrl: URL, variant: Variant | null | undefined, path: string): string {
  return new URL(`${variant ? `/${variant}` : ''}${path}`, publicUrl).href;
}

/** Who an email goes to and in which script. */
interface Recipient {
  to: string;
  name: string;
  variant: Variant | null | undefined;
  /**
   * The site's name in a reader's script as pages show it (app.site.ts siteWords: site.name, live,
   * converted by the site's glossary); absent: the catalog's.
   */
  site?: (variant: Variant | undefined) => string;
}

/**
 * The site's name in an email, as pages show it: the catalog's in the reader's script while
 * site.name is its default, else the admin's name converted to that script.
 */
export function siteNameIn(site: Recipient['site'], variant: Variant | null | undefined): string {
  return site ? site(variant ?? undefined) : catalogFor(variant ?? undefined).t.siteName;
}

/** The link that verifies a new address. */
export function verificationMail(r: Recipient, url: string): MailMessage {
  const { t, lang } = catalogFor(r.variant ?? undefined);
  const w = t.email;
  const subject = w.verifySubject(siteNameIn(r.site, r.variant));
  const body = composeMail({
    lang,
    heading: subject,
    blocks: [
      { kind: 'text', text: w.greeting(r.name) },
      { kind: 'text', text: w.verifyBody(r.name, VERIFY_HOURS) },
      { kind: 'action', label: w.verifyAction, url },
      { kind: 'note', text: w.notYou },
    ],
  });
  return { to: r.to, subject, ...body };
}

/** The link that sets a new password. */
export function resetMail(r: Recipient, url: string): MailMessage {
  const { t, lang } = catalogFor(r.variant ?? undefined);
  const w = t.email;
  const subject = w.resetSubject(siteNameIn(r.site, r.variant));
  const body = composeMail({
    lang,
    heading: subject,
    blocks: [
      { kind: 'text', text: w.greeting(r.name) },
      { kind: 'text', text: w.resetBody(r.name, RESET_MINUTES) },
      { kind: 'action', label: w.resetAction, url },
      { kind: 'note', text: w.resetNotYou },
    ],
  });
  return { to: r.to, subject, ...body };
}

/** What a digest lists and links to. */
export interface DigestContent {
  /** The unread notifications listed, newest first. */
  items: readonly MailListItem[];
  /** How many are unread in all since the last digest (may be more than listed). */
  count: number;
  notificationsUrl: string;
  /** The one-click unsubscribe link (also in List-Unsubscribe). */
  unsubscribeUrl: string;
}

/**
 * The daily digest, with RFC 8058 one-click unsubscribe headers: a mail client POSTs
 * `List-Unsubscribe=One-Click` to the link, and the digest stops.
 */
export function digestMail(r: Recipient, d: DigestContent): MailMessage {
  const { t, lang } = catalogFor(r.variant ?? undefined);
  const w = t.email;
  const more = d.count - d.items.length;
  const subject = w.digestSubject(siteNameIn(r.site, r.variant), d.count);
  const body = composeMail({
    lang,
    heading: subject,
    blocks: [
      { kind: 'text', text: w.greeting(r.name) },
      { kind: 'text', text: w.digestBody(d.count) },
      { kind: 'list', items: d.items },
      ...(more > 0 ? [{ kind: 'text' as const, text: w.digestMore(more) }] : []),
      { kind: 'action', label: w.digestOpen, url: d.notificationsUrl },
      { kind: 'note', text: w.digestWhy, link: { label: w.unsubscribe, url: d.unsubscribeUrl } },
    ],
  });
  return {
    to: r.to,
    subject,
    ...body,
    headers: { 'List-Unsubscribe': `<${d.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
