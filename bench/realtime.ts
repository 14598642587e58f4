import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { openEmbedded } from '../server/db/embedded';
import { type MemberEventFigures, type RealtimeFigures, formatRealtime } from './report';
import { io, type Socket } from 'socket.io-client';
import { createBoard } from '../server/boards/boards.service';
import type { Database } from '../server/db/database';
import { createMember } from '../server/members/members.service';
import { createThread } from '../server/posts/posts.service';
import { unpaced } from '../server/limits/paced';
import { freshDatabase } from './datasets';

/**
 * Live delivery at scale: 1,000 socket.io readers on one thread, on one server process and spread
 * over two, each process a real `node dist/server/main.js` on 127.0.0.1. For every reply POSTed,
 * the time from just before the POST to its arrival at each reader; every reader must get every
 * event exactly once. Also the memory an idle connected reader costs the server process (RSS).
 */

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Server {
  child: ChildProcess;
  port: number;
}

/** Starts `node dist/server/main.js` on `databaseUrl`, on a free port of 127.0.0.1. */
export function startServer(databaseUrl: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'server', 'main.js')], {
      env: {
        PATH: process.env.PATH!,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        RATE_LIMIT_MULTIPLIER: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = out.match(/Gentie is running: http:\/\/[^:]+:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  }).then((s) => s as Server);
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

interface Reader {
  socket: Socket;
  seen: Map<number, number>; // seq → times received
  arrivals: Map<string, number>; // post id → ms timestamp
}

async function connectReaders(ports: number[], count: number, threadId: string): Promise<Reader[]> {
  const readers: Reader[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
        const port = ports[(i + j) % ports.length]!;
        const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
        const r: Reader = { socket, seen: new Map(), arrivals: new Map() };
        socket.on('post:new', (e: { seq: number; post: { id: string } }) => {
          r.seen.set(e.seq, (r.seen.get(e.seq) ?? 0) + 1);
          if (!r.arrivals.has(e.post.id)) r.arrivals.set(e.post.id, performance.now());
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const ack = (await socket.emitWithAck('thread:join', { threadId, variant: 'zh-hant' })) as { seq?: number };
        if (ack.seq === undefined) throw new Error(`join failed: ${JSON.stringify(ack)}`);
        return r;
      }),
    );
    readers.push(...batch);
  }
  return readers;
}

