import type { Kysely } from 'kysely';
import type { TextCache } from '../caches';
import type { Database } from '../db/database';
import { ignoringOf } from '../members/ignores.repository';
import { type Board, getBoard } from '../boards/boards.service';
import type { Variant } from '../text/convert';
import { localizedTitles, shownName, shownOn, textIn } from '../text/localize';
import type { SourceVariant } from '../variants';
import { type HotClosing, type HotRow, type HotUnit, closeHotDays, findHotThreads } from './posts.hot.repository';

/**
 * Hot threads (十大): the threads the site, or one board, is talking about today and this week.
 *
 * A thread's heat is the number of distinct members who replied to it in the window, each counted
 * once however often they replied, with its starter counting a quarter (STARTER_WEIGHT): a member
 * bumping their own thread fifty times earns it a quarter. Threads of equal heat are ordered by
 * their reads (threads.read_count, server/reads/), then by their latest follow-up. The read count
 * is the thread's whole life, as its page shows it: weighed against the window's repliers it would
 * let an old, much-read thread with one follow-up today outrank today's discussion, so it orders
 * threads of equal heat instead. "Today" starts at midnight and "this week" on Monday at midnight,
 * in the display time zone (TZ_DISPLAY). Deleted and held follow-ups never count; locked threads
 * and deleted roots are left out (posts.hot.repository.ts).
 *
 * This week's list adds today's follow-ups to the week's ended days, summed up once by the
 * `hot:close` job (closeHotWeek, tables hot_closed*), rather than reading every follow-up of the
 * week each time.
 *
 * Two ways in: `hotThreads` computes one list from the database (posts_hot_idx, two statements),
 * for callers that want it now (feeds); `createHotLists` keeps each period's lists for every board
 * at once in memory, for pages and live updates: recomputed when a thread event says something
 * changed (at most once per `refreshMs`), when the window rolls over, and at least every
 * HOT_MAX_AGE_MS.
 */

/** The job's name in the jobs table and the logs. */
export const HOT_CLOSE_JOB = 'hot:close';
/** How often the `hot:close` job looks whether the week's closed days need summing up again. */
export const HOT_CLOSE_EVERY_MS = 5 * 60_000;
/**
 * How old the week's summed-up days may get before they are summed up again although the day has
 * not turned: how long a follow-up deleted, restored or approved on an earlier day of the week
 * may still count (or not) in the week's list.
 */
export const HOT_CLOSE_MAX_AGE = '1 hour';

/**
 * The `hot:close` job (server/main.ts, every HOT_CLOSE_EVERY_MS across processes): sums up the
 * current week's ended days (posts.hot.repository.ts closeHotDays) when the day has turned, or
 * the last summing up is older than HOT_CLOSE_MAX_AGE, so that a week's list only reads today's
 * follow-ups. The lists are right without it, only slower: they read what it has not summed up.
 */
export function closeHotWeek(db: Kysely<Database>, timeZone: string): Promise<HotClosing> {
  return closeHotDays(db, timeZone, HOT_CLOSE_MAX_AGE);
}

/** The windows a hot list covers. */
export type HotPeriod = 'today' | 'week';
export const HOT_PERIODS: readonly HotPeriod[] = ['today', 'week'];
const UNIT: Record<HotPeriod, HotUnit> = { today: 'day', week: 'week' };

/** Threads a hot list shows: the top ten (十大). */
export const HOT_LIST_SIZE = 10;
/**
 * Threads kept per board beyond the ten, so a reader who ignores the starters of a few of them
 * still sees ten (their lists are filtered after the ranking), and live updates can be filtered the
 * same way in the browser.
 */
export const HOT_KEEP = 20;
/** What the starter's own follow-ups in the window weigh, against 1 for each other member. */
export const STARTER_WEIGHT = 0.25;
/** The longest a kept list is used without being recomputed, even when nothing was heard (reads, renames). */
export const HOT_MAX_AGE_MS = 60_000;

/** A thread on a hot list. */
export interface HotThread {
  threadId: string;
  /** The thread's root as a title to show (converted like any list's titles: posts.variants.ts). */
  root: { id: string; revision: number; variant: SourceVariant; title: string; body: string; board_id: string };
  board: { id: string; slug: string; name: string };
  author: { id: string; name: string };
  /** Distinct members other than the starter who replied in the window. */
  repliers: number;
  /** Whether the starter replied in the window too. */
  starterReplied: boolean;
  /** repliers + STARTER_WEIGHT when the starter replied: what the list is ranked by. */
  heat: number;
  readCount: number;
  /** Follow-ups in the whole thread. */
  replyCount: number;
  /** The latest counted follow-up in the window. */
  lastReplyAt: Date;
}

