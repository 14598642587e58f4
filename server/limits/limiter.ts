import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { markedPrepared } from '../db/prepared';
import { AppError, type LimitedAction, type PacedAction } from '../errors';
import { type Rate, type Settings, defaultSettings } from '../settings/settings';
import type { RateSettingName } from '../settings/settings.registry';

export type { LimitedAction, PacedAction };

/**
 * One limited action: how many points a key may spend in a window (fixed here, or a setting of
 * the registry, read at each use), and how a refusal reads.
 */
export type LimitRule = (
  | {
      /** Points per window at RATE_LIMIT_MULTIPLIER=1 (every action costs one point). */
      readonly points: number;
      /** Length of the window; it starts with the key's first point. */
      readonly seconds: number;
    }
  | { readonly setting: RateSettingName }
) & {
  readonly code: 'TooManyAttempts' | 'RateLimited';
  /**
   * English and stable, like every error message (from the rate as applied, when it says it);
   * Retry-After says how long. The catalogs word it by action.
   */
  readonly message: string | ((rate: Rate) => string);
};

const FIFTEEN_MINUTES = 15 * 60;

/**
 * Every limited action and its documented limit (README, "Members"). Later features add their
 * actions here, to LimitedAction (server/errors.ts) and to both catalogs' words for it. Login attempts take a point before the password is checked and give it back when
 * it was right, so parallel guesses cannot all slip through before the first failure is counted.
 */
export const LIMITS = {
  /** Login attempts for one name from one address. */
  'login:name-address': {
    setting: 'limits.login.nameAddress',
    code: 'TooManyAttempts',
    message: 'Too many failed logins for this name from your address. Wait and try again.',
  },
  /** Login attempts from one address, whatever the name. */
  'login:address': {
    setting: 'limits.login.address',
    code: 'TooManyAttempts',
    message: 'Too many failed logins from your address. Wait and try again.',
  },
  /** Login attempts for one name from addresses and browsers it never signed in from. */
  'login:name': { setting: 'limits.login.name', code: 'TooManyAttempts', message: 'Too many failed logins for this name.' },
  /** Past `login:name`, the name is slowed down, not locked: this many tries per window. */
  'login:name-slow': {
    setting: 'limits.login.nameSlow',
    code: 'TooManyAttempts',
    message: ({ points, seconds }) =>
      `Too many failed logins for this name: ${points === 1 ? 'one try' : `${points} tries`} every ${seconds} seconds from a new address. Wait and try again.`,
  },
  /** Accounts created from one address. */
  'register:address': {
    setting: 'limits.register.address',
    code: 'RateLimited',
    message: 'Too many accounts were created from your address. Wait and try again.',
  },
  /** Password changes (tries of the current password) by one member. */
  'password:member': {
    points: 5,
    seconds: FIFTEEN_MINUTES,
    code: 'TooManyAttempts',
    message: 'Too many wrong current passwords. Wait and try again.',
  },
  /** "Forgot password" requests from one address, whatever the name or email asked for. */
  'password-reset:address': {
    points: 10,
    seconds: 60 * 60,
    code: 'RateLimited',
    message: 'Too many password reset requests from your address. Wait and try again.',
  },
  /** "Forgot password" requests for one name or address (counted whether or not it exists, so the limit tells nothing). */
  'password-reset:login': {
    points: 3,
    seconds: 60 * 60,
    code: 'RateLimited',
    message: 'Too many password reset requests for this name or address. Wait and try again.',
  },
  /** Verification emails a member asks for (each goes to an address they typed). */
  'email:verify': {
    points: 5,
    seconds: 60 * 60,
    code: 'RateLimited',
    message: 'Too many verification emails. Wait and try again.',
  },
  /** Conversations a member starts (a first 悄悄話 to someone): the registry's limits.conversation.member. */
  'conversation:member': {
    setting: 'limits.conversation.member',
    code: 'RateLimited',
    message: 'You have started too many new conversations today. Wait and try again.',
  },
  /** Downloads of one's own posts and messages (/settings/export): each reads a whole history. */
  'export:member': {
    points: 10,
    seconds: 60 * 60,
    code: 'RateLimited',
    message: 'Too many downloads of your data. Wait and try again.',
  },
  /** Follows and ignores a member starts or stops: each one is a row written (and, for a follow, notices later). */
  'relation:member': {
    setting: 'limits.relation.member',
    code: 'RateLimited',
    message: 'You have followed or ignored too many members this hour. Wait and try again.',
  },
  /** Searches from one address: the registry's limits.search.address. */
  'search:address': {
    setting: 'limits.search.address',
    code: 'RateLimited',
    message: 'Too many searches from your address. Wait and try again.',
  },
  /**
   * Previews a member asks for (POST /api/preview, a form's preview button): each renders a body
   * of up to BODY_MAX_BYTES and writes nothing, so generous (a composer may preview as one types),
   * but bounded.
   */
  'preview:member': {
    points: 120,
    seconds: 60,
    code: 'RateLimited',
    message: 'Too many previews. Wait and try again.',
  },
} as const satisfies Record<LimitedAction, LimitRule>;

