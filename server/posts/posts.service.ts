import type { Kysely, Transaction } from 'kysely';
import { type Board, boardArchived, getBoard } from '../boards/boards.service';
import type { BodyFormat, BoardRole, Database, DeletedBy, HeldPostRow, SiteRole, ThreadRow } from '../db/database';
import { isId } from '../db/ids';
import { type DeferredPace, type Pace, deferPace } from '../limits/paced';
import { checkPostCaps } from '../limits/new-member';
import { AppError, notFound, validationFailed } from '../errors';
import { notifyExpression } from '../events/notices';
import { formatAnnouncement, recordThreadEvent } from '../events/thread-events';
import type { Member } from '../db/member';
import { utf8Bytes, writtenBytes } from '../text/bytes';
import { unpinned } from '../text/pins';
import { type ShownOn, htmlFor } from '../text/localize';
import { type SourceVariant, type Variant, detectVariant } from '../text/convert';
import { guessFormat, renderBody } from '../text/formats';
import { contentHash } from '../text/fingerprint';
import { type SearchDocument, searchDocument } from '../text/search-terms';
import { checkTitle } from '../text/title';
import { type Actor, type Rules, authorize, can } from '../policy/policy';
import { actorFromRow, actorOn } from '../policy/policy.repository';
import * as repo from './posts.repository';
import type { NewHeld } from './posts.held.repository';
import { type HeldPost, holdPost, holdReason, reviews } from './posts.held';
import { type MentionedMember, findMentions, mentionsToNotify } from './posts.mentions';
import { notifyThread, replyNotices } from './posts.notices';
import { type QuotedMember, resolveQuotes } from './posts.quotes';
import type { SeenBefore } from './posts.seen';
import { countPost } from '../metrics/metrics';

/** A post, root or follow-up, as pages and the API see it. */
export interface Post {
  id: string;
  boardId: string;
  threadId: string;
  parentId: string | null;
  depth: number;
  title: string;
  /** Sanitized HTML, rendered from what the author wrote; '' for a title-only post. */
  body: string;
  /** UTF-8 bytes of what the author wrote ("(N bytes)"). */
  bytes: number;
  variant: SourceVariant;
  /**
   * What its author wrote and in what format (text/formats.ts): only where the viewer may edit
   * the post (its author, the board's moderators), for an edit to start from.
   */
  written?: Written;
  author: { name: string; role: SiteRole };
  createdAt: Date;
  editedAt: Date | null;
  editedBy: { name: string; role: BoardRole } | null;
  deleted: boolean;
  /** Who deleted it: its author, a moderator or an admin (null when not deleted). */
  deletedBy: DeletedBy | null;
  deletedReason: string | null;
  editReason: string | null;
  /** How many times it was edited (0 = as first written). */
  revision: number;
  authorId: string;
  /** Follow-ups under this post (the whole subtree), when known. */
  replyCount: number;
}

/** A thread's own state (kept on the `threads` row of its root). */
export interface ThreadState {
  threadId: string;
  replyCount: number;
  lastActivityAt: Date;
  seq: number;
  locked: boolean;
  pinned: boolean;
  featured: boolean;
  /** Times it was read (server/reads/): behind by up to READ_FLUSH_MS. */
  readCount: number;
  /** Slow mode: one follow-up per this many seconds per member (0: off; board moderators are exempt). */
  slowModeSeconds: number;
}

/** A body as its author wrote it. */
export interface Written {
  format: BodyFormat;
  source: string;
}

export interface PostInput {
  title: string;
  body?: string;
  /**
   * How the body is written. Absent (the JSON API before formats, deprecated): guessed as before,
   * HTML when the body holds anything like a tag, else text (text/formats.ts guessFormat).
   */
  format?: BodyFormat;
}

/** Largest body, in UTF-8 bytes of what the author wrote. A longer one is refused, never cut. */
export const BODY_MAX_BYTES = 100_000;

