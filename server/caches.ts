import { LRUCache } from 'lru-cache';
import type { LineSpans } from './caches.lines';

export { LineSpans, type RenderedLine } from './caches.lines';

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

/**
 * The same string, made flat. V8 keeps a string built piece by piece (`out += …`, template
 * literals) as a rope: one node per piece, until something reads it by index. A rendered window
 * of 500 lines is a rope of thousands of nodes; kept in a cache for minutes, every one of them is
 * marked again by each full garbage collection (a heap snapshot of the soak's server held 121,000
 * rope nodes in the lines cache after 150 s, a tenth of every object in the heap). Reading one
 * character flattens the rope in place (one copy of the text); the collector then drops its nodes.
 */
export function flat<T extends string>(text: T): T {
  text.charCodeAt(0);
  return text;
}

/**
 * An LRU cache that counts its lookups, for the metrics' hit ratios (server/metrics/): each get()
 * is a hit or a miss, at the cost of one increment. The warm page cache counts its own instead
 * (`counted` false): a warm page is found by peeking, and the hits and misses that matter are the
 * pages served warm and the pages rendered to be kept (posts.pages.ts, posts.routes.ts).
 */
export class CountedCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> extends LRUCache<K, V> {
  hits = 0;
  misses = 0;

  constructor(
    options: LRUCache.Options<K, V, unknown>,
    private readonly counted = true,
  ) {
    super(options);
  }

  /** Keeps `value` under `key`, each made flat when it is a string (flat): entries live long. */
  override set(key: K, value: V | undefined, options?: LRUCache.SetOptions<K, V, unknown>): this {
    if (typeof key === 'string') flat(key);
    if (typeof value === 'string') flat(value);
    return super.set(key, value, options);
  }

  override get(key: K, options?: LRUCache.GetOptions<K, V, unknown>): V | undefined {
    const value = super.get(key, options);
    if (this.counted) {
      if (value === undefined) this.misses++;
      else this.hits++;
    }
    return value;
  }
}

/** The rendered windows of thread pages; `patched` counts the windows brought to a later version by a patch (posts.windows.cache.ts). */
export class LinesCache extends CountedCache<string, RenderedLines> {
  patched = 0;

  /** Keeps a window with its markup made flat (flat): a window is built by thousands of appends. */
  override set(key: string, value: RenderedLines | undefined, options?: LRUCache.SetOptions<string, RenderedLines, unknown>): this {
    if (value) flat(value.html);
    return super.set(key, value, options);
  }
}

/** A cache of strings: converted text, rendered HTML, slugs. */
export type TextCache = CountedCache<string, string>;

/**
 * What the conversion follows beyond its code, per board: the glossaries (text/glossary.ts
 * GlossaryBook), opaque here beneath text. `versionFor` goes into every key of converted text.
 */
export interface ConversionRulesSource {
  rulesFor(boardId: string | null | undefined): { readonly version: string } | undefined;
  versionFor(boardId: string | null | undefined): string;
  /** When any of them last changed (undefined: never), for a Last-Modified of converted text. */
  changedAt(): Date | undefined;
}

/** No glossary: conversion as the code alone does it. */
export const NO_RULES: ConversionRulesSource = { rulesFor: () => undefined, versionFor: () => 'g0', changedAt: () => undefined };

/**
 * The cache of converted titles and bodies, with the rules they are converted by (the app sets
 * them: app.ts), so that everything handed this cache converts by the same glossaries and keys
 * its entries by their version.
 */
export class ConversionCache extends CountedCache<string, string> {
  rules: ConversionRulesSource = NO_RULES;
}

/**
 * A rendered window of a thread's follow-up tree (markup the views built, safe to send), how many
 * lines it has, and where each line is in it, so what is personal (new marks, ignored members) can
 * be laid over the shared markup per reader without rendering it again (posts.windows.lines.ts).
 */
export interface RenderedLines {
  html: string;
  count: number;
  /** Its lines, packed (caches.lines.ts). */
  spans: LineSpans;
  /**
   * Where a follow-up to the page's post would go (before the tree's closing tag), when the window
   * ends its subtree; undefined when more windows follow. The thread page lays its reader's own held
   * posts there (posts.windows.lines.ts).
   */
  end?: number;
  /**
   * What a later version of the thread patches this window from instead of rendering it again
   * (posts.windows.patch.ts); none: it is never patched.
   */
  layout?: WindowLayout;
  /**
   * The thread's seq an entry shows that is replaced rather than patched: a board page's tree of
   * one thread (posts.index.cache.ts). Windows keep theirs in `layout`.
   */
  seq?: number;
}

