/**
 * libvips' worker threads at a lower CPU priority than the rest of the process, so the event loop
 * wins a core from them. On two cores, twenty photos decoded at once keep libvips' threads
 * runnable on both: the loop itself runs only ~17 ms at a time, but it waited up to ~60 ms by the
 * wall clock to be scheduled (docs/performance.md, "Uploads"). Linux gives each thread its own
 * nice value (setpriority on a thread id): the threads libvips names "libvips worker" are lowered
 * as they appear; image work then takes what the loop leaves, and takes all of it when the loop
 * is idle.
 *
 * libvips starts threads while an image is being made (and lets idle ones end): while image work
 * runs, new ones are looked for every SWEEP_MS, so a thread born mid-image is not left at the
 * process's priority until that image is done.
 *
 * Lowered relative to the process's own nice value: a server started under `nice -n 15` puts its
 * image threads at 19, never back up at 10 (a raise: as root it would put image work above the
 * event loop, and without the privilege it is refused).
 *
 * Only on Linux (/proc/self/task); elsewhere, and on any error, nothing changes. Lowering needs
 * no privilege; raising back would.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { TASKS, nicer, setThreadNice, threadIds } from '../threads';

/** How much nicer than the process libvips' threads are made. */
export const IMAGE_THREAD_NICE_OFFSET = 10;

/** The nice value image threads get in a process whose own nice value is `own`. */
export const imageThreadNiceness = (own: number): number => nicer(own, IMAGE_THREAD_NICE_OFFSET);

/**
 * Set in the image worker process (uploads.worker.child.ts), whose every thread is already at the
 * nice value image work should run at: its libvips threads stay there, not `own + offset` again
 * (which would put them at 19, below the worker's other threads).
 */
let fixedNiceness: number | undefined;

/** Image threads of this process at `nice` exactly, whatever this process's own nice value. */
export function keepImageThreadsAt(nice: number): void {
  fixedNiceness = nice;
}

/** Threads already lowered: a thread id is looked at once. */
const lowered = new Set<number>();

/** Lowers every libvips thread not lowered yet; returns how many were lowered this call. */
export function lowerImageThreads(): number {
  const tids = threadIds();
  if (tids.length === 0) return 0; // not Linux, or the list could not be read
  // The main thread's nice value (getpriority of this thread), read each time: an operator may renice.
  const target = fixedNiceness ?? imageThreadNiceness(getPriority());
  // Forget threads that ended, so a thread id the kernel hands out again is looked at anew.
  const alive = new Set(tids);
  for (const tid of lowered) if (!alive.has(tid)) lowered.delete(tid);
  let count = 0;
  for (const tid of tids) {
    if (lowered.has(tid)) continue;
    let name: string;
    try {
      name = readFileSync(`${TASKS}/${tid}/comm`, 'latin1');
    } catch {
      continue; // the thread ended meanwhile
    }
    if (!name.startsWith('libvips')) continue;
    if (!setThreadNice(tid, target)) continue; // it ended between the two reads
    lowered.add(tid);
    count++;
  }
  return count;
}

/** How often threads are looked for while image work runs (a look costs ~0.1 ms of main thread). */
export const SWEEP_MS = 50;
let busy = 0;
let sweeper: NodeJS.Timeout | undefined;

/**
 * Marks a piece of image work as started: libvips' threads are lowered now and then every SWEEP_MS
 * until the last piece running ends. Returns the call that ends this one.
 */
export function imageWorkStarted(): () => void {
  lowerImageThreads();
  if (busy++ === 0) sweeper = setInterval(lowerImageThreads, SWEEP_MS).unref();
  return () => {
    lowerImageThreads();
    if (--busy === 0) clearInterval(sweeper);
  };
}

/**
 * Lowers the PostgreSQL backend `pid` to `nice`, once it is shown to be the backend serving this
 * connection on this host: its working directory is the cluster's `dataDir` (a backend runs in
 * its data directory; a pid from a server on another host or in another pid namespace is some
 * other process here, or none). False otherwise, or when not allowed (nothing changes).
 */
export function lowerBackend(pid: number, dataDir: string, nice: number): boolean {
  try {
    if (realpathSync(`/proc/${pid}/cwd`) !== realpathSync(dataDir)) return false;
    if (!readFileSync(`/proc/${pid}/comm`, 'latin1').startsWith('postgres')) return false;
    setPriority(pid, nice);
    return true;
  } catch {
    return false;
  }
}