async function measure(
  setup: string,
  ports: number[],
  readersCount: number,
  posts: number,
  threadId: string,
  cookie: string,
): Promise<RealtimeFigures> {
  const readers = await connectReaders(ports, readersCount, threadId);
  await sleep(500);
  // One reply first, unmeasured: every process renders its first event warm.
  await fetch(`http://127.0.0.1:${ports[0]}/api/posts/${threadId}/replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ title: '預熱' }),
  });
  await sleep(1000);
  const latencies: number[] = [];
  let lastReaderMaxMs = 0;
  const firstSeq = Math.max(0, ...readers.flatMap((r) => [...r.seen.keys()]));
  const ids: string[] = [];
  for (let i = 0; i < posts; i++) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${ports[0]}/api/posts/${threadId}/replies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ title: `即時測試 ${i}`, body: '<p>跟帖內容，測試延遲。</p>' }),
    });
    if (res.status !== 201) throw new Error(`reply failed: ${res.status} ${await res.text()}`);
    const id = ((await res.json()) as { post: { id: string } }).post.id;
    ids.push(id);
    const deadline = performance.now() + 5000;
    while (readers.some((r) => !r.arrivals.has(id)) && performance.now() < deadline) await sleep(2);
    let last = 0;
    for (const r of readers) {
      const at = r.arrivals.get(id);
      if (at === undefined) continue;
      latencies.push(at - t0);
      last = Math.max(last, at - t0);
    }
    lastReaderMaxMs = Math.max(lastReaderMaxMs, last);
    await sleep(50);
  }
  await sleep(300);
  let lost = 0;
  let duplicated = 0;
  for (const r of readers) {
    for (const id of ids) if (!r.arrivals.has(id)) lost++;
    for (const [seq, n] of r.seen) if (seq > firstSeq && n > 1) duplicated += n - 1;
  }
  for (const r of readers) r.socket.disconnect();
  latencies.sort((a, b) => a - b);
  return { setup, readers: readersCount, posts, p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), lastReaderMaxMs, lost, duplicated };
}

const login = async (port: number, username: string, password: string) => {
  const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (res.headers.getSetCookie()[0] ?? '').split(';')[0]!;
};

/**
 * A member's own events under load: 1,000 thread readers connected over both processes, the
 * recipient's page open on process B, the sender writing on process A. For each 悄悄話 (POST
 * /api/messages) and each reply to the recipient's post (a notification), the time from just
 * before the POST until message:new / notification:new reaches the recipient's socket.
 */
async function measureMemberEvents(
  db: Kysely<Database>,
  a: Server,
  b: Server,
  threadId: string,
  senderCookie: string,
  samples: number,
): Promise<MemberEventFigures[]> {
  const password = 'bench password 2';
  await createMember(db, { username: 'realtime_recipient', password });
  const recipientCookie = await login(b.port, 'realtime_recipient', password);
  const rootRes = await fetch(`http://127.0.0.1:${b.port}/api/posts/${threadId}/replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: recipientCookie, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ title: '等人回覆的跟帖' }),
  });
  const parentId = ((await rootRes.json()) as { post: { id: string } }).post.id;
  const readers = await connectReaders([a.port, b.port], 1000, threadId);
  const arrivals = new Map<string, number>();
  const page = io(`http://127.0.0.1:${b.port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: recipientCookie },
    auth: { variant: 'zh-hant' },
  });
  page.on('message:new', (e: { id: string }) => arrivals.set(`m${e.id}`, performance.now()));
  page.on('notification:new', (e: { id: string; url: string }) =>
    arrivals.set(`n${/#p(\d+)$/.exec(e.url)?.[1] ?? e.id}`, performance.now()),
  );
  await new Promise<void>((resolve, reject) => {
    page.once('connect', () => resolve());
    page.once('connect_error', reject);
  });
  await sleep(500);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${a.port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: senderCookie, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`${path} failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as { message?: { id: string }; post?: { id: string } };
  };
  const figures: MemberEventFigures[] = [];
  try {
    for (const event of ['message:new', 'notification:new'] as const) {
      const latencies: number[] = [];
      let lost = 0;
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        const key =
          event === 'message:new'
            ? `m${(await post('/api/messages', { to: 'realtime_recipient', title: `悄悄話 ${i}` })).message!.id}`
            : `n${(await post(`/api/posts/${parentId}/replies`, { title: `回覆你 ${i}` })).post!.id}`;
        const deadline = performance.now() + 5000;
        while (!arrivals.has(key) && performance.now() < deadline) await sleep(1);
        const at = arrivals.get(key);
        if (at === undefined) lost++;
        else latencies.push(at - t0);
        await sleep(20);
      }
      latencies.sort((x, y) => x - y);
      figures.push({ event, readers: readers.length, samples, p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), lost });
    }
  } finally {
    page.disconnect();
    for (const r of readers) r.socket.disconnect();
  }
  return figures;
}

/** Runs the live-delivery figures against `databaseUrl` (an empty, migrated database). */
export async function benchRealtime(
  db: Kysely<Database>,
  databaseUrl: string,
  say: (m: string) => void,
): Promise<{ delivery: RealtimeFigures[]; idleReaderKb: number; memberEvents: MemberEventFigures[] }> {
  const member = await createMember(db, { username: 'realtime_bench', password: 'bench password 1' });
  await createBoard(db, { slug: 'realtime-bench', name: '即時' }).catch(() => undefined);
  const thread = await createThread(db, member, 'realtime-bench', { title: '一千人在看的帖子' }, unpaced);
  const [a, b] = await Promise.all([startServer(databaseUrl), startServer(databaseUrl)]);
  try {
    const login = await fetch(`http://127.0.0.1:${a.port}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'realtime_bench', password: 'bench password 1' }),
    });
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0]!;

    // Memory of an idle reader: RSS of the server before and after 1,000 readers join.
    await sleep(1000);
    const before = rssKb(a.child.pid!);
    const idle = await connectReaders([a.port], 1000, thread.id);
    await sleep(3000);
    const after = rssKb(a.child.pid!);
    for (const r of idle) r.socket.disconnect();
    const idleReaderKb = (after - before) / 1000;
    say(`idle reader: ${idleReaderKb.toFixed(1)} KB of server RSS each (1,000 readers: ${before} → ${after} KB)`);
    await sleep(1000);

    const delivery: RealtimeFigures[] = [];
    delivery.push(await measure('1 process', [a.port], 1000, 20, thread.id, cookie));
    say(`1,000 readers on one process: p50 ${delivery[0]!.p50Ms.toFixed(1)} ms, p99 ${delivery[0]!.p99Ms.toFixed(1)} ms`);
    delivery.push(await measure('2 processes', [a.port, b.port], 1000, 20, thread.id, cookie));
    say(`1,000 readers over two processes: p50 ${delivery[1]!.p50Ms.toFixed(1)} ms, p99 ${delivery[1]!.p99Ms.toFixed(1)} ms`);
    const memberEvents = await measureMemberEvents(db, a, b, thread.id, cookie, 100);
    for (const f of memberEvents)
      say(
        `${f.event} to the other process (1,000 readers connected): p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, lost ${f.lost}`,
      );
    return { delivery, idleReaderKb, memberEvents };
  } finally {
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
  }
}

/** The section alone (`npm run bench -- realtime`): its own database on the bench's embedded server. */
export async function runRealtimeBench(): Promise<void> {
  const root = path.join(__dirname, '..', '..');
  const embedded = await openEmbedded(path.join(root, '.bench-data'), { role: 'server', log: (m) => console.log(`postgres: ${m}`) });
  const database = 'gentie_bench_realtime';
  const { url, db } = await freshDatabase(embedded.url, database);
  try {
    const figures = await benchRealtime(db, url, (m) => console.log(m));
    console.log(`\n${formatRealtime(figures)}`);
  } finally {
    await db.destroy();
    await embedded.stop();
  }
}