/** A hot list: a period's threads, site-wide (board null) or of one board, hottest first. */
export interface HotList {
  period: HotPeriod;
  /** The window: from the start of today or this week, to the start of the next one (TZ_DISPLAY). */
  since: Date;
  until: Date;
  board: Pick<Board, 'id' | 'slug' | 'name'> | null;
  threads: HotThread[];
  /**
   * The names of the members the viewer ignores, whose threads were left out: the page hands them
   * to the browser module, which leaves them out of live updates too (rendered once for everyone).
   */
  ignored: readonly string[];
}

/** Every board's hottest threads of a period (up to HOT_KEEP each), as one query found them. */
export interface HotSnapshot {
  period: HotPeriod;
  since: Date;
  until: Date;
  /** In the site's order. */
  threads: HotThread[];
}

function toHotThread(r: HotRow): HotThread {
  return {
    threadId: r.thread_id,
    root: { id: r.thread_id, revision: r.revision, variant: r.variant, title: r.title, body: '', board_id: r.board_id },
    board: { id: r.board_id, slug: r.board_slug, name: r.board_name },
    author: { id: r.author_id, name: r.author_name },
    repliers: r.others,
    starterReplied: r.starter,
    heat: r.others + (r.starter ? STARTER_WEIGHT : 0),
    readCount: Number(r.read_count),
    replyCount: r.reply_count,
    lastReplyAt: r.last_reply_at,
  };
}

/** Reads a period's hottest threads (all boards, or one), HOT_KEEP per board. */
async function readSnapshot(db: Kysely<Database>, period: HotPeriod, timeZone: string, boardId?: string): Promise<HotSnapshot> {
  const { since, until, threads } = await findHotThreads(db, { unit: UNIT[period], timeZone, boardId, keep: HOT_KEEP });
  return { period, since, until, threads: threads.map(toHotThread) };
}

/** Who a list is for: the members they ignore have their threads left out. */
export type HotViewer = { id: string } | null | undefined;

/**
 * A snapshot's list for one scope and viewer: the board's threads (or all), without those started by
 * members the viewer ignores, up to `limit`.
 */
async function listOf(
  db: Kysely<Database>,
  snapshot: HotSnapshot,
  board: Pick<Board, 'id' | 'slug' | 'name'> | null,
  viewer: HotViewer,
  limit: number,
): Promise<HotList> {
  const ignoring = await ignoringOf(db, viewer ?? null);
  const threads = snapshot.threads
    .filter((t) => (board === null || t.board.id === board.id) && !ignoring?.ids.has(t.author.id))
    .slice(0, limit);
  return { period: snapshot.period, since: snapshot.since, until: snapshot.until, board, threads, ignored: ignoring?.names ?? [] };
}

/**
 * A hot list straight from the database: site-wide, or of the board with slug `board`; without the
 * threads of members `viewer` ignores; the first `limit` (HOT_LIST_SIZE unless given, at most
 * HOT_KEEP). Two short statements (the board's follow-ups of the window only, when a board is given), so
 * a caller that shows it rarely (a feed) needs no cache. An unknown board is a 404 (BoardNotFound).
 */
export async function hotThreads(
  db: Kysely<Database>,
  options: { board?: string | null; period: HotPeriod; timeZone: string; viewer?: HotViewer; limit?: number },
): Promise<HotList> {
  const board = options.board ? await getBoard(db, options.board) : null;
  const snapshot = await readSnapshot(db, options.period, options.timeZone, board?.id);
  return listOf(db, snapshot, board && { id: board.id, slug: board.slug, name: board.name }, options.viewer, limitOf(options.limit));
}

const limitOf = (limit: number | undefined) => Math.max(1, Math.min(HOT_KEEP, limit ?? HOT_LIST_SIZE));

/** Hot lists kept in memory, for pages and live updates (createHotLists). */
export interface HotLists {
  /** How soon after a change a list may be recomputed (HOT_REFRESH_SECONDS), in ms. */
  readonly refreshMs: number;
  /**
   * The list of a scope and period for a viewer, up to `limit` (HOT_LIST_SIZE unless given), from
   * the period's kept snapshot. `board` is a board the caller has read (getBoard), or null for
   * the whole site.
   */
  list(options: {
    board: Pick<Board, 'id' | 'slug' | 'name'> | null;
    period: HotPeriod;
    viewer?: HotViewer;
    limit?: number;
  }): Promise<HotList>;
  /** The period's snapshot, recomputed first when it is out of date and allowed to be (see above). */
  snapshot(period: HotPeriod): Promise<HotSnapshot>;
  /**
   * When the period's snapshot should be recomputed: in how many ms (0: on its next use), or
   * undefined while it is up to date. Live updates schedule their refresh by it.
   */
  dueIn(period: HotPeriod): number | undefined;
  /**
   * Something a hot list shows may have changed (a thread event or read counts heard from
   * PostgreSQL, after the change committed): the next use recomputes, no sooner than `refreshMs`
   * after the last computation.
   */
  changed(): void;
}

