import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database';

/**
 * The jobs table and the advisory locks that keep a job to one process at a time. The lock
 * functions take a single connection (`db.connection()`): a session-level advisory lock belongs to
 * the connection that took it and must be released on the same one.
 */

/** The advisory lock key of a job: 64 bits of a hash of its name, the same in every process. */
export function jobLockKey(name: string): string {
  return createHash('sha256').update(`gentie:job:${name}`).digest().readBigInt64BE(0).toString();
}

/** Takes the job's lock unless another session holds it; true when taken. */
export async function tryLockJob(conn: Kysely<Database>, name: string): Promise<boolean> {
  // pg_try_advisory_lock has no builder form.
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${jobLockKey(name)}::bigint) as locked`.execute(conn);
  return rows[0]!.locked;
}

/** Releases the job's lock taken on this connection. */
export async function unlockJob(conn: Kysely<Database>, name: string): Promise<void> {
  await sql`select pg_advisory_unlock(${jobLockKey(name)}::bigint)`.execute(conn);
}

// In parentheses: it is subtracted from (`last_started_at - …`), and a - b - c is (a - b) - c.
const every = (intervalMs: number) => sql<Date>`(now() - make_interval(secs => ${intervalMs / 1000}))`;

/**
 * Marks the job started now if it is due (never started, or last started at least `intervalMs`
 * ago by the database's clock, the one clock every process shares); true when it was.
 */
export async function claimDueJob(db: Kysely<Database>, name: string, intervalMs: number): Promise<boolean> {
  const row = await db
    .insertInto('jobs')
    .values({ name, last_started_at: sql`now()` })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ last_started_at: sql`now()` })
        .where((eb) => eb.or([eb('jobs.last_started_at', 'is', null), eb('jobs.last_started_at', '<=', every(intervalMs))])),
    )
    .returning('name')
    .executeTakeFirst();
  return row !== undefined;
}

/** Records the end of a run (`error`: its message, null when it succeeded). */
export async function finishJob(db: Kysely<Database>, name: string, error: string | null): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ last_finished_at: sql`now()`, last_error: error })
    .where('name', '=', name)
    .execute();
}

/** How long until the job is next due, in ms (0 when it is due now or has never run). */
export async function msUntilDue(db: Kysely<Database>, name: string, intervalMs: number): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select(sql<number>`greatest(0, extract(epoch from (last_started_at - ${every(intervalMs)})) * 1000)::float8`.as('wait'))
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.wait ?? 0;
}
