/**
 * The kinds of thread events: what thread_events.kind holds, what a commit announces, and what the
 * socket contract discriminates its payloads by. This file imports nothing, so the Database
 * interface and the browser module's type check can both use it without pulling anything else in.
 */

/** Every kind of change recorded in a thread's event log. */
export const THREAD_EVENT_KINDS = [
  'post:new',
  'post:edit',
  'post:restore',
  'post:delete',
  'thread:lock',
  'thread:unlock',
  'thread:pin',
  'thread:unpin',
  'thread:feature',
  'thread:unfeature',
  'thread:slow',
] as const;

/** One kind of thread event. */
export type ThreadEventKind = (typeof THREAD_EVENT_KINDS)[number];

/** A change to one post: readers get the post as it is now. */
export type PostEventKind = Extract<ThreadEventKind, `post:${string}`>;

/** A change to the thread's own state: readers get its lock, pin and feature flags. */
export type ThreadStateKind = Extract<ThreadEventKind, `thread:${string}`>;

/** True when `value` is one of THREAD_EVENT_KINDS (for text read from outside, e.g. a NOTIFY payload). */
export function isThreadEventKind(value: unknown): value is ThreadEventKind {
  return (THREAD_EVENT_KINDS as readonly unknown[]).includes(value);
}

/** True when the event is about a post rather than the thread's state. */
export function isPostEventKind(kind: ThreadEventKind): kind is PostEventKind {
  return kind.startsWith('post:');
}
