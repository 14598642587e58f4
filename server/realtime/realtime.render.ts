import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Assets } from '../http/assets';
import { presentPost } from '../posts/posts.presenter';
import * as posts from '../posts/posts.repository';
import { type Post, getPost, tombstone } from '../posts/posts.service';
import { PostLine } from '../posts/posts.views';
import type { Variant } from '../text/convert';
import { localized } from '../text/localize';
import { catalogFor, defaultPageContext } from '../views/layout';
import type { PostEvent, ThreadStateEvent } from './realtime.events';

/** A reader's variant, or the posts as written. */
export type V = Variant | 'original';

/** A thread event read back from thread_events with what it changed. */
export interface LoadedEvent {
  seq: number;
  kind: string;
  /** The post as the public sees it (a tombstone once deleted); null for thread events. */
  post: Post | null;
  state: ThreadStateEvent | null;
}

/** A thread's events after `since` (up to `until`), in seq order, with their posts or thread state. */
export async function loadEvents(db: Kysely<Database>, threadId: string, since: number, until?: number): Promise<LoadedEvent[]> {
  // In pages of 1,000 until caught up: a reader far behind gets everything, not the first page.
  const rows: Awaited<ReturnType<typeof posts.findEventsSince>> = [];
  for (let after = since; ; ) {
    const page = await posts.findEventsSince(db, threadId, after);
    rows.push(...page.filter((r) => until === undefined || Number(r.seq) <= until));
    if (page.length < 1000 || (until !== undefined && Number(page.at(-1)!.seq) >= until)) break;
    after = Number(page.at(-1)!.seq);
  }
  const out: LoadedEvent[] = [];
  for (const r of rows) {
    const seq = Number(r.seq);
    if (r.kind.startsWith('thread:')) {
      const s = (await posts.findThreadState(db, threadId))!;
      out.push({ seq, kind: r.kind, post: null, state: { threadId, seq, kind: r.kind, locked: s.locked, pinned: s.pinned, featured: s.featured } });
    } else {
      out.push({ seq, kind: r.kind, post: tombstone(await getPost(db, r.post_id)), state: null });
    }
  }
  return out;
}

export type Render = (threadId: string, e: LoadedEvent, v: V) => PostEvent | ThreadStateEvent;

/**
 * Renders an event for readers of one variant: the post converted, and its line in the tree with
 * the same partial the page uses (PostLine), links under the variant's prefix.
 */
export function renderer(assets: Assets, timeZone: string): Render {
  const base = defaultPageContext(assets, timeZone);
  return (threadId, e, v) => {
    if (e.state) return e.state;
    const variant = v === 'original' ? undefined : v;
    const post = localized(e.post!, variant);
    const ctx = { ...base, ...catalogFor(variant), variant, prefix: variant ? `/${variant}` : '', member: null, path: `/t/${threadId}` };
    const html = PostLine({ ctx, post, showDepth: false }).html;
    return { threadId, seq: e.seq, kind: e.kind, post: presentPost(post), html };
  };
}

/** The events after `since`, rendered for a variant: what catch-up (socket or HTTP) sends. */
export async function renderedEventsSince(db: Kysely<Database>, render: Render, threadId: string, since: number, v: V) {
  return (await loadEvents(db, threadId, since)).map((e) => render(threadId, e, v));
}
