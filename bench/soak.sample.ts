import { readFileSync, readdirSync } from 'node:fs';
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
  /** Garbage collections' time so far, ms (nodejs_gc_duration_seconds_sum, every kind). */
  gcMs: number;
  /** Queries waiting for a connection of the app's pool at that moment (gentie_db_pool_waiting). */
  poolWaiting: number;
  /** The event loop's delay, p99 since the previous scrape, ms (nodejs_eventloop_lag_p99_seconds). */
  loopP99Ms: number;
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

/** The sample's figures from the server's /metrics text and /proc. */
export function sampleServer(metrics: string, serverPid: number | undefined, databasePid: number | undefined): ServerSample {
  return {
    cacheBytes: promValue(metrics, 'gentie_cache_bytes', { bound: 'used' }),
    gcMs: promValue(metrics, 'nodejs_gc_duration_seconds_sum') * 1000,
    poolWaiting: promValue(metrics, 'gentie_db_pool_waiting'),
    loopP99Ms: promValue(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    serverCpuMs: processCpuMs(serverPid),
    databaseCpuMs: processTreeCpuMs(databasePid),
    generatorCpuMs: ownCpuMs(),
  };
}
