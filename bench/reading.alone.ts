import type { Kysely } from 'kysely';
import { connect } from '../server/db/connect';
import type { Database } from '../server/db/database';
import { cloneDataset } from './datasets';
import { DATABASE, READING_DATASET, type ReadingManifest } from './reading.dataset';

/** What one measurement run alone gets: the clone's manifest and database, and the lists it adds to. */
export interface AloneRun {
  url: string;
  manifest: ReadingManifest;
  db: Kysely<Database>;
  /** Run in reverse order when the measurement ends, failed or not. */
  cleanups: (() => Promise<unknown>)[];
  /** Requests that failed; printed, with a failing exit code, after the measurement. */
  failures: string[];
}

/**
 * One measurement of the reading section alone (`BENCH_READING=cold|warm|inserts`), for profiling:
 * on a fresh clone of the dataset, with its database connected; no results file.
 */
export async function aloneOnClone(serverUrl: string, measure: (run: AloneRun) => Promise<void>): Promise<void> {
  const dataset = await cloneDataset(serverUrl, READING_DATASET, DATABASE, (line) => console.log(line));
  const cleanups: (() => Promise<unknown>)[] = [];
  const failures: string[] = [];
  try {
    const db = connect(dataset.url);
    cleanups.push(() => db.destroy());
    await measure({ url: dataset.url, manifest: dataset.manifest, db, cleanups, failures });
    if (failures.length) {
      console.error(`bench reading: ${failures.length} requests failed, for example:\n  ${failures.slice(0, 5).join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((e: Error) => console.error(`bench reading: clean-up: ${e.message}`));
  }
}
