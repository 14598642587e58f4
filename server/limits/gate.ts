import { AppError } from '../errors';

/** Runs a task when its turn comes; see createGate. */
export type Gate = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Runs at most `concurrency` tasks at once; up to `maxWaiting` more wait their turn in arrival
 * order, and past that a task is refused at once with 503 ServerBusy (with Retry-After).
 */
export function createGate(concurrency: number, maxWaiting = Infinity): Gate {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running < concurrency) {
      running++;
    } else {
      if (waiting.length >= maxWaiting) {
        throw new AppError(503, 'ServerBusy', 'The server is busy; try again in a moment.', { retryAfter: 5 });
      }
      // The finishing task hands its slot over, so `running` stays as it is.
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
