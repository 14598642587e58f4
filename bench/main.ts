/**
 * `npm run bench`: Gentie's performance figures in one bounded run, on 127.0.0.1 only.
 *
 * An embedded PostgreSQL in .bench-data, a fresh `gentie_bench` database, the real app in this
 * process, three threads of 10, 1,000 and 10,000 follow-ups; then GET throughput and latency
 * against a plain-http ceiling, reply-insert latency, 50 concurrent writers with the counters
 * checked in SQL, and a breakdown of where a page's time goes; then the reading section
 * (bench/reading.ts) on its own cached dataset (bench/core.ts runs them). Prints tables and writes
 * bench/results.json and bench/results.reading.json. See docs/performance.md.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';

import { formatAttack } from './attack';
import { BUDGET_MS, cleanUp, runCore } from './core';
import { runNotificationsBench } from './notifications';
import { runLimitsBench } from './limits';
import { runFormatsBench } from './formats';
import { runReadingBench } from './reading';
import { reportReading } from './reading.report';
import { runSearchBench } from './search';
import { runHotBench } from './hot';
import { runUploadsBench } from './uploads';
import { runSoakBench } from './soak';
import { runBoardBench } from './board';
import { reportConversion } from './conversion';
import { reportSpeed } from './conversion.speed';
import { runBackupBench } from './backup';
import { runRealtimeBench } from './realtime';
import { formatWorst } from './worst';
import { formatRealtime, formatResults, formatVariants } from './report';

const ROOT = path.join(__dirname, '..', '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.json');

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${BUDGET_MS / 60_000} minutes: stopping`);
    void cleanUp().finally(() => process.exit(1));
  }, BUDGET_MS);
  watchdog.unref();
  try {
    const { results, reading } = await runCore();
    console.log(`\n${formatResults(results)}\n`);
    console.log(`${formatVariants(results.variants)}\n`);
    console.log(`${formatRealtime(results.realtime)}\n`);
    console.log(`${formatAttack(results.attack)}\n`);
    console.log(`${formatWorst(results.worst)}\n`);
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`figures written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
    reportReading(reading);
    const w = results.targets.at(-1)!;
    if (!w.ok) process.exitCode = 1; // lost or failed writes are a bug, not a slow machine
  } finally {
    await cleanUp();
    clearTimeout(watchdog);
  }
}

// A section run alone: `npm run bench -- notifications`, `-- realtime`, `-- reading`, `-- limits`, `-- search`, `-- hot`, `-- formats`, `-- uploads`, `-- convert`, `-- backup`, `-- board`, `-- soak` (with its options, bench/soak.ts).
const SECTIONS: Record<string, () => Promise<void>> = {
  backup: runBackupBench,
  formats: runFormatsBench,
  notifications: runNotificationsBench,
  limits: runLimitsBench,
  realtime: runRealtimeBench,
  reading: runReadingBench,
  search: runSearchBench,
  hot: runHotBench,
  uploads: runUploadsBench,
  soak: runSoakBench,
  board: runBoardBench,
  // The corpora's error counts and the speed beside stock opencc-js (as `node dist/bench/conversion.js`).
  convert: async () => {
    reportConversion();
    reportSpeed();
  },
};
const section = process.argv[2];
if (section !== undefined && !SECTIONS[section]) {
  console.error(`bench: no section "${section}"; sections: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
(section ? SECTIONS[section]!() : main()).catch(async (error: unknown) => {
  console.error(`bench: ${(error as Error)?.stack ?? String(error)}`);
  await cleanUp();
  process.exit(1);
});