/**
 * Deepest follow-up (a root is depth 0). Each level adds 8 bytes to the post's path, and the
 * (thread_id, path) index entry holds a path of about 817 ids at most (PostgreSQL's 2,704-byte
 * btree limit, after compression, whatever the ids' size): beyond that the insert itself fails.
 * 500 leaves room for any id and compression; a reply below it is refused with TooDeep.
 */
export const MAX_DEPTH = 500;

/** The refusal of a follow-up to a post at MAX_DEPTH. */
export const tooDeep = () =>
  new AppError(409, 'TooDeep', `Follow-ups nest at most ${MAX_DEPTH} levels deep: reply to a post higher up the thread.`, {
    params: { max: MAX_DEPTH },
  });

/** The refusal of the same post again (posts.content_hash) within the duplicate window. */
export const duplicatePost = (what: 'reply' | 'thread', seconds: number) =>
  new AppError(
    409,
    'DuplicatePost',
    what === 'reply'
      ? 'You already posted this same follow-up here a moment ago.'
      : 'You already started a thread with this same title and text on this board a moment ago.',
    { params: { what, minutes: Math.ceil(seconds / 60) } },
  );

/** The refusal of a follow-up in slow mode: 429, with when to try again. */
export const slowMode = (seconds: number, wait: number) =>
  new AppError(429, 'SlowMode', `This thread is in slow mode: one follow-up per ${seconds} seconds per member. Try again in ${wait} s.`, {
    params: { seconds, wait },
    retryAfter: wait,
  });

/** A post row as the rest of the application sees it. */
export function toPost(row: repo.PostWithAuthorRow, replyCount = 0): Post {
  return {
    id: row.id,
    boardId: row.board_id,
    threadId: row.thread_id,
    parentId: row.parent_id,
    depth: row.depth,
    title: row.title,
    body: row.body,
    bytes: row.bytes,
    variant: row.variant,
    author: { name: row.author_name, role: row.author_role },
    createdAt: row.created_at,
    editedAt: row.edited_at,
    editedBy: row.edited_at && row.editor_name ? { name: row.editor_name, role: row.edited_role ?? 'member' } : null,
    deleted: row.deleted_at !== null,
    deletedBy:
      row.deleted_at === null ? null : row.deleted_by === row.author_id ? 'author' : row.deleted_role === 'admin' ? 'admin' : 'moderator',
    deletedReason: row.deleted_reason,
    editReason: row.edit_reason,
    revision: row.revision,
    authorId: row.author_id,
    replyCount,
  };
}

/**
 * A deleted post as readers who may not see deleted posts get it: it keeps its place in the tree
 * (a tombstone) and says why it went; its title, body and edit details are gone.
 */
export function tombstone(post: Post): Post {
  return post.deleted ? { ...post, title: '', body: '', bytes: 0, editReason: null } : post;
}

/** A thread's state row as pages and the API see it (board indexes leave slow mode out: 0). */
export function toThreadState(row: Omit<ThreadRow, 'slow_mode_seconds' | 'featured_at'> & { slow_mode_seconds?: number }): ThreadState {
  return {
    threadId: row.thread_id,
    replyCount: row.reply_count,
    lastActivityAt: row.last_activity_at,
    seq: Number(row.seq),
    locked: row.locked,
    pinned: row.pinned,
    featured: row.featured,
    readCount: Number(row.read_count),
    slowModeSeconds: row.slow_mode_seconds ?? 0,
  };
}

/**
 * Maps rows in display order to posts, each with the size of its subtree, in one pass: a post's
 * subtree ends where the next post at its depth or shallower begins, so its size is the distance.
 */
export function toPostsWithCounts(rows: repo.PostWithAuthorRow[]): Post[] {
  const posts = rows.map((r) => toPost(r));
  const open: number[] = []; // indexes of posts whose subtree is still being read
  const close = (end: number) => {
    const j = open.pop()!;
    posts[j]!.replyCount = end - j - 1;
  };
  posts.forEach((post, i) => {
    while (open.length && posts[open[open.length - 1]!]!.depth >= post.depth) close(i);
    open.push(i);
  });
  while (open.length) close(posts.length);
  return posts;
}

