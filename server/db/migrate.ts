import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, type Kysely, type MigrationResult, Migrator, sql } from 'kysely';
import type { Database } from './database';

/** migrations/ beside server/ (dist/migrations once built). */
export const MIGRATIONS_DIR = path.join(__dirname, '..', '..', 'migrations');

/**
 * Brings the schema to the latest migration. Used by start-up, `gentie migrate` and the tests.
 * kysely's Migrator holds a PostgreSQL advisory lock while it works, so processes that start
 * together run each migration exactly once.
 */
export async function migrateToLatest(db: Kysely<Database>, onApplied: (name: string) => void = () => {}): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const r of results) if (r.status === 'Success') onApplied(r.migrationName);
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed: ${reason}`, { cause: error });
  }
  return results;
}

/**
 * Brings the schema to exactly the migration `name`, up or down: the import restores an archive's
 * rows into the schema they were written from, then migrates to the latest as start-up would.
 */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
  });
  const { error, results = [] } = await migrator.migrateTo(name);
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed: ${reason}`, { cause: error });
  }
  return results;
}

/**
 * The migrations this build knows, by name, as kysely's FileMigrationProvider finds them in
 * MIGRATIONS_DIR (its .js, .mjs, .ts and .mts files, not declarations): the names kysely_migration records.
 */
export async function knownMigrations(): Promise<string[]> {
  const files = await fs.readdir(MIGRATIONS_DIR);
  return files
    .filter((f) => /\.m?[jt]s$/.test(f) && !/\.d\.m?ts$/.test(f))
    .map((f) => f.replace(/\.[^.]+$/, ''))
    .sort();
}

/**
 * The migrations this build knows that the database has not applied (none: the schema is
 * current for this build; one a newer build applied and this one does not know is no concern of
 * it). One short statement; a database never migrated has all of them pending.
 */
export async function pendingMigrations(db: Kysely<Database>, known: readonly string[]): Promise<string[]> {
  // kysely's own table, outside the Database interface: raw SQL.
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db).then(
    (r) => new Set(r.rows.map((row) => row.name)),
    (error: { code?: string }) => {
      // 42P01 undefined_table: never migrated.
      if (error.code === '42P01') return new Set<string>();
      throw error;
    },
  );
  return known.filter((name) => !applied.has(name));
}
