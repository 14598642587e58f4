import type { Transaction } from 'kysely';
import type { Database, HeldPostRow } from '../db/database';
import type { Member } from '../db/member';
import { AppError, notFound } from '../errors';
import { notifyExpression } from '../events/notices';
import { formatAnnouncement, recordThreadEvent } from '../events/thread-events';
import { searchDocument } from '../text/search-terms';
import * as repo from './posts.write.repository';
import { type MentionedMember, findMentions, mentionsToNotify } from './posts.mentions';
import { type Post, toPost } from './posts.model';
import { notifyThread, replyNotices } from './posts.notices';
import { type QuotedMember, resolveQuotes } from './posts.quotes';
import { MAX_DEPTH, tooDeep } from './posts.refusals';

/** Publishing a held post once a moderator approves it, and the follow-up's write that it and a reply share. */

/** What publishing a held post wrote: the post, in its thread on its board. */
export interface Published {
  postId: string;
  threadId: string;
  boardId: string;
}

/**
 * Publishes an approved held post inside the moderator's transaction, as a thread or a reply is
 * written (its post id taken now, so readers see it as new; its event, live delivery on commit;
 * the notices of its mentions, its parent's author and its thread's starter), with the time it was
 * written. A reply is refused as a reply would be when its parent is gone, deleted or too deep or
 * its thread locked (the moderator can reject it instead); the author's bans, limits and slow mode
 * do not apply: a moderator decided.
 */
export async function publishHeld(tx: Transaction<Database>, held: HeldPostRow, author: Member): Promise<Published> {
  const mentions = await findMentions(tx, held.title, held.body);
  const { notified } = mentionsToNotify(mentions.members, author.id);
  // Quotes notify only now, once the post is public (posts.quotes.ts); attributed now too.
  const { body, quoted } = await resolveQuotes(tx, mentions.body, held.parent_id ?? undefined);
  const content = {
    authorId: author.id,
    title: held.title,
    body,
    bytes: held.bytes,
    format: held.format,
    // A null source: the body is its own (held before formats).
    source: held.source ?? held.body,
    variant: held.variant,
    contentHash: held.content_hash,
    createdAt: held.created_at,
    // Indexed only now: a held post is found by nobody (made from the body as held, as preparePost does).
    searchDoc: searchDocument(held.title, held.body, held.variant),
  };
  const address = held.address ?? undefined;
  if (held.parent_id === null) {
    const postId = await repo.nextPostId(tx);
    await repo.insertPost(
      tx,
      { id: postId, boardId: held.board_id, threadId: postId, parentId: null, path: [postId], ...content },
      address,
    );
    await repo.insertThread(tx, postId, held.board_id);
    await recordThreadEvent(tx, { threadId: postId, boardId: held.board_id, kind: 'post:new', postId });
    await notifyThread(tx, { threadId: postId, authorId: author.id, mentioned: notified, quoted });
    return { postId, threadId: postId, boardId: held.board_id };
  }
  const parentId = held.parent_id;
  const parent = await repo.findReplyContext(tx, parentId, author, null);
  if (!parent || parent.locked === null || parent.seq === null || parent.post_id === null)
    throw notFound('PostNotFound', `The post ${parentId} this follow-up answers is gone.`, { params: { id: parentId } });
  if (parent.deleted_at)
    throw new AppError(409, 'PostDeleted', 'The post this follow-up answers was deleted: reject it instead.', {
      params: { refused: 'reply' },
    });
  if (parent.path.length > MAX_DEPTH) throw tooDeep();
  if (parent.locked)
    throw new AppError(409, 'ThreadLocked', 'The thread is locked: unlock it first, or reject the follow-up.', {
      params: { refused: 'reply' },
    });
  const { post } = await writeReply(
    tx,
    parent,
    { postId: parent.post_id, seq: parent.seq },
    content,
    { mentioned: notified, quoted },
    { duplicateSeconds: 0, slowSeconds: 0 },
    address,
  );
  return { postId: post.id, threadId: parent.thread_id, boardId: parent.board_id };
}

/**
 * Writes a follow-up counted by findReplyContext (its id and event seq taken there) under `parent`:
 * the post, the notices of its parent's author, its thread's starter and the members it mentions
 * and quotes, and its post:new event, in insertReply's one statement, which also answers `checks`.
 */
export async function writeReply(
  tx: Transaction<Database>,
  parent: repo.ReplyContextRow,
  counted: { postId: string; seq: string },
  content: Omit<repo.NewPost, 'id' | 'boardId' | 'threadId' | 'parentId' | 'path'>,
  told: { mentioned: MentionedMember[]; quoted: QuotedMember[] },
  checks: repo.ReplyChecks,
  address: string | undefined,
): Promise<{ post: repo.NewPost; written: repo.WrittenReply }> {
  const { postId, seq } = counted;
  const post: repo.NewPost = {
    id: postId,
    boardId: parent.board_id,
    threadId: parent.thread_id,
    parentId: parent.id,
    path: [...parent.path, postId],
    ...content,
  };
  const notices = replyNotices({
    postId,
    threadId: parent.thread_id,
    authorId: content.authorId,
    parentAuthorId: parent.author_id,
    parentIsRoot: parent.id === parent.thread_id,
    starter: { id: parent.starter_id, muted: parent.starter_muted },
    ...told,
  });
  const payload = formatAnnouncement({ threadId: post.threadId, boardId: post.boardId, seq: Number(seq), kind: 'post:new', postId });
  const written = await repo.insertReply(tx, post, { seq, payload }, notifyExpression(notices), checks, address);
  return { post, written };
}

/** A post just inserted, as getPost would read it back (first revision, not edited, not deleted), with what its author wrote. */
export function writtenPost(p: repo.NewPost, createdAt: Date, author: Member): Post {
  const post = toPost({
    id: p.id,
    board_id: p.boardId,
    thread_id: p.threadId,
    parent_id: p.parentId,
    path: p.path,
    depth: p.path.length - 1,
    author_id: p.authorId,
    title: p.title,
    body: p.body,
    bytes: p.bytes,
    variant: p.variant,
    created_at: createdAt,
    edited_at: null,
    edited_role: null,
    revision: 0,
    deleted_at: null,
    deleted_by: null,
    deleted_role: null,
    edit_reason: null,
    deleted_reason: null,
    author_name: author.name,
    author_role: author.role,
    editor_name: null,
  });
  return { ...post, written: { format: p.format, source: p.source } };
}
