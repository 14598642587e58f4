import type { Logger } from '../log';
import type { EmbeddedServer } from './embedded';
import { readPostmaster } from './embedded.postmaster';

/**
 * Keeps the embedded PostgreSQL running under the app. A postmaster that died and left its
 * postmaster.pid behind crashed, and is started again (same cluster, same port) with a growing
 * pause between attempts and a cap on their number. A postmaster that removed its postmaster.pid
 * was shut down on purpose (pg_ctl stop, a signal from the operator) and is left alone; when one
 * runs again on the cluster, the app uses it. Meanwhile requests get 503 with Retry-After.
 */

/** How the database is doing: `up`, `restarting` after a crash, `stopped` on purpose, or `failed` (gave up restarting). */
export type DatabaseState = 'up' | 'restarting' | 'stopped' | 'failed';

export interface Supervisor {
  readonly state: DatabaseState;
  /** The server as last started or adopted; the one to stop on shutdown. */
  readonly server: EmbeddedServer;
  /** Looks at the postmaster now rather than at the next tick (a connection just broke). */
  check(): void;
  /** Stops watching; waits for a restart in progress, so that `server` is the one to stop. */
  close(): Promise<void>;
}

export interface SuperviseOptions {
  /**
   * Starts the server of the same cluster on the port it had (never another: every connection of
   * the app knows only that one), or adopts the one running there; with `adoptOnly`, never starts
   * one. Rejects when it cannot.
   */
  restart: (options: { adoptOnly: boolean }) => Promise<EmbeddedServer>;
  log: Logger;
  /** How often the postmaster is looked at. */
  intervalMs?: number;
  /** The pause before each restart attempt after a crash; its length is the cap on attempts. */
  backoffMs?: readonly number[];
  /** A server that stays up this long is healthy again: a later crash starts a fresh series of attempts. */
  stableMs?: number;
}

// The first pause lets the crashed server's backends exit: PostgreSQL refuses to start while they
// still hold its shared memory. About a minute and a half in all before giving up.
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15_000, 30_000, 30_000];

/**
 * Watches the postmaster of `first` and restarts it after a crash; see the comment at the top. Long
 * because the watcher's state (the server, its state, the attempt count) lives in this one closure,
 * shared by the few short steps inside it: look, recover, follow, reopen.
 */
export function superviseEmbedded(first: EmbeddedServer, options: SuperviseOptions): Supervisor {
  const { log, restart } = options;
  const backoff = options.backoffMs ?? BACKOFF_MS;
  const stableMs = options.stableMs ?? 60_000;
  let server = first;
  const { port } = first;
  let state: DatabaseState = 'up';
  let closed = false;
  let attempt = 0;
  let upSince = Date.now();
  let busy: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // A postmaster running on another port is useless to this process: said once, not every tick.
  let refusedPid = 0;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = (task: () => Promise<void>) => {
    busy = task().finally(() => (busy = undefined));
  };

  async function reopen(adoptOnly: boolean): Promise<void> {
    const next = await restart({ adoptOnly });
    if (next.port !== port) {
      // Someone else started it meanwhile, on another port: of no use to this process.
      refusedPid = next.pid;
      throw new Error(`it listens on port ${next.port}, not on ${port} where this process connects: restart Gentie to use it`);
    }
    server = next;
    state = 'up';
    upSince = Date.now();
  }

  async function recover(): Promise<void> {
    while (!closed) {
      if (attempt >= backoff.length) {
        state = 'failed';
        log.error(
          { attempts: attempt },
          'the embedded PostgreSQL could not be restarted; giving up (see postgres.log in DATA_DIR). Requests get 503 until it runs again: fix the cause, then restart Gentie',
        );
        return;
      }
      await pause(backoff[attempt++]!);
      if (closed) return;
      try {
        await reopen(false);
        log.info({ attempt }, 'embedded PostgreSQL restarted after a crash; serving again');
        return;
      } catch (error) {
        log.warn({ err: (error as Error).message, attempt }, 'could not restart the embedded PostgreSQL yet');
      }
    }
  }

  async function follow(): Promise<void> {
    try {
      // Only adopt: if it is gone again by now, starting one would fight whoever stopped it.
      await reopen(true);
      attempt = 0;
      log.info({ postmaster: server.pid }, 'the embedded PostgreSQL is running again; serving again');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'the embedded PostgreSQL runs again but cannot be used yet');
    }
  }

  function look(): void {
    if (closed || busy) return;
    const postmaster = readPostmaster(server.clusterDir);
    if (state === 'up') {
      if (postmaster === undefined) {
        state = 'stopped';
        log.warn(
          'the embedded PostgreSQL was shut down (it removed its postmaster.pid): not restarting it, since that was on purpose. Requests get 503 until it runs again on the same port, or restart Gentie',
        );
      } else if (!postmaster.running) {
        // Crashed again soon after a restart: carry on with the longer pauses, up to the cap.
        if (Date.now() - upSince >= stableMs) attempt = 0;
        state = 'restarting';
        log.error(
          { postmaster: postmaster.pid },
          'the embedded PostgreSQL crashed (its postmaster died, leaving postmaster.pid); restarting it',
        );
        run(recover);
      }
    } else if ((state === 'stopped' || state === 'failed') && postmaster?.running && postmaster.pid !== refusedPid) {
      if (postmaster.port === port) return run(follow);
      refusedPid = postmaster.pid;
      log.warn(
        { port: postmaster.port },
        `the embedded PostgreSQL runs again, but on another port than ${port} where this process connects: restart Gentie to use it`,
      );
    }
  }

  const timer = setInterval(look, options.intervalMs ?? 500);
  timer.unref();

  return {
    get state() {
      return state;
    },
    get server() {
      return server;
    },
    check: look,
    async close() {
      closed = true;
      clearInterval(timer);
      wake?.();
      await busy;
    },
  };
}
