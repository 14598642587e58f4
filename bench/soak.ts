/**
 * `npm run bench -- soak`: the forum under steady mixed load for a bounded time, as a server that
 * runs for months sees it. A real `node dist/server/main.js` on 127.0.0.1 (its memory is its own),
 * an open-loop stream of requests at a fixed rate (they go out on schedule whether or not the
 * server keeps up, so a slow server shows as latency, not as fewer requests): readers of the
 * board index, board pages and thread pages (anonymous warm pages, the other script, a member's
 * own view, the JSON API), searches and hot lists; writers replying, opening threads and editing
 * their posts as many members (where: soak.mix.ts); and live readers on socket.io following
 * threads, each reply to one of them timed to every reader of its thread. Every few seconds the
 * server's /metrics gives its RSS, its caches and its heap after its last full collection; every
 * few readings the soak forces a full collection through the server's inspector and reads what is
 * alive (soak.heap.ts): after warm-up, that heap's slope says whether memory is flat. The caches
 * are bounded so that they are full by then, unless the bench's environment bounds them
 * (CACHE_*_BYTES).
 *
 * Reports errors (any answer not the expected one, a lost or duplicated event, a dropped socket,
 * a request that could not go out because too many were waiting: all must be zero), p50/p99 per
 * kind, throughput, event lag, and memory over time, as a table, bench/results.soak.json and the
 * chart bench/results.soak.svg.
 *
 * Options (after `npm run bench -- soak`): `--minutes N` (3 by default) or `--seconds N`;
 * `--rate R` requests/s (by default 60 % of the capacity measured first, at most 200, the issue's
 * target); `--ramp N` seconds before the soak proper, from a tenth of the rate to all of it (10;
 * its requests are reported apart, its errors count in the run's; none with `--cold`, whose point
 * is the full rate on a just-started process); `--readers N` live readers (500); `--mix spread|followed` where replies go (soak.mix.ts:
 * spread over new and old threads with a hot few by default). See docs/performance.md, "Soak".
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openEmbedded } from '../server/db/embedded';
import { connect } from '../server/db/connect';
import { migrateToLatest } from '../server/db/migrate';
import { createBoard } from '../server/boards/boards.service';
import { createMember } from '../server/members/members.service';
import { bucketQuantile } from '../server/metrics/metrics.history';
import { freshDatabase } from './datasets';
import { LoadGenerator, type RequestSpec, percentile } from './load';
import { seededRandom } from './shape';
import { soakChart } from './soak.chart';
import { MIX, TARGET_RATE, type Kind, type Writer, soakRequests, soakTexts } from './soak.load';
import { ThreadMix, type WriteMix } from './soak.mix';
import { type KindCost, probeKinds } from './soak.probe';
import { connectReaders, tallyEvents } from './soak.readers';
import { sampleServer } from './soak.sample';
import { type SoakResults, formatSoak } from './soak.report';
import { CLIENT_IDLE_MS, REQUEST_TIMEOUT_MS, ROOT, atMost, freePort, send, sleep, startServer } from './soak.server';
import { LiveHeap, liveHeapEvery, liveHeapFlags, soakCacheBounds } from './soak.heap';
import {
  type MemoryPoint,
  cpuPerRequest,
  heapLessCachesSlope,
  heapSlope,
  heapUnderLoadSlope,
  type Span,
  mainThreadCpuMs,
  promBuckets,
  withoutPauses,
  promValue,
} from './soak.stats';

export { TARGET_RATE } from './soak.load';
export type { KindFigures, SoakResults } from './soak.report';
export { formatSoak } from './soak.report';
export { soakChart } from './soak.chart';

const DATA_DIR = path.join(ROOT, '.bench-data');
const DATABASE = 'gentie_bench_soak';
const PASSWORD = 'soak password 跟帖';

/** What a run is asked to do. */
export interface SoakOptions {
  seconds: number;
  /** Requests per second; undefined: derived from the capacity measured first. */
  rate?: number;
  readers: number;
  /** Node's flags for the server process (`--server-flags "--cpu-prof --cpu-prof-dir=DIR"`: profiles it). */
  serverFlags?: string[];
  /** Where replies go and which threads are read (soak.mix.ts); 'spread' by default. */
  mix?: WriteMix;
  /** Requests of each kind the cost probe sends before the soak and after it (PROBE_COUNT; tests send fewer). */
  probeCount?: number;
  /** The ramp before the soak, from a tenth of the rate to all of it (RAMP_SECONDS; 0: none; never with `cold`). */
  rampSeconds?: number;
  /** The soak's first seconds, reported apart (EARLY_MS; tests shorten them). */
  earlySeconds?: number;
  /**
   * A forum restarted at peak (`--cold`): the server is restarted once the forum is seeded, and
   * the soak starts on that just-started process, with no cost probe before it to warm it.
   */
  cold?: boolean;
  /** An empty, migrated database to use instead of the bench's embedded one (tests). */
  databaseUrl?: string;
  say: (line: string) => void;
}

