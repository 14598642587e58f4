import { spawn } from 'node:child_process';
import { cpuShares } from '../../bench/soak.report';
import { processCpuMs, processTreeCpuMs, sampleServer } from '../../bench/soak.sample';
import { type MemoryPoint, heapLessCachesSlope } from '../../bench/soak.stats';

// What the soak reads of its server besides memory (bench/soak.sample.ts): caches, collections,
// the pool, the event loop, and the CPU of the server, PostgreSQL and the load generator.

const MB = 2 ** 20;
const linux = process.platform === 'linux' ? it : it.skip;

describe("the soak's samples", () => {
  it("reads the caches' used bytes (not their bounds), GC time, the pool's waiting queries and the event loop's delay", () => {
    const text = [
      'gentie_cache_bytes{cache="lines",bound="used"} 1000',
      'gentie_cache_bytes{cache="lines",bound="max"} 64000000',
      'gentie_cache_bytes{cache="pages",bound="used"} 500',
      'gentie_cache_bytes{cache="pages",bound="max"} 48000000',
      'nodejs_gc_duration_seconds_sum{kind="minor"} 1.5',
      'nodejs_gc_duration_seconds_sum{kind="major"} 0.25',
      'gentie_db_pool_waiting 3',
      'nodejs_eventloop_lag_p99_seconds 0.042',
    ].join('\n');
    const s = sampleServer(text, undefined, undefined);
    expect(s.cacheBytes).toBe(1500);
    // Of which the kept pages' Buffers, outside the V8 heap.
    expect(s.bufferCacheBytes).toBe(500);
    expect(s.gcMs).toBeCloseTo(1750, 6);
    expect(s.poolWaiting).toBe(3);
    expect(s.loopP99Ms).toBeCloseTo(42, 6);
    expect(s.serverCpuMs).toBeNaN();
    expect(s.databaseCpuMs).toBeNaN();
    expect(s.generatorCpuMs).toBeGreaterThan(0);
  });

  linux(
    "counts a process tree's CPU, its children's included, those that ended too",
    async () => {
      // A child that spins 300 ms of its own CPU time (not of the clock: the machine may be busy), has a
      // grandchild do the same and waits for it to end, then says so and idles until killed.
      const busy = 'const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; while (cpu() < 300);';
      const child = spawn(
        process.execPath,
        [
          '-e',
          `${busy} require('node:child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(busy)}]); console.log('done'); setTimeout(() => {}, 60_000);`,
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const own = processCpuMs(child.pid);
      const tree = processTreeCpuMs(child.pid);
      child.kill();
      expect(own).toBeGreaterThanOrEqual(290);
      // The grandchild ended and was reaped: its time is the child's reaped time, counted in the tree only.
      expect(tree - own).toBeGreaterThanOrEqual(290);
      expect(processCpuMs(2 ** 22 + 1)).toBeNaN();
    },
    30_000,
  );

  it('says how much of the live heap grows beyond the caches, and what each party used per request', () => {
    const memory: MemoryPoint[] = Array.from({ length: 20 }, (_, i) => ({
      t: i * 10_000,
      rssBytes: 300 * MB,
      heapUsedBytes: 200 * MB,
      // The caches fill by 1 MB every 10 s and the heap with them, by exactly that.
      heapAfterGcBytes: 110 * MB + i * MB,
      liveHeapBytes: 100 * MB + i * MB,
      cpuMs: i * 1000,
      answered: i * 1000,
      server: {
        cacheBytes: 10 * MB + i * MB,
        gcMs: i * 100,
        poolWaiting: 0,
        loopP99Ms: 10,
        loopMaxMs: 20,
        generatorLoopMaxMs: 15,
        serverCpuMs: i * 1500,
        databaseCpuMs: i * 2000,
        generatorCpuMs: i * 500,
      },
    }));
    expect(heapLessCachesSlope(memory, 0).growth).toBeCloseTo(0, 9);
    // The same with kept pages' Buffers beside them, growing too: outside the V8 heap, not taken off it.
    const withPages = memory.map((m, i) => ({
      ...m,
      server: { ...m.server!, cacheBytes: m.server!.cacheBytes + i * MB, bufferCacheBytes: i * MB },
    }));
    expect(heapLessCachesSlope(withPages, 0).growth).toBeCloseTo(0, 9);
    const lines = cpuShares(memory, 2);
    expect(lines[0]).toBe('CPU over the soak (19000 answers in 190 s on 2 cores):');
    expect(lines.find((l) => l.includes('server process'))).toMatch(/1\.50 ms\/request\s+7\.5 % of the cores/);
    expect(lines.find((l) => l.includes('PostgreSQL'))).toMatch(/2\.00 ms\/request\s+10\.0 % of the cores/);
    expect(lines.find((l) => l.includes('load generator'))).toMatch(/0\.50 ms\/request\s+2\.5 % of the cores/);
    expect(
      cpuShares(
        memory.map(({ server: _, ...m }) => m),
        2,
      ),
    ).toEqual([]);
  });
});
