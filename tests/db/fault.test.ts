import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openEmbedded } from '../../server/db/embedded';
import { HttpClient, type Reply } from '../helpers/app';
import { sleep } from '../helpers/live';
import { type ServerProcess, alive, postmasterOf, startServerProcess } from '../helpers/processes';

// The embedded PostgreSQL dying under the app (`npm start`, DATA_DIR): a crash is survived and
// repaired by the app itself; a shutdown on purpose is left alone. One cluster for the whole file
// (creating one is slow), so the cases run in order.
jest.setTimeout(180_000);

let base: string;
let dataDir: string;
let app: ServerProcess;
let clusterDir: string;

beforeAll(async () => {
  base = mkdtempSync(path.join(os.tmpdir(), 'gentie-fault-'));
  chmodSync(base, 0o755);
  dataDir = path.join(base, 'data');
  app = await startServerProcess({ DATA_DIR: dataDir, RATE_LIMIT_MULTIPLIER: '1000' });
  clusterDir = app.output().match(/keeping the database in (\/\S+)/)?.[1] ?? path.join(dataDir, 'postgres');
});

afterAll(async () => {
  app?.child.kill('SIGKILL');
  await app?.exited;
  const pid = postmaster()?.pid;
  if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
  if (clusterDir && !clusterDir.startsWith(dataDir)) rmSync(clusterDir, { recursive: true, force: true });
  rmSync(base, { recursive: true, force: true });
});

/** The first and fourth lines of postmaster.pid: the postmaster's pid and port. */
const postmaster = () => postmasterOf(clusterDir);

const url = (p: string) => `http://127.0.0.1:${app.port}${p}`;
const appAlive = () => app.child.exitCode === null && app.child.signalCode === null;

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await check()) return;
    if (!appAlive()) throw new Error(`the app died while waiting for ${what}:\n${app.output().slice(-3000)}`);
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}:\n${app.output().slice(-3000)}`);
}

const health = async () => {
  const res = await fetch(url('/healthz'));
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { status: string; database: string },
  };
};

/** Posts every post id that got a 201 into `acked`, and every other answer into `failures`. */
class Writer {
  readonly client = new HttpClient(url(''));
  readonly acked: string[] = [];
  readonly failures: Array<Reply | Error> = [];
  private thread: string | undefined;
  private n = 0;
  constructor(readonly name: string) {}

  async register(): Promise<void> {
    const res = await this.client.post('/api/register', { username: this.name, password: 'a long enough password' });
    if (res.status !== 201) throw new Error(`register ${this.name}: ${res.status} ${res.text}`);
  }

  async run(until: () => boolean): Promise<void> {
    while (!until()) {
      const title = `${this.name} #${++this.n}`;
      // Mostly follow-ups in the writer's own thread, now and then a new thread.
      const newThread = this.thread === undefined || this.n % 10 === 0;
      let res: Reply;
      try {
        res = newThread
          ? await this.client.post('/api/boards/demo/threads', { title, body: 'load' })
          : await this.client.post(`/api/posts/${this.thread}/replies`, { title, body: 'load' });
      } catch (error) {
        this.failures.push(error as Error);
        await sleep(100);
        continue;
      }
      if (res.status === 201) {
        this.acked.push(res.json.post.id as string);
        if (newThread) this.thread = res.json.post.id as string;
      } else {
        this.failures.push(res);
        await sleep(100);
      }
    }
  }
}

