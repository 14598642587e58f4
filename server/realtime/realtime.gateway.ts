import type { Kysely } from 'kysely';
import type { z } from 'zod';
import * as boards from '../boards/boards.repository';
import type { Database } from '../db/database';
import { AppError, isDatabaseUnavailable } from '../errors';
import type { Logger } from '../log';
import * as posts from '../posts/posts.repository';
import type { BoardFeed } from './realtime.boards';
import type { ThreadDelivery } from './realtime.delivery';
import { CLIENT_EVENT_SCHEMAS, type ClientToServerEvents, type JoinAck, type SocketError } from './realtime.events';
import type { Presence } from './realtime.presence';
import { type Renderer, type V, renderedEventsSince } from './realtime.render';
import { type GentieSocket, type RealtimeServer, emitThreadEvent, threadOfRoom, threadRoom, threadVariantRoom } from './realtime.rooms';

/** What the gateway hands clients' requests to. */
export interface GatewayDeps {
  db: Kysely<Database>;
  render: Renderer;
  delivery: ThreadDelivery;
  presence: Presence;
  boards: BoardFeed;
  log: Logger;
}

/**
 * The socket gateway: for each connection, the handlers of what a client may ask (follow a thread,
 * stop, follow a board), each behind its event's schema (handlerFor), and the reader counts kept
 * up to date as sockets come and go.
 */
export function attachGateway(io: RealtimeServer, deps: GatewayDeps): void {
  io.on('connection', (socket) => {
    const on = handlerFor(socket, deps.log);
    on('thread:join', (req) => joinThread(socket, req, deps));
    on('thread:leave', async ({ threadId }) => {
      for (const room of [...socket.rooms]) if (room === threadRoom(threadId) || room.startsWith(`${threadRoom(threadId)}:`)) await socket.leave(room);
      deps.presence.changed(threadId);
      return { ok: true as const };
    });
    on('board:join', async ({ slug, variant }) => {
      const board = await boards.findBoardBySlug(deps.db, slug);
      if (!board) return refusal('BoardNotFound', `There is no board ${slug}.`);
      await deps.boards.follow(socket, board, variant ?? 'original');
      return { ok: true as const };
    });
    socket.on('disconnecting', () => {
      for (const room of socket.rooms) {
        const threadId = threadOfRoom(room);
        if (threadId) setImmediate(() => deps.presence.changed(threadId));
      }
    });
  });
}

/**
 * thread:join: puts the socket in the thread's rooms, sends the events after `since` (one page),
 * and answers with the thread's seq and reader count.
 */
async function joinThread(socket: GentieSocket, req: z.output<typeof CLIENT_EVENT_SCHEMAS['thread:join']>, deps: GatewayDeps): Promise<JoinAck> {
  const { threadId, since } = req;
  const v: V = req.variant ?? 'original';
  // Join first, then read: an event committed in between arrives twice at worst (the client
  // drops the second), never not at all.
  await socket.join([threadRoom(threadId), threadVariantRoom(threadId, v)]);
  const state = await posts.findThreadState(deps.db, threadId);
  if (!state) {
    await socket.leave(threadRoom(threadId));
    await socket.leave(threadVariantRoom(threadId, v));
    return refusal('PostNotFound', `There is no thread ${threadId}.`);
  }
  const seq = Number(state.seq);
  deps.delivery.joined(threadId, seq);
  let more = false;
  if (since !== undefined && since < seq) {
    const page = await renderedEventsSince(deps.db, deps.render, threadId, since, v);
    for (const e of page.events) emitThreadEvent(socket, e);
    more = page.more;
  }
  deps.presence.changed(threadId);
  return { seq, readers: deps.presence.total(threadId), more };
}

type ClientEvent = keyof typeof CLIENT_EVENT_SCHEMAS;
type Ack<E extends ClientEvent> = Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0];

const refusal = (code: string, message: string): SocketError => ({ error: { code, message } });

/**
 * Registers the socket's handlers so that nothing a client sends can hurt the process: each payload
 * is parsed by its event's schema before the handler sees it, the handler's answer (or refusal) is
 * the ack, and whatever it throws becomes an error ack, never an exception that escapes. Events
 * outside the contract are answered with an error too.
 */
function handlerFor(socket: GentieSocket, log: Logger) {
  socket.onAny((event: string, ...args: unknown[]) => {
    if (Object.hasOwn(CLIENT_EVENT_SCHEMAS, event)) return;
    const ack = args.at(-1);
    if (typeof ack === 'function') ack(refusal('UnknownEvent', `${event.slice(0, 40)} is not an event this server takes.`));
  });
  return <E extends ClientEvent>(event: E, handler: (input: z.output<(typeof CLIENT_EVENT_SCHEMAS)[E]>) => Promise<Ack<E>>) => {
    (socket as unknown as { on(e: string, fn: (...args: unknown[]) => void): void }).on(event, (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (a: unknown) => void) : () => undefined;
      const parsed = CLIENT_EVENT_SCHEMAS[event].safeParse(typeof last === 'function' ? args.slice(0, -1)[0] : args[0]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return ack(refusal('ValidationFailed', `${event}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`));
      }
      handler(parsed.data as z.output<(typeof CLIENT_EVENT_SCHEMAS)[E]>).then(ack, (err: unknown) => {
        if (err instanceof AppError) return ack(refusal(err.code, err.message));
        if (isDatabaseUnavailable(err)) return ack(refusal('DatabaseUnavailable', 'The database is restarting; try again in a moment.'));
        log.error({ err, event }, 'realtime: handler failed');
        ack(refusal('Internal', 'Something went wrong on our side; it has been logged.'));
      });
    });
  };
}
