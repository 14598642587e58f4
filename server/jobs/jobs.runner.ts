import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { isDatabaseUnavailable } from '../errors';
import type { Logger } from '../log';
import { claimDueJob, finishJob, msUntilDue, tryLockJob, unlockJob } from './jobs.repository';

/**
 * Scheduled jobs that run once across every process sharing the database: the hourly prune today,
 * digests, purges and backups later.
 *
 * Each process keeps a timer per job. When it fires, the process takes the job's PostgreSQL
 * advisory lock on a connection of its own (so two processes never run a job at once), then claims
 * the run in the jobs table only if the job is due by the database's clock: last started at least
 * one interval ago. The claim is what makes "every hour" mean once an hour across the cluster and
 * across restarts, not once per process per hour. The timer is then set for when the job is next
 * due, read from the same row, so each process wakes when the job becomes due and the first to
 * claim it runs it. Within a process a job's next attempt is scheduled only once the last one has
 * ended, so a job never overlaps itself.
 *
 * Nothing a job does escapes its timer: a failure is logged and recorded (last_error), and the
 * next run happens as usual; a database that cannot be reached is retried later.
 *
 * Some work belongs to each process rather than to the cluster: flushing what the process counted
 * in memory (read counts). `eachProcess` runs such a job on a plain timer in this process, with the
 * same guarantees within it: one run at a time, failures logged, the next run at its time.
 */

/** A job: what it does. `signal` is aborted when the runner closes (shutdown), for jobs that take long. */
export type Job = (signal: AbortSignal) => Promise<unknown> | void;

/** The scheduled jobs of one process. */
export interface JobRunner {
  /**
   * Runs `job` every `intervalMs` across all processes on the database. `name` identifies the job
   * in the jobs table and the logs: keep it stable. The first attempt comes shortly after start-up
   * (it runs only if no process ran the job within the last interval).
   */
  every(name: string, intervalMs: number, job: Job): void;
  /**
   * Runs `job` every `intervalMs` in this process, whatever the others do (no lock, no jobs row).
   * The first run comes one interval after this call. Its failures are logged (a database that is
   * away as a warning) and the next run comes as usual.
   */
  eachProcess(name: string, intervalMs: number, job: Job): void;
  /** Stops every timer, aborts the running jobs' signals and waits for them to end. */
  close(): Promise<void>;
}

/** How a runner schedules (tests shorten the first wait). */
export interface JobRunnerOptions {
  /** Delay before a job's first attempt (default 5 s, or the interval if shorter): start-up goes first. */
  firstAttemptMs?: number;
}

const FIRST_ATTEMPT_MS = 5_000;
/** How often a process looks again while another one runs the job, or the database is away. */
const RETRY_MS = 30_000;
/** Timers may fire a little early and clocks are read a query apart: wake this much after due. */
const MARGIN_MS = 20;

interface Scheduled {
  name: string;
  intervalMs: number;
  job: Job;
  /** Run once across processes (every), or in this process alone (eachProcess). */
  shared: boolean;
  timer?: NodeJS.Timeout;
  attempt?: Promise<void>;
}

/** A runner whose jobs use `db` (its pool: each attempt holds one connection while it runs). */
export function createJobRunner(db: Kysely<Database>, log: Logger, options: JobRunnerOptions = {}): JobRunner {
  const jobs = new Map<string, Scheduled>();
  const stop = new AbortController();

  function schedule(s: Scheduled, delayMs: number): void {
    if (stop.signal.aborted) return;
    s.timer = setTimeout(() => {
      s.attempt = (s.shared ? attempt(s) : runHere(s)).then((next) => {
        s.attempt = undefined;
        schedule(s, next);
      });
    }, delayMs);
    // A pending job never keeps the process alive.
    s.timer.unref();
  }

  /** One attempt at a job; resolves with the delay until the next one and never rejects. */
  async function attempt(s: Scheduled): Promise<number> {
    const retry = Math.min(s.intervalMs, RETRY_MS);
    try {
      return await db.connection().execute(async (conn) => {
        if (!(await tryLockJob(conn, s.name))) {
          // Another process is running it: look again when it is next due, but not in a loop
          // while a run longer than its interval goes on.
          return Math.max(await msUntilDue(conn, s.name, s.intervalMs), retry) + MARGIN_MS;
        }
        try {
          if (stop.signal.aborted || !(await claimDueJob(conn, s.name, s.intervalMs))) {
            return (await msUntilDue(conn, s.name, s.intervalMs)) + MARGIN_MS;
          }
          await run(conn, s);
          return (await msUntilDue(conn, s.name, s.intervalMs)) + MARGIN_MS;
        } finally {
          await unlockJob(conn, s.name);
        }
      });
    } catch (err) {
      // The database is away (restarting, unreachable): the lock went with the connection.
      log.warn({ job: s.name, err: (err as Error).message }, 'job: cannot reach the database; trying again later');
      return retry;
    }
  }

  async function run(conn: Kysely<Database>, s: Scheduled): Promise<void> {
    const started = performance.now();
    let error: string | null = null;
    try {
      await s.job(stop.signal);
      log.info({ job: s.name, ms: Math.round(performance.now() - started) }, 'job done');
    } catch (err) {
      error = (err instanceof Error ? err.message : String(err)).slice(0, 2000) || 'failed';
      log.error({ job: s.name, err }, 'job failed; it runs again when next due');
    }
    await finishJob(conn, s.name, error);
  }

  /** One run of a job of this process's own; resolves with the delay until the next and never rejects. */
  async function runHere(s: Scheduled): Promise<number> {
    try {
      await s.job(stop.signal);
    } catch (err) {
      if (isDatabaseUnavailable(err))
        log.warn({ job: s.name, err: (err as Error).message }, 'job: cannot reach the database; trying again later');
      else log.error({ job: s.name, err }, 'job failed; it runs again when next due');
    }
    return s.intervalMs;
  }

  function add(name: string, intervalMs: number, job: Job, shared: boolean): Scheduled {
    if (jobs.has(name)) throw new Error(`job ${name} is scheduled twice`);
    if (!(intervalMs > 0)) throw new Error(`job ${name}: the interval must be more than 0 ms`);
    const s: Scheduled = { name, intervalMs, job, shared };
    jobs.set(name, s);
    return s;
  }

  return {
    every(name, intervalMs, job) {
      schedule(add(name, intervalMs, job, true), Math.min(options.firstAttemptMs ?? FIRST_ATTEMPT_MS, intervalMs));
    },
    eachProcess(name, intervalMs, job) {
      schedule(add(name, intervalMs, job, false), intervalMs);
    },
    async close() {
      stop.abort();
      for (const s of jobs.values()) clearTimeout(s.timer);
      await Promise.all([...jobs.values()].flatMap((s) => s.attempt ?? []));
    },
  };
}
