/**
 * `npm run bench -- reading` (and part of `npm run bench`): reading big threads, every target of
 * the "Reading big threads" issue measured in one run (docs/performance.md, "Reading big threads").
 *
 * The dataset (threads of 10, 1,000, 10,000 and 100,000 follow-ups shaped by bench/shape.ts, a
 * deep post inside the biggest, a depth-50 chain) is built once into a template database and
 * cloned for each run (bench/datasets.ts). The app runs in this process, the load generators on
 * worker threads; the memory figure comes from a separate `node dist/server/main.js`.
 *
 * Requests at 100,000 follow-ups are counted by time: a probe request first, then as many as fit
 * in a few seconds (at least 3), so the section ends in bounded time whether a page takes 10 ms
 * or 10 s.
 *
 * Each measurement has its file beside this one (reading.warm.ts, reading.cold.ts,
 * reading.inserts.ts, reading.memory.ts), on the app and settings of reading.app.ts; the dataset
 * is reading.dataset.ts, the figures and targets reading.report.ts.
 *
 * `BENCH_READING=inserts npm run bench -- reading` runs only the reply-insert measurement (replies
 * through HTTP at 10 and 100,000 follow-ups against a bare insert-and-bump transaction, as in the
 * full section): it prints its figures and the two insert targets, and writes no results file.
 * `BENCH_READING=warm npm run bench -- reading` runs only the warm page measurement (the 1,000
 * thread's page, brotli, 8 in flight, against a plain Node server sending the same bytes), after
 * the same page's first-window requests the full section makes before it: it prints the two
 * throughputs and their ratio, and writes no results file either.
 */
import os from 'node:os';
import path from 'node:path';

import { connect } from '../server/db/connect';
import { openEmbedded } from '../server/db/embedded';
import { cloneDataset } from './datasets';
import { LoadGenerator } from './load';
import { raw, startReadingApp, timed, SETTINGS } from './reading.app';
import { benchColdOnly, timeCold } from './reading.cold';
import { DATABASE, READING_DATASET, type Size } from './reading.dataset';
import { benchInsertsOnly, timeInserts } from './reading.inserts';
import { measureMemory } from './reading.memory';
import { type ReadingFigure, type ReadingResults, readingTargets, reportReading } from './reading.report';
import { benchWarmOnly, timeWarm } from './reading.warm';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');

