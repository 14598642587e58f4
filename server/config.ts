import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The process configuration, read once from the environment and frozen. */
export interface Config {
  /** TCP port the HTTP server listens on (0 picks a free one). */
  readonly port: number;
  /** Interface to listen on; unset listens on all. */
  readonly host: string | undefined;
  /** An external PostgreSQL; undefined means the embedded server in dataDir. */
  readonly databaseUrl: string | undefined;
  /**
   * Connections each process keeps to PostgreSQL at most. A transaction holds its connection for
   * every turn of the event loop between its statements, so under load a small pool runs out
   * long before PostgreSQL does (docs/performance.md, "The pool").
   */
  readonly databasePoolSize: number;
  /** Folder of the embedded PostgreSQL cluster and its credentials. */
  readonly dataDir: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** IANA time zone used for every time shown on a page. */
  readonly displayTimeZone: string;
  /** Follow-up lines shown under each thread on a board index (the rest behind its link). */
  readonly indexTreeLines: number;
  /** Follow-up lines in one window of a thread page; the rest follow a "more" link. */
  readonly threadWindowLines: number;
  /** Levels of follow-ups a thread page nests below its post; deeper ones are behind "continue this thread". */
  readonly threadDepthCap: number;
  /**
   * How often each process adds the thread reads it counted in memory to the database (ms): read
   * counts are behind by at most this much (server/reads/).
   */
  readonly readFlushMs: number;
  /**
   * How long a starting process may spend asking itself for the pages readers ask for first
   * before /readyz says it is ready (seconds; 0: no warm-up), and how many of the most recently
   * active threads it asks for (server/app.warm.ts).
   */
  readonly warmUp: { seconds: number; threads: number };
  /**
   * The site's own origin as readers reach it (`https://bbs.example.org`), without a path; socket
   * handshakes and state-changing requests from any other origin are refused. Undefined = the
   * request's own host and scheme (as far as `trustProxy` lets forwarded headers say).
   */
  readonly publicUrl: URL | undefined;
  /**
   * Which proxies' `X-Forwarded-*` headers are believed: an express `trust proxy` value (a list of
   * addresses/CIDRs, or `loopback`). Undefined = none: the client is the TCP peer.
   */
  readonly trustProxy: string[] | undefined;
  /**
   * Every rate limit is multiplied by this (1 = the documented limits). Tests and the bench raise
   * it instead of exempting an address: balancers sit on loopback, so no address is exempt.
   */
  readonly rateLimitMultiplier: number;
  /**
   * Outgoing email (SMTP_URL, MAIL_FROM); undefined = the site sends no email and shows nothing
   * about it (no address in settings, no "forgot password?", no digest).
   */
  readonly mail: MailConfig | undefined;
  /**
   * The bearer token that lets a scraper read /metrics from anywhere (`Authorization: Bearer
   * <token>`); undefined = only from loopback, and only when the client resolved per `trustProxy`
   * is loopback (server/metrics/metrics.routes.ts). Never logged or shown.
   */
  readonly metricsToken: string | undefined;
  /**
   * Upper bound of each in-memory cache, in bytes as server/caches.ts counts them
   * (CACHE_LINES_BYTES, CACHE_CONVERSIONS_BYTES, CACHE_DIFFS_BYTES,
   * CACHE_PAGES_BYTES, CACHE_THREADS_BYTES, CACHE_IMAGES_BYTES, CACHE_SEARCHES_BYTES); a cache not named here keeps
   * its default bound (CACHE_BYTES in server/caches.ts, which this layer cannot import).
   */
  readonly cacheBytes: Readonly<CacheBytes>;
}

/** The bounds set in the environment for the caches of server/caches.ts, in bytes. */
export interface CacheBytes {
  lines?: number;
  conversions?: number;
  diffs?: number;
  pages?: number;
  threads?: number;
  images?: number;
  searches?: number;
}

