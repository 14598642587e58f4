import { type Kysely, type KyselyPlugin, RawNode } from 'kysely';
import pino from 'pino';
import { connect } from '../../server/db/connect';
import type { Database } from '../../server/db/database';
import { type JobRunner, createJobRunner } from '../../server/jobs/jobs.runner';
import type { Logger } from '../../server/log';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { until } from '../helpers/wait';

let database: TestDatabase;
// A second pool on the same database: what a second process would have.
let other: Kysely<Database>;
let runners: JobRunner[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ max: 5 });
  other = connect(database.url, { max: 5 });
});
afterAll(async () => {
  await other.destroy();
  await database.drop();
});
afterEach(async () => {
  await Promise.all(runners.map((r) => r.close()));
  runners = [];
});

/** A logger whose lines a test can read. */
function capturingLogger(): { log: Logger; lines: Array<{ level: number; msg: string; job?: string; err?: { message: string } }> } {
  const lines: Array<{ level: number; msg: string; job?: string; err?: { message: string } }> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

function runner(db: Kysely<Database>, log: Logger = capturingLogger().log): JobRunner {
  const r = createJobRunner(db, log, { firstAttemptMs: 10 });
  runners.push(r);
  return r;
}

/** What a job does while it runs (its work): not a wait for anything. */
const work = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `db` as a runner sees it, watched: how many statements it sent, and how many attempts ended
 * (each attempt ends by releasing the job's advisory lock: jobs.repository unlockJob).
 */
function watched(db: Kysely<Database>) {
  const seen = { statements: 0, attempts: 0 };
  const unlocks = new Set<unknown>();
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      seen.statements++;
      if (RawNode.is(node) && node.sqlFragments.join('').includes('pg_advisory_unlock')) unlocks.add(queryId);
      return node;
    },
    transformResult: async ({ result, queryId }) => {
      if (unlocks.delete(queryId)) seen.attempts++;
      return result;
    },
  };
  return { db: db.withPlugin(plugin), seen };
}

