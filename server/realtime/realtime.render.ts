import { setImmediate } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { TextCache } from '../caches';
import type { Database } from '../db/database';
import { presentPost } from '../posts/posts.presenter';
import * as posts from '../posts/posts.repository';
import { findEventsSince } from '../posts/posts.events.repository';
import { type Post, toPost, tombstone } from '../posts/posts.model';
import { type LineContext, PostLine } from '../posts/posts.lines';
import { VARIANTS, type Variant } from '../text/convert';
import { localized } from '../text/localize';
import { catalogFor } from '../views/layout';
import { type PostEventKind, type ThreadStateKind, isPostEventKind } from '../db/thread-events.kinds';
import type { PostEvent, ThreadEvent, ThreadStateEvent } from './realtime.events';

/** A reader's variant, or the posts as written. */
export type V = Variant | 'original';

/** A change to a post read back from thread_events, with the post as the public sees it now (a tombstone once deleted). */
export interface LoadedPostEvent<K extends PostEventKind = PostEventKind> {
  seq: number;
  kind: K;
  post: Post;
  /** When the event was written (its transaction's start), when it was read from thread_events: for the metrics' event lag. */
  at?: Date;
}

/** A thread event read back from thread_events with what it changed, discriminated by `kind`. */
export type LoadedEvent =
  { [K in PostEventKind]: LoadedPostEvent<K> }[PostEventKind] | { seq: number; kind: ThreadStateKind; state: ThreadStateEvent; at?: Date };

/** The most events one catch-up answers; a reader further behind asks again from the last seq. */
export const CATCH_UP_PAGE = 200;
/** …and the most body bytes: a page of long posts stops early (always with at least one event). */
export const CATCH_UP_BYTES = 1_000_000;

/** One page of a thread's events: those after `since`, bounded in number and bytes, and whether more follow. */
export interface EventPage {
  events: LoadedEvent[];
  more: boolean;
}

/** A post event row (thread_events joined with its post) as a loaded event. */
export function loadedPostEvent<K extends PostEventKind>(row: posts.PostWithAuthorRow & { seq: string; kind: K }): LoadedPostEvent<K> {
  return { seq: Number(row.seq), kind: row.kind, post: tombstone(toPost(row)) };
}

/**
 * A thread's events after `since` (up to `until`), in seq order, with their posts or the thread's
 * state. Two bounded queries a page: the events with what they weigh (no bodies), then the posts
 * of those that fit, each read once however many events name it.
 */
export async function loadEvents(
  db: Kysely<Database>,
  threadId: string,
  since: number,
  options: { until?: number; limit?: number } = {},
): Promise<EventPage> {
  const limit = options.limit ?? CATCH_UP_PAGE;
  const rows = await findEventsSince(db, threadId, since, limit + 1);
  const within = (seq: number) => options.until === undefined || seq <= options.until;
  const taken: typeof rows = [];
  for (const r of rows) {
    if (taken.length === limit || !within(Number(r.seq))) break;
    // Always at least one event, however long its post: a reader must be able to move on.
    if (taken.length > 0 && Number(r.bytes_through) > CATCH_UP_BYTES) break;
    taken.push(r);
  }
  const postIds = [...new Set(taken.filter((r) => isPostEventKind(r.kind)).map((r) => r.post_id))];
  const byId = new Map((await posts.findPosts(db, postIds)).map((row) => [row.id, row]));
  const events = taken.map((r): LoadedEvent => {
    const seq = Number(r.seq);
    const { kind } = r;
    return isPostEventKind(kind)
      ? { ...loadedPostEvent({ ...byId.get(r.post_id)!, seq: r.seq, kind }), at: r.at }
      : { seq, kind, state: { threadId, seq, kind, locked: r.locked, pinned: r.pinned, featured: r.featured }, at: r.at };
  });
  const more = rows.length > taken.length && within(Number(rows[taken.length]!.seq));
  return { events, more };
}

/** Renders events for readers of one variant. */
export interface Renderer {
  /** A post event: the post converted, and its line in the tree. */
  post<K extends PostEventKind>(threadId: string, e: LoadedPostEvent<K>, v: V): PostEvent<K>;
  /** Any event: a post event rendered, a state change as it is. */
  event(threadId: string, e: LoadedEvent, v: V): ThreadEvent;
}

/**
 * Renders events with the same partial the page uses (PostLine), in the variant's catalog, links
 * under its prefix: what a line needs (LineContext), one per variant.
 */
export function renderer(timeZone: string, conversions: TextCache): Renderer {
  const lineContext = (variant: Variant | undefined): LineContext => ({
    t: catalogFor(variant).t,
    prefix: variant ? `/${variant}` : '',
    timeZone,
  });
  const contexts = new Map<V, LineContext>([['original', lineContext(undefined)], ...VARIANTS.map((v) => [v, lineContext(v)] as const)]);
  const post = <K extends PostEventKind>(threadId: string, e: LoadedPostEvent<K>, v: V): PostEvent<K> => {
    const variant = v === 'original' ? undefined : v;
    const localPost = localized(conversions, e.post, variant);
    const html = PostLine({ ctx: contexts.get(v)!, post: localPost, showDepth: false }).html;
    return { threadId, seq: e.seq, kind: e.kind, post: presentPost(localPost), html };
  };
  return {
    post,
    event: (threadId, e, v) => ('post' in e ? post(threadId, e, v) : e.state),
  };
}

/**
 * A page of the events after `since`, rendered for a variant: what catch-up (socket or HTTP)
 * sends. Rendering converts bodies, which can take a while for long posts in another script: it
 * yields to the event loop every few milliseconds so other requests are served meanwhile.
 */
export async function renderedEventsSince(
  db: Kysely<Database>,
  render: Renderer,
  threadId: string,
  since: number,
  v: V,
): Promise<{ events: ThreadEvent[]; more: boolean }> {
  const page = await loadEvents(db, threadId, since);
  const events: ThreadEvent[] = [];
  let slice = performance.now();
  for (const e of page.events) {
    events.push(render.event(threadId, e, v));
    if (performance.now() - slice > YIELD_AFTER_MS) {
      await setImmediate();
      slice = performance.now();
    }
  }
  return { events, more: page.more };
}

/** How long rendering may hold the event loop before it lets other work in. */
const YIELD_AFTER_MS = 10;
