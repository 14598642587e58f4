import type { Server, Socket } from 'socket.io';
import { VARIANTS } from '../variants';
import {
  type ClientToServerEvents,
  SOCKET_EVENT_OF,
  type ServerToClientEvents,
  type ThreadEvent,
  type ThreadSocketEvent,
} from './realtime.events';
import type { V } from './realtime.render';

/**
 * Where events go. A thread's readers are in room `t:<id>` (to count them) and `t:<id>:<variant>`
 * (to send each the rendering in their script); a board's index readers in `b:<boardId>:<variant>`.
 */

/** What the server keeps on each socket. */
export interface SocketData {
  /** The member whose session the socket was opened in (realtime.members.ts), if any. */
  member?: { id: string; tokenHash: Buffer };
}

/** Events between server processes: none (they talk through PostgreSQL). */
type InterServerEvents = Record<never, never>;

/** The socket.io server, typed by the event contract. */
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** One client's socket, typed by the event contract. */
export type GentieSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Every variant a reader can follow in, the original included. */
export const READER_VARIANTS: readonly V[] = ['original', ...VARIANTS];

/** The room of everyone reading a thread, in any variant. */
export const threadRoom = (threadId: string) => `t:${threadId}`;
/** The room of a thread's readers in one variant. */
export const threadVariantRoom = (threadId: string, v: V) => `t:${threadId}:${v}`;
/** The room of a board index's readers in one variant. */
export const boardRoom = (boardId: string, v: V) => `b:${boardId}:${v}`;

/** The thread id of a `t:<id>` room, or undefined for any other room. */
export function threadOfRoom(room: string): string | undefined {
  return /^t:(\d+)$/.exec(room)?.[1];
}

/** How many sockets of this process read the thread. */
export function readersHere(io: RealtimeServer, threadId: string): number {
  return io.sockets.adapter.rooms.get(threadRoom(threadId))?.size ?? 0;
}

/** The variants that have a room with readers on this process, among `room(v)` for each variant. */
export function variantsWithReaders(io: RealtimeServer, room: (v: V) => string): V[] {
  return READER_VARIANTS.filter((v) => (io.sockets.adapter.rooms.get(room(v))?.size ?? 0) > 0);
}

/** Anything that emits the contract's events: a socket, or a room (`io.to(room)`). */
export interface EventTarget {
  emit<N extends ThreadSocketEvent>(name: N, ...payload: Parameters<ServerToClientEvents[N]>): unknown;
}

/** Sends a thread event under the socket event its kind goes out as (SOCKET_EVENT_OF). */
export function emitThreadEvent(target: EventTarget, e: ThreadEvent): void {
  // ServerToClientEvents types each event's payload from SOCKET_EVENT_OF, so the payload always
  // fits the name; TypeScript cannot follow that correlation through a union, hence the cast.
  // (typescript-eslint's program resolves the overloads differently and calls the cast needless.)
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs the cast (see above)
  target.emit(SOCKET_EVENT_OF[e.kind], e as never);
}
