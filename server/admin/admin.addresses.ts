import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { notFound, validationFailed } from '../errors';
import { nameKey } from '../members/names';
import * as members from '../members/members.repository';
import { sql } from 'kysely';
import { type AddressBan, type AddressBans, activeAddressBans, banAddress, parseUntil, unbanAddress } from '../limits/address-bans';
import { authorize, siteActor } from '../policy/policy';
import { recordAudit } from '../audit/audit';

/** Address bans as admins manage them on /admin/address-bans (the CLI calls limits/address-bans.ts directly). */

/**
 * A line in the moderation log (site-wide: no board) for an admin's address ban or its lifting; the
 * range is in the reason, since the log has no column for it. Only admins read the site-wide log.
 */
function logAddressChange(db: Kysely<Database>, admin: Member, action: 'address-ban' | 'address-unban', reason: string) {
  return db.insertInto('moderation_log').values({ board_id: null, actor_id: admin.id, actor_role: 'admin', action, reason }).execute();
}

/** An address ban as the audit log shows it, before it is lifted or after it is made. */
export function addressBanAudit(ban: AddressBan) {
  const shown = { range: ban.range, until: ban.expiresAt.toISOString(), reason: ban.reason };
  return { subject: `address:${ban.range}`, before: shown, after: shown };
}

export async function listAddressBans(db: Kysely<Database>, viewer: Member | null): Promise<AddressBan[]> {
  authorize(siteActor(viewer), 'administer', null);
  return activeAddressBans(db);
}

/** Bans a range until a date or for a duration; this process applies it at once, the others within their cache's life. */
export async function addAddressBan(
  db: Kysely<Database>,
  bans: AddressBans,
  viewer: Member | null,
  input: { range: string; until: string; reason: string },
): Promise<AddressBan> {
  authorize(siteActor(viewer), 'administer', null);
  const expiresAt = parseUntil(input.until);
  if (!expiresAt) throw validationFailed('until', { kind: 'format' }, 'until: a date (2027-01-01) or a duration (7d, 12h).');
  const ban = await db.transaction().execute(async (tx) => {
    const made = await banAddress(tx, { range: input.range, reason: input.reason, expiresAt, bannedBy: viewer!.id });
    await logAddressChange(tx, viewer!, 'address-ban', `${made.range} (${made.expiresAt.toISOString()}): ${made.reason}`);
    await recordAudit(tx, viewer!, { ...addressBanAudit(made), action: 'address.ban', before: null });
    return made;
  });
  bans.changed();
  return ban;
}

export async function liftAddressBan(db: Kysely<Database>, bans: AddressBans, viewer: Member | null, range: string): Promise<number> {
  authorize(siteActor(viewer), 'administer', null);
  const lifted = await db.transaction().execute(async (tx) => {
    const lifted = await unbanAddress(tx, range);
    for (const ban of lifted) {
      await logAddressChange(tx, viewer!, 'address-unban', ban.range);
      await recordAudit(tx, viewer!, { ...addressBanAudit(ban), action: 'address.unban', after: null });
    }
    return lifted.length;
  });
  bans.changed();
  return lifted;
}

/** For admins: the addresses a member's posts came from, newest first (as long as they are kept). */
export async function memberAddresses(
  db: Kysely<Database>,
  viewer: Member | null,
  name: string,
): Promise<{ name: string; addresses: { postId: string; address: string; at: Date }[] }> {
  authorize(siteActor(viewer), 'administer', null);
  const target = await members.findUserByKey(db, nameKey(name));
  if (!target) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
  const rows = await db
    .selectFrom('post_addresses as a')
    .innerJoin('posts as p', 'p.id', 'a.post_id')
    .select(['a.post_id', sql<string>`host(a.address)`.as('address'), 'a.at'])
    .where('p.author_id', '=', target.id)
    .orderBy('a.post_id', 'desc')
    .limit(500)
    .execute();
  return { name: target.name, addresses: rows.map((r) => ({ postId: r.post_id, address: r.address, at: r.at })) };
}