/** How the site sends email. */
export interface MailConfig {
  /** A nodemailer transport URL (smtp:// or smtps://, user and password inside): never logged or shown. */
  readonly smtpUrl: string;
  /** The From header: MAIL_FROM, else `Gentie <noreply@host of PUBLIC_URL>`. */
  readonly from: string;
  /** Where links in emails point: PUBLIC_URL (required with SMTP_URL). */
  readonly publicUrl: URL;
}

/** Raised for a bad environment variable; main prints its message as one line and exits. */
export class ConfigError extends Error {}

/** Whether Intl knows `value` as a time zone (an IANA name such as Asia/Shanghai, or UTC). */
export const isTimeZone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

const isOrigin = (value: string): boolean => {
  try {
    const u = new URL(value);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      (u.pathname === '/' || u.pathname === '') &&
      !u.search &&
      !u.hash &&
      !u.username
    );
  } catch {
    return false;
  }
};

const isSmtpUrl = (value: string): boolean => {
  try {
    const u = new URL(value);
    return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
  } catch {
    return false;
  }
};

// `Name <address>` or a bare address; no line breaks (it becomes a header).
const MAIL_FROM = /^(?:[^<>\r\n]*<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)$/;

/** Variables whose value may hold a secret: a refusal never repeats it. */
const SECRET = new Set(['SMTP_URL', 'METRICS_TOKEN']);

const TRUST_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isTrustList = (value: string): boolean =>
  value
    .split(',')
    .map((s) => s.trim())
    .every((s) => TRUST_NAMES.has(s) || (/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(s) && isIP(s.split('/')[0]!) !== 0));

// A cache smaller than a megabyte would hold less than one big thread's window; more than 16 GiB
// is surely a typo (a missing unit). Whole bytes, so `64MB` is refused rather than guessed at.
const CACHE_MIN_BYTES = 1024 * 1024;
const CACHE_MAX_BYTES = 16 * 1024 * 1024 * 1024;
const cacheBytes = () =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number of bytes, ${CACHE_MIN_BYTES} to ${CACHE_MAX_BYTES}`)
    .transform(Number)
    .refine(
      (n) => n >= CACHE_MIN_BYTES && n <= CACHE_MAX_BYTES,
      `must be a whole number of bytes, ${CACHE_MIN_BYTES} to ${CACHE_MAX_BYTES}`,
    )
    .optional();

/** A whole number of `unit` from `min` to `max` (one message for a malformed value and one out of range), `fallback` when unset. */
const wholeNumber = (unit: string, min: number, max: number, fallback: number) => {
  const message = `must be a whole number of ${unit}, ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message)
    .default(fallback);
};

const schema = z.object({
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be at most 65535')
    .default(3000),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/./.test(v), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: wholeNumber('connections', 2, 200, 20),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  INDEX_TREE_LINES: wholeNumber('lines', 0, 1000, 50),
  THREAD_WINDOW_LINES: wholeNumber('lines', 20, 5000, 500),
  THREAD_DEPTH_CAP: wholeNumber('levels', 3, 50, 12),
  READ_FLUSH_MS: wholeNumber('milliseconds', 10, 60000, 30_000),
  WARM_UP_SECONDS: wholeNumber('seconds', 0, 300, 15),
  WARM_UP_THREADS: wholeNumber('threads', 0, 1000, 50),
  PUBLIC_URL: z.string().refine(isOrigin, 'must be the site origin, such as https://bbs.example.org (http or https, no path)').optional(),
  TRUST_PROXY: z
    .string()
    .refine(isTrustList, 'must be `loopback` or a comma list of IP addresses/CIDRs (unset: trust no proxy)')
    .optional(),
  RATE_LIMIT_MULTIPLIER: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a positive number (1 = the documented limits)')
    .transform(Number)
    .refine((n) => n > 0, 'must be a positive number (1 = the documented limits)')
    .default(1),
  TZ_DISPLAY: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai or UTC').default('Asia/Shanghai'),
  SMTP_URL: z
    .string()
    .refine(isSmtpUrl, 'must be an smtp:// or smtps:// URL, such as smtp://user:password@mail.example.org:587')
    .optional(),
  MAIL_FROM: z
    .string()
    .regex(MAIL_FROM, 'must be an address, or a name and <address>, such as Gentie <noreply@bbs.example.org>')
    .optional(),
  // Long enough not to be guessed; the characters of an HTTP bearer token (RFC 6750's b64token).
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/-]{16,}=*$/, 'must be at least 16 letters, digits or -._~+/ (a random one: openssl rand -hex 32)')
    .optional(),
  CACHE_LINES_BYTES: cacheBytes(),
  CACHE_CONVERSIONS_BYTES: cacheBytes(),
  CACHE_DIFFS_BYTES: cacheBytes(),
  CACHE_PAGES_BYTES: cacheBytes(),
  CACHE_THREADS_BYTES: cacheBytes(),
  CACHE_IMAGES_BYTES: cacheBytes(),
  CACHE_SEARCHES_BYTES: cacheBytes(),
});

