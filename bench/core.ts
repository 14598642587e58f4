/**
 * The whole run of `npm run bench` (bench/main.ts starts it, with its watchdog): an embedded
 * PostgreSQL in .bench-data, a fresh `gentie_bench` database, the real app in this process, three
 * threads of 10, 1,000 and 10,000 follow-ups; then GET throughput and latency against a plain-http
 * ceiling, reading in the other scripts, the costliest requests, reply-insert latency, 50
 * concurrent writers with the counters checked in SQL, live delivery, and a breakdown of where a
 * page's time goes; then the reading section (bench/reading.ts) on its own cached dataset.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';

import { createApp } from '../server/app';
import { createCaches } from '../server/caches';
import { createBoard } from '../server/boards/boards.service';
import { loadConfig } from '../server/config';
import { connect, withDatabase } from '../server/db/connect';
import { openEmbedded } from '../server/db/embedded';
import { migrateToLatest } from '../server/db/migrate';
import { createLogger } from '../server/log';
import { type Member, createMember } from '../server/members/members.service';
import { PAGE_MAX } from '../server/posts/posts.paging';
import { createThread } from '../server/posts/posts.service';
import { LoadGenerator, type RequestSpec, listenLocal, summarize } from './load';
import { benchAttack, formatAttack, longBody, seedWorstCase } from './attack';
import { profileThread } from './profile';
import { benchReading } from './reading';
import type { ReadingResults } from './reading.report';
import { benchRealtime } from './realtime';
import { measureWorstPages } from './worst';
import { type VariantFigure, measureVariants } from './variants';
import { type GetFigure, type InsertFigure, type Results, type SeedFigure, type WritersFigure, evaluateTargets } from './report';
import { type SeededThread, checkThread, seedThread } from './seed';
import { cjkTitle, planThread, randomBody, seededRandom } from './shape';
import { OpenCC } from '../server/text/opencc';
import { unpaced } from '../server/limits/paced';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');
const DATABASE = 'gentie_bench';
const SIZES = [10, 1000, 10000] as const;
const SETTINGS = {
  concurrency: 4,
  warmup: 10,
  getRequestsSmall: 200, // 10 and 1,000 follow-ups
  getRequestsLarge: 60, // 10,000 follow-ups
  insertsPerSize: 100,
  insertWarmupRounds: 5,
  writers: 50,
  authors: 20,
};
/**
 * The whole run must end within this; past it, everything is stopped and the exit code is 1.
 * 9 minutes for the sections above the reading one, 5 for reading (bench/reading.ts: ~4 on a busy
 * machine once its dataset is cached, ~1 more the first time to build it).
 */
export const BUDGET_MS = 14 * 60_000;
const PASSWORD = 'bench password 跟帖';

/** What the run started, stopped at its end (or by the watchdog) in reverse order. */
const cleanups: (() => Promise<unknown>)[] = [];

/** Stops everything the run started, last first. */
export async function cleanUp(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((e: Error) => console.error(`bench: clean-up: ${e.message}`));
}

const listen = (server: http.Server) => listenLocal(server, cleanups, 5_000);

