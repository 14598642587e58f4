import { sql } from 'kysely';
import type { Db } from '../db/database';

// Site settings stored in the database (site_settings): SQL only.

/**
 * The channel a change to the settings is announced on (NOTIFY, sent on commit): every process's
 * realtime hub LISTENs on it and has its store read the table again.
 */
export const SETTINGS_CHANNEL = 'gentie_settings';

/** The payload on SETTINGS_CHANNEL that says a board changed (renamed, archived): `board:<slug>`. */
export const BOARD_CHANGE_PREFIX = 'board:';

/**
 * Tells every process a board changed, when `db`'s transaction commits (NOTIFY waits for it): what
 * anonymous readers see of its threads (the pages kept whole) must be made again.
 */
export async function announceBoardChange(db: Db, slug: string): Promise<void> {
  await sql`select pg_notify(${SETTINGS_CHANNEL}, ${BOARD_CHANGE_PREFIX + slug})`.execute(db);
}

/** Every stored setting, as written. */
export function readOverrides(db: Db): Promise<{ name: string; value: string }[]> {
  return db.selectFrom('site_settings').select(['name', 'value']).execute();
}

/** The stored value of one setting, if any (read in the change's transaction, for the audit's "before"). */
export async function readOverride(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('site_settings').select('value').where('name', '=', name).forUpdate().executeTakeFirst();
  return row?.value;
}

/** Stores a setting's value (`null`: removes it, back to the default) and announces the change on commit. */
export async function writeOverride(db: Db, name: string, value: string | null, by: string | null): Promise<void> {
  if (value === null) await db.deleteFrom('site_settings').where('name', '=', name).execute();
  else {
    await db
      .insertInto('site_settings')
      .values({ name, value, updated_by: by })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_by: by, updated_at: sql`now()` }))
      .execute();
  }
  await sql`select pg_notify(${SETTINGS_CHANNEL}, ${name})`.execute(db);
}
