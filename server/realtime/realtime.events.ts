import { z } from 'zod';
import { isId } from '../db/ids';
import type { PostEventKind, ThreadEventKind, ThreadStateKind } from '../db/thread-events.kinds';
import type { UnreadCounts } from '../db/unread';
import { VARIANTS, type Variant } from '../variants';

/**
 * The socket.io contract, for the server and (type-only) for the browser module: the events the
 * server emits, each payload discriminated by its thread event kind, and what clients may send,
 * with a zod schema per event so that every payload is checked before a handler sees it. This
 * file imports only modules without server dependencies, so client/tsconfig.json can check it.
 */

export type { PostEventKind, ThreadEventKind, ThreadStateKind, UnreadCounts };

/** A post in the JSON API's shape (a tombstone once deleted: empty title and body). */
export interface PostJson {
  id: string;
  threadId: string;
  parentId: string | null;
  depth: number;
  title: string;
  body: string;
  bytes: number;
  author: { name: string; role: string };
  createdAt: string;
  editedAt: string | null;
  editedBy: { name: string; role: string } | null;
  deleted: boolean;
  replyCount: number;
}

/** A change to a post, as readers receive it: the post as data and its line already rendered. */
export interface PostEvent<K extends PostEventKind = PostEventKind> {
  threadId: string;
  seq: number;
  kind: K;
  post: PostJson;
  /** The post's line in the thread tree, rendered in the reader's variant. */
  html: string;
}

/** Lock, pin or feature changed: the thread's flags after the change. */
export interface ThreadStateEvent<K extends ThreadStateKind = ThreadStateKind> {
  threadId: string;
  seq: number;
  kind: K;
  locked: boolean;
  pinned: boolean;
  featured: boolean;
}

/** Any thread event as readers receive it, discriminated by `kind`. */
export type ThreadEvent = {
  [K in ThreadEventKind]: K extends PostEventKind ? PostEvent<K> : K extends ThreadStateKind ? ThreadStateEvent<K> : never;
}[ThreadEventKind];

/** The socket events that carry thread events to a thread's readers. */
export type ThreadSocketEvent = 'post:new' | 'post:edit' | 'post:delete' | 'thread:state';

/** What SOCKET_EVENT_OF must be: an event for every kind, a post event for a post kind, thread:state for a state kind. */
export type SocketEventTable = {
  readonly [K in ThreadEventKind]: K extends PostEventKind ? Exclude<ThreadSocketEvent, 'thread:state'> : 'thread:state';
};

/**
 * The socket event each kind goes out as: a restored post is an edit to readers (its line is
 * replaced), and every change of lock, pin or feature is a thread:state. A new kind does not
 * compile until it is given an event (SocketEventTable); the literal types stay, so the payload
 * types below are derived from the actual entries.
 */
export const SOCKET_EVENT_OF = {
  'post:new': 'post:new',
  'post:edit': 'post:edit',
  'post:restore': 'post:edit',
  'post:delete': 'post:delete',
  'thread:lock': 'thread:state',
  'thread:unlock': 'thread:state',
  'thread:pin': 'thread:state',
  'thread:unpin': 'thread:state',
  'thread:feature': 'thread:state',
  'thread:unfeature': 'thread:state',
  'thread:slow': 'thread:state',
} as const satisfies SocketEventTable;

type KindsOn<N extends ThreadSocketEvent> = { [K in ThreadEventKind]: (typeof SOCKET_EVENT_OF)[K] extends N ? K : never }[ThreadEventKind];

/** The thread events socket event N carries (derived from SOCKET_EVENT_OF, so the two never disagree). */
export type ThreadEventOn<N extends ThreadSocketEvent> = Extract<ThreadEvent, { kind: KindsOn<N> }>;

/** On a board's index: a new thread or a new follow-up somewhere on the board. */
export type BoardActivityEvent = PostEvent<'post:new'> & { boardSlug: string };

/** The windows a hot list covers (server/posts/posts.hot.ts HotPeriod). */
export type HotPeriodName = 'today' | 'week';

/** A thread on a hot list, as `GET /api/hot` presents it. */
export interface HotThreadJson {
  rank: number;
  threadId: string;
  title: string;
  url: string;
  board: { slug: string; name: string };
  author: { name: string };
  /** Distinct members other than the starter who replied in the window. */
  repliers: number;
  starterReplied: boolean;
  heat: number;
  readCount: number;
  replyCount: number;
  lastReplyAt: string;
}

