import { sql } from 'kysely';
import type { Db } from '../db/database';

/** Name skeletons: SQL only. */

/** A member whose name has this skeleton: the one whose key is `key` if any, else the oldest. */
export function findUserBySkeleton(db: Db, skeleton: string, key: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'name_key'])
    .where('name_skeleton', '=', skeleton)
    .orderBy(sql`name_key = ${key}`, 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** Members whose skeleton is not computed yet, in id order after `afterId`. */
export function findUsersWithoutSkeleton(db: Db, afterId: string, limit: number) {
  return db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('name_skeleton', 'is', null)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Stores skeletons, one statement for the whole batch. */
export async function setSkeletons(db: Db, rows: { id: string; skeleton: string }[]): Promise<void> {
  if (rows.length === 0) return;
  // unnest of two arrays: kysely's builder has no UPDATE … FROM (VALUES …) of parameters.
  await sql`
    update users set name_skeleton = v.skeleton
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.skeleton)}::text[]) as v(id, skeleton)
    where users.id = v.id and users.name_skeleton is null`.execute(db);
}

/** Every member whose skeleton another member shares, grouped by skeleton, oldest first in each. */
export function findSharedSkeletons(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'created_at', 'name_skeleton'])
    .where('name_skeleton', 'in', (eb) =>
      eb
        .selectFrom('users as u')
        .select('u.name_skeleton')
        .where('u.name_skeleton', 'is not', null)
        .groupBy('u.name_skeleton')
        .having(sql`count(*)`, '>', 1),
    )
    .orderBy('name_skeleton')
    .orderBy('id')
    .execute();
}

/** Members whose name matches a PostgreSQL regular expression (a character class of invisible characters). */
export function findNamesMatching(db: Db, pattern: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'created_at']).where('name', '~', pattern).orderBy('id').execute();
}
