/**
 * `npm run bench -- soak`: the forum under steady mixed load for a bounded time, as a server that
 * runs for months sees it. A real `node dist/server/main.js` on 127.0.0.1 (its memory is its own),
 * an open-loop stream of requests at a fixed rate (they go out on schedule whether or not the
 * server keeps up, so a slow server shows as latency, not as fewer requests): readers of the
 * board index, board pages and thread pages (anonymous warm pages, the other script, a member's
 * own view, the JSON API), searches and hot lists; writers replying, opening threads and editing
 * their posts as many members (where: soak.mix.ts); and live readers on socket.io following
 * threads, each reply to one of them timed to every reader of its thread. Every few seconds the server's /metrics gives its RSS and its
 * heap after the last full collection (gentie_heap_after_gc_bytes): after warm-up, that heap's
 * slope says whether memory is flat.
 *
 * Reports errors (any answer not the expected one, a lost or duplicated event, a dropped socket,
 * a request that could not go out because too many were waiting: all must be zero), p50/p99 per
 * kind, throughput, event lag, and memory over time, as a table, bench/results.soak.json and the
 * chart bench/results.soak.svg.
 *
 * Options (after `npm run bench -- soak`): `--minutes N` (3 by default) or `--seconds N`;
 * `--rate R` requests/s (by default 60 % of the capacity measured first, at most 200, the issue's
 * target); `--readers N` live readers (500); `--mix spread|followed` where replies go (soak.mix.ts:
 * spread over new and old threads with a hot few by default). See docs/performance.md, "Soak".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { type Socket, io } from 'socket.io-client';
import { openEmbedded } from '../server/db/embedded';
import { connect } from '../server/db/connect';
import { migrateToLatest } from '../server/db/migrate';
import { createBoard } from '../server/boards/boards.service';
import { createMember } from '../server/members/members.service';
import { bucketQuantile } from '../server/metrics/metrics.history';
import { lineChart } from '../server/views/chart';
import { freshDatabase } from './datasets';
import { LoadGenerator, type RequestSpec, percentile } from './load';
import { cjkTitle, seededRandom } from './shape';
import { type KindCost, formatCosts, probeKinds } from './soak.probe';
import { ThreadMix, type WriteMix } from './soak.mix';
import { type MemoryPoint, type Slope, cpuPerRequest, heapSlope, mainThreadCpuMs, promBuckets, promValue } from './soak.stats';

// Built, this file is dist/bench/soak.js; under jest (tests/bench/soak.test.ts) it runs from bench/.
const ROOT = path.join(__dirname, '..', ...(path.basename(path.dirname(__dirname)) === 'dist' ? ['..'] : []));
const SERVER_MAIN = path.join(ROOT, 'dist', 'server', 'main.js');
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
  /** An empty, migrated database to use instead of the bench's embedded one (tests). */
  databaseUrl?: string;
  say: (line: string) => void;
}

/** The issue's target rate: 200 requests/s with 500 live readers. */
export const TARGET_RATE = 200;
const CAPACITY_SHARE = 0.6;
/** Requests waiting for an answer at most; one more would not go out and counts as an error. */
const MAX_IN_FLIGHT = 256;
const REQUEST_TIMEOUT_MS = 10_000;
/** How long the soak keeps an idle keep-alive connection: less than the server's 5 s. */
const CLIENT_IDLE_MS = 4_000;
/** Requests of each kind the cost probe sends, before the soak and after it. */
const PROBE_COUNT = 20;
const WRITERS = 30;
const BOARDS = 3;
const THREADS = 30;
/** Threads the live readers follow: every reply to one of them is timed to each of its readers (soak.mix.ts says how many go there). */
const FOLLOWED = 20;

/** The kinds of request, their share of the mix (out of 100) and the status they must get. */
const MIX = [
  { kind: 'board index', weight: 8 },
  { kind: 'board page', weight: 10 },
  { kind: 'thread (warm)', weight: 24 },
  { kind: 'thread zh-hans', weight: 8 },
  { kind: 'thread member', weight: 10 },
  { kind: 'thread api', weight: 10 },
  { kind: 'search', weight: 6 },
  { kind: 'hot', weight: 6 },
  { kind: 'reply', weight: 12 },
  { kind: 'new thread', weight: 2 },
  { kind: 'edit', weight: 4 },
] as const;
type Kind = (typeof MIX)[number]['kind'];

const SEARCH_WORDS = ['跟帖', '測試', '論壇', '軟件', '天氣', '討論', 'soak'];

interface Writer {
  name: string;
  cookie: string;
  /** The member's own posts, newest last: what an edit changes. */
  posts: string[];
}

