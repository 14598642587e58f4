import http from 'node:http';
import type { Kysely } from 'kysely';
import { createApp } from '../server/app';
import { siteOrigin } from '../server/http/origin';
import { attachRealtime } from '../server/realtime/realtime.hub';
import { type Caches, createCaches } from '../server/caches';
import { loadConfig } from '../server/config';
import type { Database } from '../server/db/database';
import { createLogger } from '../server/log';
import { type LoadGenerator, type RequestSpec, listenLocal, summarize } from './load';

/**
 * What every measurement of the reading section (bench/reading.ts) shares: its settings, the app
 * as it runs it, and a request timed one at a time or fetched as sent.
 */

/** How the section spends its requests; at 100,000 follow-ups, counts are capped by time. */
export const SETTINGS = {
  windowRequests: 60, // first window, 1,000 follow-ups, one at a time
  bigRequests: 30, // the same at 100,000 at most
  bigBudgetMs: 12_000, // per measurement at 100,000: as many requests as fit, at least 3
  // Warm compressed page at 8 in flight: 2,000 requests (or 10 s) per server, in 4 rounds that
  // alternate which server goes first, each run after 100 unmeasured requests. Measured in one
  // go each (400 requests after 20, until 2026-12-03), whichever server went first came out at
  // half its speed or less, so the app, always first, was measured at a fraction of the plain
  // server however fast it was (docs/performance.md, "Warm pages answered ahead of express").
  warmRequests: 2000,
  warmRounds: 4,
  warmWarmup: 100,
  warmMs: 10_000,
  warmConcurrency: 8,
  apiRequests: 60,
  insertRounds: 80,
  insertWarmupRounds: 5,
  tinyGapMs: 5, // the stream of tiny requests beside cold ones
};

// Longer than the longest page: a connection idle while the event loop was held for seconds
// must not be closed just as the trickle sends its next request on it (a reset, not a wait).
export const listen = (server: http.Server, cleanups: (() => Promise<unknown>)[]) => listenLocal(server, cleanups, 120_000);

/** One request with node's http (no decompression): status, headers and the bytes as sent. */
export function raw(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * Times `spec` one request at a time: a probe, then up to `want` requests, as many as the probe
 * says fit in `budgetMs`. When fewer than 3 fit, the probe counts as a sample and 2 more are sent:
 * 3 in all, whose median leaves out the slowest.
 */
export async function timed(load: LoadGenerator, baseUrl: string, spec: RequestSpec, want: number, budgetMs: number, failures: string[]) {
  const job = { baseUrl, requests: [spec], concurrency: 1, expectStatus: 200, timeoutMs: 120_000 };
  const probe = await load.run({ ...job, warmup: 0, count: 1 });
  failures.push(...probe.errors);
  const probeMs = probe.latenciesMs[0] ?? NaN;
  const fit = Math.min(want, Math.floor(budgetMs / Math.max(1, probeMs)));
  const r = await load.run({ ...job, warmup: fit >= 20 ? 3 : 0, count: fit >= 3 ? fit : 2 });
  failures.push(...r.errors);
  const latencies = fit >= 3 ? r.latenciesMs : [probeMs, ...r.latenciesMs];
  return {
    bytes: r.lastBytes,
    app: summarize(
      latencies,
      latencies.reduce((a, b) => a + b, 0),
      r.errors.length,
    ),
  };
}

/** Empties every cache of the app: the next request renders, converts and compresses from scratch. */
export function clearCaches(caches: Caches): void {
  caches.lines.clear();
  caches.conversions.clear();
  caches.diffs.clear();
  caches.pages.clear();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The app as benchReading runs it, listening on a free port: realtime hub included, since its
 * LISTEN connection keeps what the app knows of each thread's version true, so a warm page needs
 * no query (posts/posts.pages.ts), as under main.ts.
 */
export async function startReadingApp(url: string, db: Kysely<Database>, cleanups: (() => Promise<unknown>)[]) {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_MULTIPLIER: '1000' });
  const caches = createCaches();
  const log = createLogger('silent');
  const app = createApp({ config, db, log, caches });
  // A cold request (X-Bench-Cold) finds every cache of the app empty: the bench's own wrapper,
  // so the app needs no way to be told from outside.
  const appServer = http.createServer((req, res) => {
    if (req.headers['x-bench-cold']) clearCaches(caches);
    app(req, res);
  });
  const realtime = attachRealtime(appServer, {
    db,
    databaseUrl: url,
    timeZone: config.displayTimeZone,
    log,
    site: siteOrigin(config),
    caches,
  });
  cleanups.push(() => realtime.close());
  const appUrl = await listen(appServer, cleanups);
  for (let i = 0; i < 100 && !caches.threads.listening; i++) await sleep(50);
  return { appUrl, caches };
}
