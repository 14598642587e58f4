/**
 * The limits' policy for paced actions (starting threads, replying, editing, reporting, sending
 * 悄悄話): each spends a point in the member's burst and sustained windows (a new member's
 * stricter ones instead, while isNewMember) and in their address's two windows (IPv6 by /64),
 * shared by everyone there. The numbers are settings (settings.registry.ts); the counts are the
 * shared limiter's, so every process sees the same.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import type { PacedAction } from '../errors';
import type { Rate, Settings } from '../settings/settings';
import type { RateSettingName } from '../settings/settings.registry';
import type { AddressBans } from './address-bans';
import { type Limiter, type PaceWindow, addressKey, scaledRate } from './limiter';
import { isNewMember } from './new-member';

/**
 * Checks, and counts, one paced action by the member of one request; throws 429 when too fast,
 * 403 AddressBanned when the request's address is banned from posting. `address` is the request's
 * (as express resolved it, TRUST_PROXY), which posts keep for a while (post_addresses).
 */
export type Pace = ((action: PacedAction) => Promise<void>) & { readonly address?: string };

/** For writes nobody is paced for: the operator's seeds and tools, benchmarks of the bare service. */
export const unpaced: Pace = () => Promise.resolve();

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

/** Whether a member is new now: from the session's joinedAt, else from their row. */
export async function memberIsNew(db: Kysely<Database>, settings: Settings, member: Member): Promise<boolean> {
  const joinedAt =
    member.joinedAt ?? (await db.selectFrom('users').select('created_at').where('id', '=', member.id).executeTakeFirstOrThrow()).created_at;
  return isNewMember(joinedAt, new Date(), settings.get('limits.newMemberHours'));
}

/** Makes the Pace of one request: its member, and its address as express resolved it (TRUST_PROXY). */
export type Pacing = (member: Member, address: string) => Pace;

/** Actions an address ban refuses (reports still reach the moderators). */
const BANNED_FROM: ReadonlySet<PacedAction> = new Set(['thread', 'reply', 'edit', 'message']);

/** The pacing of an app: one limiter, one settings registry, the address bans if any. */
export function createPacing(db: Kysely<Database>, limiter: Limiter, settings: Settings, addressBans?: AddressBans): Pacing {
  return (member, address) =>
    Object.assign(
      async (action: PacedAction) => {
        if (addressBans && BANNED_FROM.has(action)) await addressBans.check(address, 'post');
        const memberScope = (await memberIsNew(db, settings, member)) ? 'newMember' : 'member';
        const where = addressKey(address);
        const windows: PaceWindow[] = (['burst', 'sustained'] as const).flatMap((window) => [
          { key: `${action}:${memberScope}.${window}:${member.id}`, rate: settings.get(paceSetting(action, memberScope, window)) },
          { key: `${action}:address.${window}:${where}`, rate: settings.get(paceSetting(action, 'address', window)) },
        ]);
        await limiter.pace(action, windows);
      },
      { address },
    );
}
