import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { Server, type Socket } from 'socket.io';
import type { z } from 'zod';
import type { Caches } from '../caches';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { AppError, isDatabaseUnavailable } from '../errors';
import { type SiteOrigin, fromOwnSite } from '../http/origin';
import type { Assets } from '../http/assets';
import type { Logger } from '../log';
import * as posts from '../posts/posts.repository';
import { VARIANTS } from '../text/convert';
import { type V, loadEvents, renderedEventsSince, renderer } from './realtime.render';
import { listen, type Listener } from './realtime.listener';
import { EVENTS_CHANNEL, READERS_CHANNEL, parseAnnouncement } from './realtime.publish';
import {
  CLIENT_EVENT_SCHEMAS,
  type ClientToServerEvents,
  type PostEvent,
  type ServerToClientEvents,
  type SocketError,
  type ThreadStateEvent,
} from './realtime.events';

/**
 * Live threads. Readers join a thread in a variant (room `t:<id>:<variant>`); every process LISTENs
 * for the thread events PostgreSQL announces on commit, reads them from thread_events in seq order,
 * renders each once per variant that has readers here, and emits it to that room. Catch-up after a
 * reconnect or a gap reads the same table, so a reader never misses an event; clients drop any seq
 * they already have, so none is shown twice.
 */

type GentieSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface Realtime {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  close(): Promise<void>;
}

export interface RealtimeDeps {
  db: Kysely<Database>;
  /** Connection URL for the LISTEN connection (the same database as `db`). */
  databaseUrl: string;
  timeZone: string;
  assets: Assets;
  log: Logger;
  /** The site's own origin: handshakes from any other Origin are refused. */
  site: SiteOrigin;
  /** The app's caches (createApp's): converted posts are shared with the pages. */
  caches: Pick<Caches, 'conversions' | 'boardSlugs'>;
}

const EVENT_NAME: Record<string, 'post:new' | 'post:edit' | 'post:delete'> = {
  'post:new': 'post:new',
  'post:edit': 'post:edit',
  'post:restore': 'post:edit',
  'post:delete': 'post:delete',
};

