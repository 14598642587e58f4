import type { Transaction } from 'kysely';
import type { Database, Db, NotificationKind } from '../db/database';
import { type Notice, notify } from '../events/notices';
import type { MentionedMember } from './posts.mentions';
import type { QuotedMember } from './posts.quotes';

/**
 * Who is told of a new post, decided and written inside the transaction that writes the post
 * (events/notices.ts notify), so a post and its notifications commit together or not at all:
 *
 * - the author of the post replied to: 'reply';
 * - the thread's starter, for a follow-up anywhere in their thread: 'thread-reply', unless they
 *   muted the thread (a direct reply to the starter is their 'reply', not both);
 * - each member mentioned (the first MENTION_NOTIFY_MAX): 'mention' (muting does not stop it);
 * - the author of each post quoted (引用, posts.quotes.ts): 'quote', unless they muted the thread;
 * - for a new thread, each follower of its author: 'followed-thread'.
 *
 * One notification per member and post, the most specific kind winning (reply, then quote, then
 * mention, then thread-reply or followed-thread). notify drops notices to the actor, to members who ignore the
 * actor, to kinds the member turned off and to deleted accounts.
 */

// Lower is more specific: a member told twice of one post is told once, in the most specific way.
const RANK: Partial<Record<NotificationKind, number>> = { reply: 0, quote: 1, mention: 2, 'thread-reply': 3, 'followed-thread': 3 };

/** The notices of one post, one per member, the most specific kind kept. */
function oncePerMember(notices: Notice[]): Notice[] {
  const kept = new Map<string, Notice>();
  for (const n of notices) {
    const had = kept.get(n.memberId);
    if (!had || (RANK[n.kind] ?? 9) < (RANK[had.kind] ?? 9)) kept.set(n.memberId, n);
  }
  return [...kept.values()];
}

/**
 * Whom a new follow-up notifies: its parent's author, the thread's starter, the members it
 * mentions and those it quotes. The reply writes them with the post, in one statement (posts.service reply).
 */
export function replyNotices(reply: {
  postId: string;
  threadId: string;
  authorId: string;
  parentAuthorId: string;
  parentIsRoot: boolean;
  /** The thread's starter and whether they muted the thread (read with the parent: posts.write.repository findReplyContext). */
  starter: { id: string; muted: boolean };
  mentioned: MentionedMember[];
  /** The authors of the posts it quotes (posts.quotes.ts resolveQuotes, which leaves out those who muted the thread). */
  quoted?: QuotedMember[];
}): Notice[] {
  const at = { actorId: reply.authorId, threadId: reply.threadId, postId: reply.postId };
  const notices: Notice[] = [{ ...at, memberId: reply.parentAuthorId, kind: 'reply' }];
  // A reply to the root is a reply to its starter: no second notice.
  if (!reply.parentIsRoot && !reply.starter.muted) notices.push({ ...at, memberId: reply.starter.id, kind: 'thread-reply' });
  for (const m of reply.mentioned) notices.push({ ...at, memberId: m.id, kind: 'mention' });
  for (const q of reply.quoted ?? []) notices.push({ ...at, memberId: q.id, kind: 'quote' });
  return oncePerMember(notices);
}

/** Whom a new thread notifies: its author's followers, the members it mentions and those it quotes. */
export function threadNotices(thread: {
  threadId: string;
  authorId: string;
  followers: readonly string[];
  mentioned: MentionedMember[];
  quoted?: QuotedMember[];
}): Notice[] {
  const at = { actorId: thread.authorId, threadId: thread.threadId, postId: thread.threadId };
  const notices: Notice[] = thread.followers.map((id) => ({ ...at, memberId: id, kind: 'followed-thread' }));
  for (const m of thread.mentioned) notices.push({ ...at, memberId: m.id, kind: 'mention' });
  for (const q of thread.quoted ?? []) notices.push({ ...at, memberId: q.id, kind: 'quote' });
  return oncePerMember(notices);
}

/** Writes a new thread's notices (threadNotices), its author's followers read now: for a held thread published. */
export async function notifyThread(
  tx: Transaction<Database>,
  thread: { threadId: string; authorId: string; mentioned: MentionedMember[]; quoted?: QuotedMember[] },
): Promise<number> {
  const followers = await tx.selectFrom('follows').select('follower_id').where('followee_id', '=', thread.authorId).execute();
  return notify(tx, threadNotices({ ...thread, followers: followers.map((f) => f.follower_id) }));
}

/**
 * An edited post's mentions: a member mentioned by the edit is told once. Members already told of
 * this post in any way (its reply, an earlier mention) are not told again; a second mention of the
 * same member in the same post is refused by notifications_mention_once in any case.
 */
export async function notifyEditedMentions(
  tx: Transaction<Database>,
  post: { postId: string; threadId: string; editorId: string; mentioned: MentionedMember[] },
): Promise<number> {
  if (post.mentioned.length === 0) return 0;
  const ids = post.mentioned.map((m) => m.id);
  const told = await tx
    .selectFrom('notifications')
    .select('member_id')
    .where('post_id', '=', post.postId)
    .where('member_id', 'in', ids)
    .execute();
  const already = new Set(told.map((r) => String(r.member_id)));
  return notify(
    tx,
    post.mentioned
      .filter((m) => !already.has(m.id))
      .map((m) => ({ memberId: m.id, kind: 'mention', actorId: post.editorId, threadId: post.threadId, postId: post.postId })),
  );
}

/** Whether the member muted the thread (its page shows "unmute" then). */
export async function isMuted(db: Db, memberId: string, threadId: string): Promise<boolean> {
  const row = await db
    .selectFrom('thread_mutes')
    .select('thread_id')
    .where('member_id', '=', memberId)
    .where('thread_id', '=', threadId)
    .executeTakeFirst();
  return row !== undefined;
}
