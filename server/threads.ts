/**
 * This process's threads and their CPU priority. Linux gives each thread its own nice value
 * (setpriority on a thread id, the ids listed in /proc/self/task); elsewhere there is no list,
 * and nothing changes.
 *
 * The runtime's own threads run below the event loop (lowerRuntimeThreads). They are V8's helpers
 * (four by default: garbage collection's concurrent marking, sweeping and compaction, compiling),
 * Node's timer thread for them, and the inspector's signal thread. At the process's priority, the
 * helpers took a core from the event loop whenever a collection ran beside a busy moment: recorded
 * with `perf sched` while photos were uploaded, the event loop waited for a core 0.74 s in all,
 * and meanwhile its own process's V8 helpers ran 0.71 s on the two cores, image work 0.1 s and
 * PostgreSQL 0.16 s (docs/performance.md, "The event loop's own garbage collector"). A little
 * nicer, they take what the loop leaves, and all of it when the loop is idle: the loop's longest
 * waits halved, and the soak's p99 fell by a third.
 *
 * Those threads are the ones the process starts with: they exist before any JavaScript runs, and
 * libuv starts its pool (file system, compression, hashing: work requests wait for) only on first
 * use. So the list is read when this module is first loaded: an entry point imports it first.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nicest value Linux knows. */
export const NICEST = 19;

/** `offset` nicer than `own`, as far as Linux goes. */
export const nicer = (own: number, offset: number): number => Math.min(NICEST, own + offset);

/** This process's thread ids (the main thread's is the process id); none where there is no /proc. */
export function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [];
  }
}

/** Sets one thread's nice value; false when it ended meanwhile, or this is not allowed. */
export function setThreadNice(tid: number, nice: number): boolean {
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * How much nicer than the process the runtime's threads are. Less than image work's 10
 * (uploads.priority.ts): a collection's parallel steps wait for them, so they still get a fair
 * share of a core that other processes' work (PostgreSQL's) keeps busy. Measured against 10 and
 * against none in docs/performance.md.
 */
export const RUNTIME_THREAD_NICE_OFFSET = 5;

/** The threads the process started with, but its main thread: the runtime's (above). */
const startedWith = threadIds().filter((tid) => tid !== process.pid);

/**
 * The runtime's threads (startedWith) RUNTIME_THREAD_NICE_OFFSET nicer than the process's own
 * nice value. Returns how many were lowered. Relative, never a raise: a server started under
 * `nice -n 15` puts them at 19.
 */
export function lowerRuntimeThreads(): number {
  const nice = nicer(getPriority(), RUNTIME_THREAD_NICE_OFFSET);
  return startedWith.filter((tid) => setThreadNice(tid, nice)).length;
}
