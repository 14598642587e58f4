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
// First: it reads the threads the process started with (the uploads section lowers them, as the server does).
import '../server/threads';
import path from 'node:path';
import { writeFileSync } from 'node:fs';

/**
 * A module of this folder, loaded when first asked for (see SECTIONS). `require`, not `import()`:
 * this is a CommonJS build, where TypeScript's node16 resolution makes a dynamic import ask for
 * the emitted file's extension and loads the module through the ES loader; `require` loads it as
 * every static import here does, and `typeof import()` keeps its types.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy loading (above)
const load = <M>(file: string): M => require(file) as M;

const ROOT = path.join(__dirname, '..', '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.json');

async function main(): Promise<void> {
  const { BUDGET_MS, cleanUp, runCore } = load<typeof import('./core')>('./core');
  const { formatAttack } = load<typeof import('./attack')>('./attack');
  const { reportReading } = load<typeof import('./reading.report')>('./reading.report');
  const { formatWorst } = load<typeof import('./worst')>('./worst');
  const { formatRealtime, formatResults, formatVariants } = load<typeof import('./report')>('./report');
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

// A section run alone: `npm run bench -- notifications`, `-- realtime`, `-- reading`, `-- limits`, `-- search`, `-- hot`, `-- formats`, `-- uploads`, `-- convert`, `-- backup`, `-- board`, `-- soak` (with its options, bench/soak.ts), `-- fanout` (bench/fanout.ts).
// Each loaded only when run: the bench's process is also the load generator (the soak's, the
// uploads' clients), and every section's modules loaded (the conversion's dictionaries, the app)
// made its heap ~180 MB where the soak needs ~20: its full collections then took the generator's
// loop for tens of ms and counted in the server's latency (docs/performance.md, "The soak over time").
const SECTIONS: Record<string, () => Promise<void>> = {
  backup: async () => load<typeof import('./backup')>('./backup').runBackupBench(),
  formats: async () => load<typeof import('./formats')>('./formats').runFormatsBench(),
  notifications: async () => load<typeof import('./notifications')>('./notifications').runNotificationsBench(),
  limits: async () => load<typeof import('./limits')>('./limits').runLimitsBench(),
  realtime: async () => load<typeof import('./realtime')>('./realtime').runRealtimeBench(),
  reading: async () => load<typeof import('./reading')>('./reading').runReadingBench(),
  search: async () => load<typeof import('./search')>('./search').runSearchBench(),
  hot: async () => load<typeof import('./hot')>('./hot').runHotBench(),
  uploads: async () => load<typeof import('./uploads')>('./uploads').runUploadsBench(),
  soak: async () => load<typeof import('./soak')>('./soak').runSoakBench(),
  fanout: async () => load<typeof import('./fanout')>('./fanout').runFanoutBench(),
  board: async () => load<typeof import('./board')>('./board').runBoardBench(),
  // The corpora's error counts and the speed beside stock opencc-js (as `node dist/bench/conversion.js`).
  convert: async () => {
    load<typeof import('./conversion')>('./conversion').reportConversion();
    load<typeof import('./conversion.speed')>('./conversion.speed').reportSpeed();
  },
};
const section = process.argv[2];
if (section !== undefined && !SECTIONS[section]) {
  console.error(`bench: no section "${section}"; sections: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
(section ? SECTIONS[section]!() : main()).catch(async (error: unknown) => {
  console.error(`bench: ${(error as Error)?.stack ?? String(error)}`);
  await load<typeof import('./core')>('./core').cleanUp();
  process.exit(1);
});
