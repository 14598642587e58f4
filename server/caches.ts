import { LRUCache } from 'lru-cache';

/**
 * The app's in-memory caches, each bounded by bytes. `createApp` makes one set per app (main.ts
 * hands the same set to the realtime hub), and passes each cache to what uses it: two apps in one
 * process (tests, the bench) never share an entry, and nothing is cached at module level.
 *
 * This module sits beneath every other (it imports nothing of Gentie's); features know their
 * cache by its type here, never by reaching into another feature.
 *
 * Bounded by bytes, not entries: a title is a few dozen bytes and a rendered tree of 10,000
 * follow-ups several megabytes, so a bound by count would let a few large entries take as much
 * memory as a hundred thousand small ones. JavaScript strings are UTF-16 in memory (Latin-1 ones
 * half that): two bytes per code unit of key and value is the upper bound the sizes count.
 */

/** A cache of strings: converted text, rendered HTML, slugs. */
export type TextCache = LRUCache<string, string>;

/**
 * A rendered window of a thread's follow-up tree (markup the views built, safe to send), how many
 * lines it has, and where each line is in it, so what is personal (new marks, ignored members) can
 * be laid over the shared markup per reader without rendering it again (posts.windows.lines.ts).
 */
export interface RenderedLines {
  html: string;
  count: number;
  spans: RenderedLine[];
}

/** One line of a rendered window: its post and author, and its offsets in the markup. */
export interface RenderedLine {
  id: string;
  authorId: string;
  author: string;
  /** The line's <span class="line"> starts here, its opening tag ends at `open`, and it ends before `end`. */
  start: number;
  open: number;
  end: number;
}

/** Every cache an app keeps. */
export interface Caches {
  /**
   * Converted titles and bodies per (post, revision, variant): text/localize.ts. An edit raises
   * the revision, so a stale conversion is never served and simply ages out.
   */
  conversions: TextCache;
  /**
   * Rendered follow-up trees of thread pages per (post, thread seq, variant, whether deleted posts
   * are shown, link prefix): posts.routes.ts. Every change to a thread raises its seq.
   */
  lines: LRUCache<string, RenderedLines>;
  /** Rendered pairs of versions on revision pages (moderation.diff.ts). */
  diffs: TextCache;
}

/** Upper bound of each cache, in bytes as the sizes count them (see above). */
export const CACHE_BYTES: Readonly<Record<keyof Caches, number>> = Object.freeze({
  conversions: 64 * 1024 * 1024,
  lines: 64 * 1024 * 1024,
  diffs: 32 * 1024 * 1024,
});

const textBytes = (value: string, key: string) => (value.length + key.length) * 2;

// A little for the object and its count beside the markup, and each line's record.
const linesBytes = (value: RenderedLines, key: string) => (value.html.length + key.length) * 2 + 32 + value.spans.length * 120;

/** A fresh set of empty caches; `sizes` overrides bounds (tests use small ones). */
export function createCaches(sizes: Partial<Record<keyof Caches, number>> = {}): Caches {
  const max = { ...CACHE_BYTES, ...sizes };
  return {
    conversions: new LRUCache<string, string>({ maxSize: max.conversions, sizeCalculation: textBytes }),
    // A tree larger than a quarter of the bound is not kept: it would push out many smaller
    // threads to serve one page that is rebuilt on its next change anyway.
    lines: new LRUCache<string, RenderedLines>({ maxSize: max.lines, maxEntrySize: max.lines / 4, sizeCalculation: linesBytes }),
    diffs: new LRUCache<string, string>({ maxSize: max.diffs, sizeCalculation: textBytes }),
  };
}

/** How full one cache is: entries, and their calculated size against its bound. */
export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
}

/** How full each cache is (for tests, the bench and metrics). */
export function cacheStats(caches: Caches): Record<keyof Caches, CacheStats> {
  const of = (c: { size: number; calculatedSize: number; maxSize: number }): CacheStats => ({
    entries: c.size,
    bytes: c.calculatedSize,
    maxBytes: c.maxSize,
  });
  return { conversions: of(caches.conversions), lines: of(caches.lines), diffs: of(caches.diffs) };
}
