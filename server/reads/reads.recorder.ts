import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isbot } from 'isbot';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { type CountedView, countViews, findReadKey } from './reads.repository';

/**
 * Read counts: how many times each thread was read, as the source boards show "(N reads)".
 *
 * A page view never writes to the database. `record` is synchronous and only touches this
 * process's memory: it drops what is not a read, remembers the rest in a pending batch, and
 * returns. The job runner calls `flush` every READ_FLUSH_MS (main.ts), and once more on shutdown,
 * and the flush counts the whole batch in one transaction (reads.repository.ts countViews). So a
 * count is behind by at most an interval, a page never waits on counting, and a database that is
 * away makes counting late, never a page slow or failed.
 *
 * What counts, once per reader per thread per hour:
 *
 * - A reader is the member when logged in, else the client address (express's req.ip, which
 *   believes X-Forwarded-For only from the proxies TRUST_PROXY names) with the user agent: people
 *   behind one address with different browsers are different readers. Readers are stored only as
 *   an HMAC under the site's read key (the read_key table), never as a member id or an address.
 * - Within a process, a reader's repeated views of a post are dropped at once (`seen`, one hour,
 *   bounded); across processes, and across the posts of one thread, the flush decides exactly
 *   from the thread_views table.
 * - The thread starter's own views are not counted (decided in the flush, which knows the starter
 *   of the thread the post is in).
 * - Obvious bots are not counted: the user agents the `isbot` package lists (crawlers, HTTP
 *   libraries, monitors, and headless browsers, HeadlessChrome among them: they are scrapers and
 *   prerenderers, or our own browser tests, never a person reading), and requests without a user
 *   agent, which no browser sends.
 * - HEAD is not a read; a 304 is (a browser checking its copy is a reader reading again).
 *
 * Memory is bounded: at most `maxSeen` remembered views and `maxPending` views waiting for a flush.
 * Past that, while the database is away, new views are dropped, not queued without end: counts are
 * approximate by design. A failed flush puts its views back for the next one.
 */
export interface ReadRecorder {
  /** Notes a view of `/t/:postId` by the reader of `req`; never throws, never waits. */
  record(postId: string, req: ReadRequest): void;
  /** Counts the pending views in the database; resolves with how many counted. Flushes never overlap. */
  flush(): Promise<number>;
  /** What the recorder holds, for tests and metrics. */
  stats(): ReadStats;
}

/** The parts of a request that say who reads (an express Request has them). */
export interface ReadRequest {
  method: string;
  /** The client address, as express's trust proxy setting has it. */
  ip?: string | undefined;
  headers: IncomingHttpHeaders;
  member?: { id: string } | null | undefined;
}

/** How full the recorder is. */
export interface ReadStats {
  /** Views waiting for the next flush. */
  pending: number;
  /** Views remembered for the hour, to drop repeats in this process. */
  seen: number;
  /** Views dropped because the pending batch was full, since the recorder started. */
  dropped: number;
}

/** Bounds of a recorder (tests make them small). */
export interface ReadRecorderOptions {
  /** Most views waiting for a flush (default 20,000: about 10 MB). */
  maxPending?: number;
  /** Most views remembered for the hour (default 50,000: about 10 MB). */
  maxSeen?: number;
  /** Largest batch counted in one transaction (default 1,000): a long outage's backlog goes in steps. */
  batch?: number;
  /**
   * Told each thread's count once a flush has committed it: this process's kept pages show the
   * new count at once (caches.ts ThreadStates.counted), without waiting for the NOTIFY every
   * process hears (realtime.hub.ts).
   */
  counted?: (threadId: string, readCount: number) => void;
}

const HOUR_MS = 3_600_000;
/** The user agent's first characters identify a reader well enough; a longer one costs memory only. */
const AGENT_CHARS = 256;

interface PendingView {
  postId: string;
  memberId: string | null;
  /** Who reads, in clear: hashed under the site's key at the flush (the key is read from the database). */
  who: string;
  at: Date;
}

/** A recorder that counts into `db`. */
export function createReadRecorder(db: Kysely<Database>, options: ReadRecorderOptions = {}): ReadRecorder {
  const maxPending = options.maxPending ?? 20_000;
  const batchSize = options.batch ?? 1_000;
  // Repeats are recognised in memory by a hash under a key of this process's own: the clear
  // reader is kept only while its view waits for a flush.
  const localKey = randomBytes(32);
  const seen = new LRUCache<string, true>({ max: options.maxSeen ?? 50_000, ttl: HOUR_MS });
  let pending = new Map<string, PendingView>();
  let dropped = 0;
  let siteKey: Buffer | undefined;
  let running: Promise<number> | undefined;

  /** Puts views that could not be counted back in front of those recorded since, within the bound. */
  function putBack(views: Array<[string, PendingView]>): void {
    const merged = new Map(views);
    for (const [key, view] of pending) if (!merged.has(key)) merged.set(key, view);
    pending = new Map();
    for (const [key, view] of merged) {
      if (pending.size < maxPending) pending.set(key, view);
      else {
        // Forgotten too, so the reader's next view is recorded again.
        seen.delete(key);
        dropped++;
      }
    }
  }

  async function flushOnce(): Promise<number> {
    const views = [...pending];
    pending = new Map();
    let counted = 0;
    for (let i = 0; i < views.length; i += batchSize) {
      try {
        siteKey ??= await findReadKey(db);
        const key = siteKey;
        const batch = await countViews(
          db,
          views.slice(i, i + batchSize).map(([, v]): CountedView => ({
            postId: v.postId,
            memberId: v.memberId,
            reader: readerHash(key, v.who),
            readAt: v.at,
          })),
        );
        counted += batch.counted;
        for (const { threadId, readCount } of batch.counts) options.counted?.(threadId, readCount);
      } catch (error) {
        putBack(views.slice(i));
        throw error;
      }
    }
    return counted;
  }

  return {
    record(postId, req) {
      if (req.method !== 'GET' || !isId(postId)) return;
      const agent = req.headers['user-agent'];
      if (!agent || isbot(agent)) return;
      const memberId = req.member?.id ?? null;
      const who = memberId ? `m:${memberId}` : `a:${req.ip ?? ''}\n${agent.slice(0, AGENT_CHARS)}`;
      const key = `${postId}:${createHmac('sha256', localKey).update(who).digest('base64url').slice(0, 22)}`;
      if (seen.has(key)) return;
      if (pending.size >= maxPending) {
        dropped++;
        return;
      }
      seen.set(key, true);
      pending.set(key, { postId, memberId, who, at: new Date() });
    },
    async flush() {
      // One flush at a time: a second caller (shutdown while the timer's flush runs) waits, then
      // flushes what was recorded since.
      while (running) await running.catch(() => undefined);
      if (pending.size === 0) return 0;
      running = flushOnce();
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },
    stats: () => ({ pending: pending.size, seen: seen.size, dropped }),
  };
}

/** The reader as stored: 16 bytes of an HMAC under the site's read key. */
function readerHash(key: Buffer, who: string): Buffer {
  return createHmac('sha256', key).update(who).digest().subarray(0, 16);
}
