import { sql } from 'kysely';
import type { Db } from '../db/database';

/** A member's own data for /settings: the export and the deletion of an account. SQL only. */

/** A batch of the member's posts (deleted ones too: they are theirs), oldest first, after id `after`. */
export function findOwnPosts(db: Db, memberId: string, after: string, limit: number) {
  return db
    .selectFrom('posts')
    .innerJoin('boards', 'boards.id', 'posts.board_id')
    .select([
      'posts.id',
      'boards.slug as board',
      'posts.thread_id',
      'posts.parent_id',
      'posts.title',
      'posts.body',
      'posts.bytes',
      'posts.created_at',
      'posts.edited_at',
      'posts.deleted_at',
    ])
    .where('posts.author_id', '=', memberId)
    .where('posts.id', '>', after)
    .orderBy('posts.id')
    .limit(limit)
    .execute();
}

/**
 * A batch of the 悄悄話 the member sent or received and has not deleted from their side, oldest
 * first, after id `after`. The party check is the where clause: nothing else is ever read.
 */
export function findOwnMessages(db: Db, memberId: string, after: string, limit: number) {
  return db
    .selectFrom('messages')
    .innerJoin('users as sender', 'sender.id', 'messages.sender_id')
    .innerJoin('users as recipient', 'recipient.id', 'messages.recipient_id')
    .select([
      'messages.id',
      'messages.conversation_id',
      'sender.name as from',
      'recipient.name as to',
      'messages.title',
      'messages.body',
      'messages.quoted_post_id',
      'messages.created_at',
      'messages.read_at',
    ])
    .where((eb) =>
      eb.or([
        eb.and([eb('messages.sender_id', '=', memberId), eb('messages.sender_deleted_at', 'is', null)]),
        eb.and([eb('messages.recipient_id', '=', memberId), eb('messages.recipient_deleted_at', 'is', null)]),
      ]),
    )
    .where('messages.id', '>', after)
    .orderBy('messages.id')
    .limit(limit)
    .execute();
}

/**
 * Deletes an account, keeping its row: its name stays reserved (registration finds it taken) and
 * its posts keep their author. What the member set up goes: profile, email, preferences, sessions,
 * follows both ways, their ignores, muted threads and read positions, their unused tokens. Returns false when the
 * account was deleted already.
 */
export async function deleteAccount(db: Db, memberId: string): Promise<boolean> {
  const updated = await db
    .updateTable('users')
    .set({
      deleted_at: sql<Date>`now()`,
      profile: '',
      profile_variant: 'other',
      // The default avatar shows; the picture, unused now, goes with the uploads' cleanup.
      avatar_hash: null,
      hide_last_seen: true,
      last_seen_on: null,
      notify_prefs: '{}',
      email: null,
      email_verified_at: null,
      digest: false,
    })
    .where('id', '=', memberId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await db.deleteFrom('sessions').where('user_id', '=', memberId).execute();
  await db
    .deleteFrom('follows')
    .where((eb) => eb.or([eb('follower_id', '=', memberId), eb('followee_id', '=', memberId)]))
    .execute();
  await db.deleteFrom('ignores').where('member_id', '=', memberId).execute();
  await db.deleteFrom('thread_mutes').where('member_id', '=', memberId).execute();
  await db.deleteFrom('thread_reads').where('user_id', '=', memberId).execute();
  await db.deleteFrom('tokens').where('user_id', '=', memberId).execute();
  return true;
}