const CAPACITY_SHARE = 0.6;
/** The soak's first seconds, reported apart (errors, pool waits): where a cold start shows. */
const EARLY_MS = 20_000;
/** The ramp before the soak proper, seconds (`--ramp N`; none with `--cold`). */
const RAMP_SECONDS = 10;
/** Requests waiting for an answer at most; one more would not go out and counts as an error. */
const MAX_IN_FLIGHT = 256;
/** Requests of each kind the cost probe sends, before the soak and after it. */
const PROBE_COUNT = 20;
const WRITERS = 30;
const BOARDS = 3;
const THREADS = 30;
/** Threads the live readers follow: every reply to one of them is timed to each of its readers (soak.mix.ts says how many go there). */
const FOLLOWED = 20;

/** Parses the soak's options (the words after `soak`). */
export function parseSoakArgs(argv: string[]): Omit<SoakOptions, 'say'> {
  let seconds = 180;
  let rate: number | undefined;
  let readers = 500;
  let serverFlags: string[] | undefined;
  let mix: WriteMix | undefined;
  let cold = false;
  let rampSeconds: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cold') {
      cold = true;
      continue;
    }
    const value = Number(argv[i + 1]);
    const positive = Number.isFinite(value) && value > 0;
    const flag = argv[i];
    if (flag === '--minutes' && positive) seconds = value * 60;
    else if (flag === '--seconds' && positive) seconds = value;
    else if (flag === '--rate' && positive) rate = value;
    else if (flag === '--readers' && Number.isInteger(value) && value >= 0) readers = value;
    else if (flag === '--ramp' && Number.isInteger(value) && value >= 0 && value <= 600) rampSeconds = value;
    else if (flag === '--mix' && (argv[i + 1] === 'spread' || argv[i + 1] === 'followed')) mix = argv[i + 1] as WriteMix;
    else if (flag === '--server-flags' && argv[i + 1]?.startsWith('--')) serverFlags = argv[i + 1]!.split(/\s+/).filter(Boolean);
    else
      throw new Error(
        `soak: unknown option ${flag} ${argv[i + 1] ?? ''} (--minutes N, --seconds N, --rate R, --readers N, --ramp SECONDS, --mix spread|followed, --cold, --server-flags "--flag …")`,
      );
    i++;
  }
  if (seconds > 24 * 3600) throw new Error('soak: at most 24 hours');
  return {
    seconds,
    rate,
    readers,
    ...(rampSeconds !== undefined ? { rampSeconds } : {}),
    ...(serverFlags ? { serverFlags } : {}),
    ...(mix ? { mix } : {}),
    ...(cold ? { cold } : {}),
  };
}

/** The p99 of the answers no forced collection paused, and how many it left out. */
function unpausedP99(answers: (Span & { ms: number })[], pauses: Span[]): { p99Ms: number; left: number } {
  const rest = withoutPauses(answers, pauses);
  return { p99Ms: percentile(rest.ms, 99), left: rest.left };
}

