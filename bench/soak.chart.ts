/** The soak over time as a chart (bench/soak.ts). */
import { lineChart } from '../server/views/chart';
import type { SoakResults } from './soak.report';
import type { MemoryPoint } from './soak.stats';

const WIDTH = 640;
const HEIGHT = 240;

/**
 * The run over time as a standalone SVG, two charts one above the other: the p99 of each
 * interval's answers and its errors (ms and count, against seconds), then the server's memory
 * (RSS, heap, the heap after the server's own collections and after those the soak forced, in MB).
 */
export function soakChart(r: SoakResults): string {
  const over = (pick: (m: MemoryPoint) => number | undefined) =>
    r.memory.flatMap((m) => {
      const y = pick(m);
      return y === undefined || !Number.isFinite(y) ? [] : [{ x: m.t / 1000, y }];
    });
  const mb = (pick: (m: MemoryPoint) => number) => over((m) => pick(m) / 2 ** 20);
  const run = `Soak ${r.date}: ${r.seconds} s at ${r.rate} requests/s, ${r.readers} live readers`;
  const latency = lineChart(
    [
      { label: 'p99 ms', points: over((m) => m.interval?.p99Ms) },
      { label: 'errors', points: over((m) => m.interval?.errors) },
    ],
    {
      title: `${run}: each interval's p99 (ms) and errors over seconds`,
      width: WIDTH,
      height: HEIGHT,
      formatX: (x) => `${Math.round(x)} s`,
    },
  );
  const memory = lineChart(
    [
      { label: 'RSS MB', points: mb((m) => m.rssBytes) },
      { label: 'heap MB', points: mb((m) => m.heapUsedBytes) },
      { label: 'heap after GC MB', points: mb((m) => m.heapAfterGcBytes) },
      { label: 'live heap MB', points: mb((m) => m.liveHeapBytes ?? NaN) },
    ],
    { title: `${run}: server memory (MB) over seconds`, width: WIDTH, height: HEIGHT, formatX: (x) => `${Math.round(x)} s` },
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${2 * HEIGHT}" viewBox="0 0 ${WIDTH} ${2 * HEIGHT}">` +
    `${latency}<g transform="translate(0 ${HEIGHT})">${memory}</g></svg>\n`
  );
}
