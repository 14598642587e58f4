import { readFileSync } from 'node:fs';
import type { ServerSample } from './soak.sample';

/**
 * The soak's arithmetic, apart from its load so it can be tested alone: the slope of the heap
 * after warm-up (is memory flat, or does it climb?) and reading the server's /metrics text.
 */

/** One reading of the server's memory, `t` ms after the soak began. */
export interface MemoryPoint {
  t: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The heap as the last full garbage collection under load left it (gentie_heap_after_gc_bytes). */
  heapAfterGcBytes: number;
  /** The heap just after a full collection the soak forced (soak.heap.ts), at some readings; absent at the others and in older results. */
  liveHeapBytes?: number;
  /** The server's main thread's time on a core so far, ms (Linux: /proc schedstat; NaN elsewhere). */
  cpuMs: number;
  /** Requests answered so far. */
  answered: number;
  /**
   * Since the sample before (the first: since the soak began): requests answered as they must be,
   * their p99 in ms, and errors. Absent in older results.
   */
  interval?: { answers: number; p99Ms: number; errors: number };
  /** Caches, collections, pool, event loop and the CPU of each party (soak.sample.ts); absent in older results. */
  server?: ServerSample;
}

/** The server's main thread's time on a core so far, in ms, or NaN where /proc does not tell it. */
export function mainThreadCpuMs(pid: number | undefined): number {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8');
    return Number(text.split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/**
 * The live heap less what the caches hold on it, after warm-up: what grows beyond the caches'
 * bounds (NaN where caches were not read). The caches of Buffers are left out: their bytes are not
 * on the V8 heap, and taking them away made the rest seem to shrink.
 */
export function heapLessCachesSlope(memory: MemoryPoint[], warmupMs: number): Slope {
  return slopeAfterWarmup(
    memory.map((m) => ({ t: m.t, bytes: (m.liveHeapBytes ?? NaN) - ((m.server?.cacheBytes ?? NaN) - (m.server?.bufferCacheBytes ?? 0)) })),
    warmupMs,
  );
}

/** A span of time in ms (performance.now()): a request from sent to answered, or a pause the soak caused. */
export interface Span {
  from: number;
  to: number;
}

/**
 * The latencies of the answers that were not in flight during any of `pauses` (the collections
 * the soak forced), and how many were: the p99 of the rest is the server's own, comparable with
 * runs that forced none. Requests queued behind a pause but sent after it stay in: a bound, not a
 * model of the backlog.
 */
export function withoutPauses(answers: (Span & { ms: number })[], pauses: Span[]): { ms: number[]; left: number } {
  const ms: number[] = [];
  for (const a of answers) if (!pauses.some((p) => a.from < p.to && a.to > p.from)) ms.push(a.ms);
  return { ms, left: answers.length - ms.length };
}

/** Main-thread CPU ms per answered request between consecutive readings: how each request's cost moves over the run. */
export function cpuPerRequest(memory: MemoryPoint[]): { t: number; ms: number }[] {
  const out: { t: number; ms: number }[] = [];
  for (let i = 1; i < memory.length; i++) {
    const a = memory[i - 1]!;
    const b = memory[i]!;
    const n = b.answered - a.answered;
    if (n > 0 && Number.isFinite(b.cpuMs - a.cpuMs)) out.push({ t: b.t, ms: (b.cpuMs - a.cpuMs) / n });
  }
  return out;
}

/** How a series moved after warm-up: least-squares slope and what it adds up to over that time. */
export interface Slope {
  /** Points used (those at or after the warm-up). */
  points: number;
  /** Least-squares slope, bytes per minute. */
  bytesPerMinute: number;
  /** The fitted growth from the warm-up's end to the last point, as a share of the fitted start: 0.05 = 5 %. */
  growth: number;
  /** The fitted value where the measured span starts, in bytes. */
  start: number;
}

/**
 * The trend of `values` (ms → bytes) from `warmupMs` on: an ordinary least-squares line through
 * the points, so one collection landing late or early moves it little, and its rise over the
 * measured span relative to where the line starts. A leak of a fixed size per request shows as a
 * steady positive growth; a flat heap as a growth near 0 (either sign). Fewer than 3 points
 * after warm-up say nothing: growth NaN.
 */
export function slopeAfterWarmup(values: { t: number; bytes: number }[], warmupMs: number): Slope {
  const pts = values.filter((p) => p.t >= warmupMs && Number.isFinite(p.bytes));
  const n = pts.length;
  if (n < 3) return { points: n, bytesPerMinute: NaN, growth: NaN, start: NaN };
  const meanT = pts.reduce((s, p) => s + p.t, 0) / n;
  const meanB = pts.reduce((s, p) => s + p.bytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of pts) {
    num += (p.t - meanT) * (p.bytes - meanB);
    den += (p.t - meanT) ** 2;
  }
  const perMs = den === 0 ? 0 : num / den;
  const t0 = pts[0]!.t;
  const t1 = pts[n - 1]!.t;
  const start = meanB + perMs * (t0 - meanT);
  return { points: n, bytesPerMinute: perMs * 60_000, growth: start > 0 ? (perMs * (t1 - t0)) / start : NaN, start };
}

/** The live heap's slope after warm-up, from the collections the soak forced (its target: growth ≤ 5 %). */
export function heapSlope(memory: MemoryPoint[], warmupMs: number): Slope {
  return slopeAfterWarmup(
    memory.map((m) => ({ t: m.t, bytes: m.liveHeapBytes ?? NaN })),
    warmupMs,
  );
}

/**
 * The slope of the heap the server's own collections left under load (gentie_heap_after_gc_bytes):
 * what an operator's dashboard shows. Readings with a forced collection are left out: the gauge
 * then shows the forced one.
 */
export function heapUnderLoadSlope(memory: MemoryPoint[], warmupMs: number): Slope {
  return slopeAfterWarmup(
    memory.flatMap((m) => (m.liveHeapBytes === undefined ? [{ t: m.t, bytes: m.heapAfterGcBytes }] : [])),
    warmupMs,
  );
}

/** The value of one series of Prometheus text (`name{labels} value`), its label sets summed; NaN if absent. */
export function promValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (!Object.entries(labels).every(([k, v]) => have[k] === v)) continue;
    sum += Number(m[3]);
    found = true;
  }
  return found ? sum : NaN;
}

/** A histogram of Prometheus text as cumulative buckets (label sets other than le summed). */
export function promBuckets(text: string, name: string): { bounds: number[]; counts: number[]; count: number } {
  const byBound = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const m = /le="([^"]+)"\} (\S+)$/.exec(line);
    if (!m) continue;
    const bound = m[1] === '+Inf' ? Infinity : Number(m[1]);
    byBound.set(bound, (byBound.get(bound) ?? 0) + Number(m[2]));
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => byBound.get(b)!);
  return { bounds, counts, count: counts.at(-1) ?? 0 };
}
