import { formatSoak, parseSoakArgs, runSoak, soakChart } from '../../bench/soak';
import { cpuPerRequest, heapSlope, promBuckets, promValue, slopeAfterWarmup } from '../../bench/soak.stats';
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

  it('measures a steady leak as its growth over the measured span', () => {
    // 100 MB, plus 1 MB a minute, sampled every 10 s for 10 minutes after a 1-minute warm-up.
    const memory = Array.from({ length: 67 }, (_, i) => ({
      t: i * 10_000,
      rssBytes: 300 * MB,
      heapUsedBytes: 150 * MB,
      heapAfterGcBytes: 100 * MB + (i * 10_000 * MB) / 60_000,
      cpuMs: i * 1000,
      answered: i * 100,
    }));
    const slope = heapSlope(memory, 60_000);
    expect(slope.bytesPerMinute / MB).toBeCloseTo(1, 6);
    expect(slope.start / MB).toBeCloseTo(101, 6);
    expect(slope.growth).toBeCloseTo(10 / 101, 6);
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
    // Two charts: each interval's p99 and errors, then memory (RSS, heap, heap after GC).
    expect(svg.match(/<svg /g)).toHaveLength(3);
    expect(svg.match(/<polyline /g)).toHaveLength(5);
  }, 180_000);
});
