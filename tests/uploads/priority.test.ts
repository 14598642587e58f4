import { readFileSync, readdirSync } from 'node:fs';
import { processImage } from '../../server/uploads/uploads.images';
import { IMAGE_THREAD_NICENESS, lowerImageThreads } from '../../server/uploads/uploads.priority';
import { phoneJpeg } from './images';

/** This process's threads by name, with each one's nice value (field 19 of /proc/…/stat). */
function threads(): { name: string; nice: number }[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim();
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      // The name in parentheses may hold spaces: count fields after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ name, nice: Number(fields[16]) }];
    } catch {
      return [];
    }
  });
}

describe('image work below the event loop', () => {
  it('lowers libvips’ threads once they exist, and leaves the main thread and the others alone', async () => {
    const photo = await phoneJpeg(1600, 1200);
    await processImage(photo, { maxPixels: 40_000_000, maxSide: 1024 });
    const after = threads();
    const vips = after.filter((t) => t.name.startsWith('libvips'));
    expect(vips.length).toBeGreaterThan(0);
    expect(vips.every((t) => t.nice === IMAGE_THREAD_NICENESS)).toBe(true);
    // The main thread (its id is the process id) keeps the process's priority.
    const main = readFileSync('/proc/self/stat', 'latin1');
    expect(Number(main.slice(main.lastIndexOf(')') + 2).split(' ')[16])).toBe(0);
    expect(after.filter((t) => !t.name.startsWith('libvips')).every((t) => t.nice === 0)).toBe(true);
    // Nothing left to lower: each thread is looked at once.
    expect(lowerImageThreads()).toBe(0);
  });
});
