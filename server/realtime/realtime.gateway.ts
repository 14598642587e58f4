import type { Kysely } from 'kysely';
import type { z } from 'zod';
import * as boards from '../boards/boards.repository';
import type { Database } from '../db/database';
import { AppError, isDatabaseUnavailable, notFound } from '../errors';
import { variantFromAcceptLanguage } from '../http/context';
import { refuseControlCharacters } from '../http/input';
import { parseInput } from '../http/validate';
import type { Logger } from '../log';
import { VARIANTS, type Variant } from '../variants';
import { catalogFor } from '../views/layout';
import { localizeError } from '../views/messages.errors';
import type { TextCache } from '../caches';
import { freeTextIn } from '../text/localize';
import * as posts from '../posts/posts.repository';
import type { BoardFeed } from './realtime.boards';
import type { HotFeed } from './realtime.hot';
import type { ThreadDelivery } from './realtime.delivery';
import { CLIENT_EVENT_SCHEMAS, type ClientToServerEvents, type JoinAck, type SocketError } from './realtime.events';
import { type MemberDelivery, socketMember } from './realtime.members';
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
  members: MemberDelivery;
  hot: HotFeed;
  log: Logger;
  /** The time zone dates in refusals are shown in (TZ_DISPLAY). */
  timeZone: string;
  /** What a refusal quotes that somebody wrote (a ban's reason) is converted through it. */
  conversions: TextCache;
}

/**
 * The socket gateway: for each connection, the handlers of what a client may ask (follow a thread,
 * stop, follow a board or a hot list), each behind its event's schema (handlerFor), and the reader counts kept
 * up to date as sockets come and go.
 */
