import { spawn } from 'node:child_process';
import { formatSoak, parseSoakArgs, runSoak, soakChart } from '../../bench/soak';
import { LiveHeap, SOAK_CACHE_BYTES, liveHeapEvery, liveHeapFlags, soakCacheBounds } from '../../bench/soak.heap';
import { freePort } from '../../bench/soak.server';
import { CACHE_BYTES } from '../../server/caches';
import {
  cpuPerRequest,
  heapSlope,
  heapUnderLoadSlope,
  promBuckets,
  promValue,
  slopeAfterWarmup,
  withoutPauses,
} from '../../bench/soak.stats';
import { type TestDatabase, createTestDatabase } from '../helpers/database';

// The soak bench (npm run bench -- soak): its arithmetic (the heap's slope after warm-up, reading
// /metrics), its options, and a tiny bounded run against a real server process with zero errors.

const MB = 2 ** 20;

describe("the post-GC heap's slope after warm-up", () => {
  it('is flat for a heap that only wobbles, whatever happened during warm-up', () => {
    const points = Array.from({ length: 40 }, (_, i) => ({
      t: i * 5000,
      // A climb while caches fill (the first 60 s), then 200 MB give or take 1 MB.
      bytes: i < 12 ? 100 * MB + i * 8 * MB : 200 * MB + (i % 2 ? 1 : -1) * MB,
    }));
    const slope = slopeAfterWarmup(points, 60_000);
    expect(slope.points).toBe(28);
    expect(Math.abs(slope.growth)).toBeLessThan(0.01);
    // Counted from 0, the warm-up's climb would look like a leak.
    expect(slopeAfterWarmup(points, 0).growth).toBeGreaterThan(0.3);
  });

  it('measures a steady leak as its growth over the measured span, from the readings with a forced collection', () => {
    // 100 MB, plus 1 MB a minute, sampled every 10 s for 10 minutes after a 1-minute warm-up; a
    // collection forced at every other reading. Under load the heap after GC also wobbles by 8 MB.
    const memory = Array.from({ length: 67 }, (_, i) => ({
      t: i * 10_000,
      rssBytes: 300 * MB,
      heapUsedBytes: 150 * MB,
      heapAfterGcBytes: 108 * MB + (i % 3) * 4 * MB + (i * 10_000 * MB) / 60_000,
      ...(i % 2 === 0 ? { liveHeapBytes: 100 * MB + (i * 10_000 * MB) / 60_000 } : {}),
      cpuMs: i * 1000,
      answered: i * 100,
    }));
    const slope = heapSlope(memory, 60_000);
    expect(slope.points).toBe(31);
    expect(slope.bytesPerMinute / MB).toBeCloseTo(1, 6);
    expect(slope.start / MB).toBeCloseTo(101, 6);
    expect(slope.growth).toBeCloseTo(10 / 101, 6);
    // The heap under load: the readings without a forced collection (the gauge then shows the forced one).
    const underLoad = heapUnderLoadSlope(memory, 60_000);
    expect(underLoad.points).toBe(30);
    expect(underLoad.start / MB).toBeGreaterThan(108);
  });

  it('says nothing of the live heap for readings without a forced collection (older results)', () => {
    const memory = Array.from({ length: 20 }, (_, i) => ({
      t: i * 10_000,
      rssBytes: MB,
      heapUsedBytes: MB,
      heapAfterGcBytes: MB,
      cpuMs: 0,
      answered: 0,
    }));
    expect(heapSlope(memory, 0).growth).toBeNaN();
    expect(heapUnderLoadSlope(memory, 0).growth).toBe(0);
  });

  it("turns the main thread's time and the answers counted at each reading into CPU ms per request", () => {
    const point = (t: number, cpuMs: number, answered: number) => ({
      t,
      rssBytes: MB,
      heapUsedBytes: MB,
      heapAfterGcBytes: MB,
      cpuMs,
      answered,
    });
    expect(cpuPerRequest([point(0, 100, 0), point(5000, 600, 100), point(10_000, 600, 100), point(15_000, 1800, 300)])).toEqual([
      { t: 5000, ms: 5 },
      { t: 15_000, ms: 6 },
    ]);
  });

  it('leaves out the answers in flight across a pause the soak caused, and counts them', () => {
    const answers = [
      { from: 0, to: 10, ms: 10 },
      { from: 95, to: 180, ms: 85 },
      { from: 100, to: 170, ms: 70 },
      { from: 150, to: 160, ms: 10 },
      { from: 175, to: 185, ms: 10 },
      { from: 210, to: 300, ms: 90 },
    ];
    // Paused from 100 to 176: begun before and ended in it, begun and ended in it, begun in it and ended after.
    expect(withoutPauses(answers, [{ from: 100, to: 176 }])).toEqual({ ms: [10, 90], left: 4 });
    expect(withoutPauses(answers, [])).toEqual({ ms: answers.map((a) => a.ms), left: 0 });
  });

  it('says nothing from fewer than three points', () => {
    expect(slopeAfterWarmup([{ t: 70_000, bytes: 1 }], 60_000).growth).toBeNaN();
  });
});