/**
 * A body rendered from its source: the source's bytes checked against BODY_MAX_BYTES (what the
 * author wrote is what is counted and limited), then rendered (text/formats.ts renderBody). The
 * one rendering of posts, previews and posts:resanitize.
 */
export function renderPostBody(format: BodyFormat, input: string): { html: string; source: string; bytes: number } {
  // Counted before rendering, on the source as stored (line breaks as \n): a refused body costs no rendering.
  const written = utf8Bytes(input.replace(/\r\n?/g, '\n'));
  if (written > BODY_MAX_BYTES) {
    throw new AppError(
      413,
      'PayloadTooLarge',
      `The body is ${written} bytes; the limit is ${BODY_MAX_BYTES}. Shorten it or split it into follow-ups.`,
      { params: { what: 'body', bytes: written, limit: BODY_MAX_BYTES } },
    );
  }
  const { html, source } = renderBody(format, input);
  return { html, source, bytes: writtenBytes(source) };
}

/** Validates and renders a title and body; refusals say what to fix. */
export function preparePost(input: PostInput): {
  title: string;
  body: string;
  bytes: number;
  format: BodyFormat;
  source: string;
  variant: SourceVariant;
  contentHash: string;
  /** Its search document (text/search-terms.ts): the lexemes are made here, before any transaction. */
  searchDoc: SearchDocument;
} {
  const title = checkTitle(input.title);
  if (!title.ok) throw validationFailed('title', title.invalid, `title: ${title.reason}`);
  const format = input.format ?? guessFormat(input.body ?? '');
  const { html: body, source, bytes } = renderPostBody(format, input.body ?? '');
  // Pins are never converted: the script is the rest's (text/pins.ts).
  const variant = detectVariant(unpinned(`${title.title}\n${body.replace(/<[^>]*>/g, ' ')}`));
  return {
    title: title.title,
    body,
    bytes,
    format,
    source,
    variant,
    contentHash: contentHash(title.title, body),
    searchDoc: searchDocument(title.title, body, variant),
  };
}

/**
 * A body as posting it would store it, for the preview (POST /api/preview, a form's preview
 * button): rendered by renderPostBody (so the same limit, format and allowlist), its mentions
 * linked as findMentions links them, its quotes attributed as resolveQuotes writes them, and, for
 * a reader of another variant, converted as the post would be shown to them. Nothing is written.
 * A body without a format is read as posting reads it.
 */
export async function previewBody(
  db: Kysely<Database>,
  input: { title?: string; body?: string; format?: BodyFormat },
  reader: Variant | undefined,
  /** Where the post would be shown: its board's glossary (and the site's) applies, as it will once posted. */
  on: ShownOn,
): Promise<{ html: string; bytes: number }> {
  const body = input.body ?? '';
  const { html, bytes } = renderPostBody(input.format ?? guessFormat(body), body);
  const title = input.title ?? '';
  const linked = html ? (await resolveQuotes(db, (await findMentions(db, title, html)).body)).body : '';
  // As written, pins read as their first alternative (text/pins.ts).
  if (!reader || !linked) return { html: htmlFor(on, linked, 'other', undefined), bytes };
  // The script it is written in, as posting detects it (a few ms for 10 KB): only to convert it.
  const variant = detectVariant(unpinned(`${title}\n${linked.replace(/<[^>]*>/g, ' ')}`));
  return { html: htmlFor(on, linked, variant, reader), bytes };
}

/**
 * A post just written, with the members it mentions beyond those notified (MENTION_NOTIFY_MAX):
 * their mentions are linked, and the author can be told they were not notified.
 */
export type WrittenPost = Post & { unnotifiedMentions: string[] };

/**
 * What posting gives: the post, published; or, on a board with review on, the held post that
 * waits for a moderator (posts.held.ts), which nobody else sees until it is approved.
 */
