/** The soak's memory over time as a chart (bench/soak.ts). */
import { lineChart } from '../server/views/chart';
import type { SoakResults } from './soak.report';
import type { MemoryPoint } from './soak.stats';

/** Memory over time as a standalone SVG: RSS, heap and the heap after GC, in MB, against seconds. */
export function soakChart(r: SoakResults): string {
  const mb = (pick: (m: MemoryPoint) => number) => r.memory.map((m) => ({ x: m.t / 1000, y: pick(m) / 2 ** 20 }));
  const chart = lineChart(
    [
      { label: 'RSS MB', points: mb((m) => m.rssBytes) },
      { label: 'heap MB', points: mb((m) => m.heapUsedBytes) },
      { label: 'heap after GC MB', points: mb((m) => m.heapAfterGcBytes) },
    ],
    {
      title: `Soak ${r.date}: ${r.seconds} s at ${r.rate} requests/s, ${r.readers} live readers: server memory (MB) over seconds`,
      width: 640,
      height: 240,
      formatX: (x) => `${Math.round(x)} s`,
      standalone: true,
    },
  );
  return `${chart}\n`;
}
