import http from 'node:http';
import os from 'node:os';
import { LoadGenerator, type LoadResult, type RequestSpec, type Summary, summarize } from './load';
import { SETTINGS, listen, raw, startReadingApp, timed } from './reading.app';
import { aloneOnClone } from './reading.alone';
import type { ReadingResults } from './reading.report';

/**
 * The warm compressed page (brotli) at 8 requests in flight, against a plain Node server sending
 * the same bytes with the same Content-Type, Content-Encoding and Content-Length.
 */
export async function timeWarm(
  load: LoadGenerator,
  appUrl: string,
  pagePath: string,
  cleanups: (() => Promise<unknown>)[],
  failures: string[],
): Promise<ReadingResults['warm']> {
  const br = await raw(`${appUrl}${pagePath}`, { 'accept-encoding': 'br' });
  if (br.status !== 200 || br.headers['content-encoding'] !== 'br') failures.push(`GET ${pagePath} (br): ${br.status}`);
  const ceilingUrl = await listen(
    http.createServer((_req, res) => {
      res
        .writeHead(200, {
          'content-type': String(br.headers['content-type']),
          'content-encoding': 'br',
          'content-length': br.body.length,
        })
        .end(br.body);
    }),
    cleanups,
  );
  const warmJob = {
    requests: [{ method: 'GET', path: pagePath, headers: { 'accept-encoding': 'br' } }] satisfies RequestSpec[],
    warmup: SETTINGS.warmWarmup,
    count: SETTINGS.warmRequests / SETTINGS.warmRounds,
    concurrency: SETTINGS.warmConcurrency,
    expectStatus: 200,
    untilMs: SETTINGS.warmMs / SETTINGS.warmRounds,
  };
  const runs = { app: [] as LoadResult[], ceiling: [] as LoadResult[] };
  for (let round = 0; round < SETTINGS.warmRounds; round++) {
    const order = round % 2 === 0 ? (['app', 'ceiling'] as const) : (['ceiling', 'app'] as const);
    for (const which of order) runs[which].push(await load.run({ ...warmJob, baseUrl: which === 'app' ? appUrl : ceilingUrl }));
  }
  // Each server's rounds as one run: all its latencies over the sum of its rounds' times.
  const total = (rs: LoadResult[]) => {
    const errors = rs.flatMap((r) => r.errors);
    failures.push(...errors);
    return summarize(
      rs.flatMap((r) => r.latenciesMs),
      rs.reduce((sum, r) => sum + r.elapsedMs, 0),
      errors.length,
    );
  };
  const app = total(runs.app);
  const ceiling = total(runs.ceiling);
  return { bytes: runs.app.at(-1)?.lastBytes ?? NaN, app, ceiling, ratio: app.rps / ceiling.rps };
}

/** The warm page alone, on a clone of the dataset, in an app set up as benchReading's. */
export async function benchWarmOnly(serverUrl: string): Promise<void> {
  await aloneOnClone(serverUrl, async ({ url, manifest, db, cleanups, failures }) => {
    const { appUrl } = await startReadingApp(url, db, cleanups);
    const load = new LoadGenerator();
    cleanups.push(() => load.close());
    const pagePath = `/t/${manifest.threads['1000'].rootId}`;
    // What the full section asks before this measurement, and of the same page: its first window,
    // one request at a time. Without it the load generator's thread starts cold (unoptimized) on
    // the app's run and warm on the plain server's, which halves the app's figure.
    await timed(load, appUrl, { method: 'GET', path: pagePath }, SETTINGS.windowRequests, 30_000, failures);
    const w = await timeWarm(load, appUrl, pagePath, cleanups, failures);
    const row = (what: string, s: Summary) =>
      `| ${what} | ${s.requests} | ${s.rps.toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(1)} |`;
    console.log(
      [
        '',
        `warm /t/:root, 1,000 follow-ups, brotli (${w.bytes} bytes), 8 in flight; load average ${os.loadavg()[0]!.toFixed(2)}`,
        '| server | requests | req/s | p50 ms | p99 ms |',
        '| --- | --- | --- | --- | --- |',
        row('app', w.app),
        row('plain Node server, same bytes', w.ceiling),
        '',
        `warm throughput ÷ plain server: ${w.ratio.toFixed(2)}× (target ≥ 0.5×)`,
      ].join('\n'),
    );
  });
}