export type Submitted = { held: false; post: WrittenPost } | { held: true; heldPost: HeldPost };

/** The post of a submission that was published; a held one is a programming error here. */
function published(submitted: Submitted): WrittenPost {
  if (submitted.held) throw new Error(`post held for review (held post ${submitted.heldPost.id}): use submitThread/submitReply`);
  return submitted.post;
}

/**
 * Starts a thread in a board. Its mentions are linked and, with the author's followers, notified
 * in the same transaction (posts.notices.ts). `pace` refuses threads started too fast and says
 * whether the member is new (a cap on links and images, checkPostCaps). For callers whose members
 * are never held (seeds, tools, benchmarks: `unpaced`); pages and the API use submitThread.
 */
export async function createThread(
  db: Kysely<Database>,
  member: Member,
  boardSlug: string,
  input: PostInput,
  pace: Pace,
): Promise<WrittenPost> {
  return published(await submitThread(db, member, boardSlug, input, pace));
}

/**
 * Starts a thread, or holds it for review: on a board with review on, a new member's thread
 * (or, on a 'links' board, one with a link to another site) waits for a moderator instead.
 */
export async function submitThread(
  db: Kysely<Database>,
  member: Member,
  boardSlug: string,
  input: PostInput,
  pace: Pace,
): Promise<Submitted> {
  const board = await getBoard(db, boardSlug);
  const actor = await actorOn(db, member, board.id);
  authorize(actor, 'post', null);
  if (board.archivedAt) throw boardArchived(board.slug);
  const content = preparePost(input);
  const { caps, newMember } = await pace('thread');
  const duplicateSeconds = pace.duplicateSeconds ?? 0;
  // The board's moderators and admins are never held, whatever their trust.
  const hold = newMember && actor.role === 'member' && reviews(board.review) ? holdReason(board.review, content.body) : null;
  if (hold) {
    checkPostCaps(content.body, caps);
    const heldPost = await holdPost(
      db,
      { boardId: board.id, threadId: null, parentId: null, authorId: member.id, ...content, address: pace.address, reason: hold },
      duplicateSeconds,
    );
    countPost('held');
    return { held: true, heldPost };
  }
  const { id, unnotified } = await db.transaction().execute(async (tx) => {
    if (duplicateSeconds > 0) {
      // Two statements, in this order: the lock first, so the check's snapshot sees a thread the
      // member started at the same moment (repository lockAuthorThreads).
      await repo.lockAuthorThreads(tx, member.id);
      if (await repo.hasDuplicateThread(tx, member.id, board.id, content.contentHash, duplicateSeconds))
        throw duplicatePost('thread', duplicateSeconds);
    }
    const postId = await repo.nextPostId(tx);
    const mentions = await findMentions(tx, content.title, content.body);
    checkPostCaps(mentions.body, caps);
    const quotes = await resolveQuotes(tx, mentions.body);
    await repo.insertPost(
      tx,
      {
        id: postId,
        boardId: board.id,
        threadId: postId,
        parentId: null,
        path: [postId],
        authorId: member.id,
        ...content,
        body: quotes.body,
      },
      pace.address,
    );
    await repo.insertThread(tx, postId, board.id);
    await recordThreadEvent(tx, { threadId: postId, boardId: board.id, kind: 'post:new', postId });
    const { notified, unnotified } = mentionsToNotify(mentions.members, member.id);
    await notifyThread(tx, { threadId: postId, authorId: member.id, mentioned: notified, quoted: quotes.quoted });
    return { id: postId, unnotified };
  });
  countPost('thread');
  const post = await getPost(db, id);
  return {
    held: false,
    post: { ...post, written: { format: content.format, source: content.source }, unnotifiedMentions: unnotified.map((m) => m.name) },
  };
}

/** Thrown inside a reply's transaction to roll it back when the reply is to be held instead. */
class HoldInstead extends Error {
  constructor(readonly held: NewHeld) {
    super('held for review');
  }
}

