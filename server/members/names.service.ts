import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database, SiteRole } from '../db/database';
import { AppError } from '../errors';
import { invisibleNamePattern, nameSkeleton } from './names';
import * as repo from './names.repository';
import { DELETED_MEMBER_NAME, isDeletedMemberName } from '../text/localize';

/** The skeletons of 已註銷用戶 and 已注销用户: no new name may look like them. */
const DELETED_SKELETONS = [DELETED_MEMBER_NAME, '已注销用户'].map(nameSkeleton);

/**
 * Runs `insert` (which writes the new member) only if no member has a name that looks like this
 * one, and refuses with 409 NameConfusable otherwise. Registrations of the same skeleton take
 * turns (an advisory lock for the transaction): two lookalikes sent at once cannot both pass.
 * The exact same name is left to `insert` (the unique name_key), which answers undefined.
 */
export async function claimName<T>(
  db: Kysely<Database>,
  name: { name: string; key: string; skeleton: string },
  insert: (tx: Transaction<Database>) => Promise<T | undefined>,
): Promise<T | undefined> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`gentie:name:${name.skeleton}`}))`.execute(tx);
    // The name deleted accounts' posts are shown under is nobody's (in either script, or a lookalike).
    if (isDeletedMemberName(name.name) || DELETED_SKELETONS.includes(name.skeleton)) {
      throw new AppError(409, 'NameConfusable', `The name ${name.name} is the one deleted accounts are shown under; choose another.`, {
        params: { name: name.name, lookalike: DELETED_MEMBER_NAME },
      });
    }
    const lookalike = await repo.findUserBySkeleton(tx, name.skeleton, name.key);
    if (lookalike && lookalike.name_key !== name.key) {
      throw new AppError(409, 'NameConfusable', `The name ${name.name} looks too much like the member ${lookalike.name}; choose another.`, {
        params: { name: name.name, lookalike: lookalike.name },
      });
    }
    return insert(tx);
  });
}

/**
 * Computes the skeleton of every member who has none yet (members from before the column, or
 * after a change of the rules), in batches. Run at start-up, before the server takes requests.
 * Returns how many were filled in.
 */
export async function backfillNameSkeletons(db: Kysely<Database>): Promise<number> {
  let done = 0;
  for (let after = '0'; ;) {
    const batch = await repo.findUsersWithoutSkeleton(db, after, 1000);
    if (batch.length === 0) return done;
    await repo.setSkeletons(
      db,
      batch.map((u) => ({ id: u.id, skeleton: nameSkeleton(u.name) })),
    );
    done += batch.length;
    after = batch[batch.length - 1]!.id;
  }
}

/** A member as the list of lookalike names shows them. */
export interface NamedMember {
  name: string;
  role: SiteRole;
  createdAt: Date;
}

/**
 * Members kept from before the lookalike rules: groups of names that look alike (oldest first in
 * each), and names with invisible characters.
 */
export async function confusableNames(db: Kysely<Database>): Promise<{ lookalikes: NamedMember[][]; invisible: NamedMember[] }> {
  const [shared, invisible] = await Promise.all([repo.findSharedSkeletons(db), repo.findNamesMatching(db, invisibleNamePattern())]);
  const groups = new Map<string, NamedMember[]>();
  for (const u of shared) {
    const group = groups.get(u.name_skeleton!) ?? [];
    group.push({ name: u.name, role: u.role, createdAt: u.created_at });
    groups.set(u.name_skeleton!, group);
  }
  return {
    lookalikes: [...groups.values()],
    invisible: invisible.map((u) => ({ name: u.name, role: u.role, createdAt: u.created_at })),
  };
}
