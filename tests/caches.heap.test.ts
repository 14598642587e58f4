import v8 from 'node:v8';
import vm from 'node:vm';
import { createCaches } from '../server/caches';

// A cache's bound is in bytes as its sizes count them (server/caches.ts): the heap a full cache
// takes must stay near that bound, short entries included, or a forum's memory grows past what
// its operator set (the soak's post-GC heap kept growing with every cache full by its count).

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** The heap `fill` leaves behind, after full collections before and after. */
function heapTakenBy(fill: () => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = fill();
  gc();
  const taken = process.memoryUsage().heapUsed - before;
  expect(kept).toBeDefined();
  return taken;
}

const BOUND = 8 * 1024 * 1024;

describe('a full cache of short entries', () => {
  it('takes about its bound of heap: converted titles', () => {
    const caches = createCaches({ conversions: BOUND });
    const taken = heapTakenBy(() => {
      // Titles as a board page converts them, three times what fits.
      for (let i = 0; i < 150_000; i++) caches.conversions.set(`t:${100_000 + i}:0:zh-tw:g0.2.0`, `週末去爬山這年頭頂一個 #${i}`);
      return caches;
    });
    expect(caches.conversions.calculatedSize).toBeGreaterThan(BOUND * 0.95);
    expect(taken).toBeLessThan(BOUND * 1.5);
  });

  it('takes about its bound of heap: what a process knows of threads', () => {
    const caches = createCaches({ threads: BOUND });
    const taken = heapTakenBy(() => {
      for (let i = 0; i < 200_000; i++) caches.threads.cache.set(String(1_000_000 + i), { seq: i, readCount: i });
      return caches;
    });
    expect(caches.threads.cache.calculatedSize).toBeGreaterThan(BOUND * 0.95);
    expect(taken).toBeLessThan(BOUND * 1.5);
  });
});