/** Runs the section on the embedded server at `serverUrl`; `say` prints progress. */
export async function benchReading(serverUrl: string, say: (line: string) => void): Promise<ReadingResults> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0]!;
  const dataset = await cloneDataset(serverUrl, READING_DATASET, DATABASE, say);
  const m = dataset.manifest;
  say(`reading: cloned ${dataset.template} in ${dataset.cloneSeconds.toFixed(1)} s`);
  const cleanups: (() => Promise<unknown>)[] = [];
  const failures: string[] = [];
  try {
    const db = connect(dataset.url);
    cleanups.push(() => db.destroy());
    const { appUrl } = await startReadingApp(dataset.url, db, cleanups);
    const load = new LoadGenerator();
    const trickle = new LoadGenerator();
    cleanups.push(
      () => load.close(),
      () => trickle.close(),
    );
    const root = (size: Size) => m.threads[`${size}`].rootId;

    // ---- First window of /t/:root at 1,000 and 100,000 follow-ups, and a deep post's page
    const window: ReadingFigure[] = [];
    const page = async (what: string, p: string, want: number, budgetMs: number) => {
      const f = await timed(load, appUrl, { method: 'GET', path: p }, want, budgetMs, failures);
      window.push({ what, ...f });
      say(`reading: ${what}: p50 ${f.app.p50.toFixed(1)} ms over ${f.app.requests} requests, ${(f.bytes / 1024).toFixed(0)} KB`);
    };
    await page('first window, 1,000', `/t/${root(1000)}`, SETTINGS.windowRequests, 30_000);
    await page('first window, 100,000', `/t/${root(100000)}`, SETTINGS.bigRequests, SETTINGS.bigBudgetMs);
    await page(
      `deep post (depth ${m.deep.depth}, ${m.deep.subtree} below), 100,000`,
      `/t/${m.deep.id}`,
      SETTINGS.bigRequests,
      SETTINGS.bigBudgetMs,
    );
    await page('depth-50 chain, its last post', `/t/${m.chain.leafId}`, SETTINGS.windowRequests, 10_000);

    // ---- Bytes: the 1,000 thread's first page with brotli, and a conditional GET
    const br = await raw(`${appUrl}/t/${root(1000)}`, { 'accept-encoding': 'br' });
    const identity = await raw(`${appUrl}/t/${root(1000)}`);
    if (br.status !== 200) failures.push(`GET /t/:root (br): ${br.status}`);
    const etag = typeof br.headers.etag === 'string' ? br.headers.etag : null;
    const conditional = await raw(`${appUrl}/t/${root(1000)}`, { 'accept-encoding': 'br', ...(etag ? { 'if-none-match': etag } : {}) });
    const bytes = {
      brotli: br.headers['content-encoding'] === 'br' ? br.body.length : NaN,
      identity: identity.body.length,
      etag,
      conditionalStatus: conditional.status,
    };
    say(
      `reading: 1,000 thread's page: ${bytes.identity} bytes, ${bytes.brotli} with brotli; ETag ${etag ?? 'none'}; conditional GET ${bytes.conditionalStatus}`,
    );

    // ---- Warm compressed page at 8 in flight, against a plain server sending the same bytes
    const warm = await timeWarm(load, appUrl, `/t/${root(1000)}`, cleanups, failures);
    say(
      `reading: warm compressed page at 8 in flight: ${warm.app.rps.toFixed(0)} req/s, plain server ${warm.ceiling.rps.toFixed(0)} req/s (${warm.ratio.toFixed(2)}×)`,
    );

    // ---- Cold first window at 100,000, beside a trickle of tiny requests
    const cold = await timeCold(load, trickle, appUrl, root(100000), failures);
    say(
      `reading: cold first window, 100,000: p50 ${cold.app.p50.toFixed(1)} ms over ${cold.app.requests}; ` +
        `${cold.tiny.requests} tiny requests beside them: p50 ${cold.tiny.p50.toFixed(1)} ms, max ${cold.tiny.max.toFixed(1)} ms; ` +
        `the app's event loop stalled at most ${cold.loopMaxMs.toFixed(1)} ms (in CPU time ${cold.loopCpuMs ?? '?'} ms)`,
    );

    // ---- The API's first page of the biggest thread
    const apiTimed = await timed(
      load,
      appUrl,
      { method: 'GET', path: `/api/posts/${root(100000)}?limit=200` },
      SETTINGS.apiRequests,
      15_000,
      failures,
    );
    const api = { what: 'GET /api/posts/:root?limit=200, 100,000', ...apiTimed };
    say(`reading: ${api.what}: p50 ${api.app.p50.toFixed(1)} ms`);

    // ---- Reply inserts at 10 and 100,000 follow-ups, and a bare insert-and-bump, interleaved
    const inserts = await timeInserts(db, appUrl, m, failures);
    say(
      `reading: reply insert p50 ${inserts.at10.p50.toFixed(2)} ms at 10, ${inserts.at100k.p50.toFixed(2)} ms at 100,000; ` +
        `bare insert-and-bump ${inserts.bare.p50.toFixed(2)} ms`,
    );

    // ---- Memory of a separate server process after the same reading requests
    const memory = await measureMemory(dataset.url, m, failures, say);

    const results: Omit<ReadingResults, 'targets'> = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, loadAverage: [loadBefore, os.loadavg()[0]!] },
      dataset: {
        template: dataset.template,
        built: dataset.built,
        buildSeconds: dataset.buildSeconds,
        cloneSeconds: dataset.cloneSeconds,
        deep: m.deep,
      },
      window,
      warm,
      cold,
      bytes,
      api,
      inserts,
      memory,
      seconds: (performance.now() - started) / 1000,
    };
    if (failures.length) {
      console.error(`bench reading: ${failures.length} requests failed, for example:\n  ${failures.slice(0, 5).join('\n  ')}`);
      process.exitCode = 1;
    }
    return { ...results, targets: readingTargets(results) };
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((e: Error) => console.error(`bench reading: clean-up: ${e.message}`));
  }
}

/** The section alone: `npm run bench -- reading` (BENCH_READING=inserts, warm or cold: that measurement alone). */
export async function runReadingBench(): Promise<void> {
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (line) => console.log(`postgres: ${line}`) });
  try {
    if (process.env.BENCH_READING === 'inserts') return await benchInsertsOnly(embedded.url);
    if (process.env.BENCH_READING === 'warm') return await benchWarmOnly(embedded.url);
    if (process.env.BENCH_READING === 'cold') return await benchColdOnly(embedded.url);
    reportReading(await benchReading(embedded.url, (line) => console.log(line)));
  } finally {
    await embedded.stop();
  }
}
