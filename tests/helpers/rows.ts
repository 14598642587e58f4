import { type Kysely, sql } from 'kysely';
import type { Database } from '../../server/db/database';

/** How many rows a table holds. */
export async function countRows(db: Kysely<Database>, table: keyof Database): Promise<number> {
  return Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

/** The tables a refused write must leave alone (sign-ins and rate limits aside: attempts count; jobs run on their own). */
export const WRITTEN_TABLES = [
  'users',
  'sessions',
  'boards',
  'board_moderators',
  'posts',
  'threads',
  'thread_events',
  'post_revisions',
  'bans',
  'reports',
  'moderation_log',
] as const satisfies readonly (keyof Database)[];

/**
 * A fingerprint of every row of each table (an md5 over the rows as text): equal snapshots
 * before and after a request mean it changed nothing there.
 */
export async function snapshot(
  db: Kysely<Database>,
  tables: readonly (keyof Database)[] = WRITTEN_TABLES,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tables) {
    const r = await sql<{ h: string | null }>`select md5(string_agg(t::text, '|' order by t::text)) as h from ${sql.table(t)} t`.execute(
      db,
    );
    out[t] = r.rows[0]!.h ?? '';
  }
  return out;
}
