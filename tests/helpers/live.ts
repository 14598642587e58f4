import { io, type Socket } from 'socket.io-client';

export interface LiveEvent {
  name: string;
  threadId: string;
  seq: number;
  kind: string;
  post?: { id: string; parentId: string | null; title: string; deleted: boolean };
  html?: string;
}

/** A socket.io reader that records every event it receives, in order. */
export class Reader {
  readonly socket: Socket;
  readonly events: LiveEvent[] = [];
  readonly counts: number[] = [];

  constructor(baseUrl: string) {
    this.socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
    for (const name of ['post:new', 'post:edit', 'post:delete', 'thread:state', 'board:activity']) {
      this.socket.on(name, (e: Omit<LiveEvent, 'name'>) => this.events.push({ name, ...e }));
    }
    this.socket.on('thread:readers', (e: { count: number }) => this.counts.push(e.count));
  }

  connected(): Promise<void> {
    return this.socket.connected
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          this.socket.once('connect', () => resolve());
          this.socket.once('connect_error', reject);
        });
  }

  async join(threadId: string, variant?: string, since?: number): Promise<{ seq: number; readers: number }> {
    await this.connected();
    return this.socket.emitWithAck('thread:join', { threadId, variant, since });
  }

  /** Waits until `n` events have arrived (or fails after `ms`). */
  async waitFor(n: number, ms = 15_000): Promise<LiveEvent[]> {
    const end = Date.now() + ms;
    while (this.events.length < n) {
      if (Date.now() > end)
        throw new Error(`expected ${n} events, got ${this.events.length}: ${JSON.stringify(this.events.map((e) => [e.name, e.seq]))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.events;
  }

  close(): void {
    this.socket.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Readers of a test file's app, each closed after its test: `reader()` opens one on the app's
 * current base URL. Call in the file's top level (it registers an afterEach).
 */
export function readersOf(baseUrl: () => string): () => Reader {
  const open: Reader[] = [];
  afterEach(() => {
    for (const r of open.splice(0)) r.close();
  });
  return () => {
    const r = new Reader(baseUrl());
    open.push(r);
    return r;
  };
}
