import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, type Kysely, type MigrationResult, Migrator } from 'kysely';
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