interface Kept {
  snapshot?: HotSnapshot;
  /** The change count the kept snapshot was started at: a later change makes it out of date. */
  version: number;
  startedAt: number;
  running?: Promise<HotSnapshot>;
}

/**
 * Hot lists for every board and the site, per period, in this process. One computation (posts.hot.repository.ts) makes a
 * period's lists for all boards at once (HOT_KEEP per board: the site's top ten are among them),
 * so the site's list and each board's cost one computation together. A kept snapshot is used
 * while nothing changed, its window has not ended and it is younger than HOT_MAX_AGE_MS. After a
 * change (`changed`, called by the realtime hub for each thread event and read count heard over
 * LISTEN, on every process) it is recomputed on its next use, but at most once per `refreshMs`:
 * in between, the one before is shown, so a busy forum costs each process one computation per
 * period every few seconds, however many readers and replies. Concurrent uses wait for one computation.
 */
export function createHotLists(db: Kysely<Database>, options: { timeZone: string; refreshMs: number; maxAgeMs?: number }): HotLists {
  const { timeZone, refreshMs } = options;
  const maxAgeMs = options.maxAgeMs ?? HOT_MAX_AGE_MS;
  const kept = new Map<HotPeriod, Kept>(HOT_PERIODS.map((p) => [p, { version: -1, startedAt: 0 }]));
  let version = 0;

  function dueIn(period: HotPeriod): number | undefined {
    const k = kept.get(period)!;
    const now = Date.now();
    const s = k.snapshot;
    if (!s || now >= s.until.getTime() || now - k.startedAt >= maxAgeMs) return 0;
    if (k.version === version) return undefined;
    // Changed, but computed too recently to compute again yet.
    return Math.max(0, k.startedAt + refreshMs - now);
  }

  function snapshot(period: HotPeriod): Promise<HotSnapshot> {
    const k = kept.get(period)!;
    if (k.snapshot && dueIn(period) !== 0) return Promise.resolve(k.snapshot);
    if (k.running) return k.running;
    const at = version;
    k.startedAt = Date.now();
    const running = readSnapshot(db, period, timeZone).then(
      (fresh) => {
        k.snapshot = fresh;
        k.version = at;
        return fresh;
      },
      (error: unknown) => {
        // Tried again on the next use, not after refreshMs.
        k.startedAt = 0;
        throw error;
      },
    );
    k.running = running;
    void running
      .finally(() => {
        if (k.running === running) k.running = undefined;
      })
      .catch(() => undefined);
    return running;
  }

  return {
    refreshMs,
    snapshot,
    dueIn,
    async list({ board, period, viewer, limit }) {
      return listOf(db, await snapshot(period), board, viewer, limitOf(limit));
    },
    changed() {
      version++;
    },
  };
}

/** A hot list in the reader's variant: its titles, as every list of threads converts them. */
export function hotInVariant(conversions: TextCache, list: HotList, variant: Variant | undefined): HotList {
  const roots = localizedTitles(
    conversions,
    list.threads.map((t) => t.root),
    variant,
  );
  // Starters' names as shownName gives them (已註銷用戶 in the reader's script), for the page, the JSON and live updates.
  // Boards' names by their glossaries, pins resolved, as the board's own page shows them.
  const named = <B extends { id: string; name: string }>(b: B): B => ({ ...b, name: textIn(shownOn(conversions, b.id), b.name, variant) });
  return {
    ...list,
    board: list.board && named(list.board),
    threads: list.threads.map((t, i) => ({
      ...t,
      root: roots[i]!,
      board: named(t.board),
      author: { ...t.author, name: shownName(t.author.name, variant) },
    })),
  };
}

/** A hot list as the JSON API and live updates present it. */
export function presentHot(list: HotList) {
  return {
    period: list.period,
    since: list.since.toISOString(),
    until: list.until.toISOString(),
    board: list.board && { slug: list.board.slug, name: list.board.name },
    threads: list.threads.map((t, i) => ({
      rank: i + 1,
      threadId: t.threadId,
      title: t.root.title,
      url: `/t/${t.threadId}`,
      board: { slug: t.board.slug, name: t.board.name },
      author: { name: t.author.name },
      repliers: t.repliers,
      starterReplied: t.starterReplied,
      heat: t.heat,
      readCount: t.readCount,
      replyCount: t.replyCount,
      lastReplyAt: t.lastReplyAt.toISOString(),
    })),
  };
}