/** How a rendered window was laid out, and at which version of its thread (posts.windows.patch.ts). */
export interface WindowLayout {
  /** The thread's seq the window shows. */
  seq: number;
  /** The page's post, its depth, and where the window starts ('' for the first: posts.windows.ts WindowVersion). */
  postId: string;
  baseDepth: number;
  start: string;
  /** Lines a window holds at most, and the levels it nests below the page's post. */
  size: number;
  depthCap: number;
  /** The address of the next window, when one follows. */
  next: string | null;
  /** The lines above the first one (its ancestors), with their offsets in the markup. */
  context: { id: string; depth: number; start: number; end: number }[];
}

/** Every cache an app keeps. */
export interface Caches {
  /**
   * Converted titles and bodies per (post, revision, variant, conversion-rules version):
   * text/localize.ts. An edit raises the revision and a glossary change the rules version, so a
   * stale conversion is never served and simply ages out.
   */
  conversions: ConversionCache;
  /**
   * Rendered follow-up windows of thread pages per (post, window start, variant, whether deleted
   * posts are shown, link prefix, time zone, conversion rules), each at the thread seq it shows:
   * a later version patches it from the thread's events (posts.windows.cache.ts). Beside them, the
   * first lines of each thread as board pages show them, per (thread, the same flavours), at the
   * seq they show (posts.index.cache.ts).
   */
  lines: LinesCache;
  /** Rendered pairs of versions on revision pages (moderation.diff.ts). */
  diffs: TextCache;
  /**
   * Whole thread pages as an anonymous reader with nothing personal on them gets them, and the
   * JSON API's answers for a post's subtree as anonymous readers get them, with their compressed
   * forms (posts.pages.ts), per (address, variant, prefix, seen flavour).
   */
  pages: CountedCache<string, CachedPage>;
  /** What this process knows of each thread's version, kept true by LISTEN (ThreadStates below). */
  threads: ThreadStates;
  /**
   * The bytes of uploaded images and avatars most asked for, by content hash
   * (uploads.service.ts findServed). Bytes under a hash never change, so an entry is never stale;
   * whether an image may still be served (a moderator's purge) is read from the database on
   * every request, never from here.
   */
  images: CountedCache<string, Buffer>;
  /** Searches' candidates, each checked again where posts changed since (SearchHits below). */
  searches: SearchHits;
}

/**
 * A whole page, rendered for a reader with nothing personal on it, and the version it is of: it is
 * sent again only while the thread is still at that version (ThreadStates), so it is never stale.
 * Its brotli and gzip forms are made once, when first asked for (posts.pages.ts).
 */
export interface CachedPage {
  /** The post whose page it is (its address names it). */
  postId: string;
  threadId: string;
  seq: number;
  readCount: number;
  /** The thread's board, and the conversion-rules version its text was converted by (the glossaries'). */
  boardId: string;
  rules: string;
  /** The page's entity tag (http/conditional.ts), as the full path computed it. */
  etag: string;
  /**
   * A thread page ('page': HTML; a visit counts as a read) or a post's subtree as the JSON API
   * answers it ('json': GET /api/posts/:id; no read counted, no seen cookie).
   */
  kind: 'page' | 'json';
  /** A thread's own page (its root's): a visit records the reader's position (the seen cookie). */
  root: boolean;
  /**
   * The headers the full path had set on the answer when it kept the page (security headers,
   * Vary, Cache-Control…), less those made per request or per encoding: a kept page is sent with
   * them again (posts.pages.ts keepableHeaders).
   */
  headers: Readonly<Record<string, string | string[] | number>>;
  /** The HTML, UTF-8. */
  identity: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  /** Compressions under way (posts.pages.ts), so readers arriving together wait for one. */
  encoding?: Partial<Record<'br' | 'gzip', Promise<Buffer>>>;
}

/** A thread's version as a page shows it: its seq (every change raises it) and its read count. */
export interface ThreadFacts {
  seq: number;
  readCount: number;
}

/**
 * What a process knows only while its LISTEN connection is up (realtime.hub.ts): when the
 * connection drops, a notification may be lost, so everything is forgotten and nothing is known
 * until it is back. `generation` changes at each drop, return and `forget`: a request takes it
 * before reading and gives it back with what it read, which is not learnt if it changed meanwhile.
 */
