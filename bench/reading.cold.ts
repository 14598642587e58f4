import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LoadGenerator, type RequestSpec, summarize } from './load';
import { watchMainThread } from './uploads';
import { SETTINGS, sleep, startReadingApp, timed } from './reading.app';
import { aloneOnClone } from './reading.alone';

/**
 * Cold first windows of the thread rooted at `rootId` (every cache emptied before each), one at a
 * time, while the other load generator sends `GET /healthz` 5 ms apart: the cold requests' times,
 * the tiny requests' (their longest is the wait), and the app's event loop's longest stall.
 */
export async function timeCold(load: LoadGenerator, trickle: LoadGenerator, appUrl: string, rootId: string, failures: string[]) {
  const coldSpec: RequestSpec = { method: 'GET', path: `/t/${rootId}`, headers: { 'x-bench-cold': '1' } };
  const probe = await load.run({
    baseUrl: appUrl,
    requests: [coldSpec],
    warmup: 0,
    count: 1,
    concurrency: 1,
    expectStatus: 200,
    timeoutMs: 120_000,
  });
  failures.push(...probe.errors);
  // Cold requests all start cold: the probe is one of them when fewer than 3 fit the budget.
  const coldFit = Math.min(SETTINGS.bigRequests, Math.floor(SETTINGS.bigBudgetMs / Math.max(1, probe.latenciesMs[0] ?? 1)));
  const coldCount = coldFit >= 3 ? coldFit : 2;
  const tinyRun = trickle.run({
    baseUrl: appUrl,
    requests: [{ method: 'GET', path: '/healthz' }],
    warmup: 5,
    count: 1_000_000,
    concurrency: 1,
    expectStatus: 200,
    gapMs: SETTINGS.tinyGapMs,
    untilMs: probe.latenciesMs[0]! * coldCount * 1.5 + 1000,
  });
  await sleep(200);
  // The app's own event loop, sampled every millisecond meanwhile: a stall of the loop is what
  // makes a tiny request wait; the rest of the tiny requests' longest answer is the machine.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  // And the main thread's longest run in CPU time (bench/uploads.ts): what a loaded machine's
  // scheduler adds to the wall time is not in it.
  const cpuRun = watchMainThread();
  const cr = await load.run({
    baseUrl: appUrl,
    requests: [coldSpec],
    warmup: 0,
    count: coldCount,
    concurrency: 1,
    expectStatus: 200,
    timeoutMs: 120_000,
  });
  loop.disable();
  const longest = cpuRun();
  const tr = await tinyRun;
  failures.push(...cr.errors, ...tr.errors);
  const tinyLatencies = tr.latenciesMs.filter((x) => !Number.isNaN(x));
  const coldLatencies = coldFit >= 3 ? cr.latenciesMs : [probe.latenciesMs[0]!, ...cr.latenciesMs];
  const cold = {
    app: summarize(coldLatencies, cr.elapsedMs, cr.errors.length),
    tiny: { ...summarize(tinyLatencies, tr.elapsedMs, tr.errors.length), max: Math.max(...tinyLatencies) },
    loopMaxMs: loop.max / 1e6,
    loopCpuMs: longest.cpuMs,
  };
  return cold;
}

/**
 * The cold first windows alone (`BENCH_READING=cold`), on a clone of the dataset in an app set up
 * as benchReading's, after the same first-window requests the full section makes before them; no
 * results file. For profiling what holds the event loop (node --cpu-prof, --trace-gc).
 */
export async function benchColdOnly(serverUrl: string): Promise<void> {
  await aloneOnClone(serverUrl, async ({ url, manifest, db, cleanups, failures }) => {
    const { appUrl } = await startReadingApp(url, db, cleanups);
    const load = new LoadGenerator();
    const trickle = new LoadGenerator();
    cleanups.push(
      () => load.close(),
      () => trickle.close(),
    );
    const rootId = manifest.threads['100000'].rootId;
    await timed(load, appUrl, { method: 'GET', path: `/t/${rootId}` }, SETTINGS.bigRequests, SETTINGS.bigBudgetMs, failures);
    const cold = await timeCold(load, trickle, appUrl, rootId, failures);
    console.log(
      `cold first window, 100,000: p50 ${cold.app.p50.toFixed(1)} ms over ${cold.app.requests}; ` +
        `${cold.tiny.requests} tiny requests beside them: p50 ${cold.tiny.p50.toFixed(1)} ms, max ${cold.tiny.max.toFixed(1)} ms; ` +
        `the app's event loop stalled at most ${cold.loopMaxMs.toFixed(1)} ms (longest run of its thread in CPU time ${cold.loopCpuMs ?? '?'} ms); load average ${os.loadavg()[0]!.toFixed(2)}`,
    );
  });
}