/** A rate as applied: its points times RATE_LIMIT_MULTIPLIER, at least one. */
export const scaledRate = (rate: Rate, multiplier: number): Rate => ({
  points: Math.max(1, Math.floor(rate.points * multiplier)),
  seconds: rate.seconds,
});

/**
 * Whose count a paced action spends a point in (a member's, an address's), with its two windows:
 * one row of pace_counts (migration 2026_12_04_050), keyed by action and whose.
 */
export interface PaceCount {
  readonly key: string;
  readonly burst: Rate;
  readonly sustained: Rate;
}

/**
 * A paced action's windows spent inside a statement of the caller's (a reply's first:
 * findReplyContext), so they cost no statement of their own.
 */
export interface PaceSpending {
  /**
   * Common table expressions for the start of the caller's WITH, each followed by a comma: they
   * spend a point in both windows of every count (a window that has ended starts again at 1) and define
   * `paced(full_expire)`: a row per count, with when its latest window over its cap ends (ms since
   * the epoch), null when none is.
   * A refused try's points are not given back here: the caller must roll its transaction back.
   */
  readonly ctes: RawBuilder<unknown>;
}

/** The one rate limiter of a process; its counts live in PostgreSQL, shared by every process. */
export interface Limiter {
  /** Spends a point of `action` for `key`; over the limit, throws a 429 AppError with retryAfter. */
  consume(action: LimitedAction, key: string): Promise<void>;
  /** Gives back a point spent on an attempt that turned out not to count. */
  reward(action: LimitedAction, key: string): Promise<void>;
  /**
   * Spends a point in both windows of every count of a paced action at once, in one statement. If
   * any window is over its limit, every point is given back in the same transaction (a refused
   * attempt counts against nobody, not even for a moment: not the others at the address) and a
   * 429 says the longest wait among the full windows (pacedRefusal).
   */
  pace(action: PacedAction, counts: readonly PaceCount[]): Promise<void>;
  /** The same spending as `pace`, for the caller's own statement; null when there is no count. */
  spending(counts: readonly PaceCount[]): PaceSpending | null;
  /** Gives back the point a try spent in each count (`pace`'s), when another count refused it. */
  giveBack(counts: readonly PaceCount[]): Promise<void>;
  /**
   * The same spending as `pace`, as a statement the caller sends itself (prepared, autocommitted:
   * ahead of its transaction's BEGIN, db/ahead.ts); `paceRefusal` reads its answer.
   */
  paceStatement(counts: readonly PaceCount[]): CompiledQuery<PaceAnswer>;
}

/** A row of `Limiter.paceStatement`'s answer: a full window's end (ms since the epoch). */
export interface PaceAnswer {
  full_expire: string;
}

/** The 429 `Limiter.paceStatement`'s answer says, or null when every window had room. */
export function paceRefusal(action: PacedAction, full: readonly PaceAnswer[]): AppError<'RateLimited'> | null {
  if (full.length === 0) return null;
  return pacedRefusal(action, Math.max(...full.map((row) => Number(row.full_expire))) - Date.now());
}

// Keys include names as typed; the table's key column holds 255 characters with the prefix.
const storedKey = (key: string) => (key.length <= 200 ? key : createHash('sha256').update(key).digest('hex'));

/**
 * The limiter over `rate_limits` (created by a migration, so start-up never races to create it).
 * Its queries go through the application's pool, one short statement each; every limit's points
 * are multiplied by `config.rateLimitMultiplier`. Limits that are settings are read from
 * `settings` at each use, so a changed value applies at once.
 */