interface Reader {
  socket: Socket;
  thread: string;
  arrivals: Map<string, number>;
  duplicates: number;
}

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A bound on a wait raced against something else: its timer keeps nothing alive once that is done. */
const atMost = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** A free port of 127.0.0.1, for the server to listen on. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Starts the server as operators run it, on `port`, and waits until /readyz says it takes traffic.
 * Its request log is off (LOG_LEVEL=warn: a log shipper's cost is not the forum's); every line it
 * writes at warn or above is an error of the run.
 */
async function startServer(databaseUrl: string, port: number, problems: string[], flags: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...flags, SERVER_MAIN], {
    env: {
      PATH: process.env.PATH!,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Every bench request comes from 127.0.0.1: the limits are raised for all, no one is exempt.
      RATE_LIMIT_MULTIPLIER: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Lines before it is ready are its start-up (the 503s of /readyz polled below among them).
  let ready = false;
  const startup: string[] = [];
  const collect = (d: Buffer) => {
    for (const line of d.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      if (!ready) startup.push(line.slice(0, 300));
      else if (problems.length < 1000) problems.push(`server: ${line.slice(0, 300)}`);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${startup.join('\n')}`);
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return child;
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready within 60 s: ${startup.join('\n')}`);
}

/** Parses the soak's options (the words after `soak`). */
export function parseSoakArgs(argv: string[]): Omit<SoakOptions, 'say'> {
  let seconds = 180;
  let rate: number | undefined;
  let readers = 500;
  let serverFlags: string[] | undefined;
  let mix: WriteMix | undefined;
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    const positive = Number.isFinite(value) && value > 0;
    const flag = argv[i];
    if (flag === '--minutes' && positive) seconds = value * 60;
    else if (flag === '--seconds' && positive) seconds = value;
    else if (flag === '--rate' && positive) rate = value;
    else if (flag === '--readers' && Number.isInteger(value) && value >= 0) readers = value;
    else if (flag === '--mix' && (argv[i + 1] === 'spread' || argv[i + 1] === 'followed')) mix = argv[i + 1] as WriteMix;
    else if (flag === '--server-flags' && argv[i + 1]?.startsWith('--')) serverFlags = argv[i + 1]!.split(/\s+/).filter(Boolean);
    else
      throw new Error(
        `soak: unknown option ${flag} ${argv[i + 1] ?? ''} (--minutes N, --seconds N, --rate R, --readers N, --mix spread|followed, --server-flags "--flag …")`,
      );
    i++;
  }
  if (seconds > 24 * 3600) throw new Error('soak: at most 24 hours');
  return { seconds, rate, readers, ...(serverFlags ? { serverFlags } : {}), ...(mix ? { mix } : {}) };
}

/** One request as the soak sends it (any method), timed from when it went out. */
function send(
  agent: http.Agent,
  port: number,
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        timeout: REQUEST_TIMEOUT_MS,
        headers: payload
          ? { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length), 'sec-fetch-site': 'same-origin' }
          : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs the soak and returns its figures (it writes nothing; see runSoakBench). */
export async function runSoak(options: SoakOptions): Promise<SoakResults> {
  const { say } = options;
  const loadBefore = os.loadavg()[0]!;
  const cleanups: (() => Promise<unknown>)[] = [];
  const problems: string[] = [];
  try {
    let url = options.databaseUrl;
    if (!url) {
      const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => say(`postgres: ${m}`) });
      cleanups.push(() => embedded.stop());
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
    const server = await startServer(url, port, problems, options.serverFlags);
    cleanups.push(async () => {
      server.kill('SIGTERM');
      if (server.exitCode === null) await Promise.race([new Promise((r) => server.once('exit', r)), atMost(10_000)]);
      if (server.exitCode === null) server.kill('SIGKILL');
    });
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
    let serial = 0;
    const title = () => `${cjkTitle(random).slice(0, 20)} #${++serial}`;
    const bodyText = () => `<p>長跑測試 ${serial}：${SEARCH_WORDS[serial % SEARCH_WORDS.length]}，${cjkTitle(random)}</p>`;
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

    // ---- Live readers, spread over the followed threads.
    const followed = threads.slice(0, FOLLOWED);
    const readers: Reader[] = [];
    for (let i = 0; i < options.readers; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, options.readers - i) }, async (_, j) => {
          const thread = followed[(i + j) % followed.length]!.id;
          const socket = io(base, { transports: ['websocket'], forceNew: true, reconnection: false });
          const reader: Reader = { socket, thread, arrivals: new Map(), duplicates: 0 };
          socket.on('post:new', (e: { post: { id: string } }) => {
            if (reader.arrivals.has(e.post.id)) reader.duplicates++;
            else reader.arrivals.set(e.post.id, performance.now());
          });
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          const ack = (await socket.emitWithAck('thread:join', { threadId: thread, variant: 'zh-hant' })) as { seq?: number };
          if (ack.seq === undefined) throw new Error(`thread:join refused: ${JSON.stringify(ack)}`);
          return reader;
        }),
      );
      readers.push(...batch);
    }
    cleanups.push(async () => {
      for (const r of readers) r.socket.disconnect();
    });
    let dropped = 0;
    let closing = false;
    for (const r of readers) r.socket.on('disconnect', () => void (closing || dropped++));
    if (readers.length) say(`${readers.length} live readers on ${followed.length} threads`);

    // ---- Requests of each kind, to threads as the mix spreads them (soak.mix.ts).
    const mix = new ThreadMix(options.mix ?? 'spread', random, threads, followed);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
    const plain = { 'accept-language': 'zh-TW' };
    const request = (
      kind: Kind,
    ): {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: unknown;
      expect: number;
      writer?: Writer;
      /** A reply's thread; a new thread's board. */
      thread?: string;
      board?: string;
    } => {
      const thread = mix.readTarget();
      switch (kind) {
        case 'board index':
          return { method: 'GET', path: '/', headers: plain, expect: 200 };
        case 'board page':
          return { method: 'GET', path: `/b/${pick(boards)}`, headers: plain, expect: 200 };
        case 'thread (warm)':
          return { method: 'GET', path: `/t/${thread.id}`, headers: plain, expect: 200 };
        case 'thread zh-hans':
          return { method: 'GET', path: `/zh-hans/t/${thread.id}`, headers: plain, expect: 200 };
        case 'thread member':
          return { method: 'GET', path: `/t/${thread.id}`, headers: { cookie: pick(writers).cookie }, expect: 200 };
        case 'thread api':
          return { method: 'GET', path: `/api/posts/${thread.id}?limit=50`, headers: {}, expect: 200 };
        case 'search':
          return { method: 'GET', path: `/api/search?q=${encodeURIComponent(pick(SEARCH_WORDS))}`, headers: {}, expect: 200 };
        case 'hot':
          return { method: 'GET', path: `/api/hot?board=${pick(boards)}`, headers: {}, expect: 200 };
        case 'reply': {
          const writer = pick(writers);
          const target = mix.replyTarget();
          return {
            method: 'POST',
            path: `/api/posts/${target.parent}/replies`,
            thread: target.thread,
            headers: { cookie: writer.cookie },
            body: { title: title(), body: bodyText() },
            expect: 201,
            writer,
          };
        }
        case 'new thread': {
          const writer = pick(writers);
          const board = pick(boards);
          return {
            method: 'POST',
            path: `/api/boards/${board}/threads`,
            board,
            headers: { cookie: writer.cookie },
            body: { title: title(), body: bodyText() },
            expect: 201,
            writer,
          };
        }
        case 'edit': {
          const writer = pick(writers);
          return {
            method: 'PATCH',
            path: `/api/posts/${writer.posts.at(-1 - Math.floor(random() * Math.min(3, writer.posts.length)))}`,
            headers: { cookie: writer.cookie },
            body: { body: bodyText(), reason: '長跑' },
            expect: 200,
          };
        }
      }
    };
    const totalWeight = MIX.reduce((s, m) => s + m.weight, 0);
    const nextKind = (): Kind => {
      let r = random() * totalWeight;
      for (const m of MIX) if ((r -= m.weight) < 0) return m.kind;
      return MIX[0].kind;
    };

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
    const costsBefore = await probe();

    // ---- The soak: requests on schedule, memory every few seconds.
    const latencies = new Map<Kind, number[]>(MIX.map((m) => [m.kind, []]));
    const kindErrors = new Map<Kind, number>(MIX.map((m) => [m.kind, 0]));
    const errorSamples: string[] = [];
    let errors = 0;
    const fail = (kind: Kind | 'events' | 'server', line: string) => {
      errors++;
      if (kind !== 'events' && kind !== 'server') kindErrors.set(kind, (kindErrors.get(kind) ?? 0) + 1);
      if (errorSamples.length < 20) errorSamples.push(`${kind}: ${line}`);
    };
    const sentReplies: { id: string; thread: string; at: number }[] = [];
    const memory: MemoryPoint[] = [];
    const durationMs = options.seconds * 1000;
    const sampleMs = Math.max(1000, Math.min(5000, durationMs / 30));
    let inFlight = 0;
    let sent = 0;
    let answered = 0;
    // Requests due so far, sent or refused for too many waiting: the schedule counts both, so a
    // refused request is one error, not one more every tick until the server catches up.
    let scheduled = 0;
    const pending = new Set<Promise<void>>();
    const t0 = performance.now();

    const readMemory = async () => {
      const t = performance.now() - t0;
      try {
        const res = await send(agent, port, 'GET', '/metrics', {});
        memory.push({
          t,
          rssBytes: promValue(res.text, 'process_resident_memory_bytes'),
          heapUsedBytes: promValue(res.text, 'nodejs_heap_size_used_bytes'),
          heapAfterGcBytes: promValue(res.text, 'gentie_heap_after_gc_bytes'),
          cpuMs: mainThreadCpuMs(server.pid),
          answered,
        });
      } catch (error) {
        fail('server', `/metrics: ${(error as Error).message}`);
      }
    };
    await readMemory();
    const sampler = setInterval(() => void readMemory(), sampleMs);

    const fire = (kind: Kind) => {
      scheduled++;
      if (inFlight >= MAX_IN_FLIGHT) return fail(kind, `not sent: ${MAX_IN_FLIGHT} requests already waiting`);
      const r = request(kind);
      inFlight++;
      sent++;
      const sentAt = performance.now();
      const p = send(agent, port, r.method, r.path, r.headers, r.body)
        .then((answer) => {
          if (answer.status !== r.expect) return fail(kind, `${r.method} ${r.path}: ${answer.status} ${answer.text.slice(0, 200)}`);
          latencies.get(kind)!.push(answer.ms);
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
        .catch((error: Error) => fail(kind, `${r.method} ${r.path}: ${error.message}`))
        .finally(() => {
          answered++;
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    };

    let lastReport = t0;
    while (performance.now() - t0 < durationMs) {
      const elapsed = performance.now() - t0;
      const due = Math.floor((elapsed / 1000) * rate) - scheduled;
      for (let i = 0; i < due; i++) fire(nextKind());
      if (performance.now() - lastReport >= 30_000) {
        lastReport = performance.now();
        const cpu = cpuPerRequest(memory).at(-1);
        say(
          `  ${Math.round(elapsed / 1000)} s: ${sent} requests, ${errors} errors, ${inFlight} in flight` +
            (cpu ? `; server main thread ${cpu.ms.toFixed(2)} ms CPU per request` : ''),
        );
      }
      await sleep(5);
    }
    const elapsedMs = performance.now() - t0;
    clearInterval(sampler);
    await Promise.race([Promise.all([...pending]), atMost(REQUEST_TIMEOUT_MS + 1000)]);
    await readMemory();
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
    const eventLags: number[] = [];
    let expected = 0;
    let lost = 0;
    let duplicated = 0;
    const byThread = new Map<string, Reader[]>();
    for (const r of readers) byThread.set(r.thread, [...(byThread.get(r.thread) ?? []), r]);
    for (const reply of sentReplies) {
      for (const r of byThread.get(reply.thread) ?? []) {
        expected++;
        const at = r.arrivals.get(reply.id);
        if (at === undefined) lost++;
        else eventLags.push(at - reply.at);
      }
    }
    for (const r of readers) duplicated += r.duplicates;
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
      memory,
      warmupSeconds: warmupMs / 1000,
      heap: heapSlope(memory, warmupMs),
      rss: { startMb: rssMb[0] ?? NaN, endMb: rssMb.at(-1) ?? NaN, maxMb: Math.max(...rssMb) },
      loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
      cpus: os.cpus().length,
    };
  } finally {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((e: Error) => say(`soak: clean-up: ${e.message}`));
  }
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

/** Memory over time as a standalone SVG: RSS, heap and the heap after GC, in MB, against seconds. */
export function soakChart(r: SoakResults): string {
  const mb = (pick: (m: MemoryPoint) => number) => r.memory.map((m) => ({ x: m.t / 1000, y: pick(m) / 2 ** 20 }));
  const chart = lineChart(
    [
      { label: 'RSS MB', points: mb((m) => m.rssBytes) },
      { label: 'heap MB', points: mb((m) => m.heapUsedBytes) },
      { label: 'heap after GC MB', points: mb((m) => m.heapAfterGcBytes) },
    ],
    {
      title: `Soak ${r.date}: ${r.seconds} s at ${r.rate} requests/s, ${r.readers} live readers: server memory (MB) over seconds`,
      width: 640,
      height: 240,
      formatX: (x) => `${Math.round(x)} s`,
      standalone: true,
    },
  );
  return `${chart}\n`;
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
    args.seconds * 1000 + 10 * 60_000,
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
