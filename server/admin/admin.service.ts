import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { confusableNames } from '../members/names.service';
import { authorize, siteActor } from '../policy/policy';

/** Operators' views of the site (admins only). */

/** Members whose names look alike or hold invisible characters, kept from before the rule (admins). */
export async function lookalikeNames(db: Kysely<Database>, viewer: Member | null) {
  authorize(siteActor(viewer), 'administer', null);
  return confusableNames(db);
}
