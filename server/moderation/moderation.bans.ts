import { type Kysely, sql } from 'kysely';
import { getBoard } from '../boards/boards.service';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import type { ShownBan } from '../policy/policy.repository';
import { notFound } from '../errors';
import { nameKey } from '../members/names';
import * as members from '../members/members.repository';
import { authorize, can } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import { log } from './moderation.log';

/**
 * Bans made visible (issue 14): a board's current bans as a public list when the board chooses
 * (boards.public_bans, set by its moderators), a member's own bans on their pages, and what
 * moderators may know of addresses: only whether two members active on their board wrote from
 * the same address within the retention period, never the address (admins see those:
 * admin/admin.addresses.ts). A member's own bans are read by policy.repository.ts ownBans.
 */

/** `/b/:slug/bans`: the board's bans in force (site-wide ones included), or 404 when the board keeps them private. */
export async function publicBans(
  db: Kysely<Database>,
  viewer: Member | null,
  slug: string,
): Promise<{ board: { id: string; slug: string; name: string }; bans: ShownBan[]; canModerate: boolean }> {
  const board = await getBoard(db, slug);
  if (!board.publicBans) throw notFound('NotFound', `Board "${slug}" does not show its bans.`);
  const rows = await db
    .selectFrom('bans as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .select(['u.name as name', 'b.board_id', 'b.expires_at', 'b.reason'])
    .where('b.lifted_at', 'is', null)
    .where('b.expires_at', '>', sql<Date>`now()`)
    .where('b.board_id', '=', board.id)
    .orderBy('b.expires_at', 'desc')
    .limit(500)
    .execute();
  return {
    canModerate: can(await actorOn(db, viewer, board.id), 'moderate', null),
    board: { id: board.id, slug: board.slug, name: board.name },
    bans: rows.map((r) => ({
      name: r.name,
      board: { id: board.id, slug: board.slug, name: board.name },
      expiresAt: r.expires_at,
      reason: r.reason,
    })),
  };
}

/** Shows or hides the board's bans (its moderators, admins); logged. */
export async function setPublicBans(db: Kysely<Database>, viewer: Member | null, slug: string, on: boolean): Promise<void> {
  const board = await getBoard(db, slug);
  await db.transaction().execute(async (tx) => {
    const actor = await actorOn(tx, viewer, board.id);
    authorize(actor, 'moderate', null);
    await tx.updateTable('boards').set({ public_bans: on }).where('id', '=', board.id).execute();
    await log(tx, actor, on ? 'public-bans-on' : 'public-bans-off', { boardId: board.id });
  });
}

/**
 * For a board's moderators: the other members active on the board (a post there whose address is
 * still kept) who wrote from an address `name` also wrote from, within the retention period.
 * The names only: the address itself stays with the admins.
 */
export async function sharedAddresses(
  db: Kysely<Database>,
  viewer: Member | null,
  slug: string,
  name: string,
): Promise<{ board: { id: string; slug: string; name: string }; name: string; sharesWith: string[]; publicBans: boolean }> {
  const board = await getBoard(db, slug);
  authorize(await actorOn(db, viewer, board.id), 'moderate', null);
  const target = await members.findUserByKey(db, nameKey(name));
  if (!target) throw notFound('MemberNotFound', `There is no member "${name}".`, { params: { name } });
  const rows = await sql<{ name: string }>`
    select distinct u.name as name
    from post_addresses a
    join posts p on p.id = a.post_id and p.author_id = ${target.id}
    join post_addresses o on o.address = a.address and o.post_id <> a.post_id
    join posts q on q.id = o.post_id and q.author_id <> ${target.id}
    join users u on u.id = q.author_id
    where exists (select 1 from post_addresses ta join posts tp on tp.id = ta.post_id
                  where tp.author_id = ${target.id} and tp.board_id = ${board.id})
      and exists (select 1 from post_addresses oa join posts op on op.id = oa.post_id
                  where op.author_id = q.author_id and op.board_id = ${board.id})
    order by 1
    limit 100`.execute(db);
  return {
    board: { id: board.id, slug: board.slug, name: board.name },
    name: target.name,
    sharesWith: rows.rows.map((r) => r.name),
    publicBans: board.publicBans === true,
  };
}

/** The purge's name in the jobs table (main.ts runs it hourly, once across processes). */
export const ADDRESS_PURGE_JOB = 'addresses:purge';

/**
 * Deletes the post addresses older than the retention period (the addresses:purge job), and
 * forgets those of held posts (the review queue) as old; returns how many post addresses went.
 */
export async function purgePostAddresses(db: Kysely<Database>, retentionDays: number): Promise<number> {
  const result = await db
    .deleteFrom('post_addresses')
    .where('at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`)
    .executeTakeFirst();
  await db
    .updateTable('held_posts')
    .set({ address: null })
    .where('address', 'is not', null)
    .where('created_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`)
    .execute();
  return Number(result.numDeletedRows);
}