/**
 * A hot list changed (sent to the readers of `/` or a board's page who joined it with hot:join):
 * the list as `GET /api/hot` gives it (titles in the socket's variant, up to 20 threads) and its
 * markup, the same partial as the page's (threads past the ten hidden: the browser drops those of
 * members the reader ignores and shows the next).
 */
export interface HotUpdateEvent {
  period: HotPeriodName;
  since: string;
  until: string;
  /** The board's slug and name; null for the site's list. */
  board: { slug: string; name: string } | null;
  threads: HotThreadJson[];
  html: string;
}

/** How many are reading a thread, on every process together. */
export interface ReadersEvent {
  threadId: string;
  count: number;
}

/**
 * A 悄悄話 has arrived (sent to the addressee's sockets only, on every process). The socket's
 * process read it with the party check; the title is in the socket's variant.
 */
export interface MessageNewEvent {
  id: string;
  from: { name: string };
  title: string;
  createdAt: string;
  /** Where to read it. */
  url: string;
  unread: UnreadCounts;
}

/** A notification for the member (sent to their sockets only), worded in the socket's variant. */
export interface NotificationNewEvent {
  id: string;
  kind: string;
  /** What happened, in one line of text (not HTML). */
  text: string;
  /** Where it points (the follow-up, the thread, the member…). */
  url: string;
  createdAt: string;
  unread: UnreadCounts;
}

/** The member read or deleted something (in any tab): the counts the header should show now. */
export interface UnreadChangedEvent {
  unread: UnreadCounts;
}

/** The socket events a member's own sockets receive, with their payloads. */
export interface MemberSocketEvents {
  'message:new': MessageNewEvent;
  'notification:new': NotificationNewEvent;
  'unread:changed': UnreadChangedEvent;
}

/** Every event the server emits; the compiler checks each emit, and each client handler, against it. */
export interface ServerToClientEvents {
  'message:new': (e: MessageNewEvent) => void;
  'notification:new': (e: NotificationNewEvent) => void;
  'unread:changed': (e: UnreadChangedEvent) => void;
  'post:new': (e: ThreadEventOn<'post:new'>) => void;
  'post:edit': (e: ThreadEventOn<'post:edit'>) => void;
  'post:delete': (e: ThreadEventOn<'post:delete'>) => void;
  'thread:state': (e: ThreadEventOn<'thread:state'>) => void;
  'thread:readers': (e: ReadersEvent) => void;
  'board:activity': (e: BoardActivityEvent) => void;
  'hot:update': (e: HotUpdateEvent) => void;
}

/**
 * A refusal sent back as an ack: the same shape as the HTTP API's errors (`message` English and
 * stable, `localized` in the socket's variant: the page's, or the one the event names).
 */
export interface SocketError {
  error: { code: string; message: string; localized: string };
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

/** hot:join: follow a hot list (the site's, or a board's) in a variant. */
export const hotJoinSchema = z.object({
  /** A board's slug as in /b/:slug; absent or empty: the site's list. */
  board: z.string().max(64).optional(),
  /** today or week. */
  period: z.enum(['today', 'week']),
  variant,
});

/** What a client sends with thread:join (before the schema turns numeric ids into strings). */
export type JoinRequest = z.input<typeof threadJoinSchema>;

/** What a thread:join is acknowledged with; `more` = more missed events remain: join again from the last seq. */
export type JoinAck = { seq: number; readers: number; more: boolean } | SocketError;

/** What clients may ask: to follow a thread, a board or a hot list, and to stop. Writes go over HTTP. */
export interface ClientToServerEvents {
  'thread:join': (req: JoinRequest, ack: (a: JoinAck) => void) => void;
  'thread:leave': (req: z.input<typeof threadLeaveSchema>, ack?: (a: { ok: true } | SocketError) => void) => void;
  'board:join': (req: z.input<typeof boardJoinSchema>, ack: (a: { ok: true } | SocketError) => void) => void;
  'hot:join': (req: z.input<typeof hotJoinSchema>, ack: (a: { ok: true } | SocketError) => void) => void;
}

/** The schema of each event a client may send; anything else is refused. */
export const CLIENT_EVENT_SCHEMAS = {
  'thread:join': threadJoinSchema,
  'thread:leave': threadLeaveSchema,
  'board:join': boardJoinSchema,
  'hot:join': hotJoinSchema,
} as const satisfies Record<keyof ClientToServerEvents, z.ZodType>;
