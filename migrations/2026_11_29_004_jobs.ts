import type { Kysely } from 'kysely';

/**
 * Scheduled jobs (server/jobs/): when each last started and finished, and how its last run failed,
 * shared by every process on the database, so a job due every hour runs once an hour across all
 * of them and across restarts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_started_at', 'timestamptz')
    .addColumn('last_finished_at', 'timestamptz')
    // The last run's error message; null when it succeeded.
    .addColumn('last_error', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
