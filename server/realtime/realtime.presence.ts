import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { type RealtimeServer, readersHere, threadOfRoom, threadRoom } from './realtime.rooms';

/** The channel on which processes tell each other how many readers they hold per thread. */
export const READERS_CHANNEL = 'gentie_thread_readers';

/** A process that has not announced its count for this long is forgotten (it died, or lost its readers). */
const FORGET_AFTER_MS = 60_000;
/** Each process repeats its counts this often, so a count survives a lost notification. */
const HEARTBEAT_MS = 20_000;
/** Joins and leaves within this window are announced as one count. */
const DEBOUNCE_MS = 100;

/**
 * How many are reading each thread, across every process on the database. Each process announces
 * its own count per thread on READERS_CHANNEL (debounced, and again on a heartbeat), keeps the
 * counts the others announce, and tells its thread rooms the total whenever it changes.
 */
export class Presence {
  private readonly processId = randomUUID();
  /** Per thread, per other process: its count and when it said so. */
  private readonly remote = new Map<string, Map<string, { n: number; at: number }>>();
  /** The total last sent to each thread's room, so an unchanged total is not sent again. */
  private readonly lastCount = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly io: RealtimeServer,
    private readonly db: Kysely<Database>,
  ) {
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Readers of the thread on every process. */
  total(threadId: string): number {
    let n = readersHere(this.io, threadId);
    const now = Date.now();
    for (const [, r] of this.remote.get(threadId) ?? []) if (now - r.at < FORGET_AFTER_MS) n += r.n;
    return n;
  }

  /** Readers came or went here: the thread's rooms and the other processes hear of it shortly. */
  changed(threadId: string): void {
    if (this.timers.has(threadId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(threadId);
      this.emitTotal(threadId);
      const payload = JSON.stringify({ p: this.processId, t: threadId, n: readersHere(this.io, threadId) });
      sql`select pg_notify(${READERS_CHANNEL}, ${payload})`.execute(this.db).catch(() => undefined);
    }, DEBOUNCE_MS);
    this.timers.set(threadId, timer);
  }

  /** Takes another process's count from a READERS_CHANNEL notification (its own are ignored). */
  heard(payload: string): void {
    try {
      const r = JSON.parse(payload) as { p: unknown; t: unknown; n: unknown };
      if (typeof r.p !== 'string' || typeof r.t !== 'string' || !isId(r.t) || typeof r.n !== 'number' || r.p === this.processId) return;
      const counts = this.remote.get(r.t) ?? new Map<string, { n: number; at: number }>();
      counts.set(r.p, { n: r.n, at: Date.now() });
      this.remote.set(r.t, counts);
      if (readersHere(this.io, r.t) > 0) this.emitTotal(r.t);
    } catch {
      // not ours
    }
  }

  /** Stops the heartbeat and any pending announcement. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const t of this.timers.values()) clearTimeout(t);
  }

  private emitTotal(threadId: string): void {
    const count = this.total(threadId);
    if (this.lastCount.get(threadId) === count) return;
    if (count === 0) this.lastCount.delete(threadId);
    else this.lastCount.set(threadId, count);
    this.io.to(threadRoom(threadId)).emit('thread:readers', { threadId, count });
  }

  private beat(): void {
    for (const [room] of this.io.sockets.adapter.rooms) {
      const threadId = threadOfRoom(room);
      if (threadId) this.changed(threadId);
    }
    // Forget processes that stopped announcing (they died or lost their readers), then recount.
    const now = Date.now();
    for (const [threadId, byProcess] of this.remote) {
      for (const [p, r] of byProcess) if (now - r.at >= FORGET_AFTER_MS || r.n === 0) byProcess.delete(p);
      if (byProcess.size === 0) this.remote.delete(threadId);
      this.emitTotal(threadId);
    }
  }
}
