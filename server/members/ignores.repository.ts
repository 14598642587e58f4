import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database';
import type { Ignoring } from '../db/member';

/**
 * Ignoring (屏蔽): who a member ignores. Read by every page that lists posts (the ignored
 * members' posts are collapsed for the reader), by messages (refused from an ignored sender) and
 * by notify (none from an ignored actor). SQL only; the rules are in people/people.service.ts.
 */

/** The most members one member may ignore: the list travels with each page that lists posts. */
export const IGNORE_MAX = 1000;

/** The members `memberId` ignores, newest first (at most `limit`), with their names. */
export function findIgnored(db: Db, memberId: string, limit = IGNORE_MAX) {
  return db
    .selectFrom('ignores')
    .innerJoin('users', 'users.id', 'ignores.ignored_id')
    .select(['users.id', 'users.name', 'ignores.created_at'])
    .where('ignores.member_id', '=', memberId)
    .orderBy('ignores.created_at', 'desc')
    .orderBy('users.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The members `memberId` ignores as one JSON value (`[{id, name}]`, newest first as findIgnored
 * orders them, at most IGNORE_MAX; null when none), for a statement that reads more than them
 * (posts/posts.etag.ts): a thread page reads its reader's ignoring in its first statement.
 */
export function ignoredJson(memberId: string): RawBuilder<{ id: string; name: string }[] | null> {
  return sql<
    { id: string; name: string }[] | null
  >`(select json_agg(json_build_object('id', i.id::text, 'name', i.name) order by i.created_at desc, i.id desc)
    from (select u.id, u.name, ig.created_at from ignores ig join users u on u.id = ig.ignored_id
          where ig.member_id = ${memberId} order by ig.created_at desc, u.id desc limit ${IGNORE_MAX}) i)`;
}

/** An ignoring as ignoredJson read it (undefined when none): as ignoringOf gives it. */
export function toIgnoring(rows: { id: string; name: string }[] | null | undefined): Ignoring | undefined {
  if (!rows || rows.length === 0) return undefined;
  return { ids: new Set(rows.map((r) => r.id)), names: rows.map((r) => r.name) };
}

/**
 * What a page that lists posts needs to know of the reader's ignoring: nothing for a reader who is
 * not logged in (no query), else one short range of the ignores primary key.
 */
export async function ignoringOf(db: Db, member: { id: string } | null): Promise<Ignoring | undefined> {
  if (!member) return undefined;
  return toIgnoring(await findIgnored(db, member.id));
}

/** Whether `memberId` ignores `otherId`. */
export async function isIgnoring(db: Db, memberId: string, otherId: string): Promise<boolean> {
  const row = await db
    .selectFrom('ignores')
    .select('ignored_id')
    .where('member_id', '=', memberId)
    .where('ignored_id', '=', otherId)
    .executeTakeFirst();
  return row !== undefined;
}

/** How many members `memberId` ignores, counted up to `cap`. */
export async function countIgnored(db: Db, memberId: string, cap = IGNORE_MAX): Promise<number> {
  const rows = await db.selectFrom('ignores').select('ignored_id').where('member_id', '=', memberId).limit(cap).execute();
  return rows.length;
}

/** Starts ignoring (nothing changes if already so). */
export function insertIgnore(db: Db, memberId: string, ignoredId: string) {
  return db
    .insertInto('ignores')
    .values({ member_id: memberId, ignored_id: ignoredId })
    .onConflict((oc) => oc.columns(['member_id', 'ignored_id']).doNothing())
    .execute();
}

/** Stops ignoring (nothing changes if not ignoring). */
export function deleteIgnore(db: Db, memberId: string, ignoredId: string) {
  return db.deleteFrom('ignores').where('member_id', '=', memberId).where('ignored_id', '=', ignoredId).execute();
}