export function attachGateway(io: RealtimeServer, deps: GatewayDeps): void {
  // A socket opened in a member's session hears that member's own events (realtime.members.ts)
  // from the moment it is connected. A database that is restarting leaves it a reader only until
  // its next connection; it is not refused.
  io.use((socket, next) => {
    socketMember(deps.db, socket)
      .then((member) => member && deps.members.joined(socket, member, socketVariant(socket) ?? 'original'))
      .catch((err: unknown) => deps.log.warn({ err }, 'realtime: could not check the session of a new socket'))
      .finally(() => next());
  });
  io.on('connection', (socket) => {
    const on = handlerFor(socket, deps.log, deps.timeZone, deps.conversions);
    on('thread:join', (req) => joinThread(socket, req, deps));
    on('thread:leave', async ({ threadId }) => {
      const rooms = [...socket.rooms].filter((room) => room === threadRoom(threadId) || room.startsWith(`${threadRoom(threadId)}:`));
      for (const room of rooms) await socket.leave(room);
      // Only a reader who was there changes the count (and is worth telling other processes about).
      if (rooms.length) deps.presence.changed(threadId);
      return { ok: true as const };
    });
    on('board:join', async ({ slug, variant }) => {
      const board = await boards.findBoardBySlug(deps.db, slug);
      if (!board) throw notFound('BoardNotFound', `There is no board ${slug}.`, { params: { slug } });
      await deps.boards.follow(socket, board, variant ?? 'original');
      return { ok: true as const };
    });
    on('hot:join', async ({ board: slug, period, variant }) => {
      let board: { id: string; slug: string; name: string } | null = null;
      if (slug) {
        const found = await boards.findBoardBySlug(deps.db, slug);
        if (!found) throw notFound('BoardNotFound', `There is no board ${slug}.`, { params: { slug } });
        board = { id: found.id, slug: found.slug, name: found.name };
      }
      await deps.hot.follow(socket, board, period, variant ?? 'original');
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
async function joinThread(
  socket: GentieSocket,
  req: z.output<(typeof CLIENT_EVENT_SCHEMAS)['thread:join']>,
  deps: GatewayDeps,
): Promise<JoinAck> {
  const { threadId, since } = req;
  const v: V = req.variant ?? 'original';
  // Join first, then read: an event committed in between arrives twice at worst (the client
  // drops the second), never not at all.
  await socket.join([threadRoom(threadId), threadVariantRoom(threadId, v)]);
  const state = await posts.findThreadState(deps.db, threadId);
  if (!state) {
    await socket.leave(threadRoom(threadId));
    await socket.leave(threadVariantRoom(threadId, v));
    throw notFound('PostNotFound', `There is no thread ${threadId}.`, { params: { id: threadId } });
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

/**
 * A refusal as the ack carries it: the code and English message of the HTTP API's errors, and
 * the same words in the reader's script (`localized`), for the variant the socket reads in.
 */
function refusal(error: AppError, variant: Variant | undefined, timeZone: string, conversions: TextCache): SocketError {
  const localized = localizeError({ ...catalogFor(variant), timeZone, variant, shown: freeTextIn(conversions, variant) }, error);
  return { error: { code: error.code, message: error.message, localized } };
}

/**
 * The script a socket's refusals are worded in: the variant its page was rendered in (sent with
 * the handshake), else its Accept-Language. An event that names a variant overrides it.
 */
function socketVariant(socket: GentieSocket): Variant | undefined {
  const asked: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.variant;
  if (asked === 'original') return undefined;
  if ((VARIANTS as readonly unknown[]).includes(asked)) return asked as Variant;
  return variantFromAcceptLanguage(socket.handshake.headers['accept-language']);
}

/** Handlers of one socket running at once; more are refused until one finishes. */
const MAX_IN_FLIGHT = 4;
/** Each socket's allowance of handled messages: a bucket of BURST, refilled at RATE_PER_SECOND. */
const BURST = 40;
const RATE_PER_SECOND = 10;
/** Refused messages (malformed, unknown, over the allowance) after which a socket is dropped. */
const MAX_REFUSALS = 1000;

/**
 * Registers the socket's handlers so that nothing a client sends can hurt the process: each payload
 * is parsed by its event's schema before the handler sees it, the handler's answer (or refusal) is
 * the ack, and whatever it throws becomes an error ack, never an exception that escapes. Events
 * outside the contract (any name, of any type) are answered with an error too. Handlers do
 * database work, and socket.io starts every message of a socket at once: each socket gets a few
 * at a time and a steady allowance, so one connection cannot queue thousands of queries ahead of
 * everyone else; a socket that keeps sending what is refused is dropped.
 */
function handlerFor(socket: GentieSocket, log: Logger, timeZone: string, conversions: TextCache) {
  const variant = socketVariant(socket);
  const answer = (error: AppError, asked?: Variant | 'original') =>
    refusal(error, asked === undefined ? variant : asked === 'original' ? undefined : asked, timeZone, conversions);
  let inFlight = 0;
  let tokens = BURST;
  let refilledAt = Date.now();
  let refusals = 0;
  const refuse = (error: SocketError): SocketError => {
    if (++refusals === MAX_REFUSALS) {
      log.warn({ socket: socket.id }, 'realtime: a socket kept sending refused messages; disconnected');
      socket.disconnect(true);
    }
    return error;
  };
  /** A refusal when the socket is over its allowance; otherwise takes one message from it. */
  const overAllowance = (): SocketError | undefined => {
    const now = Date.now();
    tokens = Math.min(BURST, tokens + ((now - refilledAt) / 1000) * RATE_PER_SECOND);
    refilledAt = now;
    if (tokens < 1 || inFlight >= MAX_IN_FLIGHT)
      return refuse(
        answer(
          new AppError(429, 'RateLimited', 'Too many messages on this connection: wait a moment.', {
            params: { action: 'socket:message' },
          }),
        ),
      );
    tokens -= 1;
    return undefined;
  };

  socket.onAny((event: unknown, ...args: unknown[]) => {
    try {
      if (typeof event === 'string' && Object.hasOwn(CLIENT_EVENT_SCHEMAS, event)) return;
      const ack = args.at(-1);
      const name = typeof event === 'string' ? event.slice(0, 40) : `An event named by a ${typeof event}`;
      const refused = refuse(answer(new AppError(400, 'UnknownEvent', `${name} is not an event this server takes.`, { params: { name } })));
      if (typeof ack === 'function') ack(refused);
    } catch (err) {
      log.warn({ err }, 'realtime: could not answer an unknown event');
    }
  });
  return <E extends ClientEvent>(event: E, handler: (input: z.output<(typeof CLIENT_EVENT_SCHEMAS)[E]>) => Promise<Ack<E>>) => {
    (socket as unknown as { on(e: string, fn: (...args: unknown[]) => void): void }).on(event, (...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (a: unknown) => void) : () => undefined;
      try {
        const payload: unknown = typeof last === 'function' ? args.slice(0, -1)[0] : args[0];
        let input: z.output<(typeof CLIENT_EVENT_SCHEMAS)[E]>;
        try {
          // What no field of any HTTP request may hold (http/input.ts) is refused here too, before
          // a schema or the database sees it: PostgreSQL refuses a NUL in text with an error.
          refuseControlCharacters(payload);
          input = parseInput(CLIENT_EVENT_SCHEMAS[event], payload) as z.output<(typeof CLIENT_EVENT_SCHEMAS)[E]>;
        } catch (err) {
          return ack(refuse(answer(err as AppError)));
        }
        const refused = overAllowance();
        if (refused) return ack(refused);
        // A refusal after the schema is worded in the variant the event names, if it names one.
        const asked = (input as { variant?: Variant | 'original' }).variant;
        inFlight++;
        handler(input)
          .then(ack, (err: unknown) => {
            if (err instanceof AppError) return ack(answer(err, asked));
            if (isDatabaseUnavailable(err))
              return ack(answer(new AppError(503, 'DatabaseUnavailable', 'The database is restarting; try again in a moment.'), asked));
            log.error({ err, event }, 'realtime: handler failed');
            ack(answer(new AppError(500, 'Internal', 'Something went wrong on our side; it has been logged.'), asked));
          })
          .catch((err: unknown) => log.warn({ err, event }, 'realtime: could not acknowledge'))
          .finally(() => inFlight--);
      } catch (err) {
        log.error({ err, event }, 'realtime: handler failed');
      }
    });
  };
}
