/**
 * `npm run bench -- backup`: `gentie export` and `gentie import` of the cached search dataset
 * (1,000,000 posts; BENCH_BACKUP_POSTS=100000 for the smaller one), each as the operator runs it:
 * the CLI in a process of its own, timed from spawn to exit, its peak memory as it reports it
 * (maxRSS). Targets (issue 17): each ≤ 120 s, ≤ 300 MB.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { withDatabase } from '../server/db/connect';
import { openEmbedded } from '../server/db/embedded';
import { cloneDataset } from './datasets';
import { searchDataset } from './search';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');
const CLI = path.join(ROOT, 'dist', 'server', 'cli', 'main.js');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.backup.json');
const POSTS = Number(process.env.BENCH_BACKUP_POSTS ?? 1_000_000);
const TARGET_SECONDS = 120;
const TARGET_MB = 300;

interface Run {
  seconds: number;
  peakMb: number;
  output: string;
}

/** Runs the CLI on `url` and times it; its last line reports its peak memory. */
function cli(args: string[], url: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH!, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`gentie ${args.join(' ')} exited with ${code}:\n${output}`));
      const m = /peak memory (\d+) MB/.exec(output);
      resolve({ seconds, peakMb: m ? Number(m[1]) : NaN, output });
    });
  });
}

export async function runBackupBench(): Promise<void> {
  const say = (line: string) => console.log(line);
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => say(`postgres: ${m}`) });
  const dir = mkdtempSync(path.join(tmpdir(), 'gentie-backup-bench-'));
  const admin = new pg.Client({ connectionString: embedded.url });
  await admin.connect();
  try {
    const source = await cloneDataset(embedded.url, searchDataset(POSTS), 'gentie_bench_backup', say);
    if (process.env.BENCH_BACKUP === 'build') return;
    const file = path.join(dir, 'forum.gentie');
    say(`export of ${POSTS} posts…`);
    const exported = await cli(['export', file], source.url);
    const bytes = statSync(file).size;
    await admin.query('drop database if exists gentie_bench_backup_target with (force)');
    await admin.query('create database gentie_bench_backup_target');
    say(`import…`);
    const imported = await cli(['import', file], withDatabase(embedded.url, 'gentie_bench_backup_target'));
    const load = loadavg().map((l) => l.toFixed(2));
    const figure = (name: string, r: Run) => {
      const ok = r.seconds <= TARGET_SECONDS && r.peakMb <= TARGET_MB;
      say(
        `${name} of ${POSTS} posts: ${r.seconds.toFixed(1)} s, peak ${r.peakMb} MB (targets ≤ ${TARGET_SECONDS} s, ≤ ${TARGET_MB} MB) ${ok ? 'ok' : 'MISSED'}`,
      );
      return { seconds: r.seconds, peakMb: r.peakMb, ok };
    };
    const results = {
      date: new Date().toISOString(),
      posts: POSTS,
      archiveBytes: bytes,
      loadAverage: load,
      export: figure('export', exported),
      import: figure('import', imported),
    };
    say(`archive ${(bytes / 1024 / 1024).toFixed(0)} MB; load average ${load.join(' ')} (other work on the machine)`);
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    say(`figures written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.query('drop database if exists gentie_bench_backup_target with (force)').catch(() => undefined);
    await admin.query('drop database if exists gentie_bench_backup with (force)').catch(() => undefined);
    await admin.end();
    await embedded.stop();
  }
}