describe('reading /metrics', () => {
  const text = [
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    'process_resident_memory_bytes 123456',
    'gentie_thread_event_lag_seconds_bucket{le="0.005"} 3',
    'gentie_thread_event_lag_seconds_bucket{le="0.01"} 7',
    'gentie_thread_event_lag_seconds_bucket{le="+Inf"} 8',
    'gentie_posts_total{kind="reply"} 5',
    'gentie_posts_total{kind="thread"} 2',
  ].join('\n');
  it('reads a gauge, a sum over labels, and a histogram', () => {
    expect(promValue(text, 'process_resident_memory_bytes')).toBe(123456);
    expect(promValue(text, 'gentie_posts_total')).toBe(7);
    expect(promValue(text, 'gentie_posts_total', { kind: 'thread' })).toBe(2);
    expect(promValue(text, 'gentie_nothing')).toBeNaN();
    expect(promBuckets(text, 'gentie_thread_event_lag_seconds')).toEqual({ bounds: [0.005, 0.01, Infinity], counts: [3, 7, 8], count: 8 });
  });
});

describe('the soak', () => {
  it('takes its options in minutes or seconds, with a rate and a number of live readers', () => {
    expect(parseSoakArgs([])).toEqual({ seconds: 180, rate: undefined, readers: 500 });
    expect(parseSoakArgs(['--minutes', '10', '--rate', '200'])).toEqual({ seconds: 600, rate: 200, readers: 500 });
    expect(parseSoakArgs(['--seconds', '5', '--readers', '0'])).toEqual({ seconds: 5, rate: undefined, readers: 0 });
    expect(parseSoakArgs(['--server-flags', '--cpu-prof --cpu-prof-dir=/tmp/p'])).toEqual({
      seconds: 180,
      rate: undefined,
      readers: 500,
      serverFlags: ['--cpu-prof', '--cpu-prof-dir=/tmp/p'],
    });
    expect(parseSoakArgs(['--mix', 'followed'])).toEqual({ seconds: 180, rate: undefined, readers: 500, mix: 'followed' });
    expect(parseSoakArgs(['--ramp', '0'])).toEqual({ seconds: 180, rate: undefined, readers: 500, rampSeconds: 0 });
    expect(() => parseSoakArgs(['--ramp', '1.5'])).toThrow(/unknown option/);
    expect(() => parseSoakArgs(['--mix', 'all'])).toThrow(/unknown option/);
    expect(() => parseSoakArgs(['--hours', '1'])).toThrow(/unknown option/);
    expect(() => parseSoakArgs(['--server-flags', 'rm'])).toThrow(/unknown option/);
  });

  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('runs a few seconds of mixed load on a real server with zero errors, and charts its p99, errors and memory over time', async () => {
    const lines: string[] = [];
    const results = await runSoak({
      seconds: 5,
      rate: 10,
      readers: 20,
      probeCount: 2,
      earlySeconds: 2,
      rampSeconds: 1,
      databaseUrl: database.url,
      say: (l) => lines.push(l),
    });
    expect(results.errorSamples).toEqual([]);
    expect(results.errors).toBe(0);
    expect(results.requests).toBeGreaterThanOrEqual(40);
    // Every kind of the mix that was sent was answered as expected; replies reached the live readers.
    expect(results.kinds.filter((k) => k.requests > 0).length).toBeGreaterThanOrEqual(5);
    expect(results.events.lost).toBe(0);
    expect(results.events.delivered).toBe(results.events.expected);
    expect(results.memory.length).toBeGreaterThanOrEqual(3);
    expect(results.memory.every((m) => m.rssBytes > 10 * MB && m.heapAfterGcBytes > MB)).toBe(true);
    // A collection forced at the readings (every one, in a run this short), the last among them:
    // the live heap's slope is measured, the inspector's own lines were no errors (above), and the
    // caches ran at the soak's bounds, full within the warm-up.
    const live = results.memory.filter((m) => m.liveHeapBytes !== undefined);
    expect(live.length).toBeGreaterThanOrEqual(3);
    expect(live.every((m) => m.liveHeapBytes! > 10 * MB && m.liveHeapBytes! < m.rssBytes)).toBe(true);
    expect(results.memory.at(-1)!.liveHeapBytes).toBeDefined();
    expect(Number.isFinite(results.heap.growth)).toBe(true);
    expect(Number.isFinite(results.heapLessCaches!.growth)).toBe(true);
    // Every reading of a run this short has a forced collection: none is left to read the heap under load from.
    expect(results.heapUnderLoad!.points).toBe(0);
    expect(results.cacheBounds).toEqual(soakCacheBounds({}));
    expect(formatSoak(results)).toMatch(/^caches bounded at 1 MiB each \(CACHE_\*_BYTES to change\)$/m);
    expect(results.forcedCollections).toBe(live.length);
    expect(formatSoak(results)).toContain(`(the latencies include ${live.length} full collections the soak forced`);
    // The p99 of the answers no forced collection paused: some answers were left, and the rest has a p99.
    expect(results.unpaused!.left).toBeLessThan(results.requests);
    expect(results.unpaused!.p99Ms).toBeGreaterThan(0);
    expect(formatSoak(results)).toMatch(/answers in flight across one left out, p99 \d+\.\d ms\)$/m);
    expect(formatSoak(results)).toMatch(
      /^live heap \(just after a full collection the soak forced\) after 2 s of warm-up: -?\d+\.\d\d MB\/min over \d+ points/m,
    );
    expect(formatSoak(results)).toMatch(/^all\s+\d+\s+0\s/m);
    // What each kind cost the server, before and after: every kind, its queries counted (a reply
    // writes, so it runs more than one), its main thread's time where /proc tells it.
    expect(results.costs.start.map((c) => c.kind)).toEqual(results.kinds.map((k) => k.kind));
    expect(results.costs.end).toHaveLength(results.kinds.length);
    expect(results.costs.end.find((c) => c.kind === 'reply')!.queries).toBeGreaterThan(1);
    if (process.platform === 'linux') expect(results.costs.end.every((c) => c.cpuMs > 0)).toBe(true);
    expect(formatSoak(results)).toMatch(/^reply\s+\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+/m);
    // Over time: every answer in one interval, each interval's p99 and errors in the table.
    const answers = results.kinds.reduce((sum, k) => sum + k.requests - k.errors, 0);
    expect(results.memory.reduce((sum, m) => sum + (m.interval?.answers ?? 0), 0)).toBe(answers);
    expect(results.memory.filter((m) => m.interval && m.interval.answers > 0).every((m) => m.interval!.p99Ms > 0)).toBe(true);
    // The ramp before it, reported apart: a tenth of the rate rising to all of it over a second.
    expect(results.ramp).toMatchObject({ seconds: 1, errors: 0 });
    expect(results.ramp!.requests).toBeGreaterThanOrEqual(4);
    expect(results.ramp!.p99Ms).toBeGreaterThan(0);
    expect(formatSoak(results)).toMatch(/^before it, a ramp of 1 s .*: \d+ requests, 0 errors, p99 \d+\.\d ms$/m);
    // The start apart: the requests sent after the first 2 s have a p99 of their own.
    expect(results.early).toMatchObject({ seconds: 2, errors: 0 });
    expect(results.early!.p99AfterMs).toBeGreaterThan(0);
    expect(formatSoak(results)).toMatch(/^first 2 s: 0 errors, .*sent after them: p99 \d+\.\d ms$/m);
    expect(formatSoak(results)).toMatch(/^\s+\d+\s+[1-9]\d*\s+\d+\.\d\s+0\s+\d+\.\d/m);
    const svg = soakChart(results);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Two charts: each interval's p99 and errors, then memory (RSS, heap, heap after GC, live heap).
    expect(svg.match(/<svg /g)).toHaveLength(3);
    expect(svg.match(/<polyline /g)).toHaveLength(6);
  }, 180_000);
});

