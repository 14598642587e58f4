import path from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Summary } from './load';
import type { Target } from './report';
import type { ReadingManifest } from './reading.dataset';

/**
 * The reading section's figures (bench/reading.ts): what a run measured, each target of the
 * "Reading big threads" issue against it, the table printed and bench/results.reading.json.
 */

const ROOT = path.join(__dirname, '..', '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.reading.json');

/** One measured request kind: its figures and how many requests it took. */
export interface ReadingFigure {
  what: string;
  bytes: number;
  app: Summary;
}

export interface ReadingResults {
  date: string;
  machine: { cpus: number; loadAverage: [number, number] };
  dataset: { template: string; built: boolean; buildSeconds: number; cloneSeconds: number; deep: ReadingManifest['deep'] };
  /** First window of a thread page, one request at a time. */
  window: ReadingFigure[];
  warm: { bytes: number; app: Summary; ceiling: Summary; ratio: number };
  cold: { app: Summary; tiny: Summary & { max: number }; loopMaxMs: number; loopCpuMs: number | null };
  bytes: { brotli: number; identity: number; etag: string | null; conditionalStatus: number };
  api: ReadingFigure;
  inserts: { at10: Summary; at100k: Summary; bare: Summary };
  memory: { rssBytes: number; caches: Record<string, { entries: number; bytes: number; maxBytes: number }> | null };
  targets: Target[];
  seconds: number;
}

/** Each target of the issue, pass or fail. */
export function readingTargets(r: Omit<ReadingResults, 'targets'>): Target[] {
  const [w1k, w100k, deep] = r.window;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const kb = (x: number) => `${(x / 1024).toFixed(1)} KB`;
  const cacheBytes = r.memory.caches ? Object.values(r.memory.caches).reduce((a, c) => a + c.bytes, 0) : NaN;
  return [
    { name: 'first window, 100,000', target: '≤ 20 ms', measured: ms(w100k!.app.p50), ok: w100k!.app.p50 <= 20 },
    {
      name: 'first window, 100,000 ÷ 1,000',
      target: '≤ 1.5×',
      measured: `${(w100k!.app.p50 / w1k!.app.p50).toFixed(2)}×`,
      ok: w100k!.app.p50 / w1k!.app.p50 <= 1.5,
    },
    { name: 'deep post, 100,000', target: '≤ 20 ms', measured: ms(deep!.app.p50), ok: deep!.app.p50 <= 20 },
    {
      name: 'deep post, 100,000 ÷ first window, 1,000',
      target: '≤ 1.5×',
      measured: `${(deep!.app.p50 / w1k!.app.p50).toFixed(2)}×`,
      ok: deep!.app.p50 / w1k!.app.p50 <= 1.5,
    },
    {
      name: 'warm compressed page (8 in flight) ÷ plain server',
      target: '≥ 0.5×',
      measured: `${r.warm.ratio.toFixed(2)}×`,
      ok: r.warm.ratio >= 0.5,
    },
    { name: 'cold first window, 100,000', target: '≤ 40 ms', measured: ms(r.cold.app.p50), ok: r.cold.app.p50 <= 40 },
    {
      // The app's own loop stall is shown beside: on a busy machine the rest is the scheduler's.
      name: "longest wait of a tiny request beside cold ones (the app's loop stall)",
      target: '≤ 50 ms',
      measured: `${ms(r.cold.tiny.max)} (${ms(r.cold.loopMaxMs)})`,
      ok: r.cold.tiny.max <= 50,
    },
    { name: "1,000 thread's page with brotli", target: '≤ 80 KB', measured: kb(r.bytes.brotli), ok: r.bytes.brotli <= 80 * 1024 },
    {
      name: 'conditional GET of an unchanged thread',
      target: '304',
      measured: r.bytes.etag ? String(r.bytes.conditionalStatus) : 'no ETag',
      ok: r.bytes.conditionalStatus === 304,
    },
    { name: 'GET /api/posts/:root?limit=200, 100,000', target: '≤ 15 ms', measured: ms(r.api.app.p50), ok: r.api.app.p50 <= 15 },
    {
      name: 'reply insert, 100,000 ÷ 10',
      target: '≤ 1.3×',
      measured: `${(r.inserts.at100k.p50 / r.inserts.at10.p50).toFixed(2)}×`,
      ok: r.inserts.at100k.p50 / r.inserts.at10.p50 <= 1.3,
    },
    {
      name: 'reply insert ÷ bare insert-and-bump',
      target: '≤ 3×',
      measured: `${(r.inserts.at100k.p50 / r.inserts.bare.p50).toFixed(2)}× (${ms(r.inserts.at100k.p50)} ÷ ${ms(r.inserts.bare.p50)})`,
      ok: r.inserts.at100k.p50 / r.inserts.bare.p50 <= 3,
    },
    {
      name: 'server process RSS after reading',
      target: '≤ 300 MB',
      measured: `${(r.memory.rssBytes / 2 ** 20).toFixed(0)} MB (caches ${(cacheBytes / 2 ** 20).toFixed(1)} MB)`,
      ok: r.memory.rssBytes <= 300 * 2 ** 20,
    },
  ];
}