/** A reply, for callers whose members are never held (seeds, tools, benchmarks); pages and the API use submitReply. */
export async function reply(db: Kysely<Database>, member: Member, parentId: string, input: PostInput, pace: Pace): Promise<WrittenPost> {
  return published(await submitReply(db, member, parentId, input, pace));
}

/** The 404 of a reply to a post that is not there. */
const parentNotFound = (parentId: string) => notFound('PostNotFound', `There is no post ${parentId}.`, { params: { id: parentId } });

/**
 * Replies to any post of a thread that is open, under a post that is not deleted. The parent's
 * author, the thread's starter and the members mentioned are notified in the same transaction.
 * On a board with review on, a new member's reply is held for a moderator instead (posts.held.ts):
 * the board's setting comes with the reply's first statement, and whether the member is new with
 * the pace (decided before the transaction); the transaction, with the thread's counters it took, rolls back, and the
 * held post is written in one of its own.
 *
 * Two statements between BEGIN and COMMIT, whatever the reply (docs/performance.md, "Replies"):
 * one reads the parent, the actor and the starter and counts the reply on its thread
 * (findReplyContext); one writes the post, its notifications and its event (insertReply). The
 * post is answered from what the transaction wrote, not read back.
 * `pace` refuses follow-ups posted too fast (by the member or from their address), and says
 * whether the member is new (a cap on links and images, checkPostCaps).
 */
export async function submitReply(
  db: Kysely<Database>,
  member: Member,
  parentId: string,
  input: PostInput,
  pace: Pace,
): Promise<Submitted> {
  if (!isId(parentId)) throw parentNotFound(parentId);
  // The limits' points are spent by the reply's first statement, not by one of their own
  // (docs/performance.md, "Posting limits"): a refused follow-up gives its points back there and
  // never locks the thread row; one refused for anything else, or held, spends them on its own
  // afterwards. What needs no statement is decided now: whether the member is new, and a refusal
  // without a statement while this process knows the member's window is full.
  const paced = await deferPace(pace, 'reply');
  try {
    return await replyPaced(db, member, parentId, input, pace, paced);
  } catch (error) {
    await paced.spendAfterRollback();
    if (!(error instanceof HoldInstead)) throw error;
    const heldPost = await holdPost(db, error.held, pace.duplicateSeconds ?? 0);
    countPost('held');
    return { held: true, heldPost };
  }
}

