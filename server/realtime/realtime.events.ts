import type { Variant } from '../text/convert';

/** A change to a thread, as readers receive it: the post as data and its line already rendered. */
export interface PostEvent {
  threadId: string;
  seq: number;
  kind: string;
  /** The post in the JSON contract's shape (a tombstone once deleted). */
  post: Record<string, unknown> & { id: string; parentId: string | null; depth: number };
  /** The post's line in the thread tree, rendered in the reader's variant. */
  html: string;
}

/** Lock, pin or feature changed. */
export interface ThreadStateEvent {
  threadId: string;
  seq: number;
  kind: string;
  locked: boolean;
  pinned: boolean;
  featured: boolean;
}

/** Every event the server emits; the compiler checks each emit against it. */
export interface ServerToClientEvents {
  'post:new': (e: PostEvent) => void;
  'post:edit': (e: PostEvent) => void;
  'post:delete': (e: PostEvent) => void;
  'thread:state': (e: ThreadStateEvent) => void;
  'thread:readers': (e: { threadId: string; count: number }) => void;
  /** On a board's index: a new thread or a new follow-up somewhere on the board. */
  'board:activity': (e: PostEvent & { boardSlug: string }) => void;
}

export interface JoinRequest {
  threadId: string;
  variant?: Variant | 'original';
  /** The last seq the client has: everything after it is sent before the ack. */
  since?: number;
}

export type JoinAck = { seq: number; readers: number } | { error: { code: string; message: string } };

/** What clients may ask: to follow a thread or a board, and to stop. Writes go over HTTP. */
export interface ClientToServerEvents {
  'thread:join': (req: JoinRequest, ack: (a: JoinAck) => void) => void;
  'thread:leave': (req: { threadId: string }) => void;
  'board:join': (req: { slug: string; variant?: Variant | 'original' }, ack: (a: { ok: true } | { error: { code: string; message: string } }) => void) => void;
}