describe('the embedded PostgreSQL under the running app', () => {
  it('is restarted by the app after a kill -9 under write load: 503 with Retry-After meanwhile, and every acknowledged post kept', async () => {
    expect((await health()).status).toBe(200);
    const writers = Array.from({ length: 16 }, (_, i) => new Writer(`writer_${i}`));
    await Promise.all(writers.map((w) => w.register()));

    let phase = 'before' as 'before' | 'down' | 'after' | 'done';
    const total = () => writers.reduce((n, w) => n + w.acked.length, 0);
    const running = Promise.all(writers.map((w) => w.run(() => phase === 'done')));

    // /healthz as a monitor sees it, every 50 ms through the whole outage.
    const healthSeen: Array<Awaited<ReturnType<typeof health>>> = [];
    const monitor = (async () => {
      while (phase !== 'done') {
        if (phase !== 'before')
          healthSeen.push(await health().catch(() => ({ status: 0, retryAfter: null, body: { status: 'no answer', database: '' } })));
        await sleep(50);
      }
    })();

    const killed = await (async () => {
      try {
        await waitFor('writes before the crash', () => total() >= 100);
        const pm = postmaster()!;
        process.kill(pm.pid, 'SIGKILL');
        phase = 'down';
        await waitFor('a 503 during the outage', () => writers.some((w) => w.failures.length > 0));
        await waitFor('PostgreSQL restarted by the app', async () => {
          const now = postmaster();
          return now !== undefined && now.pid !== pm.pid && (await health()).status === 200;
        });
        phase = 'after';
        const atRecovery = total();
        await waitFor('writes after the restart', () => total() >= atRecovery + 100);
        return pm;
      } finally {
        phase = 'done';
        await Promise.all([running, monitor]);
      }
    })();

    expect(appAlive()).toBe(true);
    // Same port as before the crash: connections and the LISTEN link find it where they left it.
    expect(postmaster()!.port).toBe(killed.port);
    expect(app.output()).toMatch(/embedded PostgreSQL .*crashed/);

    // Every refusal was a 503 DatabaseUnavailable with Retry-After: never a 500, never a dropped connection.
    const failures = writers.flatMap((w) => w.failures);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f).not.toBeInstanceOf(Error);
      const reply = f as Reply;
      expect({ status: reply.status, code: reply.json?.error?.code }).toEqual({ status: 503, code: 'DatabaseUnavailable' });
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const outage = healthSeen.filter((h) => h.status !== 200);
    expect(outage.length).toBeGreaterThan(0);
    for (const h of outage) {
      expect(h.status).toBe(503);
      expect(Number(h.retryAfter)).toBeGreaterThan(0);
      expect(h.body.status).toBe('unavailable');
    }
    expect(outage.some((h) => h.body.database === 'restarting')).toBe(true);

    const acked = writers.flatMap((w) => w.acked);
    const found = await queryDatabase('select count(*)::int as n from posts where id = any($1::bigint[])', [acked]);
    expect(found.rows[0].n).toBe(acked.length);
  });

  it('leaves alone a PostgreSQL shut down on purpose, and uses it again once it is back', async () => {
    const before = postmaster()!;
    // What `pg_ctl stop` (fast mode) sends; PostgreSQL removes postmaster.pid on the way out.
    process.kill(before.pid, 'SIGINT');
    await waitFor('the app to notice the shutdown', () => /embedded PostgreSQL was shut down/.test(app.output()));
    expect(postmaster()).toBeUndefined();
    const h = await health();
    expect(h).toMatchObject({ status: 503, body: { status: 'unavailable', database: 'stopped' } });
    expect(Number(h.retryAfter)).toBeGreaterThan(0);
    const write = await new HttpClient(url('')).post('/api/register', { username: 'while_stopped', password: 'a long enough password' });
    expect(write.status).toBe(503);
    expect(Number(write.headers.get('retry-after'))).toBeGreaterThan(0);
    // The app decided at once; it starts nothing later either.
    await sleep(1500);
    expect(postmaster()).toBeUndefined();
    expect(appAlive()).toBe(true);

    // The operator starts it again (same cluster, same port): the app follows.
    await openEmbedded(dataDir, { role: 'cli', log: () => {}, port: before.port });
    await waitFor('the app to use it again', async () => (await health()).status === 200);
    expect(postmaster()!.port).toBe(before.port);
    const after = await new HttpClient(url('')).post('/api/register', { username: 'after_restart', password: 'a long enough password' });
    expect(after.status).toBe(201);
  });
});

async function queryDatabase(text: string, values: unknown[]): Promise<pg.QueryResult> {
  const { password } = JSON.parse(readFileSync(path.join(dataDir, 'embedded-credentials.json'), 'utf8')) as { password: string };
  expect(existsSync(clusterDir)).toBe(true);
  const client = new pg.Client({ host: '127.0.0.1', port: postmaster()!.port, user: 'postgres', password, database: 'gentie' });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}
