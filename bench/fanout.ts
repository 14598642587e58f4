/**
 * `npm run bench -- fanout`: what delivering one reply to its live readers costs the server's main
 * thread. A real `node dist/server/main.js` on 127.0.0.1; one thread; replies POSTed one after the
 * other, first with nobody reading the thread, then with `--readers N` socket.io readers on it
 * (websocket only, half reading in zh-hant and half in zh-hans: two renderings per event); the
 * server's main-thread CPU per reply in each phase, and the difference per reply and per reader.
 * Every reader must get every reply once. Options: `--readers N` (500), `--replies R` (100).
 */
import http from 'node:http';
import path from 'node:path';
import { sql } from 'kysely';
import { type Socket, io } from 'socket.io-client';
import { openEmbedded } from '../server/db/embedded';
import { connect } from '../server/db/connect';
import { migrateToLatest } from '../server/db/migrate';
import { createBoard } from '../server/boards/boards.service';
import { createMember } from '../server/members/members.service';
import { freshDatabase } from './datasets';
import { ROOT, atMost, freePort, send, sleep, startServer } from './soak.server';
import { mainThreadCpuMs } from './soak.stats';

const DATA_DIR = path.join(ROOT, '.bench-data');
const PASSWORD = 'fanout password 跟帖';
/** Replies a second: slow enough that each reply's delivery is done before the next. */
const REPLY_GAP_MS = 40;

export interface FanoutFigures {
  readers: number;
  replies: number;
  /** Main-thread CPU ms per reply with nobody reading, and with the readers. */
  aloneMs: number;
  readMs: number;
  /** The difference: one reply's delivery, and its share per reader in µs. */
  deliveryMs: number;
  perReaderUs: number;
  delivered: number;
  expected: number;
  load: number[];
}

function parseArgs(argv: string[]): { readers: number; replies: number } {
  let readers = 500;
  let replies = 100;
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (argv[i] === '--readers' && Number.isInteger(value) && value > 0) readers = value;
    else if (argv[i] === '--replies' && Number.isInteger(value) && value > 0) replies = value;
    else throw new Error(`fanout: unknown option ${argv[i]} (--readers N, --replies R)`);
  }
  return { readers, replies };
}

export async function runFanout(options: { readers: number; replies: number; say: (line: string) => void }): Promise<FanoutFigures> {
  const { say } = options;
  const cleanups: (() => Promise<unknown>)[] = [];
  const load = [(await import('node:os')).loadavg()[0]!];
  try {
    const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => say(`postgres: ${m}`) });
    cleanups.push(() => embedded.stop());
    const fresh = await freshDatabase(embedded.url, 'gentie_bench_fanout');
    await fresh.db.destroy();
    const db = connect(fresh.url);
    cleanups.push(() => db.destroy());
    await migrateToLatest(db);
    const board = await createBoard(db, { slug: 'fanout', name: '扇出', description: 'npm run bench -- fanout' });
    const writer = await createMember(db, { username: '扇出客', password: PASSWORD });
    await sql`update users set trust = 'trusted'`.execute(db);

    const port = await freePort();
    const problems: string[] = [];
    const server = await startServer(fresh.url, port, problems);
    cleanups.push(async () => {
      server.kill('SIGTERM');
      if (server.exitCode === null) await Promise.race([new Promise((r) => server.once('exit', r)), atMost(10_000)]);
    });
    const base = `http://127.0.0.1:${port}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    cleanups.push(async () => agent.destroy());
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ username: writer.name, password: PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('gentie_session='))
      ?.split(';')[0];
    if (!cookie) throw new Error(`login: ${login.status}`);
    const post = async (urlPath: string, body: unknown) => {
      const res = await send(agent, port, 'POST', urlPath, { cookie }, body);
      if (res.status !== 201) throw new Error(`${urlPath}: ${res.status} ${res.text.slice(0, 200)}`);
      return (JSON.parse(res.text) as { post: { id: string } }).post.id;
    };
    // A body as long as the soak's (a few lines of 跟帖 text with a link), in traditional script.
    const body = (i: number) =>
      `第 ${i} 條跟帖：軟件論壇的討論，天氣很好。\n\n這是測試用的正文，寫得長一點，像真的跟帖一樣。https://example.org/${i}`;
    const thread = await post(`/api/boards/${board.slug}/threads`, { title: '扇出測試', body: body(0) });

    const phase = async (label: string, wait: () => Promise<void>) => {
      // Warm: the first replies compile and fill what the rest reuse.
      for (let i = 0; i < 5; i++) await post(`/api/posts/${thread}/replies`, { title: `${label} 暖身 ${i}`, body: body(i) });
      await wait();
      const before = mainThreadCpuMs(server.pid);
      for (let i = 0; i < options.replies; i++) {
        await post(`/api/posts/${thread}/replies`, { title: `${label} ${i}`, body: body(i) });
        await sleep(REPLY_GAP_MS);
      }
      await wait();
      return (mainThreadCpuMs(server.pid) - before) / options.replies;
    };

    const aloneMs = await phase('alone', async () => {
      await sleep(500);
    });
    say(`nobody reading: ${aloneMs.toFixed(2)} ms of main-thread CPU per reply`);

    const sockets: Socket[] = [];
    cleanups.push(async () => {
      for (const s of sockets) s.disconnect();
    });
    let delivered = 0;
    for (let i = 0; i < options.readers; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, options.readers - i) }, async (_, j) => {
          const socket = io(base, { transports: ['websocket'], forceNew: true, reconnection: false });
          sockets.push(socket);
          socket.on('post:new', () => void delivered++);
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          const variant = (i + j) % 2 ? 'zh-hans' : 'zh-hant';
          const ack = (await socket.emitWithAck('thread:join', { threadId: thread, variant })) as { seq?: number };
          if (ack.seq === undefined) throw new Error(`thread:join refused: ${JSON.stringify(ack)}`);
        }),
      );
    }
    say(`${sockets.length} readers on the thread`);
    const expected = (options.replies + 5) * options.readers;
    const allDelivered = async () => {
      for (const deadline = Date.now() + 30_000; Date.now() < deadline && delivered < expected;) await sleep(50);
      await sleep(500);
    };
    let warm = 0;
    const readMs = await phase('read', async () => {
      // The warm-up's deliveries first, then the phase's.
      if (warm++ === 0) {
        for (const deadline = Date.now() + 30_000; Date.now() < deadline && delivered < 5 * options.readers;) await sleep(50);
        await sleep(500);
      } else await allDelivered();
    });
    load.push((await import('node:os')).loadavg()[0]!);
    const deliveryMs = readMs - aloneMs;
    say(
      `${options.readers} reading: ${readMs.toFixed(2)} ms per reply; delivery ${deliveryMs.toFixed(2)} ms, ${((deliveryMs * 1000) / options.readers).toFixed(1)} µs per reader`,
    );
    if (problems.length) say(`server said: ${problems.slice(0, 5).join(' | ')}`);
    return {
      readers: options.readers,
      replies: options.replies,
      aloneMs,
      readMs,
      deliveryMs,
      perReaderUs: (deliveryMs * 1000) / options.readers,
      delivered,
      expected,
      load,
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

export async function runFanoutBench(): Promise<void> {
  const args = parseArgs(process.argv.slice(3));
  const figures = await runFanout({ ...args, say: (line) => console.log(line) });
  console.log(JSON.stringify(figures));
  if (figures.delivered !== figures.expected) {
    console.error(`fanout: ${figures.delivered} of ${figures.expected} deliveries arrived`);
    process.exitCode = 1;
  }
}
