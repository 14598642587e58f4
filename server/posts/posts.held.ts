import type { Kysely } from 'kysely';
import type { TextCache } from '../caches';
import type { BoardReview, Database, HeldDecision, HeldReason, SiteRole } from '../db/database';
import { isId } from '../db/ids';
import type { Member } from '../db/member';
import { AppError, notFound } from '../errors';
import { announceQueueChanged } from '../events/member-events';
import { can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import { detectVariant } from '../text/convert';
import { htmlFor, shownOn, textFor, textIn } from '../text/localize';
import { unpinned } from '../text/pins';
import { countLinks } from '../text/links';
import type { SourceVariant, Variant } from '../variants';
import * as repo from './posts.held.repository';
import { resolveQuotes } from './posts.quotes';

/**
 * Holding posts for review (issue 14, the review queue). On a board whose review setting is 'new',
 * every thread and follow-up by a new member (limits/new-member.ts) waits for a moderator; on a
 * 'links' board, those with a link to another site do. The board's moderators and admins are never
 * held, nor is any member who is not new.
 *
 * A held post is a row of held_posts, not of posts: it takes no post id, no thread event, no
 * notification and no count, so windows, counts, notifications, search, hot lists and feeds never
 * see it ("held posts are invisible everywhere"). Its author sees it, marked 等待審核, in its place
 * on the thread page (posts.windows.lines.ts lays it over the tree for them only) and on the board
 * page for a thread; approving it writes it as a reply or thread is written, with its own time
 * (posts.publish.ts publishHeld; the decision is moderation's: moderation/moderation.queue.ts).
 */

/** A held post as pages and the API show it. */
export interface HeldPost {
  id: string;
  board: { slug: string; name: string };
  /** Its board's id: the board's glossary applies to it as to the board's posts. */
  boardId: string;
  /** The thread and the post answered; null for a new thread. */
  threadId: string | null;
  parentId: string | null;
  /** What is answered, for context: the parent's title and author, and the thread's title. */
  parent: { title: string; author: string; deleted: boolean } | null;
  threadTitle: string | null;
  title: string;
  /** Sanitized HTML, as written (mentions are linked once it is published). */
  body: string;
  bytes: number;
  variant: SourceVariant;
  author: { name: string; role: SiteRole };
  authorId: string;
  reason: HeldReason;
  createdAt: Date;
  /** Null while it waits. */
  decision: HeldDecision | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionReason: string | null;
  /** The post it became, once approved. */
  postId: string | null;
}

/** A held post row with its context as pages show it. */
export function toHeld(row: repo.HeldWithContextRow): HeldPost {
  return {
    id: row.id,
    board: { slug: row.board_slug, name: row.board_name },
    boardId: row.board_id,
    threadId: row.thread_id,
    parentId: row.parent_id,
    parent:
      row.parent_id === null
        ? null
        : {
            title: row.parent_deleted_at ? '' : (row.parent_title ?? ''),
            author: row.parent_author_name ?? '',
            deleted: row.parent_deleted_at !== null,
          },
    threadTitle: row.root_title,
    title: row.title,
    body: row.body,
    bytes: row.bytes,
    variant: row.variant,
    author: { name: row.author_name, role: row.author_role },
    authorId: row.author_id,
    reason: row.reason,
    createdAt: row.created_at,
    decision: row.decision,
    decidedAt: row.decided_at,
    decidedBy: row.decider_name,
    decisionReason: row.decision_reason,
    postId: row.post_id,
  };
}

/** A held post in the JSON contract (docs/api.md, "The review queue"). */
export function presentHeld(h: HeldPost) {
  return {
    id: h.id,
    board: h.board.slug,
    threadId: h.threadId,
    parentId: h.parentId,
    title: h.title,
    body: h.body,
    bytes: h.bytes,
    author: h.author,
    reason: h.reason,
    createdAt: h.createdAt.toISOString(),
    status: h.decision ?? 'waiting',
    decisionReason: h.decisionReason,
    postId: h.postId,
  };
}

/**
 * Whether a post waits for review, and why: null when it is published at once. Asked only for a
 * member who is new (the pace's answer) and moderates nothing on the board.
 */
export function holdReason(review: BoardReview | undefined, body: string): HeldReason | null {
  if (review === 'new') return 'new';
  if (review === 'links' && countLinks(body) > 0) return 'links';
  return null;
}

/** Whether a board's review setting can hold anything at all (no pace needs asking when it cannot). */
export const reviews = (review: BoardReview | undefined): boolean => review === 'new' || review === 'links';

/** The refusal of a held post that is not there for the one asking. */
export const heldNotFound = () => notFound('HeldPostNotFound', 'There is no such post waiting for review.');

/**
 * Holds a post (prepared by the posts service, which decided it waits): one row, and the moderators'
 * headers told. The same post again under the same parent while the first waits is refused like a
 * duplicate post (within `duplicateSeconds`).
 */
export async function holdPost(db: Kysely<Database>, newHeld: repo.NewHeld, duplicateSeconds: number): Promise<HeldPost> {
  // Its quotes attributed now, as publishing does (posts.quotes.ts): the review queue shows the
  // quoted post's real author, not a name the writer typed. Nobody is notified until approval.
  const held = { ...newHeld, body: (await resolveQuotes(db, newHeld.body)).body };
  const id = await db.transaction().execute(async (tx) => {
    if (duplicateSeconds > 0) await repo.lockAuthorHeld(tx, held.authorId);
    const row = await repo.insertHeld(tx, held, duplicateSeconds);
    if (!row) {
      const what = held.parentId === null ? 'thread' : 'reply';
      throw new AppError(
        409,
        'DuplicatePost',
        what === 'reply'
          ? 'You already posted this same follow-up here a moment ago.'
          : 'You already started a thread with this same title and text on this board a moment ago.',
        { params: { what, minutes: Math.ceil(duplicateSeconds / 60) } },
      );
    }
    await announceQueueChanged(tx, held.boardId);
    return row.id;
  });
  return toHeld((await repo.findHeld(db, id))!);
}

/**
 * A held post for its author or a moderator of its board (or an admin), decided or not; for
 * anyone else it is not there (404, the same as a missing id).
 */
export async function getHeld(db: Kysely<Database>, viewer: Member | null, id: string): Promise<{ held: HeldPost; moderates: boolean }> {
  const row = viewer && isId(id) ? await repo.findHeld(db, id) : undefined;
  if (!row || !viewer) throw heldNotFound();
  const moderates = can(await actorOn(db, viewer, row.board_id), 'moderate', null);
  if (!moderates && row.author_id !== viewer.id) throw heldNotFound();
  return { held: toHeld(row), moderates };
}

/** The member's own posts waiting for review, oldest first (the threads on one board only, with `threadsOn`). */
export async function ownHeld(db: Kysely<Database>, member: Member | null, threadsOn?: string): Promise<HeldPost[]> {
  if (!member) return [];
  return (await repo.findOwnHeld(db, member.id, threadsOn)).map(toHeld);
}

/** One of the viewer's follow-ups waiting in a thread, as its page lays it over the tree. */
export interface OwnHeldLine {
  id: string;
  parentId: string;
  title: string;
  body: string;
  bytes: number;
  createdAt: Date;
}

/** What posts.held.repository ownHeldInThread read, as the thread page uses it. */
export const toOwnHeldLines = (rows: repo.OwnHeldLine[] | null): OwnHeldLine[] =>
  (rows ?? []).map((r) => ({
    id: r.id,
    parentId: r.parent_id,
    title: r.title,
    body: r.body,
    bytes: r.bytes,
    createdAt: new Date(r.created_at),
  }));

/**
 * A held post as a reader of `variant` reads it (a moderator's queue, the author's own page): its
 * title and body from the script they were written in, the context's titles from theirs; by its
 * board's glossary, as the post will read once published (text/localize.ts).
 */
export function heldInVariant(conversions: TextCache, held: HeldPost, variant: Variant | undefined): HeldPost {
  const on = shownOn(conversions, held.boardId);
  return {
    ...held,
    title: textFor(on, held.title, held.variant, variant),
    body: htmlFor(on, held.body, held.variant, variant),
    threadTitle: held.threadTitle === null ? null : textIn(on, held.threadTitle, variant),
    parent: held.parent && { ...held.parent, title: textIn(on, held.parent.title, variant) },
  };
}

/**
 * The author's own held follow-ups in a thread of `boardId` as they read the page in `variant`
 * (their script detected, as a post's is; the board's glossary applied).
 */
export function ownHeldInVariant(
  conversions: TextCache,
  boardId: string,
  lines: OwnHeldLine[],
  variant: Variant | undefined,
): OwnHeldLine[] {
  const on = shownOn(conversions, boardId);
  return lines.map((line) => {
    const from = variant ? detectVariant(unpinned(`${line.title}\n${line.body.replace(/<[^>]*>/g, ' ')}`)) : 'other';
    return { ...line, title: textFor(on, line.title, from, variant), body: htmlFor(on, line.body, from, variant) };
  });
}
