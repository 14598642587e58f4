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
 * `BENCH_READING=inserts npm run bench -- reading` runs only the reply-insert measurement (replies
 * through HTTP at 10 and 100,000 follow-ups against a bare insert-and-bump transaction, as in the
 * full section): it prints its figures and the two insert targets, and writes no results file.
 * `BENCH_READING=warm npm run bench -- reading` runs only the warm page measurement (the 1,000
 * thread's page, brotli, 8 in flight, against a plain Node server sending the same bytes), after
 * the same page's first-window requests the full section makes before it: it prints the two
 * throughputs and their ratio, and writes no results file either.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';

import { createApp } from '../server/app';
import { siteOrigin } from '../server/http/origin';
import { attachRealtime } from '../server/realtime/realtime.hub';
import { type Caches, createCaches } from '../server/caches';
import { createBoard } from '../server/boards/boards.service';
import { loadConfig } from '../server/config';
import { connect } from '../server/db/connect';
import type { Database } from '../server/db/database';
import { openEmbedded } from '../server/db/embedded';
import { createLogger } from '../server/log';
import { type Member, createMember } from '../server/members/members.service';
import { detectVariant } from '../server/text/convert';
import { cloneDataset, type Dataset } from './datasets';
import { LoadGenerator, type LoadResult, type RequestSpec, type Summary, listenLocal, summarize } from './load';
import { watchMainThread } from './uploads';
import { startServer } from './realtime';
import type { Target } from './report';
import { seedThread } from './seed';
import { type PlannedReply, cjkTitle, planThread, randomBody, seededRandom } from './shape';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.reading.json');
const DATABASE = 'gentie_bench_reading';
const PASSWORD = 'bench password 跟帖';
const SIZES = [10, 1000, 10000, 100000] as const;
type Size = (typeof SIZES)[number];

/** How the section spends its requests; at 100,000 follow-ups, counts are capped by time. */
const SETTINGS = {
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

/** What the dataset's build tells each run. */
export interface ReadingManifest {
  authors: string[];
  board: string;
  threads: Record<`${Size}`, { rootId: string; maxDepth: number }>;
  /** A post deep inside the 100,000 thread with a big subtree of its own. */
  deep: { id: string; depth: number; subtree: number };
  /** A chain of 50 follow-ups, each answering the one before. */
  chain: { rootId: string; leafId: string };
}

/** Each post's subtree size (itself included), by its position in the thread (0 is the root). */
function subtreeSizes(plan: PlannedReply[]): number[] {
  const sizes = new Array<number>(plan.length + 1).fill(1);
  for (let i = plan.length; i >= 1; i--) sizes[plan[i - 1]!.parent]! += sizes[i]!;
  return sizes;
}

export const READING_DATASET: Dataset<ReadingManifest> = {
  name: 'reading',
  version: 1,
  plan: { sizes: SIZES, seeds: 'size', authors: 20, chain: 50, deep: 'depth ≥ 10, biggest subtree' },
  async build(db, say) {
    const authors: Member[] = [];
    for (let i = 1; i <= 20; i++) authors.push(await createMember(db, { username: `跟帖客${i}`, password: PASSWORD }));
    await createBoard(db, { slug: 'bench', name: '壓力測試', description: 'npm run bench -- reading' });
    const random = seededRandom(13);
    const threads = {} as ReadingManifest['threads'];
    let deep: ReadingManifest['deep'] | undefined;
    for (const size of SIZES) {
      const plan = planThread(size, seededRandom(size), authors.length);
      const seeded = await seedThread(db, {
        boardSlug: 'bench',
        authors,
        plan,
        random,
        onProgress: (done) => (done % 10000 === 0 || done === size) && size >= 10000 && say(`${size}-follow-up thread: ${done}/${size}`),
      });
      threads[`${size}`] = { rootId: seeded.rootId, maxDepth: seeded.maxDepth };
      if (size === 100000) {
        const sizes = subtreeSizes(plan);
        let best = -1;
        for (let i = 1; i <= plan.length; i++) if (plan[i - 1]!.depth >= 10 && (best < 0 || sizes[i]! > sizes[best]!)) best = i;
        deep = { id: seeded.ids[best]!, depth: plan[best - 1]!.depth, subtree: sizes[best]! - 1 };
      }
    }
    const chainPlan: PlannedReply[] = Array.from({ length: 50 }, (_, i) => ({
      parent: i,
      depth: i + 1,
      title: cjkTitle(random),
      body: randomBody(random),
      author: i % 2,
    }));
    const chain = await seedThread(db, { boardSlug: 'bench', authors, plan: chainPlan, random, onProgress: () => undefined });
    return {
      authors: authors.map((a) => a.name),
      board: 'bench',
      threads,
      deep: deep!,
      chain: { rootId: chain.rootId, leafId: chain.ids.at(-1)! },
    };
  },
};

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

// Longer than the longest page: a connection idle while the event loop was held for seconds
// must not be closed just as the trickle sends its next request on it (a reset, not a wait).
const listen = (server: http.Server, cleanups: (() => Promise<unknown>)[]) => listenLocal(server, cleanups, 120_000);

/** One request with node's http (no decompression): status, headers and the bytes as sent. */
function raw(
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
async function timed(load: LoadGenerator, baseUrl: string, spec: RequestSpec, want: number, budgetMs: number, failures: string[]) {
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
function clearCaches(caches: Caches): void {
  caches.lines.clear();
  caches.conversions.clear();
  caches.diffs.clear();
  caches.pages.clear();
}

/** A follow-up written the barest way: the post and its thread's counters, in one transaction. */
async function bareInsert(db: Kysely<Database>, threadId: string, parentId: string, authorId: string, title: string, body: string) {
  await db.transaction().execute(async (tx) => {
    await sql`update threads set reply_count = reply_count + 1, last_activity_at = now() where thread_id = ${threadId}`.execute(tx);
    await sql`
      insert into posts (id, board_id, thread_id, parent_id, path, depth, author_id, title, body, bytes, variant)
      select n.id, p.board_id, p.thread_id, p.id, p.path || n.id, p.depth + 1, ${authorId}, ${title}, ${body}, octet_length(${body}), ${detectVariant(title)}
      from posts p, (select nextval(pg_get_serial_sequence('posts', 'id')) as id) n
      where p.id = ${parentId}`.execute(tx);
  });
}

/** Sends one JSON POST on a keep-alive agent and returns the status. */
function post(agent: http.Agent, url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/**
 * The app as benchReading runs it, listening on a free port: realtime hub included, since its
 * LISTEN connection keeps what the app knows of each thread's version true, so a warm page needs
 * no query (posts/posts.pages.ts), as under main.ts.
 */
async function startReadingApp(url: string, db: Kysely<Database>, cleanups: (() => Promise<unknown>)[]) {
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

/**
 * The warm compressed page (brotli) at 8 requests in flight, against a plain Node server sending
 * the same bytes with the same Content-Type, Content-Encoding and Content-Length.
 */
async function timeWarm(
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
async function benchWarmOnly(serverUrl: string): Promise<void> {
  const say = (line: string) => console.log(line);
  const dataset = await cloneDataset(serverUrl, READING_DATASET, DATABASE, say);
  const cleanups: (() => Promise<unknown>)[] = [];
  const failures: string[] = [];
  try {
    const db = connect(dataset.url);
    cleanups.push(() => db.destroy());
    const { appUrl } = await startReadingApp(dataset.url, db, cleanups);
    const load = new LoadGenerator();
    cleanups.push(() => load.close());
    const pagePath = `/t/${dataset.manifest.threads['1000'].rootId}`;
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
    if (failures.length) {
      console.error(`bench reading: ${failures.length} requests failed, for example:\n  ${failures.slice(0, 5).join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((e: Error) => console.error(`bench reading: clean-up: ${e.message}`));
  }
}

/**
 * Cold first windows of the thread rooted at `rootId` (every cache emptied before each), one at a
 * time, while the other load generator sends `GET /healthz` 5 ms apart: the cold requests' times,
 * the tiny requests' (their longest is the wait), and the app's event loop's longest stall.
 */
async function timeCold(load: LoadGenerator, trickle: LoadGenerator, appUrl: string, rootId: string, failures: string[]) {
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
async function benchColdOnly(serverUrl: string): Promise<void> {
  const dataset = await cloneDataset(serverUrl, READING_DATASET, DATABASE, (line) => console.log(line));
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
    const rootId = dataset.manifest.threads['100000'].rootId;
    await timed(load, appUrl, { method: 'GET', path: `/t/${rootId}` }, SETTINGS.bigRequests, SETTINGS.bigBudgetMs, failures);
    const cold = await timeCold(load, trickle, appUrl, rootId, failures);
    console.log(
      `cold first window, 100,000: p50 ${cold.app.p50.toFixed(1)} ms over ${cold.app.requests}; ` +
        `${cold.tiny.requests} tiny requests beside them: p50 ${cold.tiny.p50.toFixed(1)} ms, max ${cold.tiny.max.toFixed(1)} ms; ` +
        `the app's event loop stalled at most ${cold.loopMaxMs.toFixed(1)} ms (longest run of its thread in CPU time ${cold.loopCpuMs ?? '?'} ms); load average ${os.loadavg()[0]!.toFixed(2)}`,
    );
    if (failures.length) {
      console.error(`bench reading: ${failures.length} requests failed, for example:\n  ${failures.slice(0, 5).join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((e: Error) => console.error(`bench reading: clean-up: ${e.message}`));
  }
}

/** The reply inserts alone, on a clone of the dataset, in an app set up as benchReading's. */
async function benchInsertsOnly(serverUrl: string): Promise<void> {
  const say = (line: string) => console.log(line);
  const dataset = await cloneDataset(serverUrl, READING_DATASET, DATABASE, say);
  const cleanups: (() => Promise<unknown>)[] = [];
  const failures: string[] = [];
  try {
    const db = connect(dataset.url);
    cleanups.push(() => db.destroy());
    const config = loadConfig({ DATABASE_URL: dataset.url, LOG_LEVEL: 'silent', RATE_LIMIT_MULTIPLIER: '1000' });
    const app = createApp({ config, db, log: createLogger('silent'), caches: createCaches() });
    const appUrl = await listen(http.createServer(app), cleanups);
    const i = await timeInserts(db, appUrl, dataset.manifest, failures);
    const row = (what: string, s: Summary) => `| ${what} | ${s.requests} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(1)} |`;
    console.log(
      [
        '',
        '| insert | requests | p50 ms | p99 ms |',
        '| --- | --- | --- | --- |',
        row('reply, 10 follow-ups', i.at10),
        row('reply, 100,000 follow-ups', i.at100k),
        row('bare insert-and-bump', i.bare),
        '',
        `reply insert, 100,000 ÷ 10: ${(i.at100k.p50 / i.at10.p50).toFixed(2)}× (target ≤ 1.3×)`,
        `reply insert ÷ bare insert-and-bump: ${(i.at100k.p50 / i.bare.p50).toFixed(2)}× (target ≤ 3×)`,
      ].join('\n'),
    );
    if (failures.length) {
      console.error(`bench reading: ${failures.length} requests failed, for example:\n  ${failures.slice(0, 5).join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((e: Error) => console.error(`bench reading: clean-up: ${e.message}`));
  }
}

/** Reply inserts through HTTP at 10 and 100,000 follow-ups and a bare transaction, in rotating order. */
async function timeInserts(db: Kysely<Database>, appUrl: string, m: ReadingManifest, failures: string[]) {
  const random = seededRandom(1313);
  const idsOf = async (rootId: string) =>
    (await sql<{ id: string }>`select id::text as id from posts where thread_id = ${rootId}`.execute(db)).rows.map((r) => r.id);
  const ids10 = await idsOf(m.threads['10'].rootId);
  const ids100k = await idsOf(m.threads['100000'].rootId);
  const author = (await sql<{ id: string }>`select id::text as id from users where name = ${m.authors[0]!}`.execute(db)).rows[0]!.id;
  const login = await fetch(`${appUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ username: m.authors[0], password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('gentie_session='))!
    .split(';')[0]!;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { cookie, 'sec-fetch-site': 'same-origin' };
  const pick = (ids: string[]) => ids[Math.floor(random() * ids.length)]!;
  const replyAt = (ids: string[]) => async () => {
    const status = await post(
      agent,
      `${appUrl}/api/posts/${pick(ids)}/replies`,
      JSON.stringify({ title: cjkTitle(random), body: randomBody(random) }),
      headers,
    );
    if (status !== 201) failures.push(`POST reply: ${status}`);
  };
  const kinds = [
    replyAt(ids10),
    replyAt(ids100k),
    () => bareInsert(db, m.threads['100000'].rootId, pick(ids100k), author, cjkTitle(random), randomBody(random)),
  ];
  const times: number[][] = [[], [], []];
  try {
    for (let round = 0; round < SETTINGS.insertWarmupRounds + SETTINGS.insertRounds; round++) {
      for (let k = 0; k < 3; k++) {
        const which = (round + k) % 3;
        const t0 = performance.now();
        await kinds[which]!();
        if (round >= SETTINGS.insertWarmupRounds) times[which]!.push(performance.now() - t0);
      }
    }
  } finally {
    agent.destroy();
  }
  const s = (xs: number[]) =>
    summarize(
      xs,
      xs.reduce((a, b) => a + b, 0),
    );
  return { at10: s(times[0]!), at100k: s(times[1]!), bare: s(times[2]!) };
}

/**
 * Starts `node dist/server/main.js` on the clone, sends it the section's reading requests, and
 * reads its RSS and its caches' bytes (the `cache stats` log line it writes on SIGUSR2).
 */
async function measureMemory(databaseUrl: string, m: ReadingManifest, failures: string[], say: (line: string) => void) {
  const server = await startServer(databaseUrl);
  const load = new LoadGenerator();
  let out = '';
  server.child.stdout!.on('data', (d: Buffer) => (out += d));
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const br = { 'accept-encoding': 'br' };
    const runs: [string, number, number][] = [
      [`/t/${m.threads['1000'].rootId}`, 50, 4],
      [`/t/${m.threads['10'].rootId}`, 50, 4],
      [`/t/${m.threads['10000'].rootId}`, 5, 1],
      [`/t/${m.chain.leafId}`, 10, 1],
      [`/api/posts/${m.threads['100000'].rootId}?limit=200`, 20, 1],
    ];
    for (const [p, count, concurrency] of runs) {
      const r = await load.run({
        baseUrl,
        requests: [{ method: 'GET', path: p, headers: br }],
        warmup: 0,
        count,
        concurrency,
        expectStatus: 200,
      });
      failures.push(...r.errors);
    }
    // The biggest pages, twice each (the second may be served from the caches).
    for (const p of [`/t/${m.threads['100000'].rootId}`, `/t/${m.deep.id}`]) {
      const r = await load.run({
        baseUrl,
        requests: [{ method: 'GET', path: p, headers: br }],
        warmup: 0,
        count: 2,
        concurrency: 1,
        expectStatus: 200,
        timeoutMs: 120_000,
      });
      failures.push(...r.errors);
    }
    await sleep(1000);
    const before = out.length;
    server.child.kill('SIGUSR2');
    let caches: ReadingResults['memory']['caches'] = null;
    let rssBytes = NaN;
    for (let waited = 0; waited < 5000 && caches === null; waited += 50) {
      await sleep(50);
      for (const line of out.slice(before).split('\n')) {
        if (!line.includes('"cache stats"')) continue;
        const entry = JSON.parse(line) as { caches: NonNullable<ReadingResults['memory']['caches']>; rssBytes: number };
        caches = entry.caches;
        rssBytes = entry.rssBytes;
      }
    }
    if (caches === null) failures.push('the server logged no cache stats on SIGUSR2');
    say(
      `reading: server process RSS ${(rssBytes / 2 ** 20).toFixed(0)} MB; caches ${
        caches
          ? Object.entries(caches)
              .map(([k, c]) => `${k} ${(c.bytes / 2 ** 20).toFixed(1)} MB`)
              .join(', ')
          : 'unknown'
      }`,
    );
    return { rssBytes, caches };
  } finally {
    await load.close();
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
  }
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