/** submitReply once its pace is deferred; a hold comes out as HoldInstead, after the transaction rolled back. */
async function replyPaced(
  db: Kysely<Database>,
  member: Member,
  parentId: string,
  input: PostInput,
  pace: Pace,
  { newMember, caps, spending, settle }: DeferredPace,
): Promise<Submitted> {
  const content = preparePost(input);
  // Which members exist is no part of the reply's transaction: asked before it (and only when the
  // post has an @ at all), so the thread row is not held locked meanwhile.
  const mentions = await findMentions(db, content.title, content.body);
  checkPostCaps(mentions.body, caps);
  const { notified, unnotified } = mentionsToNotify(mentions.members, member.id);
  // The posts it quotes, likewise before the transaction (only when it holds a quote at all): their
  // authors' names for the attributions, and who is notified.
  const { body, quoted } = await resolveQuotes(db, mentions.body, parentId);
  const written = await db.transaction().execute(async (tx) => {
    const parent = await repo.findReplyContext(tx, parentId, member, spending);
    if (!parent) throw parentNotFound(parentId);
    settle(parent.paced_until === null ? null : Number(parent.paced_until));
    authorize(actorFromRow(member, parent), 'post', null);
    if (parent.archived) throw boardArchived(parent.board_slug);
    if (parent.deleted_at)
      throw new AppError(409, 'PostDeleted', 'That post was deleted: reply to another one.', { params: { refused: 'reply' } });
    if (parent.path.length > MAX_DEPTH) throw tooDeep();
    if (parent.locked === null || parent.seq === null || parent.post_id === null) throw parentNotFound(parentId);
    if (parent.locked)
      throw new AppError(409, 'ThreadLocked', 'This thread is locked: no new follow-ups.', { params: { refused: 'reply' } });
    // Moderators of the board and admins are never held; anyone else only while new.
    if (reviews(parent.review) && !parent.moderates && member.role !== 'admin') {
      const hold = newMember ? holdReason(parent.review, content.body) : null;
      if (hold) {
        throw new HoldInstead({
          boardId: parent.board_id,
          threadId: parent.thread_id,
          parentId: parent.id,
          authorId: member.id,
          ...content,
          address: pace.address,
          reason: hold,
        });
      }
    }
    // Board moderators (and admins) are exempt from slow mode: they are the ones running the thread.
    const slowSeconds = parent.moderates ? 0 : (parent.slow_mode_seconds ?? 0);
    const { post, written } = await writeReply(
      tx,
      parent,
      { postId: parent.post_id, seq: parent.seq },
      { authorId: member.id, ...content, body },
      { mentioned: notified, quoted },
      { duplicateSeconds: pace.duplicateSeconds ?? 0, slowSeconds },
      pace.address,
    );
    if (written.duplicate) throw duplicatePost('reply', pace.duplicateSeconds ?? 0);
    if (written.last_reply_at) {
      // created_at is the transaction's now(): the same clock the previous reply was stamped by.
      const wait = Math.ceil((written.last_reply_at.getTime() + slowSeconds * 1000 - written.created_at.getTime()) / 1000);
      if (wait > 0) throw slowMode(slowSeconds, wait);
    }
    return { post, createdAt: written.created_at };
  });
  countPost('reply');
  return {
    held: false,
    post: { ...writtenPost(written.post, written.createdAt, member), unnotifiedMentions: unnotified.map((m) => m.name) },
  };
}

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
async function writeReply(
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
  const payload = formatAnnouncement({ threadId: post.threadId, boardId: post.boardId, seq: Number(seq), kind: 'post:new' });
  const written = await repo.insertReply(tx, post, { seq, payload }, notifyExpression(notices), checks, address);
  return { post, written };
}

