import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { CompiledQuery, type Kysely } from 'kysely';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { AppError, type LimitedAction } from '../errors';

export type { LimitedAction };

/** One limited action: how many points a key may spend in a window, and how a refusal reads. */
export interface LimitRule {
  /** Points per window at RATE_LIMIT_MULTIPLIER=1 (every action costs one point). */
  readonly points: number;
  /** Length of the window; it starts with the key's first point. */
  readonly seconds: number;
  readonly code: 'TooManyAttempts' | 'RateLimited';
  /** English and stable, like every error message; Retry-After says how long. The catalogs word it by action. */
  readonly message: string;
}

const FIFTEEN_MINUTES = 15 * 60;

/**
 * Every limited action and its documented limit (README, "Members"). Later features add their
 * actions here, to LimitedAction (server/errors.ts) and to both catalogs' words for it. Login attempts take a point before the password is checked and give it back when
 * it was right, so parallel guesses cannot all slip through before the first failure is counted.
 */
export const LIMITS = {
  /** Login attempts for one name from one address. */
  'login:name-address': {
    points: 5,
    seconds: FIFTEEN_MINUTES,
    code: 'TooManyAttempts',
    message: 'Too many failed logins for this name from your address. Wait and try again.',
  },
  /** Login attempts from one address, whatever the name. */
  'login:address': {
    points: 30,
    seconds: FIFTEEN_MINUTES,
    code: 'TooManyAttempts',
    message: 'Too many failed logins from your address. Wait and try again.',
  },
  /** Login attempts for one name from addresses and browsers it never signed in from. */
  'login:name': { points: 10, seconds: FIFTEEN_MINUTES, code: 'TooManyAttempts', message: 'Too many failed logins for this name.' },
  /** Past `login:name`, the name is slowed down, not locked: this many tries per window. */
  'login:name-slow': {
    points: 1,
    seconds: 30,
    code: 'TooManyAttempts',
    message: 'Too many failed logins for this name: one try every 30 seconds from a new address. Wait and try again.',
  },
  /** Accounts created from one address. */
  'register:address': {
    points: 5,
    seconds: 60 * 60,
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
  /** 悄悄話 sent by one member in an hour. */
  'message:member': {
    points: 30,
    seconds: 60 * 60,
    code: 'RateLimited',
    message: 'You have sent too many private messages this hour. Wait and try again.',
  },
  /** …and by a new member (isNewMember, server/limits/new-member.ts): counted besides the above. */
  'message:new-member': {
    points: 5,
    seconds: 60 * 60,
    code: 'RateLimited',
    message: 'New members send at most 5 private messages an hour during their first day. Wait and try again.',
  },
  /** Conversations a member starts (a first 悄悄話 to someone) in a day. */
  'conversation:member': {
    points: 10,
    seconds: 24 * 60 * 60,
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
    points: 120,
    seconds: 60 * 60,
    code: 'RateLimited',
    message: 'You have followed or ignored too many members this hour. Wait and try again.',
  },
} as const satisfies Record<LimitedAction, LimitRule>;

/** The one rate limiter of a process; its counts live in PostgreSQL, shared by every process. */
export interface Limiter {
  /** Spends a point of `action` for `key`; over the limit, throws a 429 AppError with retryAfter. */
  consume(action: LimitedAction, key: string): Promise<void>;
  /** Gives back a point spent on an attempt that turned out not to count. */
  reward(action: LimitedAction, key: string): Promise<void>;
}

// Keys include names as typed; the table's key column holds 255 characters with the prefix.
const storedKey = (key: string) => (key.length <= 200 ? key : createHash('sha256').update(key).digest('hex'));

/**
 * The limiter over `rate_limits` (created by a migration, so start-up never races to create it).
 * Its queries go through the application's pool, one short statement each; every limit's points
 * are multiplied by `config.rateLimitMultiplier`.
 */
export function createLimiter(db: Kysely<Database>, config: Pick<Config, 'rateLimitMultiplier'>): Limiter {
  // rate-limiter-flexible talks to anything with pg's query(); kysely runs the statement on its pool.
  const storeClient = {
    async query(q: { text: string; values?: readonly unknown[] }) {
      const result = await db.executeQuery(CompiledQuery.raw(q.text, [...(q.values ?? [])]));
      const rowCount = result.numAffectedRows === undefined ? result.rows.length : Number(result.numAffectedRows);
      return { rows: result.rows, rowCount };
    },
  };
  const limiters = new Map<LimitedAction, RateLimiterPostgres>();
  for (const [action, rule] of Object.entries(LIMITS) as [LimitedAction, LimitRule][]) {
    limiters.set(
      action,
      new RateLimiterPostgres({
        storeClient,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
        // The hourly housekeeping prunes the table (pruneRateLimits) instead of a timer per action.
        clearExpiredByTimeout: false,
        keyPrefix: action,
        points: Math.max(1, Math.floor(rule.points * config.rateLimitMultiplier)),
        duration: rule.seconds,
      }),
    );
  }
  return {
    async consume(action, key) {
      try {
        await limiters.get(action)!.consume(storedKey(key));
      } catch (error) {
        // The library rejects with a RateLimiterRes when over the limit, with an Error when the store failed.
        if (!(error instanceof RateLimiterRes)) throw error;
        const rule = LIMITS[action];
        throw new AppError(429, rule.code, rule.message, {
          params: { action },
          retryAfter: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        });
      }
    },
    async reward(action, key) {
      await limiters.get(action)!.reward(storedKey(key));
    },
  };
}

/** Deletes counts whose window ended more than an hour ago (run hourly). */
export async function pruneRateLimits(db: Kysely<Database>): Promise<void> {
  await db
    .deleteFrom('rate_limits')
    .where('expire', '<', String(Date.now() - 3600_000))
    .execute();
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
