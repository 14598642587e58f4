import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { alive, postmasterOf, startServerProcess, type ServerProcess, spawnCli } from '../helpers/processes';

// The embedded PostgreSQL through the real entry points: `npm start`'s server and the CLI, on a
// DATA_DIR of their own. Slow (it creates a cluster), so one file walks the whole life cycle.
jest.setTimeout(180_000);

let base: string;
let dataDir: string;
const running: ServerProcess[] = [];

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'gentie-embedded-'));
  chmodSync(base, 0o755);
  dataDir = path.join(base, 'data');
});

afterAll(async () => {
  for (const s of running) s.child.kill('SIGKILL');
  const pid = postmasterPid(dataDir);
  if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
  rmSync(base, { recursive: true, force: true });
});

const postmasterPid = (dataDir: string) => postmasterOf(path.join(dataDir, 'postgres'))?.pid;

async function start(env: Record<string, string> = { DATA_DIR: dataDir }) {
  const server = await startServerProcess(env);
  running.push(server);
  return server;
}

const get = async (server: ServerProcess, p: string) => {
  const res = await fetch(`http://127.0.0.1:${server.port}${p}`);
  return { status: res.status, text: await res.text() };
};

async function waitGone(pid: number) {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

describe('the embedded PostgreSQL', () => {
  it('is created on first start, with the demo board listed on /', async () => {
    const server = await start();
    expect(server.output()).toContain('creating the embedded PostgreSQL cluster');
    expect((await get(server, '/healthz')).status).toBe(200);
    expect((await get(server, '/')).text).toContain('href="/b/demo"');
    expect((await get(server, '/b/demo')).text).toContain('演示版 Demo');
  });

  it('is shared with the CLI while the server runs', async () => {
    const out = await spawnCli(['board:create', 'extra', '另一個版'], { DATA_DIR: dataDir });
    expect(out.code).toBe(0);
    expect((await get(running[0]!, '/')).text).toContain('href="/b/extra"');
    expect((await get(running[0]!, '/healthz')).status).toBe(200);
  });

  it('is adopted by the next start after a kill -9 of the app', async () => {
    const first = running.shift()!;
    const pgPid = postmasterPid(dataDir)!;
    first.child.kill('SIGKILL');
    await first.exited;
    expect(alive(pgPid)).toBe(true);
    const server = await start();
    expect(server.output()).toContain('adopted the embedded PostgreSQL');
    expect((await get(server, '/')).text).toContain('href="/b/extra"');
  });

  it('starts again after a kill -9 of both the app and PostgreSQL (stale pid file)', async () => {
    const previous = running.shift()!;
    const pgPid = postmasterPid(dataDir)!;
    previous.child.kill('SIGKILL');
    process.kill(pgPid, 'SIGKILL');
    await previous.exited;
    expect(await waitGone(pgPid)).toBe(true);
    const server = await start();
    expect((await get(server, '/healthz')).status).toBe(200);
    expect((await get(server, '/')).text).toContain('href="/b/extra"');
    // The data survived and the first-start demo was not seeded twice.
    // (The boards' list: the hot list above it may name the demo board too.)
    expect((await get(server, '/')).text.match(/href="\/b\/demo" class="board-name"/g)).toHaveLength(1);
  });

  it('finishes an in-flight request on SIGTERM, then stops PostgreSQL and exits 0', async () => {
    const server = running.shift()!;
    const pgPid = postmasterPid(dataDir)!;
    const body = JSON.stringify({ username: 'nobody_at_all', password: 'wrong password' });
    const answer = new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/login',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      // Half the body now, the rest after the shutdown has begun.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 500);
      }, 200);
    });
    expect(await answer).toBe(401);
    expect(await server.exited).toBe(0);
    expect(await waitGone(pgPid)).toBe(true);
  });

  it('is started and stopped by the CLI when no server runs', async () => {
    const out = await spawnCli(['migrate'], { DATA_DIR: dataDir });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('schema already up to date');
    const pid = postmasterPid(dataDir);
    expect(pid === undefined || !alive(pid)).toBe(true);
  });

  it('works from a folder the postgres account cannot enter', async () => {
    const closed = path.join(base, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    const server = await start({ DATA_DIR: path.join(closed, 'data') });
    expect((await get(server, '/healthz')).status).toBe(200);
    if (process.getuid?.() === 0) {
      // As root PostgreSQL runs as `postgres`, which cannot enter a 0700 folder of root's: the
      // cluster moves to /var/lib/gentie and the log says so, with what to change to avoid it.
      expect(server.output()).toMatch(/cannot enter .*closed\/data.*keeping the database in \/var\/lib\/gentie\/clusters\//);
    }
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const moved = server.output().match(/keeping the database in (\/var\/lib\/gentie\/clusters\/[0-9a-f]+)/)?.[1];
    if (moved) rmSync(moved, { recursive: true, force: true });
    running.splice(running.indexOf(server), 1);
  });
});
