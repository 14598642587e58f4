import { HttpClient } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { Reader, sleep } from '../helpers/live';
import { type ServerProcess, startServerProcess } from '../helpers/processes';
import { until } from '../helpers/wait';
import { createMember, createTestBoard, logInClient, postReply, postThread } from '../factories';

// Two app processes on one PostgreSQL, as behind a load balancer: a follow-up written through one
// reaches readers on the other; when a process dies, its readers move to the other and miss nothing.
jest.setTimeout(60_000);

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
// A third process, started with the others (a server process costs seconds to start): the
// balancer's second backend, then the one that stops.
let c: ServerProcess;
const readers: Reader[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // Reads are flushed every 100 ms on A and B (30 s by default); on C less often than the file
  // lasts, so only the flush on shutdown can save its reads. All three sit behind the balancer in
  // its test: they trust it (a request straight from a test has no X-Forwarded-For to trust).
  const env = { DATABASE_URL: database.url, READ_FLUSH_MS: '100', TRUST_PROXY: 'loopback' };
  [a, b, c] = await Promise.all([startServerProcess(env), startServerProcess(env), startServerProcess({ ...env, READ_FLUSH_MS: '60000' })]);
}, 120_000);
afterAll(async () => {
  for (const r of readers) r.close();
  for (const p of [a, b, c]) if (p?.child.exitCode === null) p.child.kill('SIGKILL');
  await database.drop();
});

