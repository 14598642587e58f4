/** The soak's figures (bench/soak.ts) and the run as a table for the terminal. */
import type { KindCost } from './soak.probe';
import { formatCosts } from './soak.probe';
import type { WriteMix } from './soak.mix';
import type { MemoryPoint, Slope } from './soak.stats';
import { TARGET_RATE } from './soak.load';

/** Figures of one kind of request. */
export interface KindFigures {
  kind: string;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SoakResults {
  date: string;
  seconds: number;
  rate: number;
  /** Requests/s the server answered in the capacity probe (closed loop); null when the rate was given. */
  capacity: number | null;
  readers: number;
  /** Where replies went and which threads were read (soak.mix.ts). */
  mix: WriteMix;
  requests: number;
  throughput: number;
  errors: number;
  errorSamples: string[];
  p50Ms: number;
  p99Ms: number;
  kinds: KindFigures[];
  events: {
    expected: number;
    delivered: number;
    lost: number;
    duplicated: number;
    p50Ms: number;
    p99Ms: number;
    serverP99Ms: number | null;
  };
  /** What each kind cost the server's main thread, sent alone, before the soak and after it (soak.probe.ts). */
  costs: { start: KindCost[]; end: KindCost[] };
  /** Whether the soak started on a just-restarted server (`--cold`; absent in older results). */
  cold?: boolean;
  /** Its first seconds: errors, and the most queries waiting for a pooled connection at a reading (absent in older results). */
  /** The first seconds (the cold start): their errors and the most queries waiting; the p99 of the requests sent after them (absent in older results). */
  early?: { seconds: number; errors: number; poolWaitingMax: number; p99AfterMs?: number };
  /** The ramp before the soak (absent in older results): its requests, errors (counted in `errors` too) and p99. */
  ramp?: { seconds: number; requests: number; errors: number; p99Ms: number };
  memory: MemoryPoint[];
  warmupSeconds: number;
  /** The live heap after warm-up (MemoryPoint.liveHeapBytes); in older results, the heap under load. */
  heap: Slope;
  /** The same less the caches' bytes: what grows beyond their bounds (absent in older results). */
  heapLessCaches?: Slope;
  /** The heap the server's own collections left under load (absent in older results, whose `heap` it was). */
  heapUnderLoad?: Slope;
  /** Full collections the soak forced in the server for the live heap, each a pause of its own in the latencies (absent in older results). */
  forcedCollections?: number;
  /** The p99 of the answers that were not in flight during a forced collection, and how many were (absent in older results). */
  unpaused?: { p99Ms: number; left: number };
  /** The caches' bounds the server ran with, by environment variable (absent in older results). */
  cacheBounds?: Record<string, string>;
  rss: { startMb: number; endMb: number; maxMb: number };
  loadAverage: { before: number; after: number };
  cpus: number;
}

const f = (n: number | null, digits = 1) => (n === null || !Number.isFinite(n) ? '—' : n.toFixed(digits));

/** The run as a table for the terminal. */
export function formatSoak(r: SoakResults): string {
  const lines = [
    `Soak: ${r.seconds} s at ${r.rate} requests/s${r.capacity === null ? ' (given)' : ` (60 % of a measured capacity of ${r.capacity}/s, at most ${TARGET_RATE})`}, ${r.readers} live readers, ${r.mix} mix`,
    `load average ${f(r.loadAverage.before, 2)} → ${f(r.loadAverage.after, 2)} on ${r.cpus} cores (shared with whatever else runs)`,
    '',
    'kind              requests  errors   p50 ms   p99 ms',
    ...r.kinds.map(
      (k) =>
        `${k.kind.padEnd(17)} ${String(k.requests).padStart(8)} ${String(k.errors).padStart(7)} ${f(k.p50Ms).padStart(8)} ${f(k.p99Ms).padStart(8)}`,
    ),
    `${'all'.padEnd(17)} ${String(r.requests).padStart(8)} ${String(r.errors).padStart(7)} ${f(r.p50Ms).padStart(8)} ${f(r.p99Ms).padStart(8)}`,
    ...(r.forcedCollections
      ? [
          `(the latencies include ${r.forcedCollections} full collections the soak forced for the live heap, each a pause of the server's: see below` +
            (r.unpaused ? `; the ${r.unpaused.left} answers in flight across one left out, p99 ${f(r.unpaused.p99Ms)} ms)` : ')'),
        ]
      : []),
    '',
    ...(r.ramp && r.ramp.seconds > 0
      ? [
          `before it, a ramp of ${r.ramp.seconds} s from a tenth of the rate to all of it: ${r.ramp.requests} requests, ${r.ramp.errors} errors, p99 ${f(r.ramp.p99Ms)} ms`,
        ]
      : []),
    ...(r.early
      ? [
          `first ${r.early.seconds} s${r.cold ? ' (on a just-restarted server)' : ''}: ${r.early.errors} errors, at most ${r.early.poolWaitingMax} queries waiting for a pooled connection; the requests sent after them: p99 ${f(r.early.p99AfterMs ?? NaN)} ms`,
        ]
      : []),
    `throughput ${f(r.throughput)} answers/s; errors ${r.errors}${r.errorSamples.length ? `:\n  ${r.errorSamples.join('\n  ')}` : ''}`,
    `events: ${r.events.delivered}/${r.events.expected} delivered, ${r.events.lost} lost, ${r.events.duplicated} duplicated; lag from before the POST p50 ${f(r.events.p50Ms)} ms, p99 ${f(r.events.p99Ms)} ms; commit → delivery p99 ${f(r.events.serverP99Ms)} ms (server)`,
    '',
    "what each kind costs the server's main thread, sent alone one at a time, before the soak and after it:",
    formatCosts(r.costs.start, r.costs.end),
    '',
    'each interval: requests answered as they must be, their p99 and errors; memory (the heap after its own last full collection, and live: after one the soak forced); CPU ms per answered request of the server main thread, the whole server process, PostgreSQL and the',
    "load generator; the server's GC ms per second (all, and full collections), queries waiting for a pooled connection and connections open (at the sample), event-loop delay p99 and max, and the generator's loop max:",
    '    s  answers   p99 ms  errors   RSS MB  heap MB  after GC  live MB  caches MB   main  server  postgres  generator   GC ms/s  full GC  pool wait  pool open  loop p99 ms  loop max ms  gen. loop max',
    ...r.memory.map((m, i) => intervalRow(m, r.memory[i - 1])),
    ...(r.cacheBounds ? [`caches bounded at ${formatBounds(r.cacheBounds)}`] : []),
    `live heap (just after a full collection the soak forced) after ${f(r.warmupSeconds, 0)} s of warm-up: ${f(r.heap.bytesPerMinute / 2 ** 20, 2)} MB/min over ${r.heap.points} points, growth ${f(r.heap.growth * 100, 1)} % (target ≤ 5 %)`,
    ...(r.heapLessCaches
      ? [
          `the same less the caches' bytes on the heap (not the pages' and images' Buffers): ${f(r.heapLessCaches.bytesPerMinute / 2 ** 20, 2)} MB/min, growth ${f(r.heapLessCaches.growth * 100, 1)} %`,
        ]
      : []),
    ...(r.heapUnderLoad
      ? [
          `the heap after the server's own full collections, under load ("after GC", at the readings without a forced one; it also keeps what requests allocated while they marked; the GC columns include the forced ones): ${f(r.heapUnderLoad.bytesPerMinute / 2 ** 20, 2)} MB/min, growth ${f(r.heapUnderLoad.growth * 100, 1)} %`,
        ]
      : []),
    `RSS ${f(r.rss.startMb)} → ${f(r.rss.endMb)} MB (max ${f(r.rss.maxMb)})`,
    ...cpuShares(r.memory, r.cpus),
  ];
  return lines.join('\n');
}

/** The caches' bounds as one line: "1 MiB each", or each bound by its variable where they differ. */
function formatBounds(bounds: Record<string, string>): string {
  const mib = (bytes: string) => `${f(Number(bytes) / 2 ** 20, Number(bytes) % 2 ** 20 === 0 ? 0 : 1)} MiB`;
  const values = new Set(Object.values(bounds));
  if (values.size === 1) return `${mib([...values][0]!)} each (CACHE_*_BYTES to change)`;
  return Object.entries(bounds)
    .map(([name, bytes]) => `${name}=${mib(bytes)}`)
    .join(', ');
}

/** One sample against the one before it (none for the first): the columns of the interval table. */
function intervalRow(m: MemoryPoint, prev: MemoryPoint | undefined): string {
  const n = prev ? m.answered - prev.answered : NaN;
  const per = (now: number | undefined, before: number | undefined) =>
    now === undefined || before === undefined ? NaN : (now - before) / n;
  const seconds = prev ? (m.t - prev.t) / 1000 : NaN;
  const s = m.server;
  const p = prev?.server;
  return [
    f(m.t / 1000, 0).padStart(5),
    f(m.interval?.answers ?? NaN, 0).padStart(8),
    f(m.interval?.p99Ms ?? NaN).padStart(8),
    f(m.interval?.errors ?? NaN, 0).padStart(7),
    f(m.rssBytes / 2 ** 20).padStart(8),
    f(m.heapUsedBytes / 2 ** 20).padStart(8),
    f(m.heapAfterGcBytes / 2 ** 20).padStart(9),
    f((m.liveHeapBytes ?? NaN) / 2 ** 20).padStart(8),
    f((s?.cacheBytes ?? NaN) / 2 ** 20).padStart(10),
    f(per(m.cpuMs, prev?.cpuMs), 2).padStart(6),
    f(per(s?.serverCpuMs, p?.serverCpuMs), 2).padStart(7),
    f(per(s?.databaseCpuMs, p?.databaseCpuMs), 2).padStart(9),
    f(per(s?.generatorCpuMs, p?.generatorCpuMs), 2).padStart(10),
    f(s && p ? (s.gcMs - p.gcMs) / seconds : NaN).padStart(9),
    f(s?.majorGcMs !== undefined && p?.majorGcMs !== undefined ? (s.majorGcMs - p.majorGcMs) / seconds : NaN).padStart(8),
    f(s?.poolWaiting ?? NaN, 0).padStart(10),
    f(s?.poolOpen ?? NaN, 0).padStart(10),
    f(s?.loopP99Ms ?? NaN).padStart(12),
    f(s?.loopMaxMs ?? NaN).padStart(12),
    f(s?.generatorLoopMaxMs ?? NaN).padStart(14),
  ].join(' ');
}

/** The CPU each party used from the first sample to the last: ms per answered request, and its share of the machine's cores. */
export function cpuShares(memory: MemoryPoint[], cpus: number): string[] {
  const a = memory[0];
  const b = memory.at(-1);
  if (!a?.server || !b?.server || b === a) return [];
  const n = b.answered - a.answered;
  const ms = b.t - a.t;
  const parts: [string, number][] = [
    ['server process', b.server.serverCpuMs - a.server.serverCpuMs],
    ['  of which its main thread', b.cpuMs - a.cpuMs],
    ['PostgreSQL', b.server.databaseCpuMs - a.server.databaseCpuMs],
    ['load generator', b.server.generatorCpuMs - a.server.generatorCpuMs],
  ];
  return [
    `CPU over the soak (${n} answers in ${f(ms / 1000, 0)} s on ${cpus} cores):`,
    ...parts.map(
      ([who, used]) =>
        `  ${who.padEnd(27)} ${f(used / n, 2).padStart(7)} ms/request ${f((100 * used) / ms / cpus).padStart(6)} % of the cores`,
    ),
  ];
}