describe("the soak's server", () => {
  it('forces a collection every sixth of the run, at most every minute, in readings', () => {
    expect(liveHeapEvery(180_000, 5000)).toBe(6);
    expect(liveHeapEvery(600_000, 5000)).toBe(12);
    expect(liveHeapEvery(3_600_000, 5000)).toBe(12);
    expect(liveHeapEvery(20_000, 1000)).toBe(3);
    expect(liveHeapEvery(5000, 1000)).toBe(1);
  });

  it('runs with caches bounded to fill within the warm-up, unless the bench names its own bounds', () => {
    const names = Object.keys(CACHE_BYTES).map((cache) => `CACHE_${cache.toUpperCase()}_BYTES`);
    expect(soakCacheBounds({})).toEqual(Object.fromEntries(names.map((name) => [name, String(SOAK_CACHE_BYTES)])));
    expect(soakCacheBounds({ CACHE_PAGES_BYTES: String(64 * MB) })).toMatchObject({
      CACHE_PAGES_BYTES: String(64 * MB),
      CACHE_LINES_BYTES: String(SOAK_CACHE_BYTES),
    });
  });

  it('measures what is alive: a full collection forced leaves garbage out', async () => {
    const inspectPort = await freePort();
    // A process holding 64 MB of numbers on its heap until told to drop them, then 64 MB of garbage unreached.
    const script = [
      'let kept = Array.from({ length: 64 }, (_, i) => new Array(1 << 17).fill(i + 0.5));',
      "process.stdin.on('data', () => { kept = null; process.stdout.write('dropped\\n'); });",
      "process.stdout.write('ready\\n');",
    ].join('\n');
    const child = spawn(process.execPath, [...liveHeapFlags(inspectPort), '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const heap = await LiveHeap.attach(inspectPort);
      try {
        const holding = await heap.measure();
        expect(holding).toBeGreaterThan(64 * MB);
        child.stdin.write('drop\n');
        await new Promise((resolve) => child.stdout.once('data', resolve));
        const dropped = await heap.measure();
        expect(holding - dropped).toBeGreaterThan(60 * MB);
        // The process gone, a reading fails at once instead of waiting forever.
        child.kill();
        await new Promise((resolve) => child.once('exit', resolve));
        await expect(heap.measure()).rejects.toThrow(/inspector/);
        await expect(heap.measure()).rejects.toThrow(/not connected/);
      } finally {
        heap.close();
      }
    } finally {
      child.kill();
    }
  }, 30_000);
});
