/**
 * The limits' policy for paced actions (starting threads, replying, editing, reporting, sending
 * 悄悄話): each spends a point in the member's burst and sustained windows (a new member's
 * stricter ones instead, while isNewByTrust) and in their address's two windows (IPv6 by /64),
 * shared by everyone there. The numbers are settings (settings.registry.ts); the counts are the
 * shared limiter's, so every process sees the same.
 */
import { type Kysely, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import type { PacedAction } from '../errors';
import type { Rate, Settings } from '../settings/settings';
import type { RateSettingName } from '../settings/settings.registry';
import type { AddressBans } from './address-bans';
import { type Limiter, type PaceWindow, addressKey, scaledRate } from './limiter';
import { type PostCaps, isNewByTrust } from './new-member';

/**
 * What pacing learnt on the way: whether the member is new, and the caps on links and images their
 * posts are held to then (checkPostCaps in new-member.ts).
 */
export interface PaceOutcome {
  newMember: boolean;
  caps: PostCaps | null;
}

/**
 * Checks, and counts, one paced action by the member of one request; throws 429 when too fast,
 * 403 AddressBanned when the request's address is banned from posting. Answers whether the member
 * is new, decided once for the action. `duplicateSeconds` is how long the same post again counts as
 * a duplicate (limits.duplicateMinutes; absent or 0: never), checked by the posts service inside its
 * own write, where it is race-safe. `address` is the request's (as express resolved it,
 * TRUST_PROXY), which posts keep for a while (post_addresses).
 */
export type Pace = ((action: PacedAction) => PaceAnswer) & {
  readonly duplicateSeconds?: number;
  readonly address?: string;
};

/**
 * A paced action's answer. `newMember`, when there, settles sooner: as soon as newness is known,
 * before the limiter's statement (for most members without any statement), so a write that only
 * needs to know whether the member is new (a board's review: posts/posts.held.ts) need not wait
 * for the limits to be spent.
 */
export type PaceAnswer = Promise<PaceOutcome> & { readonly newMember?: Promise<boolean> };

/** Whether the member of a paced action is new, from its answer (as soon as that is known). */
export const newMemberOf = (answer: PaceAnswer): Promise<boolean> => answer.newMember ?? answer.then((o) => o.newMember);

/** For writes nobody is paced for: the operator's seeds and tools, benchmarks of the bare service. */
export const unpaced: Pace = () => Promise.resolve({ newMember: false, caps: null });

/** Every paced action, in the order the settings page lists them. */
export const PACED_ACTIONS: readonly PacedAction[] = ['thread', 'reply', 'edit', 'report', 'message'];

/** Whose windows: a member's, a new member's (instead of a member's), an address's. */
export type PaceScope = 'member' | 'newMember' | 'address';
export type PaceWindowName = 'burst' | 'sustained';

/** The setting holding one window of one paced action. */
export const paceSetting = (action: PacedAction, scope: PaceScope, window: PaceWindowName): RateSettingName =>
  `limits.${action}.${scope}.${window}`;

/** One limit as a member is shown it (on /settings). */
export interface ShownLimit {
  action: PacedAction;
  scope: 'member' | 'address';
  window: PaceWindowName;
  rate: Rate;
}

/**
 * The windows that apply to a member (new or not) and to their address, as the settings page
 * lists them: the points as applied (times RATE_LIMIT_MULTIPLIER).
 */
export function limitsFor(settings: Settings, newMember: boolean, multiplier: number): ShownLimit[] {
  return PACED_ACTIONS.flatMap((action) =>
    (['member', 'address'] as const).flatMap((scope) =>
      (['burst', 'sustained'] as const).map((window) => ({
        action,
        scope,
        window,
        rate: scaledRate(settings.get(paceSetting(action, scope === 'member' && newMember ? 'newMember' : scope, window)), multiplier),
      })),
    ),
  );
}

/**
 * Whether a member is new now (new-member.ts): one statement reads their age, their trust and
 * their posts not deleted, counted no further than the threshold (posts_author_idx).
 */
export async function memberIsNew(db: Kysely<Database>, settings: Settings, member: Member): Promise<boolean> {
  const posts = settings.get('limits.newMemberPosts');
  const row = await db
    .selectFrom('users')
    .select(['created_at', 'role', 'trust'])
    .select(
      sql<number>`(select count(*)::int from (select 1 from posts p where p.author_id = users.id and p.deleted_at is null limit ${posts}) c)`.as(
        'accepted',
      ),
    )
    .where('id', '=', member.id)
    .executeTakeFirstOrThrow();
  return isNewByTrust(
    { createdAt: row.created_at, role: row.role, trust: row.trust, acceptedPosts: row.accepted },
    { hours: settings.get('limits.newMemberHours'), posts },
  );
}

/** How long a process takes a member who passed both thresholds to stay past them. */
const SETTLED_MS = 60_000;

/**
 * Whether a member is new, answered without a statement when what their session carries settles
 * it (their trust, role and account age), or when this process saw them past both thresholds in the
 * last minute: the count of posts is read only for members old enough who are not yet known to
 * have enough. (A member whose posts are deleted below the threshold is new again within a minute.)
 */
function newness(db: Kysely<Database>, settings: Settings) {
  const settled = new LRUCache<string, true>({ max: 10_000, ttl: SETTLED_MS });
  return async (member: Member): Promise<boolean> => {
    const { trust, joinedAt } = member;
    if (trust !== undefined && joinedAt !== undefined) {
      const facts = { createdAt: joinedAt, role: member.role, trust, acceptedPosts: Number.MAX_SAFE_INTEGER };
      const byAge = isNewByTrust(facts, { hours: settings.get('limits.newMemberHours'), posts: 0 });
      // Decided without the count: by hand, by role, or too young whatever the count.
      if (trust !== 'auto' || member.role !== 'member' || byAge) return byAge;
      if (settled.has(member.id)) return false;
    }
    const isNew = await memberIsNew(db, settings, member);
    if (!isNew && trust === 'auto') settled.set(member.id, true);
    return isNew;
  };
}

/** Makes the Pace of one request: its member, and its address as express resolved it (TRUST_PROXY). */
export type Pacing = (member: Member, address: string) => Pace;

/** Actions an address ban refuses (reports still reach the moderators). */
const BANNED_FROM: ReadonlySet<PacedAction> = new Set(['thread', 'reply', 'edit', 'message']);

/** The pacing of an app: one limiter, one settings registry, the address bans if any. */
export function createPacing(db: Kysely<Database>, limiter: Limiter, settings: Settings, addressBans?: AddressBans): Pacing {
  const isNew = newness(db, settings);

  /** Checks and counts one action in the member's windows (a new member's, by `newMember`) and their address's. */
  async function spend(member: Member, address: string, action: PacedAction, newMember: Promise<boolean>): Promise<PaceOutcome> {
    if (addressBans && BANNED_FROM.has(action)) await addressBans.check(address, 'post');
    const memberScope = (await newMember) ? 'newMember' : 'member';
    const where = addressKey(address);
    const windows: PaceWindow[] = (['burst', 'sustained'] as const).flatMap((window) => [
      // One count per member whatever their scope: a member who stops being new mid-window (their
      // third post) carries their count over to the wider limit instead of starting afresh.
      { key: `${action}:member.${window}:${member.id}`, rate: settings.get(paceSetting(action, memberScope, window)) },
      { key: `${action}:address.${window}:${where}`, rate: settings.get(paceSetting(action, 'address', window)) },
    ]);
    await limiter.pace(action, windows);
    if (memberScope === 'member') return { newMember: false, caps: null };
    return { newMember: true, caps: { links: settings.get('limits.newMemberLinks'), images: settings.get('limits.newMemberImages') } };
  }

  return (member, address) =>
    Object.assign(
      (action: PacedAction): PaceAnswer => {
        const newMember = isNew(member);
        // Settled here too when nobody asks for it (the outcome reports any failure).
        newMember.catch(() => undefined);
        return Object.assign(spend(member, address, action, newMember), { newMember });
      },
      // Not scaled by RATE_LIMIT_MULTIPLIER: a duplicate is refused for what it is, not for its pace.
      { duplicateSeconds: settings.get('limits.duplicateMinutes') * 60, address },
    );
}