abstract class KnownWhileListening {
  protected up = false;
  protected gen = 0;

  /** Whether the LISTEN connection is up, so what is known can be trusted. */
  get listening(): boolean {
    return this.up;
  }

  /** Changes whenever the link goes down or comes up: take it before reading, give it to learn. */
  get generation(): number {
    return this.gen;
  }

  /** The LISTEN connection is up (again): start learning afresh. */
  linkUp(): void {
    this.forget();
    this.up = true;
  }

  /** The LISTEN connection dropped: notifications may be lost, so nothing is known any more. */
  linkLost(): void {
    this.up = false;
    this.forget();
  }

  /** Forgets everything known, and what requests reading now would teach. */
  protected forget(): void {
    this.drop();
    this.gen++;
  }

  /** Empties what is kept. */
  protected abstract drop(): void;
}

/**
 * What this process knows of each thread's version, so a warm page can be served without asking
 * the database. Learnt from what requests read (learn), and kept true by the LISTEN connection
 * every process has (realtime.hub.ts): each thread event raises a seq (heard), each read-count
 * flush raises counts (counted). Both only ever go up, so an answer read before a notification
 * and learnt after it never takes a thread back. Trusted only while the LISTEN connection is up
 * (KnownWhileListening).
 */
export class ThreadStates extends KnownWhileListening {
  private readonly known: LRUCache<string, ThreadFacts>;

  constructor(maxBytes: number) {
    super();
    // The key, the facts' object (two numbers) and the entry.
    this.known = new LRUCache<string, ThreadFacts>({
      maxSize: maxBytes,
      sizeCalculation: (_v, key) => key.length * 2 + 32 + LRU_ENTRY_BYTES,
    });
  }

  /** Counts for cacheStats. */
  get cache(): LRUCache<string, ThreadFacts> {
    return this.known;
  }

  /** The thread's version, when this process is sure of it; undefined: ask the database. */
  get(threadId: string): ThreadFacts | undefined {
    return this.up ? this.known.get(threadId) : undefined;
  }

  /** What a request read from the database (its generation taken before the read). */
  learn(threadId: string, facts: ThreadFacts, generation: number): void {
    if (!this.up || generation !== this.gen) return;
    const now = this.known.get(threadId);
    this.known.set(threadId, now ? { seq: Math.max(now.seq, facts.seq), readCount: Math.max(now.readCount, facts.readCount) } : facts);
  }

  /**
   * A thread event was announced: the thread is at `seq` at least. A thread not known yet keeps
   * it as a floor (its count unknown: 0), so a request that read the thread before the event and
   * learns after it cannot make an older version known (learn takes the higher of each).
   */
  heard(threadId: string, seq: number): void {
    const now = this.known.get(threadId);
    if (!now || now.seq < seq) this.known.set(threadId, { seq, readCount: now?.readCount ?? 0 });
  }

  /** A flush counted reads: the thread's count is `readCount` at least (a floor, as heard keeps one). */
  counted(threadId: string, readCount: number): void {
    const now = this.known.get(threadId);
    if (!now || now.readCount < readCount) this.known.set(threadId, { seq: now?.seq ?? 0, readCount });
  }

  protected drop(): void {
    this.known.clear();
  }
}

/**
 * The candidates of one search (search.repository.ts findHits): the newest posts that matched, newest
 * first, each with when it was written and whether its title matched (what ranking needs), and
 * whether the search stopped at its cap (older matches then exist beyond the last one).
 */
export interface SearchCandidates {
  /** Post ids, newest first (safe integers: an id beyond them is never kept). */
  ids: Float64Array;
  /** When each was written, ms since the epoch. */
  createdAt: Float64Array;
  /** 1 where the title matched. */
  inTitle: Uint8Array;
  /** The search stopped at its cap: more matched than these. */
  capped: boolean;
}

/** A kept search, as of the change mark it was read at (SearchHits.mark) and when. */
interface KeptSearch {
  candidates: SearchCandidates;
  mark: number;
  at: number;
}

