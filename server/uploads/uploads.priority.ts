/**
 * libvips' worker threads at a lower CPU priority than the rest of the process, so the event loop
 * wins a core from them. On two cores, twenty photos decoded at once keep libvips' threads
 * runnable on both: the loop itself runs only ~17 ms at a time, but it waited up to ~60 ms by the
 * wall clock to be scheduled (docs/performance.md, "Uploads"). Linux gives each thread its own
 * nice value (setpriority on a thread id): the threads libvips names "libvips worker" are lowered
 * as they appear; image work then takes what the loop leaves, and takes all of it when the loop
 * is idle.
 *
 * Only on Linux (/proc/self/task); elsewhere, and on any error, nothing changes. Lowering needs
 * no privilege; raising back would.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value given to libvips' threads (the process's own is left alone). */
export const IMAGE_THREAD_NICENESS = 10;

const TASKS = '/proc/self/task';
/** Threads already lowered: a thread id is looked at once. */
const lowered = new Set<number>();
let unsupported = process.platform !== 'linux';

/** Lowers every libvips thread not lowered yet; returns how many were lowered this call. */
export function lowerImageThreads(): number {
  if (unsupported) return 0;
  let count = 0;
  try {
    const tids = readdirSync(TASKS).map(Number);
    // Forget threads that ended, so a thread id the kernel hands out again is looked at anew.
    const alive = new Set(tids);
    for (const tid of lowered) if (!alive.has(tid)) lowered.delete(tid);
    for (const tid of tids) {
      if (lowered.has(tid)) continue;
      let name: string;
      try {
        name = readFileSync(`${TASKS}/${tid}/comm`, 'latin1');
      } catch {
        continue; // the thread ended meanwhile
      }
      if (!name.startsWith('libvips')) continue;
      setPriority(tid, IMAGE_THREAD_NICENESS);
      lowered.add(tid);
      count++;
    }
  } catch {
    unsupported = true;
  }
  return count;
}