/** Runs the soak and returns its figures (it writes nothing; see runSoakBench). */
export async function runSoak(options: SoakOptions): Promise<SoakResults> {
  const { say } = options;
  const loadBefore = os.loadavg()[0]!;
  const cleanups: (() => Promise<unknown>)[] = [];
  const problems: string[] = [];
  try {
    let url = options.databaseUrl;
    // PostgreSQL's postmaster, for its CPU time (soak.sample.ts); unknown for a database given.
    let databasePid: number | undefined;
    if (!url) {
      const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => say(`postgres: ${m}`) });
      cleanups.push(() => embedded.stop());
      databasePid = embedded.pid;
      const fresh = await freshDatabase(embedded.url, DATABASE);
      await fresh.db.destroy();
      url = fresh.url;
    }
    const db = connect(url);
    cleanups.push(() => db.destroy());
    await migrateToLatest(db);

    // ---- The forum: boards, writers (trusted: new members' stricter limits are not what this measures).
    const random = seededRandom(17);
    const boards: string[] = [];
    for (let b = 1; b <= BOARDS; b++) {
      boards.push((await createBoard(db, { slug: `soak${b}`, name: `長跑${b}`, description: 'npm run bench -- soak' })).slug);
    }
    const names: string[] = [];
    for (let i = 1; i <= WRITERS; i++) names.push((await createMember(db, { username: `長跑客${i}`, password: PASSWORD })).name);
    await sql`update users set trust = 'trusted'`.execute(db);

    const port = await freePort();
    const inspectPort = await freePort();
    const flags = [...liveHeapFlags(inspectPort), ...(options.serverFlags ?? [])];
    let server = await startServer(url, port, problems, flags);
    const stopServer = async () => {
      server.kill('SIGTERM');
      if (server.exitCode === null) await Promise.race([new Promise((r) => server.once('exit', r)), atMost(10_000)]);
      if (server.exitCode === null) server.kill('SIGKILL');
    };
    cleanups.push(stopServer);
    const base = `http://127.0.0.1:${port}`;
    say(`server on ${base} (pid ${server.pid})`);
    // An idle connection is closed by the client after 4 s, before the server's keep-alive of 5 s
    // (main.ts) can close it under a request just sent on it: that race is the client's to avoid
    // (as browsers do), not an error of the server's.
    const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT, timeout: CLIENT_IDLE_MS });
    cleanups.push(async () => agent.destroy());

    const writers: Writer[] = [];
    for (const name of names) {
      const res = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ username: name, password: PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login of ${name}: ${res.status} ${await res.text()}`);
      const cookie = res.headers
        .getSetCookie()
        .find((c) => c.startsWith('gentie_session='))
        ?.split(';')[0];
      if (!cookie) throw new Error('login set no session cookie');
      writers.push({ name, cookie, posts: [] });
    }

    // ---- Threads with a few replies each, through the API as members write them.
    const threads: { id: string; board: string }[] = [];
    const texts = soakTexts(random);
    const { title, bodyText } = texts;
    for (let t = 0; t < THREADS; t++) {
      const writer = writers[t % writers.length]!;
      const board = boards[t % boards.length]!;
      const res = await send(
        agent,
        port,
        'POST',
        `/api/boards/${board}/threads`,
        { cookie: writer.cookie },
        { title: title(), body: bodyText() },
      );
      if (res.status !== 201) throw new Error(`thread: ${res.status} ${res.text.slice(0, 200)}`);
      const id = (JSON.parse(res.text) as { post: { id: string } }).post.id;
      threads.push({ id, board });
      writer.posts.push(id);
      for (let r = 0; r < 5; r++) {
        const w = writers[(t + r + 1) % writers.length]!;
        const reply = await send(
          agent,
          port,
          'POST',
          `/api/posts/${id}/replies`,
          { cookie: w.cookie },
          { title: title(), body: bodyText() },
        );
        if (reply.status !== 201) throw new Error(`reply: ${reply.status} ${reply.text.slice(0, 200)}`);
        w.posts.push((JSON.parse(reply.text) as { post: { id: string } }).post.id);
      }
    }
    say(`seeded ${BOARDS} boards, ${WRITERS} writers, ${THREADS} threads`);
    if (options.cold) {
      // Restarted at peak: a new process on the same forum, ready when its /readyz says so.
      await stopServer();
      const t = performance.now();
      server = await startServer(url, port, problems, flags);
      say(`server restarted (pid ${server.pid}), ready after ${Math.round(performance.now() - t)} ms`);
    }

    const liveHeap = await LiveHeap.attach(inspectPort);
    cleanups.push(async () => liveHeap.close());

    // ---- Live readers, spread over the followed threads.
    const followed = threads.slice(0, FOLLOWED);
    const readers = await connectReaders(base, followed, options.readers);
    cleanups.push(async () => {
      for (const r of readers) r.socket.disconnect();
    });
    let dropped = 0;
    let closing = false;
    for (const r of readers) r.socket.on('disconnect', () => void (closing || dropped++));
    if (readers.length) say(`${readers.length} live readers on ${followed.length} threads`);

    // ---- Requests of each kind, to threads as the mix spreads them (soak.mix.ts).
    const mix = new ThreadMix(options.mix ?? 'spread', random, threads, followed);
    const { request, nextKind } = soakRequests(random, writers, boards, mix, texts);

    // ---- Capacity: the reads of the mix, closed loop, unless the rate was given.
    let capacity: number | null = null;
    let rate = options.rate;
    if (rate === undefined) {
      const gen = new LoadGenerator();
      try {
        const reads: RequestSpec[] = [];
        for (let i = 0; i < 200; i++) {
          let kind = nextKind();
          while (kind === 'reply' || kind === 'new thread' || kind === 'edit') kind = nextKind();
          const r = request(kind);
          reads.push({ method: 'GET', path: r.path, headers: r.headers });
        }
        const probeMs = Math.min(10_000, Math.max(2_000, options.seconds * 100));
        const result = await gen.run({
          baseUrl: base,
          requests: reads,
          warmup: 50,
          count: 1_000_000,
          untilMs: probeMs,
          concurrency: 8,
          expectStatus: 200,
        });
        const answered = result.latenciesMs.filter((x) => !Number.isNaN(x)).length;
        capacity = answered / (result.elapsedMs / 1000);
        rate = Math.max(5, Math.min(TARGET_RATE, Math.round(capacity * CAPACITY_SHARE)));
        say(`capacity (reads, closed loop, 8 at a time): ${capacity.toFixed(0)} requests/s → soak at ${rate} requests/s`);
      } finally {
        await gen.close();
      }
    }

    // ---- What each kind costs the server's main thread now, and again after the soak.
    const probe = () =>
      probeKinds(
        MIX.map((m) => m.kind),
        options.probeCount ?? PROBE_COUNT,
        server.pid,
        async (kind) => {
          const r = request(kind as Kind);
          const answer = await send(agent, port, r.method, r.path, r.headers, r.body);
          if (answer.status !== r.expect) throw new Error(`probe: ${r.method} ${r.path}: ${answer.status} ${answer.text.slice(0, 200)}`);
          if (r.writer) r.writer.posts.push((JSON.parse(answer.text) as { post: { id: string } }).post.id);
        },
        async () => (await send(agent, port, 'GET', '/metrics', {})).text,
      );
    // A cold soak starts on the just-started process: nothing is sent to it before the soak.
    const costsBefore = options.cold ? [] : await probe();

    // ---- The soak: requests on schedule, memory every few seconds.
    const latencies = new Map<Kind, number[]>(MIX.map((m) => [m.kind, []]));
    const kindErrors = new Map<Kind, number>(MIX.map((m) => [m.kind, 0]));
    const errorSamples: string[] = [];
    let errors = 0;
    // The answers and errors since the last sample: the p99 and errors over time.
    let intervalLatencies: number[] = [];
    let intervalErrors = 0;
    // Errors and the most queries waiting for a connection in the first seconds of the soak: the cold start.
    const earlyMs = (options.earlySeconds ?? EARLY_MS / 1000) * 1000;
    const early = { errors: 0, poolWaitingMax: 0 };
    // The answers to requests sent after it: the run without its start.
    const afterEarly: number[] = [];
    // Every answer of the soak proper as a span, and the pauses of the collections it forced.
    const answeredSpans: (Span & { ms: number })[] = [];
    const pauses: Span[] = [];
    // The ramp before the soak (its requests answered, their p99, its errors: counted in the run's).
    const rampMs = (options.cold ? 0 : (options.rampSeconds ?? RAMP_SECONDS)) * 1000;
    let ramping = rampMs > 0;
    const ramp = { requests: 0, errors: 0, latencies: [] as number[] };
    const fail = (kind: Kind | 'events' | 'server', line: string, ramped = false) => {
      errors++;
      if (errorSamples.length < 20) errorSamples.push(`${ramped ? 'ramp: ' : ''}${kind}: ${line}`);
      if (ramped) return void ramp.errors++;
      intervalErrors++;
      if (performance.now() - t0 < earlyMs) early.errors++;
      if (kind !== 'events' && kind !== 'server') kindErrors.set(kind, (kindErrors.get(kind) ?? 0) + 1);
    };
    const sentReplies: { id: string; thread: string; at: number }[] = [];
    const memory: MemoryPoint[] = [];
    const durationMs = options.seconds * 1000;
    const sampleMs = Math.max(1000, Math.min(5000, durationMs / 30));
    // A full collection forced every few readings (every 30 s of the default three minutes: five
    // points after its warm-up); the first reading and the last always have one.
    const liveEvery = liveHeapEvery(durationMs, sampleMs);
    let readings = 0;
    let forcedCollections = 0;
    let inFlight = 0;
    let sent = 0;
    let answered = 0;
    // Requests due so far, sent or refused for too many waiting: the schedule counts both, so a
    // refused request is one error, not one more every tick until the server catches up.
    let scheduled = 0;
    const pending = new Set<Promise<void>>();
    // When the soak proper starts (set again after the ramp).
    let t0 = performance.now();

    const readMemory = async (last = false) => {
      const t = performance.now() - t0;
      const interval = { answers: intervalLatencies.length, p99Ms: percentile(intervalLatencies, 99), errors: intervalErrors };
      intervalLatencies = [];
      intervalErrors = 0;
      const forced = last || readings++ % liveEvery === 0;
      // Forced first, so the caches read just after are those of the heap measured.
      let liveHeapBytes: number | undefined;
      if (forced) {
        forcedCollections++;
        const from = performance.now();
        liveHeapBytes = await liveHeap.measure().catch((error: Error) => void fail('server', `inspector: ${error.message}`));
        pauses.push({ from, to: performance.now() });
      }
      try {
        const res = await send(agent, port, 'GET', '/metrics', {});
        const sampled = sampleServer(res.text, server.pid, databasePid);
        if (t < earlyMs) early.poolWaitingMax = Math.max(early.poolWaitingMax, sampled.poolWaiting);
        memory.push({
          t,
          rssBytes: promValue(res.text, 'process_resident_memory_bytes'),
          heapUsedBytes: promValue(res.text, 'nodejs_heap_size_used_bytes'),
          heapAfterGcBytes: promValue(res.text, 'gentie_heap_after_gc_bytes'),
          ...(liveHeapBytes === undefined ? {} : { liveHeapBytes }),
          cpuMs: mainThreadCpuMs(server.pid),
          answered,
          interval,
          server: sampled,
        });
      } catch (error) {
        fail('server', `/metrics: ${(error as Error).message}`);
      }
    };
    const fire = (kind: Kind) => {
      const ramped = ramping;
      if (ramped) ramp.requests++;
      else scheduled++;
      if (inFlight >= MAX_IN_FLIGHT) return fail(kind, `not sent: ${MAX_IN_FLIGHT} requests already waiting`, ramped);
      const r = request(kind);
      inFlight++;
      if (!ramped) sent++;
      const sentAt = performance.now();
      const p = send(agent, port, r.method, r.path, r.headers, r.body)
        .then((answer) => {
          if (answer.status !== r.expect) return fail(kind, `${r.method} ${r.path}: ${answer.status} ${answer.text.slice(0, 200)}`, ramped);
          if (ramped) ramp.latencies.push(answer.ms);
          else {
            latencies.get(kind)!.push(answer.ms);
            answeredSpans.push({ from: sentAt, to: performance.now(), ms: answer.ms });
            intervalLatencies.push(answer.ms);
            if (sentAt - t0 >= earlyMs) afterEarly.push(answer.ms);
          }
          if (r.writer) {
            const id = (JSON.parse(answer.text) as { post: { id: string } }).post.id;
            r.writer.posts.push(id);
            if (r.writer.posts.length > 10) r.writer.posts.shift();
            if (r.thread) {
              sentReplies.push({ id, thread: r.thread, at: sentAt });
              mix.replyWritten(r.thread, id);
            }
            if (r.board) mix.threadWritten({ id, board: r.board });
          }
        })
        .catch((error: Error) => fail(kind, `${r.method} ${r.path}: ${error.message}`, ramped))
        .finally(() => {
          if (!ramped) answered++;
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    };

    // ---- The ramp: from a tenth of the rate to all of it over rampMs, as traffic comes to a forum
    // (a restart meeting the full rate at once is `--cold`'s run). Then the soak proper, measured.
    const r0 = performance.now();
    while (performance.now() - r0 < rampMs) {
      // Requests due by t seconds: the integral of a rate rising linearly from a tenth to all of it.
      const t = (performance.now() - r0) / 1000;
      const due = Math.floor(rate * (0.1 * t + (0.45 * t * t) / (rampMs / 1000))) - ramp.requests;
      for (let i = 0; i < due; i++) fire(nextKind());
      await sleep(5);
    }
    ramping = false;
    t0 = performance.now();
    await readMemory();
    const sampler = setInterval(() => void readMemory(), sampleMs);

    let lastReport = t0;
    while (performance.now() - t0 < durationMs) {
      const elapsed = performance.now() - t0;
      const due = Math.floor((elapsed / 1000) * rate) - scheduled;
      for (let i = 0; i < due; i++) fire(nextKind());
      if (performance.now() - lastReport >= 30_000) {
        lastReport = performance.now();
        const cpu = cpuPerRequest(memory).at(-1);
        const last = memory.at(-1);
        say(
          `  ${Math.round(elapsed / 1000)} s: ${sent} requests, ${errors} errors, ${inFlight} in flight` +
            (cpu ? `; server main thread ${cpu.ms.toFixed(2)} ms CPU per request` : '') +
            (last?.server
              ? `; heap after GC ${(last.heapAfterGcBytes / 2 ** 20).toFixed(1)} MB, caches ${(last.server.cacheBytes / 2 ** 20).toFixed(1)} MB, pool waiting ${last.server.poolWaiting}`
              : ''),
        );
      }
      await sleep(5);
    }
    const elapsedMs = performance.now() - t0;
    clearInterval(sampler);
    await Promise.race([Promise.all([...pending]), atMost(REQUEST_TIMEOUT_MS + 1000)]);
    await readMemory(true);
    // Events of the last replies are still on their way.
    await sleep(2000);
    // A server overrun may still be working through its backlog: the run's report matters more
    // than the probe after it, which then counts as an error instead of ending the bench.
    const costsAfter = await probe().catch((error: Error): KindCost[] => {
      fail('server', `probe after the soak: ${error.message}`);
      return [];
    });
    closing = true;

    // ---- Events: every reader of a thread gets every reply to it, once.
    const { eventLags, expected, lost, duplicated } = tallyEvents(readers, sentReplies);
    if (lost) fail('events', `${lost} of ${expected} deliveries lost`);
    if (duplicated) fail('events', `${duplicated} deliveries duplicated`);
    if (dropped) fail('events', `${dropped} live readers dropped`);
    const metricsText = (await send(agent, port, 'GET', '/metrics', {})).text;
    const serverLag = bucketQuantile(undefined, promBuckets(metricsText, 'gentie_thread_event_lag_seconds'), 0.99);
    for (const line of problems) fail('server', line);

    memory.sort((a, b) => a.t - b.t);
    const all = [...latencies.values()].flat();
    const warmupMs = Math.min(60_000, durationMs / 3);
    const rssMb = memory.map((m) => m.rssBytes / 2 ** 20);
    return {
      date: new Date().toISOString(),
      seconds: Math.round(elapsedMs / 1000),
      rate,
      capacity: capacity === null ? null : Math.round(capacity),
      readers: readers.length,
      mix: mix.mix,
      requests: sent,
      throughput: all.length / (elapsedMs / 1000),
      errors,
      errorSamples,
      p50Ms: percentile(all, 50),
      p99Ms: percentile(all, 99),
      unpaused: unpausedP99(answeredSpans, pauses),
      kinds: MIX.map(({ kind }) => ({
        kind,
        requests: latencies.get(kind)!.length + kindErrors.get(kind)!,
        errors: kindErrors.get(kind)!,
        p50Ms: percentile(latencies.get(kind)!, 50),
        p99Ms: percentile(latencies.get(kind)!, 99),
      })),
      events: {
        expected,
        delivered: eventLags.length,
        lost,
        duplicated,
        p50Ms: percentile(eventLags, 50),
        p99Ms: percentile(eventLags, 99),
        serverP99Ms: serverLag === null ? null : serverLag * 1000,
      },
      costs: { start: costsBefore, end: costsAfter },
      cold: options.cold === true,
      early: { seconds: earlyMs / 1000, ...early, p99AfterMs: percentile(afterEarly, 99) },
      ramp: { seconds: rampMs / 1000, requests: ramp.requests, errors: ramp.errors, p99Ms: percentile(ramp.latencies, 99) },
      memory,
      warmupSeconds: warmupMs / 1000,
      heap: heapSlope(memory, warmupMs),
      heapLessCaches: heapLessCachesSlope(memory, warmupMs),
      heapUnderLoad: heapUnderLoadSlope(memory, warmupMs),
      forcedCollections,
      cacheBounds: soakCacheBounds(),
      rss: { startMb: rssMb[0] ?? NaN, endMb: rssMb.at(-1) ?? NaN, maxMb: Math.max(...rssMb) },
      loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
      cpus: os.cpus().length,
    };
  } finally {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((e: Error) => say(`soak: clean-up: ${e.message}`));
  }
}

/** `npm run bench -- soak [--minutes N | --seconds N] [--rate R] [--readers N]`. */
export async function runSoakBench(): Promise<void> {
  const args = parseSoakArgs(process.argv.slice(3));
  const outBase = path.join(ROOT, 'bench', 'results.soak');
  // Everything is bounded: the run, then ten minutes for setting up and winding down.
  const watchdog = setTimeout(
    () => {
      console.error('soak: over its time budget; stopping');
      process.exit(1);
    },
    (args.seconds + (args.rampSeconds ?? RAMP_SECONDS)) * 1000 + 10 * 60_000,
  );
  watchdog.unref();
  const results = await runSoak({ ...args, say: (line) => console.log(line) });
  console.log(formatSoak(results));
  writeFileSync(`${outBase}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${outBase}.svg`, soakChart(results));
  console.log(`figures written to bench/results.soak.json, the chart to bench/results.soak.svg`);
  if (results.errors > 0) process.exitCode = 1;
  clearTimeout(watchdog);
}