/** The section's table: each request's figures, then each target. */
export function formatReading(r: ReadingResults): string {
  const lines = [
    `Reading big threads (dataset ${r.dataset.template}${r.dataset.built ? `, built in ${r.dataset.buildSeconds.toFixed(0)} s` : ', cached'}; ${r.seconds.toFixed(0)} s)`,
    '',
    '| request | requests | p50 ms | p99 ms | bytes |',
    '| --- | --- | --- | --- | --- |',
    ...[...r.window, r.api].map(
      (f) => `| ${f.what} | ${f.app.requests} | ${f.app.p50.toFixed(1)} | ${f.app.p99.toFixed(1)} | ${f.bytes} |`,
    ),
    `| cold first window, 100,000 | ${r.cold.app.requests} | ${r.cold.app.p50.toFixed(1)} | ${r.cold.app.p99.toFixed(1)} | |`,
    `| /healthz beside the cold ones | ${r.cold.tiny.requests} | ${r.cold.tiny.p50.toFixed(1)} | ${r.cold.tiny.p99.toFixed(1)} (max ${r.cold.tiny.max.toFixed(1)}; app's loop stalled ≤ ${r.cold.loopMaxMs.toFixed(1)}) | |`,
    `| warm 1,000 page, brotli, 8 in flight | ${r.warm.app.requests} | ${r.warm.app.p50.toFixed(1)} | ${r.warm.app.p99.toFixed(1)} | ${r.warm.bytes} |`,
    `| reply insert, 10 / 100,000 / bare | ${r.inserts.at10.requests} each | ${r.inserts.at10.p50.toFixed(2)} / ${r.inserts.at100k.p50.toFixed(2)} / ${r.inserts.bare.p50.toFixed(2)} | ${r.inserts.at10.p99.toFixed(1)} / ${r.inserts.at100k.p99.toFixed(1)} / ${r.inserts.bare.p99.toFixed(1)} | |`,
    '',
    '| target | wanted | measured | |',
    '| --- | --- | --- | --- |',
    ...r.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.ok ? 'ok' : 'MISSED'} |`),
  ];
  if (r.memory.caches) {
    lines.push(
      '',
      'caches of the server process: ' +
        Object.entries(r.memory.caches)
          .map(([k, c]) => `${k} ${c.entries} entries, ${c.bytes} of ${c.maxBytes} bytes`)
          .join('; '),
    );
  }
  return lines.join('\n');
}

/** Writes the section's figures to bench/results.reading.json and prints them. */
export function reportReading(r: ReadingResults): void {
  console.log(`\n${formatReading(r)}\n`);
  writeFileSync(RESULTS_FILE, `${JSON.stringify(r, null, 2)}\n`);
  console.log(`figures written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}
