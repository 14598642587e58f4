import type { Db } from '../db/database';

/**
 * Following: whose new threads a member is told of ('followed-thread' notifications read
 * `follows` by followee). SQL only; the rules are in people/people.service.ts.
 */

/** Whether `followerId` follows `followeeId`. */
export async function isFollowing(db: Db, followerId: string, followeeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('follows')
    .select('followee_id')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Starts following (nothing changes if already so). */
export function insertFollow(db: Db, followerId: string, followeeId: string) {
  return db
    .insertInto('follows')
    .values({ follower_id: followerId, followee_id: followeeId })
    .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
    .execute();
}

/** Stops following (nothing changes if not following). */
export function deleteFollow(db: Db, followerId: string, followeeId: string) {
  return db.deleteFrom('follows').where('follower_id', '=', followerId).where('followee_id', '=', followeeId).execute();
}
