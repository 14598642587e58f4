/**
 * Scheduled backups: once a day, at BACKUPS_HOUR in the display time zone, the job runner's
 * backups:nightly job exports the forum into DATA_DIR/backups (a folder of mode 0700, archives of
 * mode 0600) and keeps the newest BACKUPS_KEEP archives, deleting older ones. BACKUPS_KEEP=0 (the
 * default) turns them off. The job is tried hourly and runs once across processes; an archive
 * already made in the last 12 hours (a restart, a second process) is enough for the day.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { exportArchive } from './backup.export';

export const BACKUP_JOB = 'backups:nightly';

/** The archives this job writes: `gentie-20261203-0300.gentie`, names that sort by time. */
const ARCHIVE = /^gentie-(\d{8})-(\d{4})\.gentie$/;

/** What one attempt did. */
export type BackupOutcome =
  { done: 'off' | 'not-the-hour' | 'recent' } | { done: 'exported'; file: string; rows: number; bytes: number; removed: string[] };

export interface BackupPlan {
  /** Connection URL of the forum's database. */
  url: string;
  /** DATA_DIR: the archives go into its backups folder. */
  dataDir: string;
  /** Archives kept (0: scheduled backups are off). */
  keep: number;
  /** The hour of the day (0–23, in timeZone) when the export runs. */
  hour: number;
  timeZone: string;
  /** The time now (tests pass another). */
  now?: Date;
  signal?: AbortSignal;
}

/** The name of an archive made at `at` (UTC, so names sort in time order whatever the zone). */
export function archiveName(at: Date): string {
  const iso = at.toISOString();
  return `gentie-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 16).replace(':', '')}.gentie`;
}

/** The hour of `at` on a clock in `timeZone`. */
function hourIn(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(at));
}

/** The folder of the scheduled archives, made (or tightened) to mode 0700. */
export async function backupsDir(dataDir: string): Promise<string> {
  const dir = path.join(dataDir, 'backups');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  return dir;
}

/** Deletes all but the newest `keep` archives of the folder (and partial files an interrupted export left); returns the names deleted. */
export async function rotateBackups(dir: string, keep: number): Promise<string[]> {
  const names = (await fs.readdir(dir)).sort();
  const archives = names.filter((n) => ARCHIVE.test(n));
  const old = [...archives.slice(0, Math.max(0, archives.length - keep)), ...names.filter((n) => /^gentie-.*\.gentie\.partial$/.test(n))];
  for (const n of old) await fs.rm(path.join(dir, n), { force: true });
  return old;
}

/** One attempt of the nightly job: exports when it is the hour and no recent archive exists, then rotates. */
export async function scheduledBackup(plan: BackupPlan): Promise<BackupOutcome> {
  if (plan.keep <= 0) return { done: 'off' };
  const now = plan.now ?? new Date();
  if (hourIn(now, plan.timeZone) !== plan.hour) return { done: 'not-the-hour' };
  const dir = await backupsDir(plan.dataDir);
  const newest = (await fs.readdir(dir))
    .filter((n) => ARCHIVE.test(n))
    .sort()
    .at(-1);
  if (newest) {
    const [, day, time] = ARCHIVE.exec(newest)!;
    const at = Date.parse(`${day!.slice(0, 4)}-${day!.slice(4, 6)}-${day!.slice(6)}T${time!.slice(0, 2)}:${time!.slice(2)}:00Z`);
    if (now.getTime() - at < 12 * 3_600_000) return { done: 'recent' };
  }
  const file = path.join(dir, archiveName(now));
  const result = await exportArchive(plan.url, file, { signal: plan.signal });
  const removed = await rotateBackups(dir, plan.keep);
  return { done: 'exported', file, rows: result.rows, bytes: result.bytes, removed };
}
