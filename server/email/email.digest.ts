import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import type { MailListItem } from '../mail/mail.templates';
import type { Mailer } from '../mail/mail.transport';
import { postInThread } from '../posts/posts.paths';
import type { TextCache } from '../caches';
import { shownName, shownOn, textFor } from '../text/localize';
import { createToken } from '../tokens/tokens.service';
import type { Variant } from '../variants';
import { catalogFor } from '../views/layout';
import { dateTime } from '../views/time';
import * as repo from './email.repository';
import { digestMail, mailLink } from './email.messages';

/**
 * The daily digest: each member who chose it (and has a verified address) gets at most one email a
 * day listing their notifications still unread that arrived since the last digest, with a one-click
 * unsubscribe link. Run by the job runner (once across processes), hourly: a member is due when no
 * digest was looked at for them within DUE_HOURS (23, so the hour they get it does not creep later
 * each day). A member with nothing unread gets no email, but counts as looked at: the next digest
 * still covers everything since this one.
 *
 * It reads the notifications table directly — member_id, kind, actor_id, thread_id, post_id,
 * created_at, read_at — and the thread's root post for its title; nothing of the notifications
 * feature's code. Rows are listed as the table holds them.
 */

/** The digest job's name on the job runner, and how often it looks for due digests. */
export const DIGEST_JOB = 'email:digest';
export const DIGEST_EVERY_MS = 3_600_000;
/** A digest goes out at most once in this many hours per member. */
export const DUE_HOURS = 23;
/** Notifications listed in one email; the rest are counted ("3 more"). */
const LISTED = 20;
/** Unread notifications counted at most (the subject says "999"). */
const COUNT_CAP = 999;
const BATCH = 100;
/** How long an unsubscribe link in a digest works. */
const UNSUBSCRIBE_DAYS = 60;

/** What the digest job needs. */
export interface DigestDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  log: Logger;
  /** TZ_DISPLAY: the times listed are shown in it. */
  timeZone: string;
  /** The site's name now in a reader's script (app.site.ts siteWords: site.name, live), for the subject. */
  siteName?: (variant: Variant | undefined) => string;
  /** The process's conversion cache: titles are shown by their boards' glossaries (text/localize.ts). */
  conversions: TextCache;
}

type DueMember = Awaited<ReturnType<typeof repo.findDigestsDue>>[number];

/** Sends every due digest; the number of emails sent. Stops between members when `signal` aborts. */
export async function sendDigests(deps: DigestDeps, signal?: AbortSignal): Promise<number> {
  let sent = 0;
  let after = '0';
  for (;;) {
    const due = await repo.findDigestsDue(deps.db, after, DUE_HOURS, BATCH);
    for (const member of due) {
      if (signal?.aborted) return sent;
      try {
        if (await sendDigest(deps, member)) sent++;
      } catch (error) {
        // Not marked sent: tried again at the next run. Other members go on.
        deps.log.warn({ member: member.id, err: { message: (error as Error).message } }, 'digest: not sent');
      }
    }
    if (due.length < BATCH) return sent;
    after = due[due.length - 1]!.id;
  }
}

/** One member's digest; false when nothing was unread (no email). */
async function sendDigest(deps: DigestDeps, member: DueMember): Promise<boolean> {
  // Everything up to the database's "now" of the query that found the member: a notification
  // written a moment later goes in the next digest, never in none.
  const until = member.now;
  const [rows, count] = await Promise.all([
    repo.findUnreadForDigest(deps.db, member.id, member.digest_sent_at, until, LISTED),
    repo.countUnreadForDigest(deps.db, member.id, member.digest_sent_at, until, COUNT_CAP),
  ]);
  if (count === 0 || !member.email) {
    await repo.markDigestSent(deps.db, member.id, until);
    return false;
  }
  const variant = member.mail_variant;
  const link = (path: string) => mailLink(deps.mailer.publicUrl, variant, path);
  const token = await createToken(deps.db, { userId: member.id, purpose: 'unsubscribe', ttlSeconds: UNSUBSCRIBE_DAYS * 86400 });
  const mail = digestMail(
    { to: member.email, name: member.name, variant, site: deps.siteName },
    {
      items: rows.map((r) => digestItem(deps.conversions, r, variant, deps.timeZone, link)),
      count,
      notificationsUrl: link('/notifications'),
      unsubscribeUrl: link(`/email/unsubscribe?token=${token}`),
    },
  );
  await deps.mailer.send(mail);
  await repo.markDigestSent(deps.db, member.id, until);
  return true;
}

type UnreadRow = Awaited<ReturnType<typeof repo.findUnreadForDigest>>[number];

/** One line of the digest: what happened (in the member's script; names as written but 已註銷用戶: shownName), when, and a link to it. */
function digestItem(
  conversions: TextCache,
  r: UnreadRow,
  variant: Variant | null,
  timeZone: string,
  link: (path: string) => string,
): MailListItem {
  const { t } = catalogFor(variant ?? undefined);
  const title =
    r.title !== null && r.variant !== null ? textFor(shownOn(conversions, r.board_id), r.title, r.variant, variant ?? undefined) : r.title;
  const path = r.thread_id === null ? '/notifications' : postInThread(r.thread_id, r.post_id ?? r.thread_id);
  return {
    text: t.email.kinds[r.kind]({ actor: r.actor === null ? r.actor : shownName(r.actor, variant ?? undefined), title }),
    url: link(path),
    note: dateTime({ timeZone, variant: variant ?? undefined }, r.created_at),
  };
}
