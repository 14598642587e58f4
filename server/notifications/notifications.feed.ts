import type { Kysely } from 'kysely';
import type { TextCache } from '../caches';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import type { Variant } from '../variants';
import { catalogFor } from '../views/layout';
import * as repo from './notifications.repository';
import { present } from './notifications.service';

/**
 * Live delivery of a notification (the realtime server's `notification` feed, wired in app.ts):
 * the process that holds the member's sockets heard "member M has notification I" (ids only, on
 * any LISTENer of the database) and reads the row back here, for that member only, in the variant
 * the socket reads in. Someone else's id, or a row gone meanwhile, gives nothing to send.
 */

/** What the feed gives for one notification: NotificationNewEvent without the unread counts. */
export interface NotificationFeedPayload {
  id: string;
  kind: string;
  text: string;
  url: string;
  createdAt: string;
}

/** The `notification` feed, wording in `timeZone` and converting titles through `conversions`. */
export function notificationFeed(options: { timeZone: string; conversions: TextCache }) {
  return async (
    db: Kysely<Database>,
    memberId: string,
    id: string,
    v: Variant | 'original',
  ): Promise<NotificationFeedPayload | undefined> => {
    const row = isId(id) && isId(memberId) ? await repo.findOne(db, memberId, id) : undefined;
    if (!row) return undefined;
    const variant = v === 'original' ? undefined : v;
    // Sent to the member's own pages: a ban's end (the one time a notice writes) in their own zone.
    const own =
      row.kind === 'banned'
        ? (await db.selectFrom('users').select('time_zone').where('id', '=', memberId).executeTakeFirst())?.time_zone
        : null;
    const wording = { t: catalogFor(variant).t, variant, timeZone: own || options.timeZone, conversions: options.conversions };
    const [n] = present([row], wording);
    return { id: n!.id, kind: n!.kind, text: n!.text, url: n!.url, createdAt: n!.createdAt.toISOString() };
  };
}