/** Drops and recreates the bench database on the embedded server. */
async function freshDatabase(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${DATABASE} with (force)`);
    await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Logs in through the API and returns the Cookie header to send. */
async function logIn(baseUrl: string, member: Member): Promise<string> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ username: member.name, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('gentie_session='));
  if (!cookie) throw new Error('login set no gentie_session cookie');
  return cookie.split(';')[0]!;
}

/** Seeds the forum and measures every section of the whole run; returns their figures. */
export async function runCore(): Promise<{ results: Results; reading: ReadingResults }> {
  const loadBefore = os.loadavg()[0]!;
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => console.log(`postgres: ${m}`) });
  cleanups.push(() => embedded.stop());
  await freshDatabase(embedded.url);
  const url = withDatabase(embedded.url, DATABASE);
  const db = connect(url);
  cleanups.push(() => db.destroy());
  await migrateToLatest(db);

  // Every bench request comes from 127.0.0.1: raise the rate limits instead of exempting anyone.
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_MULTIPLIER: '1000' });
  const caches = createCaches();
  const app = createApp({ config, db, log: createLogger('silent'), caches });
  const appUrl = await listen(http.createServer(app));
  console.log(`app on ${appUrl}`);

  // ---- Seed: members, a board, three threads
  const random = seededRandom(2026);
  const authors: Member[] = [];
  for (let i = 1; i <= SETTINGS.authors; i++) authors.push(await createMember(db, { username: `跟帖客${i}`, password: PASSWORD }));
  const benchBoard = await createBoard(db, { slug: 'bench', name: '壓力測試', description: 'npm run bench' });
  const threads = new Map<number, SeededThread>();
  for (const size of SIZES) {
    const plan = planThread(size, seededRandom(size), authors.length);
    const thread = await seedThread(db, {
      boardSlug: 'bench',
      authors,
      plan,
      random,
      onProgress: (done) => (done % 1000 === 0 || done === size) && console.log(`seeding ${size}-reply thread: ${done}/${size}`),
    });
    const check = await checkThread(db, thread.rootId);
    if (!check.treeConsistent || !check.seqContiguous || check.replyCount !== size || check.posts !== size + 1) {
      throw new Error(`seeded thread ${thread.rootId} is inconsistent: ${JSON.stringify(check)}`);
    }
    threads.set(size, thread);
  }
  const thread = (size: number) => threads.get(size)!;
  // Fresh statistics, as autovacuum would gather them some time later: plans must not depend on timing.
  await sql`analyze`.execute(db);

  // ---- The responses, fetched once: checked, then served as-is by the ceiling server
  const captured = new Map<string, { type: string; body: Buffer }>();
  for (const size of SIZES) {
    for (const p of [`/t/${thread(size).rootId}`, `/api/posts/${thread(size).rootId}`]) {
      const res = await fetch(appUrl + p);
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`GET ${p}: ${res.status}`);
      if (p.startsWith('/api/')) {
        const json = JSON.parse(body.toString('utf8')) as { replies: unknown[]; thread: { replyCount: number } };
        // Without `limit` the API answers the first page: up to PAGE_MAX follow-ups (docs/api.md).
        const expected = Math.min(size, PAGE_MAX);
        if (json.replies.length !== expected || json.thread.replyCount !== size) throw new Error(`GET ${p}: expected ${expected} replies`);
      }
      captured.set(p, { type: res.headers.get('content-type') ?? 'text/html', body });
    }
  }
  const ceilingUrl = await listen(
    http.createServer((req, res) => {
      const c = captured.get(req.url ?? '');
      if (!c) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': c.type, 'content-length': c.body.length }).end(c.body);
    }),
  );

  // ---- Where the time of a page goes: each part alone, before any load fills the heap
  const breakdown = [];
  for (const size of SIZES) breakdown.push(await profileThread(db, url, thread(size).rootId, size, size === 10000 ? 10 : 30));

  const load = new LoadGenerator();
  cleanups.push(() => load.close());
  const failures: string[] = [];

  // ---- GET: app, then the ceiling serving the same bytes
  const get: GetFigure[] = [];
  for (const size of SIZES) {
    for (const route of ['/t/:root', '/api/posts/:root'] as const) {
      const p = route.replace(':root', thread(size).rootId);
      const job = {
        requests: [{ method: 'GET', path: p }] satisfies RequestSpec[],
        warmup: SETTINGS.warmup,
        count: size === 10000 ? SETTINGS.getRequestsLarge : SETTINGS.getRequestsSmall,
        concurrency: SETTINGS.concurrency,
        expectStatus: 200,
      };
      const a = await load.run({ ...job, baseUrl: appUrl });
      const c = await load.run({ ...job, baseUrl: ceilingUrl });
      // The same request alone (concurrency 1): latency without waiting behind the other three.
      const one = await load.run({ ...job, baseUrl: appUrl, warmup: 3, count: size === 10000 ? 10 : 30, concurrency: 1 });
      failures.push(...a.errors, ...c.errors, ...one.errors);
      const app = summarize(a.latenciesMs, a.elapsedMs, a.errors.length);
      const ceiling = summarize(c.latenciesMs, c.elapsedMs, c.errors.length);
      const alone = summarize(one.latenciesMs, one.elapsedMs, one.errors.length);
      get.push({ size, route, bytes: a.lastBytes, app, ceiling, alone, ratio: app.rps / ceiling.rps });
      console.log(
        `GET ${route} (${size}): ${app.rps.toFixed(1)} req/s, p50 ${app.p50.toFixed(1)} ms, p99 ${app.p99.toFixed(1)} ms; ceiling ${ceiling.rps.toFixed(0)} req/s; alone p50 ${alone.p50.toFixed(1)} ms`,
      );
    }
  }

  // ---- Reading in another script: the 1,000 thread is traditional; a second one, simplified,
  // exercises the expensive direction (simplified → traditional goes through jieba).
  const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const simplifiedPlan = planThread(1000, seededRandom(1000), authors.length).map((r) => ({
    ...r,
    title: toSimplified(r.title),
    body: toSimplified(r.body),
  }));
  const simplifiedThread = await seedThread(db, { boardSlug: 'bench', authors, plan: simplifiedPlan, random, onProgress: () => undefined });
  await sql`analyze`.execute(db);
  const variants: VariantFigure[] = [
    ...(await measureVariants(caches, appUrl, 'traditional, 1,000 follow-ups', thread(1000).rootId, ['zh-hans', 'zh-tw'])),
    ...(await measureVariants(caches, appUrl, 'simplified, 1,000 follow-ups', simplifiedThread.rootId, ['zh-hant', 'zh-tw'])),
  ];
  for (const v of variants) {
    console.log(
      `${v.thread} in ${v.variant}: cold ${v.coldP50.toFixed(1)} ms (${(v.coldP50 / v.original.coldP50).toFixed(2)}× as written), ` +
        `conversion cached ${v.conversionCachedP50.toFixed(1)} ms (${(v.conversionCachedP50 / v.original.conversionCachedP50).toFixed(2)}×), ` +
        `page cached ${v.pageCachedP50.toFixed(1)} ms (${(v.pageCachedP50 / v.original.pageCachedP50).toFixed(2)}×)`,
    );
  }

  // ---- Under attack: the costliest anonymous requests, alone and all at once beside ordinary ones
  const attackThread = async (title: string, body?: string) => (await createThread(db, authors[1]!, 'bench', { title, body }, unpaced)).id;
  const worstCase = await seedWorstCase(db, {
    memberId: authors[1]!.id,
    boardId: benchBoard.id,
    boardSlug: 'bench',
    edited: await attackThread('改了一百次', longBody(0)),
    root: await attackThread('長帖'),
    normal: await attackThread('普通的帖子'),
  });
  const attack = await benchAttack(appUrl, worstCase);
  console.log(formatAttack(attack));
  // ---- The two pages that once froze the process: a long revision history, a board of long bodies
  const worst = await measureWorstPages(db, caches, appUrl, authors, (m) => console.log(m));

  // ---- Reply inserts: one after another, the three sizes interleaved so noise hits them alike
  const cookie = await logIn(appUrl, authors[0]!);
  const headers = { cookie, 'sec-fetch-site': 'same-origin' };
  const replyTo = (size: number): RequestSpec => {
    const ids = thread(size).ids;
    const parent = ids[Math.floor(random() * ids.length)]!;
    return {
      method: 'POST',
      path: `/api/posts/${parent}/replies`,
      body: JSON.stringify({ title: cjkTitle(random), body: randomBody(random) }),
      headers,
    };
  };
  const rounds = SETTINGS.insertWarmupRounds + SETTINGS.insertsPerSize;
  const insertSpecs = Array.from({ length: rounds * SIZES.length }, (_, i) => replyTo(SIZES[i % SIZES.length]!));
  const warmup = SETTINGS.insertWarmupRounds * SIZES.length;
  const ins = await load.run({
    baseUrl: appUrl,
    requests: insertSpecs,
    warmup,
    count: insertSpecs.length - warmup,
    concurrency: 1,
    expectStatus: 201,
  });
  failures.push(...ins.errors);
  const inserts: InsertFigure[] = SIZES.map((size, k) => ({
    size,
    app: summarize(
      ins.latenciesMs.filter((_, i) => i % SIZES.length === k),
      ins.elapsedMs,
      ins.errors.length,
    ),
  }));
  const insertRatio = inserts[2]!.app.p50 / inserts[0]!.app.p50;
  for (const f of inserts) console.log(`reply insert (${f.size}): p50 ${f.app.p50.toFixed(2)} ms, p99 ${f.app.p99.toFixed(2)} ms`);

  // ---- 50 writers at once on the 1,000 thread
  const before = await checkThread(db, thread(1000).rootId);
  const w = await load.run({
    baseUrl: appUrl,
    requests: Array.from({ length: SETTINGS.writers }, () => replyTo(1000)),
    warmup: 0,
    count: SETTINGS.writers,
    concurrency: SETTINGS.writers,
    expectStatus: 201,
    keepBodies: true,
  });
  const after = await checkThread(db, thread(1000).rootId);
  const newIds = (w.bodies ?? []).flatMap((b) => {
    try {
      return [(JSON.parse(b) as { post: { id: string } }).post.id];
    } catch {
      return [];
    }
  });
  const writers: WritersFigure = {
    writers: SETTINGS.writers,
    errors: w.errors,
    distinctIds: new Set(newIds).size,
    before,
    after,
    wallMs: w.elapsedMs,
  };
  console.log(`${SETTINGS.writers} writers: ${w.errors.length} errors, reply_count ${before.replyCount} → ${after.replyCount}`);

  // ---- Live delivery: 1,000 socket.io readers, one and two server processes on this database
  const realtime = await benchRealtime(db, url, (m) => console.log(m));

  // ---- Reading big threads: its own cached dataset, cloned on the same embedded server
  const reading = await benchReading(embedded.url, (m) => console.log(m));

  const seed: SeedFigure[] = SIZES.map((size) => ({
    size,
    rootId: thread(size).rootId,
    maxDepth: thread(size).maxDepth,
    titleOnlyShare: thread(size).titleOnly / size,
    seconds: thread(size).seconds,
    pageBytes: captured.get(`/t/${thread(size).rootId}`)!.body.length,
  }));
  const cpus = os.cpus();
  const partial: Omit<Results, 'targets' | 'variants' | 'realtime' | 'attack' | 'worst'> = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      note: 'app, load generator (worker thread) and PostgreSQL share these cores',
      // 1-minute load average before and after: other work on the machine shows up here.
      loadAverage: [loadBefore, os.loadavg()[0]!],
    },
    settings: { ...SETTINGS, budgetMs: BUDGET_MS },
    seed,
    get,
    inserts,
    insertRatio,
    writers,
    breakdown,
  };
  if (failures.length) {
    console.error(`bench: ${failures.length} requests failed, for example:\n  ${failures.slice(0, 5).join('\n  ')}`);
    process.exitCode = 1;
  }
  return { results: { ...partial, targets: evaluateTargets(partial), variants, realtime, attack, worst }, reading };
}
