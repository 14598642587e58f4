import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import type { TextCache } from '../caches';
import { shownOn, textFor } from '../text/localize';
import type { Variant } from '../variants';
import { findReceivedMessage } from './messages.repository';

/**
 * The live feed of 悄悄話 (realtime.members.ts calls it through memberFeeds() in app.ts): a member
 * event names a member and a message id only, and this reads the message back for that member —
 * only if they are its recipient and have not deleted it — as the `message:new` payload (without
 * the unread counts, which the realtime server adds), its title in the socket's variant.
 */
export function messageFeed(conversions: TextCache) {
  return (db: Kysely<Database>, memberId: string, id: string, variant: Variant | 'original') =>
    messageLine(conversions, db, memberId, id, variant);
}

/** One message read back for the member it was sent to; a 悄悄話 is on no board: the site's glossary applies. */
async function messageLine(conversions: TextCache, db: Kysely<Database>, memberId: string, id: string, variant: Variant | 'original') {
  const row = isId(id) && isId(memberId) ? await findReceivedMessage(db, memberId, id) : undefined;
  if (!row) return undefined;
  return {
    id: row.id,
    from: { name: row.sender_name },
    title: textFor(shownOn(conversions, null), row.title, row.variant, variant === 'original' ? undefined : variant),
    createdAt: row.created_at.toISOString(),
    url: `/messages/${row.id}`,
  };
}
