import { readFileSync, readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promValue } from './soak.stats';

/**
 * What the soak reads of its server at each sample besides memory (bench/soak.ts): how full the
 * caches are (so a heap that grows only as far as their bounds is told from one that leaks), the
 * time its garbage collections took, queries waiting for a pooled connection, the event loop's
 * delay, and the CPU time of the three parties sharing the machine: the server process (all its
 * threads), PostgreSQL (the postmaster and its backends, those that ended included) and the load
 * generator itself (this process: its HTTP requests and its live readers' sockets).
 */
export interface ServerSample {
  /** The caches' calculated bytes, all of them (gentie_cache_bytes). */
  cacheBytes: number;
  /**
   * Of which the caches that hold Buffers (the kept pages and the images): their bytes are outside
   * the V8 heap, so the heap after GC does not count them. Absent in older results.
   */
  bufferCacheBytes?: number;
  /** Garbage collections' time so far, ms (nodejs_gc_duration_seconds_sum, every kind). */
  gcMs: number;
  /** Of which the full (mark-compact) collections, ms (kind="major"); absent in older results. */
  majorGcMs?: number;
  /** Queries waiting for a connection of the app's pool at that moment (gentie_db_pool_waiting). */
  poolWaiting: number;
  /** Connections of the app's pool open at that moment (gentie_db_pool_connections, state="total"); absent in older results. */
  poolOpen?: number;
  /** The event loop's delay, p99 since the previous scrape, ms (nodejs_eventloop_lag_p99_seconds). */
  loopP99Ms: number;
  /** Its longest delay since the previous scrape, ms (nodejs_eventloop_lag_max_seconds): a stall of a second is one sample, invisible in the p99. */
  loopMaxMs: number;
  /** The load generator's own event loop's longest delay since the previous sample, ms: when it stalls, every kind's latency does. */
  generatorLoopMaxMs: number;
  /** CPU time so far, ms: the server process, PostgreSQL's processes, the load generator. */
  serverCpuMs: number;
  databaseCpuMs: number;
  generatorCpuMs: number;
}

const TICK_MS = 10; // Linux's USER_HZ is 100 on every architecture Node runs on.

/** /proc/PID/stat's fields after the command name: [state, ppid, …]; undefined if gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A process's CPU time so far, ms (utime + stime; with `reaped`, its ended children's too); NaN where /proc does not tell it. */
export function processCpuMs(pid: number | undefined, reaped = false): number {
  const f = pid === undefined ? undefined : statFields(pid);
  if (!f) return NaN;
  const ticks = Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
  return ticks * TICK_MS;
}

/** A process and its children's CPU time so far, ms: the ended children through its reaped times, the live ones by their own. */
export function processTreeCpuMs(pid: number | undefined): number {
  let total = processCpuMs(pid, true);
  if (!Number.isFinite(total)) return NaN;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === pid) total += processCpuMs(Number(entry));
  }
  return total;
}

/** This process's CPU time so far, ms (every thread). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// This process's (the load generator's) event loop, watched from the first sample on.
const generatorLoop = monitorEventLoopDelay({ resolution: 10 });
generatorLoop.enable();

/** The generator's longest event-loop delay since the previous call, ms. */
function generatorLoopMaxMs(): number {
  const max = generatorLoop.max / 1e6;
  generatorLoop.reset();
  return max;
}

/** The caches whose entries are Buffers (server/caches.ts: whole pages and their compressed forms, image bytes). */
const BUFFER_CACHES = ['pages', 'images'];

/** The sample's figures from the server's /metrics text and /proc. */
export function sampleServer(metrics: string, serverPid: number | undefined, databasePid: number | undefined): ServerSample {
  return {
    cacheBytes: promValue(metrics, 'gentie_cache_bytes', { bound: 'used' }),
    bufferCacheBytes: BUFFER_CACHES.reduce(
      (sum, cache) => sum + (promValue(metrics, 'gentie_cache_bytes', { cache, bound: 'used' }) || 0),
      0,
    ),
    gcMs: promValue(metrics, 'nodejs_gc_duration_seconds_sum') * 1000,
    majorGcMs: promValue(metrics, 'nodejs_gc_duration_seconds_sum', { kind: 'major' }) * 1000,
    poolWaiting: promValue(metrics, 'gentie_db_pool_waiting'),
    poolOpen: promValue(metrics, 'gentie_db_pool_connections', { state: 'total' }),
    loopP99Ms: promValue(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    loopMaxMs: promValue(metrics, 'nodejs_eventloop_lag_max_seconds') * 1000,
    generatorLoopMaxMs: generatorLoopMaxMs(),
    serverCpuMs: processCpuMs(serverPid),
    databaseCpuMs: processTreeCpuMs(databasePid),
    generatorCpuMs: ownCpuMs(),
  };
}