/** The mail settings, when SMTP_URL is set: it needs PUBLIC_URL, since emails link back to the site. */
function mailConfig(smtpUrl: string | undefined, from: string | undefined, publicUrl: URL | undefined): MailConfig | undefined {
  if (smtpUrl === undefined) return undefined;
  if (!publicUrl) {
    throw new ConfigError(
      'SMTP_URL needs PUBLIC_URL (links in emails are built from it): set PUBLIC_URL to the site origin, such as https://bbs.example.org',
    );
  }
  return Object.freeze({ smtpUrl, from: from ?? `Gentie <noreply@${publicUrl.hostname}>`, publicUrl });
}

/**
 * Reads and validates the configuration. Empty variables count as unset.
 * Throws ConfigError naming the variable, the reason and the value given.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.keys(schema.shape).flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const got = SECRET.has(name) ? 'its value is not shown: it may hold a password' : `got ${JSON.stringify(present[name])}`;
    throw new ConfigError(`${name} ${issue.message} (${got})`);
  }
  const v = parsed.data;
  const publicUrl = v.PUBLIC_URL ? new URL(new URL(v.PUBLIC_URL).origin) : undefined;
  return Object.freeze({
    port: v.PORT,
    host: v.HOST,
    databaseUrl: v.DATABASE_URL,
    databasePoolSize: v.DATABASE_POOL_SIZE,
    dataDir: path.resolve(v.DATA_DIR),
    logLevel: v.LOG_LEVEL,
    displayTimeZone: v.TZ_DISPLAY,
    indexTreeLines: v.INDEX_TREE_LINES,
    threadWindowLines: v.THREAD_WINDOW_LINES,
    threadDepthCap: v.THREAD_DEPTH_CAP,
    readFlushMs: v.READ_FLUSH_MS,
    warmUp: Object.freeze({ seconds: v.WARM_UP_SECONDS, threads: v.WARM_UP_THREADS }),
    publicUrl,
    trustProxy: v.TRUST_PROXY?.split(',').map((s) => s.trim()),
    rateLimitMultiplier: v.RATE_LIMIT_MULTIPLIER,
    mail: mailConfig(v.SMTP_URL, v.MAIL_FROM, publicUrl),
    metricsToken: v.METRICS_TOKEN,
    cacheBytes: Object.freeze({
      ...(v.CACHE_LINES_BYTES !== undefined && { lines: v.CACHE_LINES_BYTES }),
      ...(v.CACHE_CONVERSIONS_BYTES !== undefined && { conversions: v.CACHE_CONVERSIONS_BYTES }),
      ...(v.CACHE_DIFFS_BYTES !== undefined && { diffs: v.CACHE_DIFFS_BYTES }),
      ...(v.CACHE_PAGES_BYTES !== undefined && { pages: v.CACHE_PAGES_BYTES }),
      ...(v.CACHE_THREADS_BYTES !== undefined && { threads: v.CACHE_THREADS_BYTES }),
      ...(v.CACHE_IMAGES_BYTES !== undefined && { images: v.CACHE_IMAGES_BYTES }),
      ...(v.CACHE_SEARCHES_BYTES !== undefined && { searches: v.CACHE_SEARCHES_BYTES }),
    }),
  });
}
