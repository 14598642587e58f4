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
  memory: MemoryPoint[];
  warmupSeconds: number;
  heap: Slope;
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
    '',
    `throughput ${f(r.throughput)} answers/s; errors ${r.errors}${r.errorSamples.length ? `:\n  ${r.errorSamples.join('\n  ')}` : ''}`,
    `events: ${r.events.delivered}/${r.events.expected} delivered, ${r.events.lost} lost, ${r.events.duplicated} duplicated; lag from before the POST p50 ${f(r.events.p50Ms)} ms, p99 ${f(r.events.p99Ms)} ms; commit → delivery p99 ${f(r.events.serverP99Ms)} ms (server)`,
    '',
    "what each kind costs the server's main thread, sent alone one at a time, before the soak and after it:",
    formatCosts(r.costs.start, r.costs.end),
    '',
    '    s   RSS MB  heap MB  heap after GC MB  CPU ms/request',
    ...r.memory.map((m, i) => {
      const cpu = i > 0 ? (m.cpuMs - r.memory[i - 1]!.cpuMs) / (m.answered - r.memory[i - 1]!.answered) : NaN;
      return `${f(m.t / 1000, 0).padStart(5)} ${f(m.rssBytes / 2 ** 20).padStart(8)} ${f(m.heapUsedBytes / 2 ** 20).padStart(8)} ${f(m.heapAfterGcBytes / 2 ** 20).padStart(17)} ${f(cpu, 2).padStart(15)}`;
    }),
    `post-GC heap after ${f(r.warmupSeconds, 0)} s of warm-up: ${f(r.heap.bytesPerMinute / 2 ** 20, 2)} MB/min over ${r.heap.points} points, growth ${f(r.heap.growth * 100, 1)} % (target ≤ 5 %)`,
    `RSS ${f(r.rss.startMb)} → ${f(r.rss.endMb)} MB (max ${f(r.rss.maxMb)})`,
  ];
  return lines.join('\n');
}
