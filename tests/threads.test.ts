import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import path from 'node:path';
import { RUNTIME_THREAD_NICE_OFFSET, nicer } from '../server/threads';
import { type TestDatabase, createTestDatabase } from './helpers/database';
import { type ServerProcess, ROOT, startServerProcess, statFields } from './helpers/processes';

// The runtime's own threads (V8's helpers: garbage collection, compiling) below the event loop
// (server/threads.ts), in a process that loads the module first, as the server does; the threads
// started later (libuv's pool, which requests wait for) and the main thread left at the process's
// priority. The child processes run the compiled files (`npm test` builds first).
jest.setTimeout(60_000);

const THREADS = path.join(ROOT, 'dist', 'server', 'threads.js');

interface Thread {
  tid: number;
  nice: number;
  /** CPU time in clock ticks (user + system). */
  cpu: number;
}

/** A thread as /proc says it: fields after the name (which may hold spaces), [11] utime, [12] stime, [16] nice. */
function thread(pid: number | 'self', tid: number | string): Thread {
  const fields = statFields(`${pid}/task/${tid}`);
  return { tid: Number(tid), nice: Number(fields[16]), cpu: Number(fields[11]) + Number(fields[12]) };
}

const threadsOf = (pid: number) => readdirSync(`/proc/${pid}/task`).map((tid) => thread(pid, tid));

// Loads the module first (it reads the threads there are); makes the garbage collector work for a
// second and a half (V8's helpers mark and sweep beside the main thread); starts libuv's pool (a
// file read); only then lowers, and prints every thread: which existed when the module was
// loaded, its nice value and CPU time.
const CHILD = `
const threads = require(${JSON.stringify(THREADS)});
const fs = require('node:fs');
const before = fs.readdirSync('/proc/self/task').map(Number);
let keep = [];
const until = Date.now() + 1500;
while (Date.now() < until) {
  keep.push(Array.from({ length: 1000 }, (_, i) => ({ i, s: String(i) })));
  if (keep.length > 2000) keep = [];
}
fs.readFile(__filename, () => {
  const lowered = threads.lowerRuntimeThreads();
  const stat = (tid) => {
    const f = fs.readFileSync('/proc/self/task/' + tid + '/stat', 'latin1');
    const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return { tid, nice: Number(x[16]), cpu: Number(x[11]) + Number(x[12]), before: before.includes(tid) };
  };
  console.log(JSON.stringify({ pid: process.pid, lowered, threads: fs.readdirSync('/proc/self/task').map(Number).map(stat) }));
});
`;

describe('the runtime’s threads below the event loop', () => {
  const own = getPriority();
  const lowered = nicer(own, RUNTIME_THREAD_NICE_OFFSET);

  it('lowers the threads there were when the module was loaded, which do the garbage collector’s work, and leaves the main thread and libuv’s pool started since', () => {
    const run = spawnSync(process.execPath, ['-e', CHILD], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { pid: number; lowered: number; threads: (Thread & { before: boolean })[] };
    const main = out.threads.find((t) => t.tid === out.pid)!;
    const runtime = out.threads.filter((t) => t.before && t.tid !== out.pid);
    const started = out.threads.filter((t) => !t.before);
    // V8's four helpers at least, every one of them lowered; never the main thread.
    expect(out.lowered).toBeGreaterThanOrEqual(4);
    expect(runtime).toHaveLength(out.lowered);
    expect(runtime.map((t) => t.nice)).toEqual(runtime.map(() => lowered));
    expect(main.nice).toBe(own);
    if (own < 19) expect(lowered).toBeGreaterThan(own);
    // The collector's work ran on the lowered threads (before they were lowered): they are the
    // helpers, not idle bystanders. CPU time is counted in ticks of 10 ms.
    expect(runtime.some((t) => t.cpu > 0)).toBe(true);
    // libuv's pool, started by the file read before the lowering but after the module was loaded:
    // left at the process's priority.
    expect(started.length).toBeGreaterThan(0);
    expect(started.map((t) => t.nice)).toEqual(started.map(() => own));
  });

  describe('in the server', () => {
    let database: TestDatabase;
    let server: ServerProcess;
    beforeAll(async () => {
      database = await createTestDatabase();
      server = await startServerProcess({ DATABASE_URL: database.url });
    }, 90_000);
    afterAll(async () => {
      if (server?.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await database?.drop();
    });

    it('runs its event loop and libuv’s pool at its own priority, and the runtime’s threads nicer', async () => {
      const pid = server.child.pid!;
      // A page, so the server has done some work (and started libuv's pool) since start-up.
      expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(200);
      const threads = threadsOf(pid);
      expect(thread(pid, pid).nice).toBe(own);
      const lowerThreads = threads.filter((t) => t.nice === lowered && t.tid !== pid);
      expect(threads.every((t) => t.nice === own || t.nice === lowered)).toBe(true);
      if (own < 19) {
        // V8's four helpers and Node's two threads of its own; not libuv's pool (four more), which
        // stays at the server's priority.
        expect(lowerThreads.length).toBeGreaterThanOrEqual(4);
        expect(lowerThreads.length).toBeLessThanOrEqual(6);
        expect(threads.filter((t) => t.nice === own && t.tid !== pid).length).toBeGreaterThanOrEqual(4);
      }
    });
  });
});