export function createLimiter(
  db: Kysely<Database>,
  config: Pick<Config, 'rateLimitMultiplier'>,
  settings: Settings = defaultSettings(),
): Limiter {
  // rate-limiter-flexible talks to anything with pg's query(); kysely runs the statement on its pool.
  const storeClient = {
    async query(q: { text: string; values?: readonly unknown[] }) {
      const result = await db.executeQuery(CompiledQuery.raw(q.text, [...(q.values ?? [])]));
      const rowCount = result.numAffectedRows === undefined ? result.rows.length : Number(result.numAffectedRows);
      return { rows: result.rows, rowCount };
    },
  };
  const scaled = (points: number) => scaledRate({ points, seconds: 1 }, config.rateLimitMultiplier).points;
  const rateOf = (rule: LimitRule): Rate => ('setting' in rule ? settings.get(rule.setting) : rule);
  // One library limiter per action and rate: a changed setting makes a new one (same keys, so counts carry on).
  const limiters = new Map<string, RateLimiterPostgres>();
  const limiterFor = (action: LimitedAction): RateLimiterPostgres => {
    const { points, seconds } = rateOf(LIMITS[action]);
    const id = `${action} ${points} ${seconds}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterPostgres({
        storeClient,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
        // The hourly housekeeping prunes the table (pruneRateLimits) instead of a timer per action.
        clearExpiredByTimeout: false,
        keyPrefix: action,
        points: scaled(points),
        duration: seconds,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  };
  // A paced action's counts as arrays, in key order: two requests sharing a count (an address)
  // lock its row in the same order.
  const arrays = (counts: readonly PaceCount[]) => {
    const byKey = new Map(counts.map((c) => [storedKey(c.key), c]));
    const sorted = [...byKey.keys()].sort().map((key) => [key, byKey.get(key)!] as const);
    const column = (pick: (c: PaceCount) => number) => sql`${sorted.map(([, c]) => pick(c))}::bigint[]`;
    return {
      keys: sql`${sorted.map(([key]) => key)}::varchar[]`,
      burstMs: column((c) => c.burst.seconds * 1000),
      burstCaps: column((c) => scaled(c.burst.points)),
      sustainedMs: column((c) => c.sustained.seconds * 1000),
      sustainedCaps: column((c) => scaled(c.sustained.points)),
    };
  };
  // A count's row with one point more in each window (a window that has ended starts again at
  // one): the update both upserts below make of a row already there.
  const spentWindows = (now: RawBuilder<unknown>) => sql`
            burst_points = case when c.burst_expire <= ${now} then 1 else c.burst_points + 1 end,
            burst_expire = case when c.burst_expire <= ${now} then excluded.burst_expire else c.burst_expire end,
            burst_cap = excluded.burst_cap,
            sustained_points = case when c.sustained_expire <= ${now} then 1 else c.sustained_points + 1 end,
            sustained_expire = case when c.sustained_expire <= ${now} then excluded.sustained_expire else c.sustained_expire end,
            sustained_cap = excluded.sustained_cap`;
  // The upsert of pace_counts_spend (migration 2026_12_04_050) written into the caller's
  // statement: as plain SQL, planned once with it (db/prepared.ts), rather than a function call
  // whose own statements run apart. Each count is a row of VALUES, in key order: its key and the
  // time are parameters, its windows' lengths and caps are written into the text (numbers from the
  // settings, which change rarely: each set of rates is one more statement prepared per
  // connection). No arrays to parse, unnest and sort, as the function has (docs/performance.md,
  // "Posting limits").
  const spending = (counts: readonly PaceCount[]): PaceSpending | null => {
    if (counts.length === 0) return null;
    const byKey = new Map(counts.map((c) => [storedKey(c.key), c]));
    const now = sql`${Date.now()}::bigint`;
    const rows = [...byKey.keys()].sort().map((key) => {
      const c = byKey.get(key)!;
      return sql`(${key}::varchar, 1, ${now} + ${sql.lit(c.burst.seconds * 1000)}, ${sql.lit(scaled(c.burst.points))}, 1, ${now} + ${sql.lit(c.sustained.seconds * 1000)}, ${sql.lit(scaled(c.sustained.points))})`;
    });
    return {
      ctes: sql`paced as (
          insert into pace_counts as c (key, burst_points, burst_expire, burst_cap, sustained_points, sustained_expire, sustained_cap)
          values ${sql.join(rows)}
          on conflict (key) do update set ${spentWindows(now)}
          returning greatest(
            case when c.burst_points > c.burst_cap then c.burst_expire end,
            case when c.sustained_points > c.sustained_cap then c.sustained_expire end) as full_expire
        ),`,
    };
  };
  // One count (the address's, sent ahead of a write's BEGIN: paced.ts) spent as pace_counts_spend
  // would, without the function and its arrays: a point added only when both windows have room
  // (`on conflict … where`), so a refused try changes nothing and has nothing to give back, and
  // then, only when refused, when the latest full window ends (read beside the upsert: a row it
  // did not see, full meanwhile, still refuses, told to wait a second). The windows' lengths and
  // caps are in the text, as the reply's (`spending`). ~12 % less per statement than the function
  // (docs/performance.md, "The address's statement ahead of BEGIN").
  const spendOne = (c: PaceCount): CompiledQuery<PaceAnswer> => {
    const now = sql`${Date.now()}::bigint`;
    const [burstMs, burstCap] = [sql.lit(c.burst.seconds * 1000), sql.lit(scaled(c.burst.points))];
    const [sustainedMs, sustainedCap] = [sql.lit(c.sustained.seconds * 1000), sql.lit(scaled(c.sustained.points))];
    return markedPrepared(
      'pace_count_spend',
      sql<PaceAnswer>`with spent as (
          insert into pace_counts as c (key, burst_points, burst_expire, burst_cap, sustained_points, sustained_expire, sustained_cap)
          values (${storedKey(c.key)}::varchar, 1, ${now} + ${burstMs}, ${burstCap}, 1, ${now} + ${sustainedMs}, ${sustainedCap})
          on conflict (key) do update set ${spentWindows(now)}
          where (c.burst_expire <= ${now} or c.burst_points < ${burstCap})
            and (c.sustained_expire <= ${now} or c.sustained_points < ${sustainedCap})
          returning 1
        )
        select coalesce((select greatest(
            case when c.burst_expire > ${now} and c.burst_points >= ${burstCap} then c.burst_expire end,
            case when c.sustained_expire > ${now} and c.sustained_points >= ${sustainedCap} then c.sustained_expire end)
          from pace_counts c where c.key = ${storedKey(c.key)}), ${now} + 1000)::text as full_expire
        where not exists (select 1 from spent)`.compile(db),
    );
  };
  // One statement, one transaction: every window's point added, and all of them taken back before
  // it commits when any window is full. Prepared: one text per number of counts.
  const paceStatement = (counts: readonly PaceCount[]): CompiledQuery<PaceAnswer> => {
    if (counts.length === 1) return spendOne(counts[0]!);
    const { keys, burstMs, burstCaps, sustainedMs, sustainedCaps } = arrays(counts);
    return markedPrepared(
      'pace_counts_spend',
      sql<PaceAnswer>`select full_expire from pace_counts_spend(${keys}, ${burstMs}, ${burstCaps}, ${sustainedMs}, ${sustainedCaps}, ${Date.now()}::bigint)`.compile(
        db,
      ),
    );
  };
  return {
    spending,
    async giveBack(counts) {
      if (counts.length === 0) return;
      await sql`update pace_counts
        set burst_points = greatest(burst_points - 1, 0), sustained_points = greatest(sustained_points - 1, 0)
        where key = any(${arrays(counts).keys})`.execute(db);
    },
    async consume(action, key) {
      try {
        await limiterFor(action).consume(storedKey(key));
      } catch (error) {
        // The library rejects with a RateLimiterRes when over the limit, with an Error when the store failed.
        if (!(error instanceof RateLimiterRes)) throw error;
        const rule: LimitRule = LIMITS[action];
        const rate = scaledRate(rateOf(rule), config.rateLimitMultiplier);
        throw new AppError(429, rule.code, typeof rule.message === 'string' ? rule.message : rule.message(rate), {
          params: { action, tries: rate.points, seconds: rate.seconds },
          retryAfter: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        });
      }
    },
    async reward(action, key) {
      await limiterFor(action).reward(storedKey(key));
    },
    paceStatement,
    async pace(action, counts) {
      if (counts.length === 0) return;
      const refusal = paceRefusal(action, (await db.executeQuery(paceStatement(counts))).rows);
      if (refusal) throw refusal;
    },
  };
}

/** The 429 of a paced action refused for `waitMs` more (the longest wait among its full windows). */
export function pacedRefusal(action: PacedAction, waitMs: number): AppError<'RateLimited'> {
  const wait = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError(429, 'RateLimited', `Too many ${PACED_NOUNS[action]} too quickly. Wait and try again.`, {
    params: { paced: action, wait },
    retryAfter: wait,
  });
}

/** The paced actions in the English refusal ("Too many replies too quickly"). */
const PACED_NOUNS: Record<PacedAction, string> = {
  thread: 'new threads',
  reply: 'replies',
  edit: 'edits',
  report: 'reports',
  message: 'private messages',
  upload: 'image uploads',
};

/** Deletes counts whose windows ended more than an hour ago (run hourly). */
export async function pruneRateLimits(db: Kysely<Database>): Promise<void> {
  const hourAgo = String(Date.now() - 3600_000);
  await db.deleteFrom('rate_limits').where('expire', '<', hourAgo).execute();
  await db.deleteFrom('pace_counts').where('burst_expire', '<', hourAgo).where('sustained_expire', '<', hourAgo).execute();
}

/**
 * The address as limits and "known address" see it: IPv4 whole, IPv6 by its /64 (one host
 * usually holds a whole /64, so counting single IPv6 addresses would count nothing).
 */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(plain);
  if (mapped) return mapped[1]!;
  if (isIP(plain) !== 6) return plain;
  // An embedded IPv4 tail (::ffff:0:1.2.3.4, 64:ff9b::1.2.3.4) stands for two groups.
  const groups = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const gap = plain.indexOf('::');
  const head = groups(gap < 0 ? plain : plain.slice(0, gap));
  const tail = gap < 0 ? [] : groups(plain.slice(gap + 2));
  const full = [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail];
  return `${full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
