import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** One HTTP request to send; a JSON body when `body` is set. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * A run of the load generator: `warmup` requests that are not measured, then `count` measured
 * ones, `concurrency` in flight at a time over keep-alive connections. Request i (warm-up
 * included) is `requests[i % requests.length]`.
 */
export interface LoadJob {
  baseUrl: string;
  requests: RequestSpec[];
  warmup: number;
  count: number;
  concurrency: number;
  /** Any other status counts as an error. */
  expectStatus: number;
  /** Return the measured responses' bodies (to check what was created). */
  keepBodies?: boolean;
  timeoutMs?: number;
  /** Stop sending measured requests this long after they began, even if fewer than `count` went out. */
  untilMs?: number;
  /** Pause between two requests of a lane: a steady trickle rather than as fast as answers come. */
  gapMs?: number;
  /** Response headers to return, of the last measured response (lower-case names). */
  keepHeaders?: string[];
}

export interface LoadResult {
  /** Latency of each measured request, in request order (NaN for a request that failed). */
  latenciesMs: number[];
  /** Wall time of the measured part. */
  elapsedMs: number;
  /** One line per failed request (wrong status, network error, timeout). */
  errors: string[];
  /** Size of the last measured response body. */
  lastBytes: number;
  bodies?: string[];
  /** The `keepHeaders` of the last measured response. */
  headers?: Record<string, string>;
}

/** Message from the main thread to the worker (a job to run, or one to stop sending), and back. */
export type ToWorker = { id: number; job: LoadJob } | { id: number; stop: true };
export type FromWorker = { id: number; result?: LoadResult; error?: string };

/**
 * The load generator, run in a worker thread (bench/loadgen.ts) so that sending requests and
 * timing them does not share the event loop with the server being measured.
 */
export class LoadGenerator {
  private readonly worker = new Worker(path.join(__dirname, 'loadgen.js'));
  private readonly pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor() {
    this.worker.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.result) p?.resolve(m.result);
      else p?.reject(new Error(m.error ?? 'the load generator failed'));
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', () => this.failAll(new Error('the load generator exited')));
  }

  /** Runs one job in the worker and resolves with its raw timings. */
  run(job: LoadJob): Promise<LoadResult> {
    return this.start(job).done;
  }

  /**
   * Starts a job that runs beside others (the worker interleaves them); `stop` ends it early: no
   * request is sent after it, and `done` resolves once those in flight have answered.
   */
  start(job: LoadJob): { done: Promise<LoadResult>; stop: () => void } {
    const id = this.nextId++;
    const done = new Promise<LoadResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, job } satisfies ToWorker);
    });
    return { done, stop: () => this.worker.postMessage({ id, stop: true } satisfies ToWorker) };
  }

  /** Stops the worker thread. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

/** Throughput and latency of a run. */
export interface Summary {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  errors: number;
}

/** Nearest-rank percentile of unsorted values (p in 0-100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Requests/s over the wall time of the run, p50, p99 and mean latency in ms. */
export function summarize(all: number[], elapsedMs: number, errors = 0): Summary {
  const latencies = all.filter((x) => !Number.isNaN(x));
  return {
    requests: latencies.length,
    rps: latencies.length / (elapsedMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    errors,
  };
}

/**
 * Starts `server` on a free port of 127.0.0.1 and returns its URL; `cleanups` gets what closes it.
 * `keepAliveMs` outlasts the longest response a section expects on one connection.
 */
export async function listenLocal(server: http.Server, cleanups: (() => Promise<unknown>)[], keepAliveMs: number): Promise<string> {
  server.keepAliveTimeout = keepAliveMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
