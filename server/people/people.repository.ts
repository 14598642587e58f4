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

/** Deletes an account (members/members.repository.ts, where the admin console finds it too). */
export { deleteAccount } from '../members/members.repository';
