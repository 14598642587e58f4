import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, getPriority } from 'node:os';
import sharp from 'sharp';
import { decodesAtOnce, processImage } from '../../server/uploads/uploads.images';
import { SWEEP_MS, imageThreadNiceness, lowerImageThreads } from '../../server/uploads/uploads.priority';
import { statFields } from '../helpers/processes';
import { phoneJpeg } from './images';

/** This process's threads by name, with each one's nice value (field 19 of /proc/…/stat). */
function threads(): { tid: number; name: string; nice: number }[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim();
      return [{ tid: Number(tid), name, nice: Number(statFields(`self/task/${tid}`)[16]) }];
    } catch {
      return [];
    }
  });
}

describe('image work below the event loop', () => {
  it('lowers libvips’ threads once they exist, below the process’s own nice value, and leaves the main thread and the others alone', async () => {
    // Tests run as they are told to on a shared machine (`nice -n 15`), or not: either way the
    // image threads end up nicer than the process, never raised above it.
    const own = getPriority();
    const photo = await phoneJpeg(1600, 1200);
    await processImage(photo, { maxPixels: 40_000_000, maxSide: 1024 });
    const after = threads();
    const vips = after.filter((t) => t.name.startsWith('libvips'));
    expect(vips.length).toBeGreaterThan(0);
    expect(vips.map((t) => t.nice)).toEqual(vips.map(() => imageThreadNiceness(own)));
    if (own < 19) expect(imageThreadNiceness(own)).toBeGreaterThan(own);
    // The main thread (its id is the process id) keeps the process's priority.
    expect(Number(statFields('self')[16])).toBe(own);
    expect(after.filter((t) => !t.name.startsWith('libvips')).every((t) => t.nice === own)).toBe(true);
    // Nothing left to lower: each thread is looked at once.
    expect(lowerImageThreads()).toBe(0);
  });

  it('lowers a thread libvips starts in the middle of an image while that image is still being made', async () => {
    // Noise, so decoding takes a while (~0.3 s here); more threads per pipeline than before, so libvips starts new ones.
    const photo = await sharp({
      create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } },
    })
      .jpeg({ quality: 76 })
      .toBuffer();
    const target = imageThreadNiceness(getPriority());
    const vips = () => threads().filter((t) => t.name.startsWith('libvips'));
    const before = new Set(vips().map((t) => t.tid));
    // For each thread born during the image: when it was first seen, and whether it was seen
    // lowered before the image was done.
    const born = new Map<number, { seen: number; lowered: boolean }>();
    const look = setInterval(() => {
      for (const t of vips()) {
        if (before.has(t.tid)) continue;
        const known = born.get(t.tid);
        born.set(t.tid, { seen: known?.seen ?? performance.now(), lowered: known?.lowered === true || t.nice === target });
      }
    }, 5);
    const concurrency = sharp.concurrency();
    sharp.concurrency(8);
    let done: number;
    try {
      await processImage(photo, { maxPixels: 40_000_000, maxSide: 2048 });
    } finally {
      done = performance.now();
      clearInterval(look);
      sharp.concurrency(concurrency);
    }
    // Judged: the threads seen well before the end (a sweep every SWEEP_MS, and timers late on a
    // busy machine), which only the sweeps can have lowered in time; one born in the last moments
    // is lowered as the image ends, after the last look.
    const judged = [...born.values()].filter((t) => t.seen <= done - (SWEEP_MS + 50));
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.every((t) => t.lowered)).toBe(true);
  });
});

describe('how many images are decoded at once', () => {
  it('is what the cores hold with one left for the event loop, from one to four', () => {
    // With glibc's allocator sharp gives libvips one thread per pipeline; elsewhere, one per core.
    expect(decodesAtOnce(2, 1)).toBe(1);
    expect(decodesAtOnce(1, 1)).toBe(1);
    expect(decodesAtOnce(3, 1)).toBe(2);
    expect(decodesAtOnce(4, 1)).toBe(3);
    expect(decodesAtOnce(16, 1)).toBe(4);
    expect(decodesAtOnce(8, 8)).toBe(1);
    expect(decodesAtOnce(16, 4)).toBe(3);
  });

  it('holds a burst to that many on this machine, the rest waiting their turn in order', async () => {
    const photo = await phoneJpeg(1600, 1200);
    const limit = decodesAtOnce(availableParallelism(), sharp.concurrency());
    let running = 0;
    let most = 0;
    const before = sharp.counters();
    const watch = setInterval(() => {
      running = sharp.counters().process;
      most = Math.max(most, running);
    }, 1);
    const done = await Promise.all(Array.from({ length: limit + 3 }, () => processImage(photo, { maxPixels: 40_000_000, maxSide: 1024 })));
    clearInterval(watch);
    expect(done).toHaveLength(limit + 3);
    expect(before.process).toBe(0);
    // Each image runs two pipelines at once (the picture and its thumbnail).
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2 * limit);
  });
});
