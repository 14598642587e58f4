import type { Kysely } from 'kysely';
import { getBoard } from '../boards/boards.service';
import type { Database } from '../db/database';
import type { Pace } from '../limits/paced';
import type { Member } from '../db/member';
import { AppError, notFound, validationFailed } from '../errors';
import { type Post, findPostRow, getPost, tombstone } from '../posts/posts.model';
import { authorize } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import * as repo from './moderation.repository';
import { cleanReason } from '../text/reason';
import { log } from './moderation.log';
import { closeReports } from './moderation.notices';

/**
 * Reports: a member reports a post to its board's moderators (once per post), who see the open
 * reports grouped by post and close them by acting on the post or by dismissing them.
 */

/** A post as the report form shows it, to members (a deleted post as its tombstone). */
export async function postForReport(db: Kysely<Database>, member: Member | null, postId: string): Promise<Post> {
  const post = await getPost(db, postId);
  authorize(await actorOn(db, member, post.boardId), 'report', null);
  return tombstone(post);
}

/** Reports a post to its board's moderators, once per member and post; `pace` refuses reports made too fast. */
export async function reportPost(db: Kysely<Database>, member: Member | null, postId: string, input: { reason: string }, pace: Pace) {
  const reason = cleanReason(input.reason);
  if (!reason)
    throw validationFailed('reason', { kind: 'explain', why: 'report' }, 'reason: tell the moderators what is wrong with the post.');
  if (member) await pace('report');
  return db.transaction().execute(async (tx) => {
    const post = await findPostRow(tx, postId);
    const actor = await actorOn(tx, member, post.board_id);
    authorize(actor, 'report', null);
    const report = await repo.insertReport(tx, { postId: post.id, boardId: post.board_id, reporterId: actor.member.id, reason });
    if (!report) throw new AppError(409, 'AlreadyReported', 'You have reported this post already; the moderators will look at it.');
    return { id: report.id, postId: post.id, reason, createdAt: report.created_at };
  });
}

/** A reported post in the queue: the post, how many reported it, and each report. */
export interface QueueEntry {
  post: Post;
  count: number;
  reports: { id: string; reason: string; reporter: string; createdAt: Date }[];
}

/** The board's open reports, grouped by post, oldest first (moderators and admins). */
export async function reportQueue(db: Kysely<Database>, member: Member | null, slug: string): Promise<QueueEntry[]> {
  const board = await getBoard(db, slug);
  authorize(await actorOn(db, member, board.id), 'moderate', null);
  const rows = await repo.findOpenReports(db, board.id);
  const byPost = new Map<string, QueueEntry['reports']>();
  for (const r of rows) {
    const list = byPost.get(r.post_id) ?? [];
    list.push({ id: r.id, reason: r.reason, reporter: r.reporter_name, createdAt: r.created_at });
    byPost.set(r.post_id, list);
  }
  const entries: QueueEntry[] = [];
  for (const [postId, reports] of byPost) entries.push({ post: await getPost(db, postId), count: reports.length, reports });
  return entries;
}

/** Closes a post's open reports without acting on the post. */
export async function dismissReports(
  db: Kysely<Database>,
  member: Member | null,
  postId: string,
  input: { reason?: string },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const post = await findPostRow(tx, postId);
    const actor = await actorOn(tx, member, post.board_id);
    authorize(actor, 'moderate', null);
    const reason = cleanReason(input.reason);
    const closed = await closeReports(tx, actor, post, 'dismissed');
    if (closed === 0) throw notFound('ReportNotFound', 'This post has no open reports.');
    await log(tx, actor, 'dismiss-reports', { boardId: post.board_id, postId: post.id, targetUserId: post.author_id, reason });
    return closed;
  });
}
