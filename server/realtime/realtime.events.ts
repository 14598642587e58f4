import { z } from 'zod';
import { isId } from '../db/ids';
import { VARIANTS, type Variant } from '../text/convert';

/**
 * The socket.io contract: what the server emits (typed, so the compiler checks every emit) and what
 * clients may send (a zod schema per event, so every payload is checked before a handler sees it).
 */

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

/** A refusal sent back as an ack: the same shape as the HTTP API's errors. */
export interface SocketError {
  error: { code: string; message: string };
}

// Only plain strings and numbers are read: an object with its own toString or valueOf never
// reaches String() or a template literal.
const rowId = z
  .union([z.string(), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)])
  .transform(String)
  .refine(isId, 'must be a post id');

const variant = z.enum(['original', ...VARIANTS] as ['original', ...Variant[]]).optional();

/** thread:join: follow a thread in a variant, first catching up on what came after `since`. */
export const threadJoinSchema = z.object({
  /** The thread (its root post's id). */
  threadId: rowId,
  /** The script the reader reads in; absent = as written. */
  variant,
  /** The last seq the client has applied: the events after it are sent before the ack. */
  since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** thread:leave: stop following a thread. */
export const threadLeaveSchema = z.object({ threadId: rowId });

/** board:join: follow a board's index (new threads and follow-ups anywhere on it). */
export const boardJoinSchema = z.object({
  /** The board's slug as in /b/:slug. */
  slug: z.string().min(1).max(64),
  variant,
});

export type JoinRequest = z.input<typeof threadJoinSchema>;

/** What a thread:join is acknowledged with; `more` = more missed events remain: join again from the last seq. */
export type JoinAck = { seq: number; readers: number; more: boolean } | SocketError;

/** What clients may ask: to follow a thread or a board, and to stop. Writes go over HTTP. */
export interface ClientToServerEvents {
  'thread:join': (req: JoinRequest, ack: (a: JoinAck) => void) => void;
  'thread:leave': (req: z.input<typeof threadLeaveSchema>, ack?: (a: { ok: true } | SocketError) => void) => void;
  'board:join': (req: z.input<typeof boardJoinSchema>, ack: (a: { ok: true } | SocketError) => void) => void;
}

/** The schema of each event a client may send; anything else is refused. */
export const CLIENT_EVENT_SCHEMAS = {
  'thread:join': threadJoinSchema,
  'thread:leave': threadLeaveSchema,
  'board:join': boardJoinSchema,
} as const satisfies Record<keyof ClientToServerEvents, z.ZodType>;