const url = (p: ServerProcess) => `http://127.0.0.1:${p.port}`;
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('several processes on one database', () => {
  it('run the hourly housekeeping once between them', async () => {
    const finished = async () =>
      (
        await database.db
          .selectFrom('jobs')
          .select('name')
          .where('last_finished_at', 'is not', null)
          .where('last_error', 'is', null)
          .execute()
      )
        .map((r) => r.name)
        .sort();
    const jobs = [
      'addresses:purge',
      'backups:nightly',
      'hot:close',
      'rate-limits:prune',
      'reads:prune',
      'sessions:prune',
      'tokens:prune',
      'uploads:cleanup',
    ];
    await until(async () => (await finished()).length >= jobs.length, 'every job finished', 30_000);
    expect(await finished()).toEqual(jobs);
    // Each run's log line is written before its row says it finished; the processes' output is read through pipes.
    const runs = () => `${a.output()}${b.output()}${c.output()}`.split('\n').filter((l) => l.includes('"msg":"job done"'));
    await until(() => jobs.every((job) => runs().some((l) => l.includes(`"job":"${job}"`))), "every job's log line");
    for (const job of jobs) expect([job, runs().filter((l) => l.includes(`"job":"${job}"`)).length]).toEqual([job, 1]);
  });

  it('count a reader of a thread once between them, each flushing its own reads', async () => {
    const board = await createTestBoard(database.db);
    const writer = new HttpClient(url(a));
    await logInClient(writer, await createMember(database.db));
    const root = (await postThread(writer, board, '讀數')).id;
    // One reader (same address, same browser) on both processes; another on B.
    const read = (p: ServerProcess, agent: string) => fetch(`${url(p)}/t/${root}`, { headers: { 'user-agent': agent } });
    for (const p of [a, b, a]) expect((await read(p, BROWSER)).status).toBe(200);
    expect((await read(b, `${BROWSER} Edg/131.0.0.0`)).status).toBe(200);
    const count = async () => (await new HttpClient(url(a)).get(`/api/posts/${root}`)).json.thread.readCount as number;
    await until(async () => (await count()) >= 2, 'a read count of 2');
    // And no more (a window: no event marks a flush that counted nothing).
    await sleep(300);
    expect(await count()).toBe(2);
  });

  it('deliver across processes, count readers across them, and lose nothing when one dies', async () => {
    const board = await createTestBoard(database.db);
    const writer = new HttpClient(url(a));
    await logInClient(writer, await createMember(database.db));
    const root = (await postThread(writer, board, '跨進程')).id;
    const reply = async (title: string) => (await postReply(writer, root, title)).id;

    const onB = new Reader(url(b));
    const onA = new Reader(url(a));
    readers.push(onB, onA);
    await onB.join(root, 'zh-hans');
    await onA.join(root);

    const first = await reply('寫在 A');
    const [got] = await onB.waitFor(1);
    expect(got).toMatchObject({ name: 'post:new', seq: 2 });
    expect(got!.post!.id).toBe(first);
    expect(got!.html).toContain('写在 A');

    // Each reader sees both: the count travels between processes through PostgreSQL.
    await until(() => onA.counts.at(-1) === 2 && onB.counts.at(-1) === 2, 'a count of 2 on both');
    expect([onA.counts.at(-1), onB.counts.at(-1)]).toEqual([2, 2]);

    // B dies with its reader connected; replies keep coming through A meanwhile.
    b.child.kill('SIGKILL');
    await b.exited;
    const missed = [await reply('B 死後 1'), await reply('B 死後 2')];

    // The reader reconnects, to A, with the last seq it has.
    const moved = new Reader(url(a));
    readers.push(moved);
    await moved.join(root, 'zh-hans', onB.events.at(-1)!.seq);
    expect(moved.events.map((e) => [e.seq, e.post!.id])).toEqual([
      [3, missed[0]],
      [4, missed[1]],
    ]);
    const after = await reply('之後');
    const all = await moved.waitFor(3);
    expect(all.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(all[2]!.post!.id).toBe(after);
    // And A's own reader had every event exactly once.
    expect((await onA.waitFor(4)).map((e) => e.seq)).toEqual([2, 3, 4, 5]);
  });
});

describe('behind a round-robin balancer (scripts/balancer.js, no sticky sessions)', () => {
  it('serves a reader over WebSocket through the balancer while writes land on either process', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/balancer.js is a plain CommonJS script
    const { startBalancer } = require('../../scripts/balancer.js') as {
      startBalancer: (port: number, backends: string[]) => Promise<import('node:net').Server>;
    };
    // A and C (B died in the test above).
    const balancer = await startBalancer(0, [`127.0.0.1:${a.port}`, `127.0.0.1:${c.port}`]);
    try {
      const front = `http://127.0.0.1:${(balancer.address() as import('node:net').AddressInfo).port}`;
      const board = await createTestBoard(database.db);
      const member = await createMember(database.db);
      const reader = new Reader(front);
      readers.push(reader);
      const writer = new HttpClient(front);
      await logInClient(writer, member);
      const root = (await writer.post(`/api/boards/${board.slug}/threads`, { title: '負載均衡' })).json.post.id as string;
      await reader.join(root);
      // Each request on a fresh connection (connection: close) goes to the next process in turn.
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${front}/api/posts/${root}/replies`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            cookie: `gentie_session=${writer.cookies.get('gentie_session')}`,
            connection: 'close',
          },
          body: JSON.stringify({ title: `第 ${i} 條` }),
        });
        expect(res.status).toBe(201);
        ids.push(((await res.json()) as { post: { id: string } }).post.id);
      }
      const events = await reader.waitFor(6);
      expect(events.map((e) => e.post!.id)).toEqual(ids);
      expect(events.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    } finally {
      balancer.close();
    }
  });
});

describe('a process that stops', () => {
  it('saves the reads it has not flushed yet', async () => {
    // C flushes less often than the file lasts: only the flush on shutdown can save the read.
    const board = await createTestBoard(database.db);
    const writer = new HttpClient(`http://127.0.0.1:${c.port}`);
    await logInClient(writer, await createMember(database.db));
    const root = (await postThread(writer, board, '停機')).id;
    expect((await fetch(`http://127.0.0.1:${c.port}/t/${root}`, { headers: { 'user-agent': BROWSER } })).status).toBe(200);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    const row = await database.db.selectFrom('threads').select('read_count').where('thread_id', '=', root).executeTakeFirstOrThrow();
    expect(Number(row.read_count)).toBe(1);
  });
});
