/**
 * This process's threads and their CPU priority. Linux gives each thread its own nice value
 * (setpriority on a thread id, the ids listed in /proc/self/task); elsewhere there is no list,
 * and nothing changes.
 *
 * The runtime's own threads run below the event loop (lowerRuntimeThreads). They are V8's helpers
 * (four by default: garbage collection's concurrent marking, sweeping and compaction, compiling),
 * Node's timer thread for them, and the inspector's signal thread. At the process's priority, a
 * busy helper kept its core for a full slice while the loop waited: recorded with `perf sched`,
 * they were most of what the loop waited for (docs/performance.md, "The event loop's own garbage
 * collector"). A little nicer, they take what the loop leaves, and all of it while it is idle.
 * The cost: a collection's stop-the-world steps wait for a helper that was preempted mid-task.
 *
 * Those threads are the ones the process starts with: they exist before any JavaScript runs, and
 * libuv starts its pool (file system, compression, hashing: work requests wait for) only on first
 * use. So the list is read when this module is first loaded: an entry point imports it first. A
 * node flag that starts a thread of its own (`--inspect`'s, `--cpu-prof`'s) has it lowered too; a
 * preload that starts libuv's pool first (an `--import` goes through the ES loader, which reads
 * files on the pool) would have the pool's threads lowered.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nicest value Linux knows. */
const NICEST = 19;

/** `offset` nicer than `own`, as far as Linux goes. */
export const nicer = (own: number, offset: number): number => Math.min(NICEST, own + offset);

/** Where Linux lists this process's threads, one folder each. */
export const TASKS = '/proc/self/task';

/** This process's thread ids (the main thread's is the process id); none where there is no /proc. */
export function threadIds(): number[] {
  try {
    return readdirSync(TASKS).map(Number);
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
 * (uploads.priority.ts): beside a thread at the process's priority, one 5 nicer still gets about a
 * quarter of a core (weights 335 and 1,024), one 10 nicer about a tenth, and a collection's
 * parallel steps wait for the helpers. Measured against 10 and against none in docs/performance.md.
 */
export const RUNTIME_THREAD_NICE_OFFSET = 5;

/** The threads the process started with, but its main thread: the runtime's (above). */
const startedWith = threadIds().filter((tid) => tid !== process.pid);

/**
 * The runtime's threads (startedWith) RUNTIME_THREAD_NICE_OFFSET nicer than the process's own
 * nice value; returns how many were lowered. Relative, never a raise: a server started under
 * `nice -n 15` puts them at 19. Only the ones still in this process: a thread that ended may have
 * its id handed to another process since.
 */
export function lowerRuntimeThreads(): number {
  const nice = nicer(getPriority(), RUNTIME_THREAD_NICE_OFFSET);
  const alive = new Set(threadIds());
  return startedWith.filter((tid) => alive.has(tid) && setThreadNice(tid, nice)).length;
}
