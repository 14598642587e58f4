/**
 * The limits' policy for paced actions (starting threads, replying, editing, reporting, sending
 * 悄悄話, uploading images): each spends a point in the member's burst and sustained windows (a new member's
 * stricter ones instead, while isNewByTrust) and in their address's two windows (IPv6 by /64),
 * shared by everyone there. The numbers are settings (settings.registry.ts); the counts are the
 * shared limiter's, so every process sees the same.
 */
import { type Kysely, type Transaction, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import { StatementAhead } from '../db/ahead';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { AppError, type PacedAction } from '../errors';
import type { Rate, Settings } from '../settings/settings';
import type { RateSettingName } from '../settings/settings.registry';
import type { AddressBans } from './address-bans';
import { type Limiter, type PaceSpending, type PaceCount, addressKey, paceRefusal, pacedRefusal, scaledRate } from './limiter';
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
export type Pace = ((action: PacedAction) => Promise<PaceOutcome>) & {
  readonly duplicateSeconds?: number;
  readonly address?: string;
  /** The same action paced with its points spent by the caller's own first statement (DeferredPace). */
  readonly deferred?: (action: PacedAction) => Promise<DeferredPace>;
};

/**
 * A paced action whose member's points the caller spends in its own transaction's first statement
 * (a reply's: findReplyContext), saving the round trip of a statement of their own
 * (docs/performance.md, "Posting limits"). Whatever else is already done: the address ban, whether
 * the member is new, and a refusal without a statement when this process knows a window is full.
 * The address's windows are spent by a statement of their own, autocommitted (a row the caller's
 * transaction spent would stay locked until it commits, and everyone at the address would queue
 * for it), sent ahead of the caller's BEGIN in the same round trip (`transaction`, db/ahead.ts).
 * Only the member's own requests queue for the member's row.
 */
export interface DeferredPace extends PaceOutcome {
  /** The spending to run in the caller's statement; null when nothing is paced. */
  readonly spending: PaceSpending | null;
  /**
   * Runs the caller's transaction (`work` inside db.transaction()), with the address's windows
   * spent by a statement sent ahead of its BEGIN; refused (429) before `work` when one is full.
   */
  transaction<T>(db: Kysely<Database>, work: (tx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * What that statement answered: when the latest of its full windows ends (ms since the epoch),
   * or null when none was full. Throws the 429 when one was (the statement gave every point back).
   */
  settle(fullUntil: number | null): void;
  /**
   * Every try counts, whatever became of it: when the caller's transaction rolled back (refused
   * for another reason, or never begun), spends the member's points in a statement of their own and
   * throws the 429 if a window is full. When the statement itself refused the try, gives the
   * address's point back instead.
   */
  spendAfterRollback(): Promise<void>;
}

/** For writes nobody is paced for: the operator's seeds and tools, benchmarks of the bare service. */
export const unpaced: Pace = () => Promise.resolve({ newMember: false, caps: null });

/** The action paced to be spent by the caller's statement, by any Pace (one without `deferred` is paced at once). */
export async function deferPace(pace: Pace, action: PacedAction): Promise<DeferredPace> {
  if (pace.deferred) return pace.deferred(action);
  return {
    ...(await pace(action)),
    spending: null,
    transaction: (db, work) => db.transaction().execute(work),
    settle() {},
    spendAfterRollback: () => Promise.resolve(),
  };
}

/** Every paced action, in the order the settings page lists them. */
export const PACED_ACTIONS: readonly PacedAction[] = ['thread', 'reply', 'edit', 'report', 'message', 'upload'];

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
const BANNED_FROM: ReadonlySet<PacedAction> = new Set(['thread', 'reply', 'edit', 'message', 'upload']);

/** How long a try made while its member was told to wait is held before its 429 goes out. */
const REPEAT_REFUSAL_PAUSE_MS = 1000;

/** The pacing of an app: one limiter, one settings registry, the address bans if any. */
export function createPacing(db: Kysely<Database>, limiter: Limiter, settings: Settings, addressBans?: AddressBans): Pacing {
  const isNew = newness(db, settings);
  // Windows found full on this process, with when they end at the earliest. A full window stays
  // full until it ends (a point is only ever given back by the attempt that spent it, when refused),
  // so asking the shared table again before then could only be refused again: a member flooding
  // the site costs it no statement per try. Keyed by everything that decides the windows (action,
  // member, address, rates), so another address or a changed limit asks the table afresh.
  const refused = new LRUCache<string, number>({ max: 10_000 });
  // The paced action up to its spending: the address ban, the member's scope, the windows, and a
  // refusal without a statement when they are known to be full here.
  const prepare = async (member: Member, where: string, address: string, action: PacedAction) => {
    if (addressBans && BANNED_FROM.has(action)) await addressBans.check(address, 'post', member.timeZone ?? null);
    const memberScope = (await isNew(member)) ? 'newMember' : 'member';
    const count = (key: string, scope: PaceScope): PaceCount => ({
      key,
      burst: settings.get(paceSetting(action, scope, 'burst')),
      sustained: settings.get(paceSetting(action, scope, 'sustained')),
    });
    const windows = [
      // One count per member whatever their scope: a member who stops being new mid-window (their
      // third post) carries their count over to the wider limit instead of starting afresh.
      count(`${action}:member:${member.id}`, memberScope),
      count(`${action}:address:${where}`, 'address'),
    ];
    // The same windows (action, member, address, rates) already found full on this process:
    // refused again without a statement until the wait it was told ends.
    const rates = windows.map((c) => `${c.burst.points}/${c.burst.seconds} ${c.sustained.points}/${c.sustained.seconds}`);
    const which = `${action} ${member.id} ${where} ${rates.join(' ')}`;
    const until = refused.get(which);
    if (until !== undefined && until > Date.now()) {
      // Tried again while told to wait: answered after a pause, so a member hammering with N
      // connections sends at most about N tries a second, however cheap each refusal is.
      await new Promise((resolve) => setTimeout(resolve, Math.min(REPEAT_REFUSAL_PAUSE_MS, until - Date.now())));
      throw pacedRefusal(action, until - Date.now());
    }
    const outcome: PaceOutcome =
      memberScope === 'member'
        ? { newMember: false, caps: null }
        : { newMember: true, caps: { links: settings.get('limits.newMemberLinks'), images: settings.get('limits.newMemberImages') } };
    return { windows, which, outcome };
  };
  // Spends the windows in a statement of their own; a refusal is remembered (see `refused`).
  const spendAlone = async (action: PacedAction, windows: readonly PaceCount[], which: string) => {
    try {
      await limiter.pace(action, windows);
    } catch (error) {
      if (error instanceof AppError && error.status === 429 && error.retryAfter !== undefined) {
        // retryAfter is rounded up; the end of the window itself is what pacedRefusal was given.
        refused.set(which, Date.now() + (error.retryAfter - 1) * 1000);
      }
      throw error;
    }
  };
  return (member, address) => {
    const where = addressKey(address);
    const pace = async (action: PacedAction): Promise<PaceOutcome> => {
      const { windows, which, outcome } = await prepare(member, where, address, action);
      await spendAlone(action, windows, which);
      return outcome;
    };
    const deferred = async (action: PacedAction): Promise<DeferredPace> => {
      const { windows, which, outcome } = await prepare(member, where, address, action);
      // The address's windows are spent by a statement of their own, autocommitted, sent ahead of
      // the caller's BEGIN in its round trip (db/ahead.ts), and only the member's by the caller's
      // first statement: a row spent in the caller's transaction stays locked until it commits,
      // and every member behind one address (a NAT, a campus, a proxy not trusted) would queue
      // for it, one write at a time, each holding a pooled connection meanwhile.
      const [memberWindow, addressWindow] = windows as [PaceCount, PaceCount];
      const ahead = new StatementAhead(limiter.paceStatement([addressWindow]));
      // What became of the try: refused by the address's windows (nothing spent), by the member's
      // (the address's point to give back), or neither yet.
      let refusedBy: 'address' | 'member' | null = null;
      return {
        ...outcome,
        spending: limiter.spending([memberWindow]),
        transaction: (db, work) =>
          ahead.run(() =>
            db.transaction().execute(async (tx) => {
              // Answered before BEGIN was: a refusal rolls back a transaction that did nothing.
              const refusal = paceRefusal(action, (await ahead.answer) ?? []);
              if (refusal) {
                refusedBy = 'address';
                if (refusal.retryAfter !== undefined) refused.set(which, Date.now() + (refusal.retryAfter - 1) * 1000);
                throw refusal;
              }
              return work(tx);
            }),
          ),
        settle(fullUntil) {
          if (fullUntil === null) return;
          refusedBy = 'member';
          refused.set(which, fullUntil);
          throw pacedRefusal(action, fullUntil - Date.now());
        },
        async spendAfterRollback() {
          // Refused by the member's window: the address's point goes back, so a member told to
          // wait costs the others at the address nothing. Refused by the address's: nothing was
          // spent (the statement gave its points back). Otherwise the try counts: the member's
          // point, and the address's if it was never sent (the transaction never began).
          if (refusedBy === 'member') await limiter.giveBack([addressWindow]);
          else if (refusedBy === null) await spendAlone(action, ahead.answer ? [memberWindow] : windows, which);
        },
      };
    };
    // Not scaled by RATE_LIMIT_MULTIPLIER: a duplicate is refused for what it is, not for its pace.
    return Object.assign(pace, { duplicateSeconds: settings.get('limits.duplicateMinutes') * 60, address, deferred });
  };
}
