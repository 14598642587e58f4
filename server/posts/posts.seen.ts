import type { Request, Response } from 'express';
import type { Db } from '../db/database';
import type { TagPart } from '../http/conditional';
import { readCookie } from '../sessions/sessions.cookies';
import { SEEN_COOKIE, afterVisit, parseSeenCookie, seenCookieHeader } from './posts.seen.cookie';
import * as repo from './posts.seen.repository';

/**
 * What's new since a reader's last visit. A reader's position in a thread is the highest post id
 * they were shown; post ids are taken in the order posts are written, so what is new is exactly
 * the thread's posts with a higher id. A member's positions are rows of thread_reads; an
 * anonymous reader's are a cookie for the last 50 threads they opened (posts.seen.cookie.ts).
 *
 * A visit to a thread page reads the position as the page begins (in the statement that reads
 * the page's version: posts.etag.ts postVersion, option `seen`) and records the new one once the page is known (markSeen): for a member at most one
 * write, after the page is sent and only when the thread has grown; for an anonymous reader the
 * cookie, sent with the page. Only the thread's own page (its root's) records a visit: a
 * follow-up's page shows one branch, and the rest of the thread has not been seen.
 */

/** New follow-ups are counted up to this many ("99+" beyond): a count reads at most this many index entries. */
export const NEW_COUNT_CAP = 100;

/** A reader's position in a thread as a page of it begins. */
export interface SeenBefore {
  threadId: string;
  /**
   * The highest post id the reader had been shown before this page; null when they never opened
   * the thread. The follow-ups with a higher id are new to them.
   */
  postId: string | null;
  /** How many posts of the thread are new to the reader, up to NEW_COUNT_CAP (0 when never opened). */
  newCount: number;
  /** The thread's newest post id as the page began: what a member's visit records. */
  lastPostId: string;
}

/** Whose positions a request reads: its member's, its anonymous reader's cookie, or none. */
export function readerOf(req: Request): repo.PositionSource | null {
  if (req.member) return { memberId: req.member.id };
  const cookie = parseSeenCookie(readCookie(req, SEEN_COOKIE));
  return cookie.size ? { threads: [...cookie.keys()], seqs: [...cookie.values()] } : null;
}

/**
 * What of the position a page shows, as parts of its entity tag (http/conditional.ts). A page
 * marks the posts between the reader's position and the thread's newest post, and says how many:
 * when there are any, the page is a version of that position (the reader's next visit moves it,
 * and the same thread is then a page without marks). With none (no position, a thread never
 * opened, or nothing new), every reader's page is alike: a reader who comes back to a thread that
 * did not change gets a 304, whatever their first visit recorded.
 */
export function seenParts(seen: SeenBefore | null): TagPart[] {
  return seen?.postId && seen.newCount > 0 ? ['seen', seen.postId, seen.newCount] : ['seen'];
}

/**
 * Records a visit to a thread's page, as served: `page` is the post shown and its thread's state
 * (posts.permissions.ts PostHead), `seen` what was read of it as the page began. Only a thread's own
 * page (its root's) counts as a visit.
 *
 * An anonymous reader's cookie is set before this returns: call it before sending the page. A
 * member's position is written by the returned promise, once, only when the thread has grown
 * since their last visit; it is meant to run while the page goes out, and never rejects: a
 * position that could not be written is logged, and the page is served all the same.
 *
 * A member's new position is the thread's newest post as the page began (`seen`), never a
 * later one: a follow-up written while the page was being read may be on the page and still be
 * counted as new next time, but no follow-up is ever counted as seen that the page did not show.
 */
export function markSeen(
  db: Db,
  req: Request,
  res: Response,
  page: { post: { parentId: string | null }; thread: { threadId: string; seq: number } },
  seen: SeenBefore | null,
): Promise<void> {
  if (page.post.parentId !== null) return Promise.resolve();
  const { threadId } = page.thread;
  if (!req.member) {
    const next = afterVisit(parseSeenCookie(readCookie(req, SEEN_COOKIE)), threadId, String(page.thread.seq));
    if (next) {
      res.append('Set-Cookie', seenCookieHeader(next, req.secure));
      // The answer may stay shareable (Cache-Control: no-cache for anonymous readers): it varies
      // by Cookie, and the cookie it sets follows from the Cookie header sent, so a shared cache
      // can only give it to a reader who sent the same cookie and would have been given the same.
    }
    return Promise.resolve();
  }
  if (!seen || seen.threadId !== threadId || (seen.postId !== null && BigInt(seen.postId) >= BigInt(seen.lastPostId))) {
    return Promise.resolve();
  }
  return repo.recordPosition(db, req.member.id, threadId, seen.lastPostId).catch((err: unknown) => {
    req.log.warn({ err, threadId }, 'could not record the reader position');
  });
}

/**
 * Where a returning reader should land when the first window of the thread's page holds none of
 * what is new to them: the first new follow-up in display order (within the root page's depth
 * `maxDepth`, not deleted, not their own), among those the page knew of as it began (`seen`).
 * Null when there is none or it could not be read (logged): the reader then gets the first
 * window, as anyone would.
 */
export async function firstNewFollowUp(db: Db, req: Request, seen: SeenBefore, maxDepth: number): Promise<string | null> {
  if (!seen.postId || seen.newCount === 0) return null;
  try {
    const id = await repo.findFirstNew(db, {
      threadId: seen.threadId,
      seenPostId: seen.postId,
      lastPostId: seen.lastPostId,
      maxDepth,
      memberId: req.member?.id ?? null,
    });
    return id ?? null;
  } catch (err) {
    req.log.warn({ err, threadId: seen.threadId }, 'could not find the first new follow-up');
    return null;
  }
}

/**
 * For each of `threadIds` (a board page) the reader has opened, how many of its posts are new to
 * them, up to NEW_COUNT_CAP; threads never opened are absent. One statement, none without a position.
 */
export async function newCounts(db: Db, reader: repo.PositionSource | null, threadIds: string[]): Promise<Map<string, number>> {
  if (!reader || threadIds.length === 0) return new Map();
  let source = reader;
  if (!('memberId' in reader)) {
    // Only the cookie's threads on this page are looked up.
    const onPage = new Set(threadIds);
    const kept = reader.threads.flatMap((t, i) => (onPage.has(t) ? [[t, reader.seqs[i]!] as const] : []));
    if (kept.length === 0) return new Map();
    source = { threads: kept.map(([t]) => t), seqs: kept.map(([, s]) => s) };
  }
  const rows = await repo.countNew(db, source, threadIds, NEW_COUNT_CAP);
  return new Map(rows.map((r) => [r.thread_id, r.new_count]));
}

/** A count of new follow-ups as pages show it: "99+" at the cap. */
export const shownNewCount = (count: number): string => (count >= NEW_COUNT_CAP ? `${NEW_COUNT_CAP - 1}+` : String(count));