/** A post just inserted, as getPost would read it back (first revision, not edited, not deleted), with what its author wrote. */
function writtenPost(p: repo.NewPost, createdAt: Date, author: Member): Post {
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

/** The post with this id (deleted ones included), or a 404. */
export async function findPostRow(db: Parameters<typeof repo.findPost>[0], id: string): Promise<repo.PostWithAuthorRow> {
  const row = isId(id) ? await repo.findPost(db, id) : undefined;
  if (!row) throw notFound('PostNotFound', `There is no post ${id}.`, { params: { id } });
  return row;
}

/** One post, as stored (deleted posts included, with their content). */
export async function getPost(db: Kysely<Database>, id: string): Promise<Post> {
  return toPost(await findPostRow(db, id));
}

/**
 * What the viewer may do to a post, decided here so views only show the buttons (the services
 * check again when one is used).
 */
export interface PostPermissions {
  edit: boolean;
  delete: boolean;
  restore: boolean;
  lock: boolean;
  pin: boolean;
  feature: boolean;
  report: boolean;
}

/** What `actor` may do to `post` in `thread` under `rules`; null for a reader who is not logged in. */
export function permissionsFor(
  actor: Actor | null,
  post: Post,
  thread: ThreadState,
  rules: Rules,
  board?: Pick<Board, 'archivedAt'>,
): PostPermissions | null {
  if (!actor) return null;
  // An archived board is read-only (moderation.service.ts refuses with 409 BoardArchived): no
  // edits or thread changes for anyone; deleting and restoring by admins only (a takedown).
  const archived = Boolean(board?.archivedAt);
  const open = !archived;
  const takedown = open || actor.role === 'admin';
  const facts = { authorId: post.authorId, createdAt: post.createdAt, deleted: post.deleted, locked: thread.locked };
  const isRoot = post.parentId === null;
  const own = post.authorId === actor.member.id;
  return {
    edit: open && can(actor, 'edit', facts, rules),
    delete: takedown && can(actor, 'delete', facts, rules),
    restore: takedown && post.deleted && can(actor, 'restore', facts, rules),
    lock: open && isRoot && can(actor, 'lock', facts, rules),
    pin: open && isRoot && can(actor, 'pin', facts, rules),
    feature: open && isRoot && can(actor, 'feature', facts, rules),
    // Anyone logged in may report, banned or not; reporting one's own or a deleted post makes no sense.
    report: !own && !post.deleted && can(actor, 'report', facts, rules),
  };
}

/**
 * A post's page without its follow-ups: what every window of it shows around them
 * (posts.windows.ts getPostWindow).
 */
export interface PostHead {
  post: Post;
  thread: ThreadState;
  root: Post;
  board: Board;
  /** What the viewer may do to the post; null for a reader who is not logged in. */
  can: PostPermissions | null;
  /** The viewer muted the thread (no 'thread-reply' notices); null for a reader who is not logged in. */
  muted: boolean | null;
  /**
   * The reader's position in the thread before this visit (posts.seen.ts): the follow-ups with an
   * id above `seen.postId` are new to them. Set by the thread page; absent elsewhere, null when
   * the reader has none.
   */
  seen?: SeenBefore | null;
}

/**
 * The post with what its author wrote (`written`) when `viewer` may edit it: its author (within
 * the edit window), the board's moderators, admins. Anyone else gets the post as it is.
 */
export async function withWritten(
  db: Kysely<Database>,
  viewer: Member | null,
  post: Post,
  thread: ThreadState,
  rules: Rules,
): Promise<Post> {
  if (!viewer || post.deleted) return post;
  const actor = await actorOn(db, viewer, post.boardId);
  const facts = { authorId: post.authorId, createdAt: post.createdAt, deleted: post.deleted, locked: thread.locked };
  if (!can(actor, 'edit', facts, rules)) return post;
  const written = await repo.findSource(db, post.id);
  return written ? { ...post, written } : post;
}

/**
 * Renders every stored body again from what its author wrote (after the sanitizer's rules or a
 * format's rendering change) and stores the result where it differs, with its mentions linked
 * and its quotes attributed again (from the quoted posts' authors as they are now), its
 * fingerprint and its search document. A body from before formats that was HTML is its own
 * source, so it is sanitized again, as before. Returns how many bodies changed.
 */
export async function resanitizeAll(db: Kysely<Database>, onProgress: (done: number, total: number) => void): Promise<number> {
  const total = await repo.countPosts(db);
  let done = 0;
  let changed = 0;
  for (let after = '0'; ;) {
    const batch = await repo.findBodies(db, after, 500);
    if (batch.length === 0) break;
    for (const row of batch) {
      // Stored bodies were accepted once: no limit is checked again.
      const { html, source } = renderBody(row.format, row.source);
      const bytes = writtenBytes(source);
      const mentions = await findMentions(db, row.title, html);
      const { body } = await resolveQuotes(db, mentions.body);
      if (body === row.body) continue;
      const content = { body, bytes, source, contentHash: contentHash(row.title, body) };
      // The change is an edit for live readers and caches: a thread event, in the same transaction.
      const done = await db.transaction().execute(async (tx) => {
        const updated = await repo.updateBodyIfUnchanged(tx, row.id, row.body, content);
        if (!updated) return false;
        await repo.upsertSearchDoc(tx, row.id, searchDocument(row.title, body, row.variant));
        await recordThreadEvent(tx, { threadId: updated.thread_id, boardId: updated.board_id, kind: 'post:edit', postId: row.id });
        return true;
      });
      if (done) changed++;
    }
    done += batch.length;
    after = batch[batch.length - 1]!.id;
    onProgress(done, total);
  }
  return changed;
}
