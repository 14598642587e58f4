import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { textFor } from '../text/localize';
import type { Variant } from '../variants';
import { findReceivedMessage } from './messages.repository';

/**
 * The live feed of 悄悄話 (realtime.members.ts calls it through memberFeeds() in app.ts): a member
 * event names a member and a message id only, and this reads the message back for that member —
 * only if they are its recipient and have not deleted it — as the `message:new` payload (without
 * the unread counts, which the realtime server adds), its title in the socket's variant.
 */
export async function messageFeed(db: Kysely<Database>, memberId: string, id: string, variant: Variant | 'original') {
  const row = isId(id) && isId(memberId) ? await findReceivedMessage(db, memberId, id) : undefined;
  if (!row) return undefined;
  return {
    id: row.id,
    from: { name: row.sender_name },
    title: textFor(row.title, row.variant, variant === 'original' ? undefined : variant),
    createdAt: row.created_at.toISOString(),
    url: `/messages/${row.id}`,
  };
}
