import type { Transaction } from 'kysely';
import type { Database, ReportResolution } from '../db/database';
import { notify } from '../events/notices';
import type { Actor } from '../policy/policy';
import { findMentions, mentionsToNotify } from '../posts/posts.mentions';
import { notifyEditedMentions } from '../posts/posts.notices';
import { resolveQuotes } from '../posts/posts.quotes';
import * as repo from './moderation.repository';

/**
 * What moderation tells members, written in the transaction that makes the change (as every
 * notification is: events/notices.ts): a moderator or admin edited or deleted their post, they
 * were banned, a report they made was handled. These reach the member even if they ignore the
 * moderator, and cannot be turned off. A member editing or deleting their own post is told nothing.
 */

/** The post a change was made to, as moderation loaded it. */
interface ChangedPost {
  id: string;
  thread_id: string;
  author_id: string;
}

/** A change by someone other than the author, in a moderator's or admin's role. */
const byModerator = (actor: Actor, post: ChangedPost) => actor.member.id !== post.author_id && actor.role !== 'member';

/**
 * Tells the author a moderator or admin edited ('post-edited') or deleted ('post-deleted') their
 * post, with the reason given; nothing when the author did it themselves.
 */
export async function noticeModerated(
  tx: Transaction<Database>,
  actor: Actor,
  post: ChangedPost,
  kind: 'post-edited' | 'post-deleted',
  reason: string | null,
): Promise<void> {
  if (!byModerator(actor, post)) return;
  await notify(tx, [
    {
      memberId: post.author_id,
      kind,
      actorId: actor.member.id,
      threadId: post.thread_id,
      postId: post.id,
      data: { role: actor.role, reason },
    },
  ]);
}

/** Tells a member they were banned: the reason, until when, and from which board (none: the site). */
export async function noticeBanned(
  tx: Transaction<Database>,
  actor: Actor,
  ban: { userId: string; reason: string; expiresAt: Date; board: { slug: string; name: string } | null },
): Promise<void> {
  await noticeBannedBy(tx, actor.member.id, ban);
}

/** The same notice from an actor by id, or from the site itself (null: the operator at the CLI). */
export async function noticeBannedBy(
  tx: Transaction<Database>,
  actorId: string | null,
  ban: { userId: string; reason: string; expiresAt: Date; board: { slug: string; name: string } | null },
): Promise<void> {
  await notify(tx, [
    {
      memberId: ban.userId,
      kind: 'banned',
      actorId,
      data: { reason: ban.reason, until: ban.expiresAt.toISOString(), board: ban.board?.slug ?? null, boardName: ban.board?.name ?? null },
    },
  ]);
}

/**
 * Closes a post's open reports and tells each reporter how it was handled. Returns how many
 * reports were closed.
 */
export async function closeReports(
  tx: Transaction<Database>,
  actor: Actor,
  post: { id: string; thread_id: string },
  resolution: ReportResolution,
): Promise<number> {
  const reporters = await repo.resolveReports(tx, post.id, actor.member.id, resolution);
  await notify(
    tx,
    [...new Set(reporters)].map((memberId) => ({
      memberId,
      kind: 'report-handled' as const,
      actorId: actor.member.id,
      threadId: post.thread_id,
      postId: post.id,
      data: { resolution },
    })),
  );
  return reporters.length;
}

/**
 * An edit's content with its mentions linked and its quotes attributed again, and the members it newly mentions told once
 * (posts.notices.ts notifyEditedMentions), whoever edited it.
 */
export async function relinkMentions(
  tx: Transaction<Database>,
  actor: Actor,
  post: ChangedPost,
  content: { title: string; body: string },
): Promise<{ body: string; notify: () => Promise<unknown> }> {
  const mentions = await findMentions(tx, content.title, content.body);
  const { notified } = mentionsToNotify(mentions.members, post.author_id);
  // Its quotes attributed again (posts.quotes.ts); an edit notifies no quoted member.
  const { body } = await resolveQuotes(tx, mentions.body);
  return {
    body,
    notify: () => notifyEditedMentions(tx, { postId: post.id, threadId: post.thread_id, editorId: actor.member.id, mentioned: notified }),
  };
}