/** Post changes remembered, newest last: a kept search older than this many changes is read again whole. */
const CHANGES_KEPT = 4096;
/** A kept search is read again whole after this long, whatever was heard (a change nobody announced: a reindex). */
const SEARCH_MAX_AGE_MS = 60_000;
/** This process's own change is checked by every search until its announcement comes back, or this long (rolled back). */
const OWN_CHANGE_MS = 30_000;
/** Own changes remembered at most (past this, the expired ones are dropped as each is written). */
const OWN_CHANGES_KEPT = 1024;

/**
 * Searches' candidates kept per query and filters, and true to the post: every thread event names
 * its post, and each is heard here, from this process's statements as they are made (wrote) and
 * from every process over LISTEN (heard). A search kept here is used again with only the posts
 * changed since it was read checked again (search.repository.ts), one statement for a handful
 * of posts instead of reading its matches again: so a search for a common word costs what the
 * forum changed since it was last asked, not what the word matches.
 *
 * Trusted only while the LISTEN connection is up (KnownWhileListening); read again whole past
 * CHANGES_KEPT changes or SEARCH_MAX_AGE_MS, and at once when a board changes (`clear`: an
 * archived board leaves site-wide searches) or a change names no post (an older process).
 */
export class SearchHits extends KnownWhileListening {
  private readonly kept: CountedCache<string, KeptSearch>;
  private readonly changes: string[] = [];
  private heardCount = 0;
  /** This process's changes not yet heard back: the post, its thread event's seq, when written. */
  private readonly own = new Map<string, { seq: number; at: number }>();

  constructor(maxBytes: number) {
    super();
    this.kept = new CountedCache<string, KeptSearch>({
      maxSize: maxBytes,
      sizeCalculation: (v, key) => key.length * 2 + v.candidates.ids.length * 17 + 300,
    });
  }

  /** Counts for cacheStats. */
  get cache(): CountedCache<string, KeptSearch> {
    return this.kept;
  }

  /** Where the changes heard stand, and the link's generation: take both before reading, give them to keep. */
  mark(): { mark: number; generation: number } {
    return { mark: this.heardCount, generation: this.gen };
  }

  /**
   * A kept search, the posts changed since it was read, and when it was first read whole (`readAt`:
   * give it back to keep with what is checked again); undefined: read it whole.
   */
  find(key: string, now = Date.now()): { candidates: SearchCandidates; changed: string[]; readAt: number } | undefined {
    if (!this.up) return undefined;
    const kept = this.kept.get(key);
    if (!kept) return undefined;
    if (now - kept.at > SEARCH_MAX_AGE_MS || this.heardCount - kept.mark > CHANGES_KEPT) {
      this.kept.delete(key);
      return undefined;
    }
    const changed = new Set<string>();
    for (let i = kept.mark; i < this.heardCount; i++) changed.add(this.changes[i % CHANGES_KEPT]!);
    for (const [postId, { at }] of this.own) {
      if (now - at > OWN_CHANGE_MS) this.own.delete(postId);
      else changed.add(postId);
    }
    return { candidates: kept.candidates, changed: [...changed], readAt: kept.at };
  }

  /**
   * Keeps what a search read, as of the mark taken before it read (unless the link dropped
   * meanwhile), first read whole at `readAt` (now, or find's for one checked again).
   */
  keep(key: string, candidates: SearchCandidates, taken: { mark: number; generation: number }, readAt = Date.now()): void {
    if (!this.up || taken.generation !== this.gen) return;
    // A search read earlier than the one kept is older news.
    if ((this.kept.peek(key)?.mark ?? -1) > taken.mark) return;
    this.kept.set(key, { candidates, mark: taken.mark, at: readAt });
  }

  /** This process changed a post, as its thread's event `seq` (its statement is made, not yet committed). */
  wrote(postId: string, seq: number, now = Date.now()): void {
    if (this.own.size >= OWN_CHANGES_KEPT) {
      for (const [id, { at }] of this.own) if (now - at > OWN_CHANGE_MS) this.own.delete(id);
      // Still full: the oldest goes (Map keeps insertion order); it is heard over LISTEN anyway.
      if (this.own.size >= OWN_CHANGES_KEPT) this.own.delete(this.own.keys().next().value!);
    }
    this.own.set(postId, { seq, at: now });
  }

  /**
   * A change was announced (committed): the post and its thread event's seq; `postId` undefined:
   * which post is unknown. This process's own change of the post is heard back once its seq is.
   */
  heard(postId: string | undefined, seq = 0): void {
    if (postId === undefined) return this.clear();
    this.changes[this.heardCount % CHANGES_KEPT] = postId;
    this.heardCount++;
    const own = this.own.get(postId);
    if (own && own.seq <= seq) this.own.delete(postId);
  }

