/**
 * Maintenance mode: the forum read-only on every process while `gentie import` restores an
 * archive. The import writes the maintenance table's one row (migration 2026_12_05_300) and holds
 * a PostgreSQL advisory lock for as long as it runs; each process reads the row at most every
 * MAINTENANCE_CACHE_MS (one short query, shared by the requests of that moment). A row nobody
 * holds the lock for is an import that was killed: the database holds none of its rows.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database';

/** How long a process trusts what it read of the maintenance row. */
export const MAINTENANCE_CACHE_MS = 2000;

/** Seconds a refused write is told to wait (Retry-After): imports take minutes. */
export const MAINTENANCE_RETRY_SECONDS = 60;

/** The advisory lock an import holds while it runs: 64 bits of a hash, the same in every process. */
export const IMPORT_LOCK = createHash('sha256').update('gentie:import').digest().readBigInt64BE(0).toString();

/** The maintenance row as the code reads it. */
export interface Maintenance {
  reason: string;
  /** The archive's file name. */
  detail: string;
  startedAt: Date;
}

/** The row, or undefined; a schema without the table (never migrated) has none. */
export async function readMaintenance(db: Kysely<Database>): Promise<Maintenance | undefined> {
  const row = await db
    .selectFrom('maintenance')
    .select(['reason', 'detail', 'started_at'])
    .executeTakeFirst()
    .catch((error: { code?: string }) => {
      // 42P01 undefined_table: a database from before maintenance mode existed.
      if (error.code === '42P01') return undefined;
      throw error;
    });
  return row && { reason: row.reason, detail: row.detail, startedAt: row.started_at };
}

/** Whether an import holds its lock on this database now (false: a row left is an interrupted one). */
export async function importRunning(db: Kysely<Database>): Promise<boolean> {
  return db.connection().execute(async (conn) => {
    // pg_try_advisory_lock has no builder form; taken and given back at once.
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${IMPORT_LOCK}::bigint) as ok`.execute(conn);
    if (rows[0]!.ok) await sql`select pg_advisory_unlock(${IMPORT_LOCK}::bigint)`.execute(conn);
    return !rows[0]!.ok;
  });
}

/** The operator's words for a row an import left behind when it was killed. */
export function describeInterrupted(m: Maintenance): string {
  return `an import of ${m.detail || 'an archive'} started at ${m.startedAt.toISOString()} was interrupted: the database holds none of its rows`;
}

/** What a process knows of maintenance mode: asked on every request, read from the database at most every cacheMs. */
export interface MaintenanceWatch {
  /** The row in force, or undefined when the forum is open. */
  current(): Promise<Maintenance | undefined>;
  /** What was last read, without asking again (the warm page path, which cannot wait). */
  known(): Maintenance | undefined;
  /** What was read less than cacheMs ago (null: the forum is open), or undefined when that is stale: current() reads it. */
  fresh(): Maintenance | null | undefined;
}

/** A watch over `db`'s maintenance row. A database that cannot be read counts as open (the request will fail on its own). */
export function watchMaintenance(db: Kysely<Database>, cacheMs = MAINTENANCE_CACHE_MS): MaintenanceWatch {
  let value: Maintenance | undefined;
  let readAt = -Infinity;
  let reading: Promise<Maintenance | undefined> | undefined;
  return {
    known: () => value,
    fresh: () => (performance.now() - readAt < cacheMs ? (value ?? null) : undefined),
    current() {
      if (performance.now() - readAt < cacheMs) return Promise.resolve(value);
      reading ??= readMaintenance(db)
        .then(
          (m) => {
            value = m;
            readAt = performance.now();
            return m;
          },
          () => value,
        )
        .finally(() => (reading = undefined));
      return reading;
    },
  };
}
