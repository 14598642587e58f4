import pg from 'pg';
import type { Logger } from '../log';

/** A LISTEN connection that keeps itself up. */
export interface Listener {
  close(): Promise<void>;
  /** True while the LISTEN connection is up. */
  readonly connected: boolean;
}

/** What the listener tells its owner. */
export interface ListenerHandlers {
  /** A notification arrived on one of the channels. */
  onNotify(channel: string, payload: string): void;
  /** The connection is up and listening (first time, or again). */
  onConnect(): void;
  /** The connection dropped: notifications are lost until the next onConnect. */
  onLost(): void;
}

/**
 * One dedicated PostgreSQL connection that LISTENs on the given channels and reconnects by itself
 * (with backoff) when the server restarts or the link drops. After every (re)connect `onConnect`
 * runs, so the caller can catch up on what it may have missed since `onLost`.
 */
export function listen(url: string, channels: string[], handlers: ListenerHandlers, log: Logger): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let connected = false;
  let delay = 250;
  let timer: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, 5000);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, application_name: 'gentie-listener' });
    client = c;
    c.on('error', (err) => {
      if (closed) return;
      log.warn({ err: err.message }, 'realtime: LISTEN connection lost; reconnecting');
      if (connected) handlers.onLost();
      connected = false;
      c.removeAllListeners('notification');
      c.end().catch(() => undefined);
      scheduleReconnect();
    });
    c.on('end', () => {
      if (closed || !connected) return;
      connected = false;
      handlers.onLost();
      scheduleReconnect();
    });
    c.on('notification', (n) => handlers.onNotify(n.channel, n.payload ?? ''));
    try {
      await c.connect();
      for (const ch of channels) await c.query(`listen ${c.escapeIdentifier(ch)}`);
      connected = true;
      delay = 250;
      handlers.onConnect();
    } catch (err) {
      if (closed) return;
      log.warn({ err: (err as Error).message }, 'realtime: cannot LISTEN yet; retrying');
      c.end().catch(() => undefined);
      scheduleReconnect();
    }
  }

  void connect();
  return {
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