  /**
   * Forgets every kept search (a board changed, the index was rebuilt); a search reading meanwhile
   * is not kept either (it may have read before the change).
   */
  clear(): void {
    this.forget();
  }

  protected drop(): void {
    this.kept.clear();
  }
}

/** Upper bound of each cache, in bytes as the sizes count them (see above). */
export const CACHE_BYTES: Readonly<Record<keyof Caches, number>> = Object.freeze({
  conversions: 64 * 1024 * 1024,
  lines: 64 * 1024 * 1024,
  diffs: 32 * 1024 * 1024,
  pages: 48 * 1024 * 1024,
  threads: 4 * 1024 * 1024,
  images: 64 * 1024 * 1024,
  searches: 8 * 1024 * 1024,
});

/**
 * What an entry costs the heap beyond its key and value: lru-cache's slots for it (key, value,
 * next, previous, size) and its Map entry, measured at 130–150 bytes on Node 20 (a short title's
 * entry took 230 bytes of heap where its strings counted 94). Without it, a cache of short
 * entries at its bound held two to three times its bound (the soak's post-GC heap kept growing
 * with every cache full by its count).
 */
export const LRU_ENTRY_BYTES = 160;

const textBytes = (value: string, key: string) => (value.length + key.length) * 2 + LRU_ENTRY_BYTES;

// A little for the object and its count beside the markup, and each line's record.
const linesBytes = (value: RenderedLines, key: string) =>
  (value.html.length + key.length) * 2 +
  32 +
  LRU_ENTRY_BYTES +
  value.spans.bytes +
  (value.layout ? 200 + value.layout.context.length * 80 : 0);

// A page's identity bytes and its compressed forms, as they are when it is (re)stored.
const pageBytes = (value: CachedPage, key: string) =>
  value.identity.length +
  (value.br?.length ?? 0) +
  (value.gzip?.length ?? 0) +
  key.length * 2 +
  value.etag.length * 2 +
  Object.entries(value.headers).reduce((sum, [name, v]) => sum + (name.length + String(v).length) * 2 + 40, 0) +
  200;

/** A fresh set of empty caches; `sizes` overrides bounds (tests use small ones). */
export function createCaches(sizes: Partial<Record<keyof Caches, number>> = {}): Caches {
  const max = { ...CACHE_BYTES, ...sizes };
  return {
    conversions: new ConversionCache({ maxSize: max.conversions, sizeCalculation: textBytes }),
    // A tree larger than a quarter of the bound is not kept: it would push out many smaller
    // threads to serve one page that is rebuilt on its next change anyway.
    lines: new LinesCache({ maxSize: max.lines, maxEntrySize: max.lines / 4, sizeCalculation: linesBytes }),
    diffs: new CountedCache<string, string>({ maxSize: max.diffs, sizeCalculation: textBytes }),
    // As for lines: a page larger than a quarter of the bound is rendered each time instead.
    pages: new CountedCache<string, CachedPage>({ maxSize: max.pages, maxEntrySize: max.pages / 4, sizeCalculation: pageBytes }, false),
    threads: new ThreadStates(max.threads),
    // An image larger than an eighth of the bound is read from storage each time.
    images: new CountedCache<string, Buffer>({
      maxSize: max.images,
      maxEntrySize: max.images / 8,
      sizeCalculation: (value, key) => value.length + key.length * 2 + 64,
    }),
    searches: new SearchHits(max.searches),
  };
}

/** How full one cache is (entries, and their calculated size against its bound), and its lookups since it was made. */
export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
}

/** How full each cache is (for tests, the bench and metrics). */
export function cacheStats(caches: Caches): Record<keyof Caches, CacheStats> {
  const of = (c: { size: number; calculatedSize: number; maxSize: number; hits?: number; misses?: number }): CacheStats => ({
    entries: c.size,
    bytes: c.calculatedSize,
    maxBytes: c.maxSize,
    hits: c.hits ?? 0,
    misses: c.misses ?? 0,
  });
  return {
    conversions: of(caches.conversions),
    lines: of(caches.lines),
    diffs: of(caches.diffs),
    pages: of(caches.pages),
    threads: of(caches.threads.cache),
    images: of(caches.images),
    searches: of(caches.searches.cache),
  };
}
