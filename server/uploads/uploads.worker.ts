/**
 * The image worker: a Node process of its own, started by the server on its first upload, that
 * makes images and stores their bytes (uploads.make.ts) at a lower CPU priority than the server.
 *
 * Why a process: with twenty photos decoded at once, the server's event loop waited by the wall
 * clock about three times as long as it ran, for a core and for locks held by threads that
 * themselves waited for one (V8's task queue, libuv's pool queue, a garbage collection) —
 * docs/performance.md, "Uploads". In another process, image work shares none of those with the
 * event loop, and every one of its threads (libvips', libuv's, V8's) runs nicer than the server.
 * Nothing big crosses between the two: the server hands over the path of the file it received
 * (uploads.receive.ts), the worker reads it, writes the image and its thumbnail to the storage
 * itself over its own connection, and answers only what the upload's row needs.
 *
 * In the server's session, on purpose: where Linux groups processes by session for scheduling
 * (autogroups, on by default) the CPU is shared between groups before a thread's nice value counts.
 * A worker in a session of its own was tried (wt-blobs): under load it halved the loop's p99, but
 * on a quiet machine it weighs as much as the whole server and keeps a core for a full slice, and
 * the event loop waited up to 121 ms one photo at a time against 19 ms in the server's session
 * (docs/performance.md, "Twenty at once: the worker's own session"). In the server's session its
 * threads' nice value keeps them below the event loop. The PostgreSQL backends that write its
 * blobs are lowered to its nice value (uploads.worker.child.ts), when they run on this host: they
 * then yield to the server's own backends.
 *
 * The worker is a help, never a need: when it cannot be started, or ends (a crash, a kill), the
 * uploads it had are made in the server's own process, as are the next ones for RETRY_MS; then it
 * is started again. It ends with the server (it leaves when its channel to the server closes).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { getPriority } from 'node:os';
import path from 'node:path';
import { AppError, type ErrorCode } from '../errors';
import type { ImageLimits } from './uploads.images';
import type { MadeImage } from './uploads.make';
import { imageThreadNiceness } from './uploads.priority';

/** What the server asks of its image worker. */
export interface ImageWorker {
  /**
   * Makes the image in the file at `file` and stores its bytes; a 4xx AppError for a file that is
   * refused. Undefined when the worker could not do it (not running, ended meanwhile, or failed
   * otherwise): the caller makes the image itself.
   */
  make(file: string, limits: ImageLimits): Promise<MadeImage | undefined>;
  /** The worker's process id while it runs. */
  readonly pid: number | undefined;
  /** Images the worker made since it was created (every process it ran in). */
  readonly made: number;
  /** Files it refused (answered with a 4xx), likewise. */
  readonly refused: number;
  /** Ends the worker process (waits for it to exit). */
  stop(): Promise<void>;
}

/** How to start an image worker. */
export interface ImageWorkerOptions {
  /** The database the worker stores bytes in: the server's own (its PostgreSQL upload storage). */
  databaseUrl: string;
  /** The worker's script. Default: the compiled uploads.worker.child.js beside this file. */
  script?: string;
  /** Told when the worker ends or cannot start (one line each time; never the URL). */
  log?: (message: string) => void;
}

/** After the worker ended or failed to start, images are made in the server this long before it is tried again. */
export const RETRY_MS = 10_000;

/** A request to the worker (the first message is `init`). */
export type WorkerRequest = { init: { databaseUrl: string; nice: number } } | { id: number; file: string; limits: ImageLimits };

/** The worker's answer to one request. */
export type WorkerAnswer =
  | { id: number; made: MadeImage }
  | { id: number; refused: { status: number; code: ErrorCode; message: string; params: unknown } }
  | { id: number; failed: string };

/** Starts nothing yet: the process is started by the first `make`. */
export function createImageWorker({ databaseUrl, script, log }: ImageWorkerOptions): ImageWorker {
  const entry = script ?? path.join(__dirname, 'uploads.worker.child.js');
  let child: ChildProcess | undefined;
  let failedAt = -Infinity;
  let nextId = 1;
  let made = 0;
  let refused = 0;
  const pending = new Map<number, (answer: MadeImage | undefined | AppError) => void>();

  const ended = (why: string) => {
    child = undefined;
    failedAt = performance.now();
    log?.(`image worker ${why}: images are made in the server for ${RETRY_MS / 1000} s`);
    for (const settle of pending.values()) settle(undefined);
    pending.clear();
  };

  const start = (): ChildProcess | undefined => {
    let started: ChildProcess;
    try {
      // No inspector, profiler or loader flags of the server's: a plain Node process.
      started = fork(entry, [], {
        execArgv: [],
        // The server's session, so its threads' nice value ranks them below the event loop (the header).
        detached: false,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'json',
      });
    } catch (error) {
      ended(`could not start (${error instanceof Error ? error.message : String(error)})`);
      return undefined;
    }
    started.on('error', (error) => {
      if (child === started) ended(`failed (${error.message})`);
    });
    started.on('exit', (code, signal) => {
      if (child === started) ended(`ended (${signal ?? `code ${code}`})`);
    });
    started.on('message', (answer: WorkerAnswer) => {
      const settle = pending.get(answer.id);
      if (!settle) return;
      pending.delete(answer.id);
      if ('made' in answer) {
        made++;
        settle(answer.made);
      } else if ('refused' in answer) {
        const r = answer.refused;
        refused++;
        settle(new AppError(r.status, r.code, r.message, { params: r.params } as never));
      } else settle(undefined);
    });
    // The server may end without stopping it: the worker keeps nothing alive here.
    started.unref();
    started.channel?.unref();
    const init: WorkerRequest = { init: { databaseUrl, nice: imageThreadNiceness(getPriority()) } };
    started.send(init);
    return started;
  };

  return {
    get pid() {
      return child?.pid;
    },
    get made() {
      return made;
    },
    get refused() {
      return refused;
    },
    async make(file, limits) {
      if (!child) {
        if (performance.now() - failedAt < RETRY_MS) return undefined;
        child = start();
        if (!child) return undefined;
      }
      const id = nextId++;
      const answer = await new Promise<MadeImage | undefined | AppError>((resolve) => {
        pending.set(id, resolve);
        const request: WorkerRequest = { id, file, limits };
        child!.send(request, (error) => {
          if (error && pending.delete(id)) resolve(undefined);
        });
      });
      if (answer instanceof AppError) throw answer;
      return answer;
    },
    async stop() {
      const running = child;
      if (!running) return;
      child = undefined;
      for (const settle of pending.values()) settle(undefined);
      pending.clear();
      if (running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill();
      await exited;
    },
  };
}
