import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EmbeddedServer } from '../../server/db/embedded';
import { type Supervisor, superviseEmbedded } from '../../server/db/supervisor';
import { createLogger } from '../../server/log';
import { sleep } from '../helpers/live';

// The supervisor's rules on a cluster folder that holds only a postmaster.pid: no PostgreSQL is
// needed to see what it restarts, how often, and what it leaves alone (tests/db/fault.test.ts
// does the same with the real server).

let clusterDir: string;
let supervisor: Supervisor | undefined;
const children: ChildProcess[] = [];

beforeEach(() => {
  clusterDir = mkdtempSync(path.join(os.tmpdir(), 'gentie-supervisor-'));
});
afterEach(async () => {
  await supervisor?.close();
  supervisor = undefined;
  for (const c of children) c.kill('SIGKILL');
  rmSync(clusterDir, { recursive: true, force: true });
});

/** A pid no process has any more. */
const deadPid = () => spawnSync('true').pid;

/** A live process that passes for a postmaster (its command line says postgres). */
function livePostmaster(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'postgres'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

function writePidFile(pid: number, port = 5999): void {
  writeFileSync(path.join(clusterDir, 'postmaster.pid'), `${pid}\n${clusterDir}\n0\n${port}\n`);
}

function fakeServer(pid: number): EmbeddedServer {
  return { url: 'postgres://unused', owner: true, clusterDir, pid, port: 5999, stop: async () => undefined };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(25);
  expect(check()).toBe(true);
}

const options = { log: createLogger('silent'), intervalMs: 10, backoffMs: [10, 20, 40] };

describe('the embedded PostgreSQL supervisor', () => {
  it('restarts a postmaster that died leaving postmaster.pid, until an attempt succeeds', async () => {
    const crashed = deadPid();
    writePidFile(crashed);
    const calls: boolean[] = [];
    supervisor = superviseEmbedded(fakeServer(crashed), {
      ...options,
      async restart({ adoptOnly }) {
        calls.push(adoptOnly);
        if (calls.length < 3) throw new Error('shared memory still in use');
        const pid = livePostmaster();
        writePidFile(pid);
        return fakeServer(pid);
      },
    });
    await until(() => supervisor!.state === 'restarting');
    await until(() => supervisor!.state === 'up');
    expect(calls).toEqual([false, false, false]);
    expect(supervisor.server.pid).not.toBe(crashed);
  });

  it('gives up after the last attempt and stays down', async () => {
    writePidFile(deadPid());
    let calls = 0;
    supervisor = superviseEmbedded(fakeServer(1), {
      ...options,
      async restart() {
        calls++;
        throw new Error('no space left on device');
      },
    });
    await until(() => supervisor!.state === 'failed');
    expect(calls).toBe(options.backoffMs.length);
    await sleep(200);
    expect(calls).toBe(options.backoffMs.length);
    expect(supervisor.state).toBe('failed');
  });

  it('counts a crash soon after a restart against the same cap', async () => {
    writePidFile(deadPid());
    let calls = 0;
    supervisor = superviseEmbedded(fakeServer(1), {
      ...options,
      async restart() {
        calls++;
        // Starts, then dies at once, leaving its pid file: a crash loop.
        const pid = deadPid();
        writePidFile(pid);
        return fakeServer(pid);
      },
    });
    await until(() => supervisor!.state === 'failed');
    expect(calls).toBe(options.backoffMs.length);
  });

  it('leaves alone a postmaster that removed its postmaster.pid, and adopts one that runs again', async () => {
    const calls: boolean[] = [];
    supervisor = superviseEmbedded(fakeServer(deadPid()), {
      ...options,
      async restart({ adoptOnly }) {
        calls.push(adoptOnly);
        return fakeServer(livePostmaster());
      },
    });
    await until(() => supervisor!.state === 'stopped');
    await sleep(200);
    expect(calls).toEqual([]);
    expect(supervisor.state).toBe('stopped');

    writePidFile(livePostmaster());
    await until(() => supervisor!.state === 'up');
    expect(calls).toEqual([true]);
  });

  it('does not use a postmaster that runs again on another port', async () => {
    let calls = 0;
    supervisor = superviseEmbedded(fakeServer(deadPid()), {
      ...options,
      async restart() {
        calls++;
        return fakeServer(livePostmaster());
      },
    });
    await until(() => supervisor!.state === 'stopped');
    writePidFile(livePostmaster(), 6000);
    await sleep(200);
    expect(calls).toBe(0);
    expect(supervisor.state).toBe('stopped');
  });

  it('lets a restart in progress finish on close, so that the server it started can be stopped', async () => {
    writePidFile(deadPid());
    let finish!: (server: EmbeddedServer) => void;
    supervisor = superviseEmbedded(fakeServer(1), {
      ...options,
      restart: () => new Promise((resolve) => (finish = resolve)),
    });
    await until(() => finish !== undefined);
    let closed = false;
    const closing = supervisor.close().then(() => (closed = true));
    await sleep(50);
    expect(closed).toBe(false);
    finish(fakeServer(4242));
    await closing;
    expect(supervisor.server.pid).toBe(4242);
  });
});