export function attachRealtime(server: http.Server, deps: RealtimeDeps): Realtime {
  const { db, log } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(server, {
    serveClient: false,
    maxHttpBufferSize: 10_000,
    // Writes go over HTTP; sockets only push. No cross-origin clients: a page on another site
    // could otherwise open a socket in a visitor's browser and read what is pushed to them.
    cors: undefined,
    allowRequest: (req, callback) => callback(fromOwnSite(req, deps.site) ? null : 'cross-origin socket refused', fromOwnSite(req, deps.site)),
  });
  const processId = randomUUID();
  const rooms = () => io.sockets.adapter.rooms;

  const render = renderer(deps.assets, deps.timeZone, deps.caches.conversions);

  function emitTo(target: { emit: GentieSocket['emit'] } | ReturnType<typeof io.to>, payload: PostEvent | ThreadStateEvent) {
    if ('post' in payload) (target as GentieSocket).emit(EVENT_NAME[payload.kind] ?? 'post:edit', payload);
    else (target as GentieSocket).emit('thread:state', payload);
  }

  // ---------------------------------------------------------------- live delivery

  /** The last seq delivered to this process's rooms of each thread being read here. */
  const delivered = new Map<string, number>();
  const queues = new Map<string, Promise<void>>();
  const { boardSlugs } = deps.caches;

  /** Runs `job` after the thread's earlier jobs: events of one thread go out strictly in order. */
  function enqueue(threadId: string, job: () => Promise<void>): void {
    const next = (queues.get(threadId) ?? Promise.resolve()).then(job).catch((err: Error) => {
      log.warn({ err: err.message, threadId }, 'realtime: delivery failed; readers will catch up');
    });
    queues.set(threadId, next);
    void next.then(() => {
      if (queues.get(threadId) === next) queues.delete(threadId);
    });
  }

  const variantsWithRoom = (prefix: string): V[] =>
    (['original', ...VARIANTS] as V[]).filter((v) => (rooms().get(`${prefix}:${v}`)?.size ?? 0) > 0);

  async function deliver(threadId: string, boardId: string | undefined, announcedSeq: number): Promise<void> {
    const threadVariants = variantsWithRoom(`t:${threadId}`);
    const boardVariants = boardId ? variantsWithRoom(`b:${boardId}`) : [];
    if (threadVariants.length === 0) {
      // Nobody here reads the thread: forget where it was (a later reader starts afresh) and
      // tell board readers about the announced event alone.
      delivered.delete(threadId);
      if (boardVariants.length === 0) return;
    }
    const until = threadVariants.length ? undefined : announcedSeq;
    let after = threadVariants.length ? (delivered.get(threadId) ?? announcedSeq - 1) : announcedSeq - 1;
    for (let more = true; more; ) {
      const page = await loadEvents(db, threadId, after, { until });
      for (const e of page.events) {
        for (const v of threadVariants) emitTo(io.to(`t:${threadId}:${v}`), render(threadId, e, v));
        if (e.kind === 'post:new' && boardId && boardVariants.length) {
          const slug = boardSlugs.get(boardId) ?? (await db.selectFrom('boards').select('slug').where('id', '=', boardId).executeTakeFirst())?.slug ?? '';
          boardSlugs.set(boardId, slug);
          for (const v of boardVariants) io.to(`b:${boardId}:${v}`).emit('board:activity', { ...(render(threadId, e, v) as PostEvent), boardSlug: slug });
        }
        if (threadVariants.length) delivered.set(threadId, e.seq);
        after = e.seq;
      }
      more = page.more && page.events.length > 0;
    }
  }

  // ---------------------------------------------------------------- readers, across processes

  const remote = new Map<string, Map<string, { n: number; at: number }>>();
  const lastCount = new Map<string, number>();
  const publishTimers = new Map<string, NodeJS.Timeout>();
  const localReaders = (threadId: string) => rooms().get(`t:${threadId}`)?.size ?? 0;

  function totalReaders(threadId: string): number {
    let n = localReaders(threadId);
    const now = Date.now();
    for (const [, r] of remote.get(threadId) ?? []) if (now - r.at < 60_000) n += r.n;
    return n;
  }

  function emitReaders(threadId: string): void {
    const count = totalReaders(threadId);
    if (lastCount.get(threadId) === count) return;
    lastCount.set(threadId, count);
    if (count === 0) lastCount.delete(threadId);
    io.to(`t:${threadId}`).emit('thread:readers', { threadId, count });
  }

  /** Tells the other processes how many readers this one has on a thread (debounced). */
  function publishReaders(threadId: string): void {
    if (publishTimers.has(threadId)) return;
    publishTimers.set(
      threadId,
      setTimeout(() => {
        publishTimers.delete(threadId);
        emitReaders(threadId);
        const payload = JSON.stringify({ p: processId, t: threadId, n: localReaders(threadId) });
        sql`select pg_notify(${READERS_CHANNEL}, ${payload})`.execute(db).catch(() => undefined);
      }, 100),
    );
  }

  const heartbeat = setInterval(() => {
    for (const [room] of rooms()) {
      const m = /^t:(\d+)$/.exec(room);
      if (m) publishReaders(m[1]!);
    }
    // Forget processes that stopped announcing (they died or lost their readers), then recount.
    const now = Date.now();
    for (const [threadId, byProcess] of remote) {
      for (const [p, r] of byProcess) if (now - r.at >= 60_000 || r.n === 0) byProcess.delete(p);
      if (byProcess.size === 0) remote.delete(threadId);
      emitReaders(threadId);
    }
  }, 20_000);
  heartbeat.unref();

  // ---------------------------------------------------------------- the LISTEN connection

  const listener: Listener = listen(
    deps.databaseUrl,
    [EVENTS_CHANNEL, READERS_CHANNEL],
    {
      onNotify(channel, payload) {
        if (channel === EVENTS_CHANNEL) {
          const a = parseAnnouncement(payload);
          if (a) enqueue(a.threadId, () => deliver(a.threadId, a.boardId, a.seq));
          return;
        }
        try {
          const r = JSON.parse(payload) as { p: unknown; t: unknown; n: unknown };
          if (typeof r.p !== 'string' || typeof r.t !== 'string' || !isId(r.t) || typeof r.n !== 'number' || r.p === processId) return;
          const m = remote.get(r.t) ?? new Map();
          m.set(r.p, { n: r.n, at: Date.now() });
          remote.set(r.t, m);
          if (localReaders(r.t) > 0) emitReaders(r.t);
        } catch {
          // not ours
        }
      },
      onConnect() {
        // Back after the database restarted: whatever was committed meanwhile goes out now.
        for (const [threadId, seq] of delivered) enqueue(threadId, () => deliver(threadId, undefined, seq + 1));
      },
    },
    log,
  );

  // ---------------------------------------------------------------- sockets

  const eventsSince = (threadId: string, since: number, v: V) => renderedEventsSince(db, render, threadId, since, v);

  io.on('connection', (socket: GentieSocket) => {
    const on = handlerFor(socket, log);

    on('thread:join', async ({ threadId, variant, since }) => {
      const v: V = variant ?? 'original';
      // Join first, then read: an event committed in between arrives twice at worst (the client
      // drops the second), never not at all.
      await socket.join([`t:${threadId}`, `t:${threadId}:${v}`]);
      const state = await posts.findThreadState(db, threadId);
      if (!state) {
        await socket.leave(`t:${threadId}`);
        await socket.leave(`t:${threadId}:${v}`);
        return refusal('PostNotFound', `There is no thread ${threadId}.`);
      }
      const seq = Number(state.seq);
      // A first reader here: live delivery starts at the thread's current seq. (With readers
      // already here, the marker is theirs and is up to date.)
      if (!delivered.has(threadId) || localReaders(threadId) <= 1) delivered.set(threadId, Math.max(seq, delivered.get(threadId) ?? 0));
      let more = false;
      if (since !== undefined && since < seq) {
        const page = await eventsSince(threadId, since, v);
        for (const e of page.events) emitTo(socket, e);
        more = page.more;
      }
      publishReaders(threadId);
      return { seq, readers: totalReaders(threadId), more };
    });

    on('thread:leave', async ({ threadId }) => {
      const rooms = [...socket.rooms].filter((room) => room === `t:${threadId}` || room.startsWith(`t:${threadId}:`));
      for (const room of rooms) await socket.leave(room);
      // Only a reader who was there changes the count (and is worth telling other processes about).
      if (rooms.length) publishReaders(threadId);
      return { ok: true as const };
    });

    on('board:join', async ({ slug, variant }) => {
      const board = await db.selectFrom('boards').select(['id', 'slug']).where('slug', '=', slug).executeTakeFirst();
      if (!board) return refusal('BoardNotFound', `There is no board ${slug}.`);
      boardSlugs.set(board.id, board.slug);
      await socket.join(`b:${board.id}:${variant ?? 'original'}`);
      return { ok: true as const };
    });

    socket.on('disconnecting', () => {
      for (const room of socket.rooms) {
        const m = /^t:(\d+)$/.exec(room);
        if (m) setImmediate(() => publishReaders(m[1]!));
      }
    });
  });

  return {
    io,
    async close() {
      clearInterval(heartbeat);
      for (const t of publishTimers.values()) clearTimeout(t);
      await listener.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

type ClientEvent = keyof typeof CLIENT_EVENT_SCHEMAS;
type Ack<E extends ClientEvent> = Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0];

const refusal = (code: string, message: string): SocketError => ({ error: { code, message } });

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
function handlerFor(socket: GentieSocket, log: Logger) {
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
    if (tokens < 1 || inFlight >= MAX_IN_FLIGHT) return refuse(refusal('RateLimited', 'Too many messages on this connection: wait a moment.'));
    tokens -= 1;
    return undefined;
  };

  socket.onAny((event: unknown, ...args: unknown[]) => {
    try {
      if (typeof event === 'string' && Object.hasOwn(CLIENT_EVENT_SCHEMAS, event)) return;
      const ack = args.at(-1);
      const name = typeof event === 'string' ? event.slice(0, 40) : `An event named by a ${typeof event}`;
      const refused = refuse(refusal('UnknownEvent', `${name} is not an event this server takes.`));
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
        const parsed = CLIENT_EVENT_SCHEMAS[event].safeParse(typeof last === 'function' ? args.slice(0, -1)[0] : args[0]);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          return ack(refuse(refusal('ValidationFailed', `${event}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`)));
        }
        const refused = overAllowance();
        if (refused) return ack(refused);
        inFlight++;
        handler(parsed.data as z.output<(typeof CLIENT_EVENT_SCHEMAS)[E]>)
          .then(ack, (err: unknown) => {
            if (err instanceof AppError) return ack(refusal(err.code, err.message));
            if (isDatabaseUnavailable(err)) return ack(refusal('DatabaseUnavailable', 'The database is restarting; try again in a moment.'));
            log.error({ err, event }, 'realtime: handler failed');
            ack(refusal('Internal', 'Something went wrong on our side; it has been logged.'));
          })
          .catch((err: unknown) => log.warn({ err, event }, 'realtime: could not acknowledge'))
          .finally(() => inFlight--);
      } catch (err) {
        log.error({ err, event }, 'realtime: handler failed');
      }
    });
  };
}