describe('the job runner', () => {
  it('runs a job once per interval between two processes, never twice at once', async () => {
    const interval = 400;
    // When each run was claimed, by the database's clock (the one both processes go by).
    const runs: Array<{ by: string; at: number }> = [];
    let running = 0;
    let overlapped = false;
    const job = (by: string, db: Kysely<Database>) => async () => {
      running++;
      if (running > 1) overlapped = true;
      const row = await db.selectFrom('jobs').select('last_started_at').where('name', '=', 'test:once').executeTakeFirstOrThrow();
      runs.push({ by, at: row.last_started_at!.getTime() });
      await work(20);
      running--;
    };
    runner(database.db).every('test:once', interval, job('a', database.db));
    runner(other).every('test:once', interval, job('b', other));
    await until(() => runs.length >= 6, 'six runs');
    await Promise.all(runners.map((r) => r.close()));

    expect(overlapped).toBe(false);
    // Never sooner than one interval after the last start, and no interval skipped (the slack is
    // for a busy machine: each process wakes 20 ms after the job is due).
    for (let i = 1; i < runs.length; i++) {
      const gap = runs[i]!.at - runs[i - 1]!.at;
      expect(gap).toBeGreaterThanOrEqual(interval);
      expect(gap).toBeLessThan(2 * interval);
    }
    const row = await database.db.selectFrom('jobs').selectAll().where('name', '=', 'test:once').executeTakeFirstOrThrow();
    expect(row.last_finished_at!.getTime()).toBeGreaterThanOrEqual(row.last_started_at!.getTime());
    expect(row.last_error).toBeNull();
  });

  it('runs a job due every hour once, however many processes start', async () => {
    let runs = 0;
    const job = async () => void runs++;
    const first = watched(database.db);
    runner(first.db).every('test:hourly', 3_600_000, job);
    await until(() => first.seen.attempts === 1, 'the first attempt');
    expect(runs).toBe(1);
    // Once the run is recorded, it sleeps until the job is next due, an hour from now: it does not
    // ask again meanwhile (a wait misread as 0 had it lock, claim, read and unlock every 20 ms).
    const after = first.seen.statements;
    // More processes start (or this one restarts) within the hour: the job is not due. Each
    // attempt's end is the proof.
    const second = watched(other);
    runner(second.db).every('test:hourly', 3_600_000, job);
    await until(() => second.seen.attempts === 1, "the second process's attempt");
    await Promise.all(runners.map((r) => r.close()));
    runner(second.db).every('test:hourly', 3_600_000, job);
    await until(() => second.seen.attempts === 2, "the restarted process's attempt");
    expect(runs).toBe(1);
    // All that while (20 ms would have been plenty for the bug), the first asked nothing.
    await work(100);
    expect(first.seen.statements - after).toBe(0);
  });

  it('does not start a run while the last one, longer than the interval, goes on', async () => {
    const spans: Array<[number, number]> = [];
    const job = async () => {
      const start = Date.now();
      await work(450);
      spans.push([start, Date.now()]);
    };
    runner(database.db).every('test:slow', 100, job);
    runner(other).every('test:slow', 100, job);
    await until(() => spans.length >= 3, 'three runs');
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });

  it('logs and records a failing run, and the next run still happens', async () => {
    const { log, lines } = capturingLogger();
    const seen: Array<string | null> = [];
    let calls = 0;
    runner(database.db, log).every('test:fails', 200, async () => {
      calls++;
      const row = await database.db.selectFrom('jobs').select('last_error').where('name', '=', 'test:fails').executeTakeFirstOrThrow();
      seen.push(row.last_error);
      if (calls === 1) throw new Error('the disk is full');
    });
    await until(() => seen.length >= 3, 'three runs');
    // The second run saw the first one's error; the third saw the second succeed.
    expect(seen.slice(0, 3)).toEqual([null, 'the disk is full', null]);
    const failed = lines.filter((l) => l.level === 50);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ job: 'test:fails', err: { message: 'the disk is full' } });
  });

  it('stops on close: waits for a running job, aborts its signal, and starts no other', async () => {
    let calls = 0;
    let finished = false;
    let aborted = false;
    const r = runner(database.db);
    r.every('test:close', 100, async (signal) => {
      calls++;
      await work(200);
      aborted = signal.aborted;
      finished = true;
    });
    await until(() => calls === 1, 'the first run');
    await r.close();
    expect(finished).toBe(true);
    expect(aborted).toBe(true);
    // Its lock went with it: another runner takes the job up, and runs it each time it is due
    // (three times: long enough for the closed one to claim a run of its own if it still could).
    let taken = 0;
    runner(other).every('test:close', 100, async () => void taken++);
    await until(() => taken === 3, 'three runs by the other runner');
    expect(calls).toBe(1);
  });

  it('runs a job of each process in every process, never overlapping itself, past failures, until close', async () => {
    const { log, lines } = capturingLogger();
    const runs = { a: 0, b: 0 };
    let running = 0;
    let overlapped = false;
    const job = async () => {
      running++;
      if (running > 1) overlapped = true;
      await work(60);
      running--;
      runs.a++;
      if (runs.a === 1) throw new Error('the first flush failed');
    };
    // A job of each process takes no lock: two runners (two processes) each run theirs.
    const a = runner(database.db, log);
    a.eachProcess('test:local', 30, job);
    runner(other).eachProcess('test:local', 30, async () => void runs.b++);
    await until(() => runs.a >= 3 && runs.b >= 3, 'three runs in each process');
    await a.close();
    const after = runs.a;
    // The other process's job goes on (three more runs: long enough for this one's next).
    const b = runs.b;
    await until(() => runs.b >= b + 3, "three more runs of the other process's job");
    expect(runs.a).toBe(after);
    expect(overlapped).toBe(false);
    expect(lines.filter((l) => l.level === 50 && l.job === 'test:local')).toHaveLength(1);
    // It has no row in the jobs table: no other process needs to know when it ran.
    expect(await database.db.selectFrom('jobs').select('name').where('name', '=', 'test:local').executeTakeFirst()).toBeUndefined();
  });

  it('keeps a database that cannot be reached inside the timer: a warning, no exception', async () => {
    const { log, lines } = capturingLogger();
    const unreachable = connect('postgres://nobody@127.0.0.1:1/none');
    try {
      const r = runner(unreachable, log);
      r.every('test:away', 100, async () => undefined);
      await until(() => lines.some((l) => l.level === 40 && l.job === 'test:away'), 'the warning');
      await r.close();
    } finally {
      await unreachable.destroy();
    }
  });
});
