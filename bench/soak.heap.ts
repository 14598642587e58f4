/**
 * What the soak's server holds alive (bench/soak.ts): its heap just after a full collection the
 * soak itself asks for, through the server's inspector, and the cache bounds the soak runs it with.
 *
 * The server's own gentie_heap_after_gc_bytes is read after collections that run concurrently with
 * the load: what requests allocate while the marking runs is kept as if alive until the next one,
 * and that share grows with the work per request, which grows as the soak's threads do. A full
 * collection asked for (gc(), one atomic mark-compact of 60–100 ms here) counts what is reachable,
 * and nothing else: a leak, and only a leak, makes it climb.
 */
import { CACHE_BYTES, type Caches } from '../server/caches';
import WebSocket from 'ws';

/**
 * Each cache's bound in the soak's server, unless the bench's environment names its own: the
 * smallest the server takes, which the mix fills within the warm-up. With the server's defaults
 * (284 MiB in all) the caches fill for hours, by design, and their filling is not a leak; bounded so,
 * the heap after warm-up is flat unless something grows beyond a bound.
 */
export const SOAK_CACHE_BYTES = 1024 * 1024;

/** The environment variable that bounds one cache (server/config.ts). */
const cacheVariable = (cache: keyof Caches) => `CACHE_${cache.toUpperCase()}_BYTES`;

/** The bounds the soak gives its server: the bench's own CACHE_*_BYTES, else SOAK_CACHE_BYTES each. */
export function soakCacheBounds(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(CACHE_BYTES) as (keyof Caches)[]).map((cache) => [
      cacheVariable(cache),
      env[cacheVariable(cache)] ?? String(SOAK_CACHE_BYTES),
    ]),
  );
}

/** The node flags that let the soak ask for a full collection: gc() exposed, the inspector on 127.0.0.1 only. */
export const liveHeapFlags = (inspectPort: number) => ['--expose-gc', `--inspect=127.0.0.1:${inspectPort}`];

/** What the inspector writes to stderr when it opens, and when the soak attaches or leaves: not the server's problems. */
export const INSPECTOR_LINE =
  /^(Debugger listening on ws:|Debugger attached\.|Debugger ending on ws:|Waiting for the debugger to disconnect|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector)/;

/** How long one inspector call may take: a forced collection of a few hundred MB takes well under a second. */
const CALL_TIMEOUT_MS = 10_000;

/**
 * How often the soak forces a collection, in readings: a sixth of the run, at most a minute,
 * rounded to readings `sampleMs` apart (every reading of a run under 9 s). Each one pauses the
 * server (~60–100 ms here), which delays the requests that arrive meanwhile and those queued
 * behind them (docs/performance.md, "Soak").
 */
export function liveHeapEvery(durationMs: number, sampleMs: number): number {
  return Math.max(1, Math.round(Math.min(60_000, durationMs / 6) / sampleMs));
}

/** One inspector session on the soak's server: each `measure` forces a full collection and reads the heap left. */
export class LiveHeap {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const call = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!call) return;
      this.waiting.delete(message.id!);
      if (message.error) call.reject(new Error(message.error.message));
      else call.resolve(message.result);
    });
    socket.on('close', () => {
      for (const call of this.waiting.values()) call.reject(new Error('the inspector closed'));
      this.waiting.clear();
    });
    // A socket error is followed by 'close', which settles every call; without a listener it would end the soak.
    socket.on('error', () => {});
  }

  /** Attaches to the inspector of the server started with `liveHeapFlags(inspectPort)`. */
  static async attach(inspectPort: number): Promise<LiveHeap> {
    const where = `the server's inspector on 127.0.0.1:${inspectPort} (was the port taken?)`;
    const targets = (await fetch(`http://127.0.0.1:${inspectPort}/json/list`, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) })
      .then((res) => res.json())
      .catch((error: Error) => {
        throw new Error(`${where}: ${error.message}`);
      })) as { webSocketDebuggerUrl?: string }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`${where}: no target`);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', (error) => reject(new Error(`${where}: ${error.message}`)));
    });
    return new LiveHeap(socket);
  }

  /** The server's heap in use (bytes) just after a full collection, forced now. */
  async measure(): Promise<number> {
    const answer = (await this.call('Runtime.evaluate', {
      expression: '(gc(), process.memoryUsage().heapUsed)',
      returnByValue: true,
    })) as { result: { value?: unknown }; exceptionDetails?: { text: string } };
    if (answer.exceptionDetails || typeof answer.result.value !== 'number') {
      throw new Error(`the server cannot be asked for a collection: ${answer.exceptionDetails?.text ?? 'no number came back'}`);
    }
    return answer.result.value;
  }

  close(): void {
    this.socket.close();
  }

  /** One call, answered, refused, or failed: the socket closed (the server ended) or no answer within CALL_TIMEOUT_MS. */
  private call(method: string, params: unknown): Promise<unknown> {
    // ws drops a message sent on a closed socket without a word: the call would wait forever.
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('the inspector is not connected'));
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer from the inspector within ${CALL_TIMEOUT_MS / 1000} s`));
      }, CALL_TIMEOUT_MS);
      const settled = (settle: () => void) => {
        clearTimeout(timer);
        settle();
      };
      this.waiting.set(id, { resolve: (v) => settled(() => resolve(v)), reject: (e) => settled(() => reject(e)) });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
