import { type Transaction, sql } from 'kysely';
import type { Database, Db, SiteRole } from '../db/database';
import { recordAuthorChange } from '../events/thread-events';

/** Member rows and sign-ins: SQL only (sessions are in sessions/sessions.repository.ts). */

/** A member's row with their password hash, by name key; `deleted_at` set for a deleted account (its name stays taken). */
export function findUserByKey(db: Db, nameKey: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'name_key', 'role', 'password_hash', 'deleted_at'])
    .where('name_key', '=', nameKey)
    .executeTakeFirst();
}

/** A member's row with their password hash, by id. */
export function findUserById(db: Db, userId: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'password_hash', 'deleted_at']).where('id', '=', userId).executeTakeFirst();
}

export function insertUser(db: Db, user: { name: string; nameKey: string; nameSkeleton?: string; passwordHash: string; role: SiteRole }) {
  return (
    db
      .insertInto('users')
      .values({
        name: user.name,
        name_key: user.nameKey,
        name_skeleton: user.nameSkeleton,
        password_hash: user.passwordHash,
        role: user.role,
      })
      // A concurrent registration of the same name loses here instead of raising.
      .onConflict((oc) => oc.column('name_key').doNothing())
      .returning(['id', 'name', 'role'])
      .executeTakeFirst()
  );
}

/**
 * Changes a member's site role, which their posts show beside their name (the JSON API's
 * `author.role`): each of their posts is announced as changed (recordAuthorChange), in the same
 * transaction, so no kept page, answer or ETag goes on showing the role they had.
 */
export async function setUserRole(tx: Transaction<Database>, userId: string, role: SiteRole): Promise<void> {
  const changed = await tx.updateTable('users').set({ role }).where('id', '=', userId).where('role', '<>', role).executeTakeFirst();
  if (changed.numUpdatedRows > 0n) await recordAuthorChange(tx, userId);
}

/** Replaces a member's password hash. */
export function setPasswordHash(db: Db, userId: string, passwordHash: string) {
  return db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Records one successful sign-in. */
export function insertSignIn(
  db: Db,
  signIn: { userId: string; address: string; addressKey: string; userAgent: string; deviceHash: Buffer | null },
) {
  return db
    .insertInto('sign_ins')
    .values({
      user_id: signIn.userId,
      address: signIn.address,
      address_key: signIn.addressKey,
      user_agent: signIn.userAgent,
      device_hash: signIn.deviceHash,
    })
    .execute();
}

/** Whether the member signed in from this address (or with this device cookie) within `days`. */
export async function hasSignedInFrom(db: Db, userId: string, addressKey: string, deviceHash: Buffer | null, days: number) {
  const row = await db
    .selectFrom('sign_ins')
    .select('id')
    .where('user_id', '=', userId)
    .where('at', '>', sql<Date>`now() - make_interval(days => ${days})`)
    .where((eb) => eb.or([eb('address_key', '=', addressKey), ...(deviceHash ? [eb('device_hash', '=', deviceHash)] : [])]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A member's latest sign-ins, newest first. */
export function listSignIns(db: Db, userId: string, limit: number) {
  return db
    .selectFrom('sign_ins')
    .select(['address', 'user_agent', 'at'])
    .where('user_id', '=', userId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Deletes sign-ins older than `days` (their retention). */
export function deleteOldSignIns(db: Db, days: number) {
  return db
    .deleteFrom('sign_ins')
    .where('at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .execute();
}

export function findMemberByName(db: Db, nameKey: string) {
  return db.selectFrom('users').select(['id', 'name', 'role', 'created_at']).where('name_key', '=', nameKey).executeTakeFirst();
}

/**
 * Deletes an account, keeping its row: its name stays reserved (registration finds it taken) and
 * its posts keep their author. What the member set up goes: profile, email, preferences, sessions,
 * follows both ways, their ignores, muted threads and read positions, their unused tokens. Returns false when the
 * account was deleted already.
 */
export async function deleteAccount(db: Db, memberId: string): Promise<boolean> {
  const updated = await db
    .updateTable('users')
    .set({
      deleted_at: sql<Date>`now()`,
      profile: '',
      profile_variant: 'other',
      // The default avatar shows; the picture, unused now, goes with the uploads' cleanup.
      avatar_hash: null,
      hide_last_seen: true,
      last_seen_on: null,
      notify_prefs: '{}',
      time_zone: null,
      email: null,
      email_verified_at: null,
      digest: false,
    })
    .where('id', '=', memberId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await db.deleteFrom('sessions').where('user_id', '=', memberId).execute();
  await db
    .deleteFrom('follows')
    .where((eb) => eb.or([eb('follower_id', '=', memberId), eb('followee_id', '=', memberId)]))
    .execute();
  await db.deleteFrom('ignores').where('member_id', '=', memberId).execute();
  await db.deleteFrom('thread_mutes').where('member_id', '=', memberId).execute();
  await db.deleteFrom('thread_reads').where('user_id', '=', memberId).execute();
  await db.deleteFrom('tokens').where('user_id', '=', memberId).execute();
  return true;
}
