import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * This process's numbers, in Prometheus's text format (GET /metrics, metrics.routes.ts) and as
 * JSON for pages that show them (metricsSnapshot). One registry per process, as Prometheus sees
 * it: each process is scraped on its own (docs/deployment.md, "Metrics"), so nothing here is
 * shared between processes and no instance label is needed: Prometheus adds the target's own.
 *
 * What code counts is counted where it happens, with a call that costs a few nanoseconds
 * (countPost, countLoginFailure…); what something else already knows (the pool, the sockets, the
 * caches) is asked only when the numbers are read, through the sources watched below. Tests and
 * the bench make several apps in one process: their sources add up, as they would in the process.
 *
 * This module sits beneath every other (it imports nothing of Gentie's): the layers above call
 * it, never the other way round.
 */

/** The registry of this process: the metrics below and Node's own (process_*, nodejs_*). */
export const registry = new Registry();

/** Buckets of request times, in seconds: a warm page takes well under a millisecond, a big thread page tens. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every request answered, by method, route pattern (never the raw path) and status (metrics.http.ts). */
export const requestDuration = new Histogram({
  name: 'gentie_http_request_duration_seconds',
  help: 'Time from a request arriving to its answer being sent, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: REQUEST_BUCKETS,
  registers: [registry],
});

/** Posts written, by what they were: a thread, a follow-up, or one held for review. */
const posts = new Counter({
  name: 'gentie_posts_total',
  help: 'Posts written by this process: kind="thread" (a new thread), "reply" (a follow-up), "held" (held for review).',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const messages = new Counter({
  name: 'gentie_messages_total',
  help: '悄悄話 (private messages) sent through this process.',
  registers: [registry],
});

const loginFailures = new Counter({
  name: 'gentie_login_failures_total',
  help: 'Refused logins: reason="credentials" (wrong name or password), "limited" (too many tries).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

const eventsPublished = new Counter({
  name: 'gentie_thread_events_published_total',
  help: 'Thread events this process wrote (announced to every process on commit), by kind.',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const eventsHeard = new Counter({
  name: 'gentie_thread_events_heard_total',
  help: 'Thread events announced to this process over its LISTEN connection (written by any process).',
  registers: [registry],
});

const eventsDelivered = new Counter({
  name: 'gentie_thread_events_delivered_total',
  help: "Thread events this process sent to its live readers' rooms (once per event, however many readers), by kind.",
  labelNames: ['kind'] as const,
  registers: [registry],
});

const eventLag = new Histogram({
  name: 'gentie_thread_event_lag_seconds',
  help: "Time from a thread event's transaction to its delivery to this process's live readers.",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

const queryDuration = new Histogram({
  name: 'gentie_db_query_duration_seconds',
  help: "Time of each statement the app's database pool ran, by outcome (ok or error).",
  labelNames: ['outcome'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
// Every statement is timed: its two children made once (as metrics.http.ts does for requests).
const queryOk = queryDuration.labels('ok');
const queryFailed = queryDuration.labels('error');

/** What a pg pool tells of itself (pg.Pool has these). */
export interface PoolSource {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly ended: boolean;
  readonly options: { max?: number };
}

/** What socket.io tells of its connections and rooms, as the realtime hub reads them. */
export interface SocketSource {
  /** Open connections. */
  connections(): number;
  /** Threads with at least one live reader on this process, and those readers (a socket per thread it follows). */
  threads(): { threads: number; readers: number };
}

/** One cache's lookups and fill, as caches.ts cacheStats reports them. */
export interface CacheFigures {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

/** How to read an app's caches, by name (caches.ts cacheStats). */
export type CacheStatsOf<T> = (caches: T) => Record<string, CacheFigures>;

interface CacheSource {
  caches: WeakRef<object>;
  stats: CacheStatsOf<object>;
}

const pools = new Set<PoolSource>();
const sockets = new Set<SocketSource>();
// Weakly: an app that is gone (tests make many) stops being counted once collected.
const caches = new Set<CacheSource>();

/** Counts this pool's connections in gentie_db_pool_* until it ends. */
export function watchPool(pool: PoolSource): void {
  pools.add(pool);
}

/** Counts these sockets in gentie_socket_* and gentie_live_* until the returned function is called. */
export function watchSockets(source: SocketSource): () => void {
  sockets.add(source);
  return () => sockets.delete(source);
}

/** Counts an app's caches in gentie_cache_* while the app (which holds them) is alive. */
export function watchCaches<T extends object>(target: T, stats: CacheStatsOf<T>): void {
  caches.add({ caches: new WeakRef(target), stats: stats as CacheStatsOf<object> });
}

const livePools = () => {
  for (const pool of pools) if (pool.ended) pools.delete(pool);
  return [...pools];
};

const sum = <T>(items: T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);

new Gauge({
  name: 'gentie_db_pool_connections',
  help: 'Connections of the app\'s database pool: state="total" (open), "idle" (open, unused), "max" (its bound).',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const live = livePools();
    this.set(
      { state: 'total' },
      sum(live, (p) => p.totalCount),
    );
    this.set(
      { state: 'idle' },
      sum(live, (p) => p.idleCount),
    );
    this.set(
      { state: 'max' },
      sum(live, (p) => p.options.max ?? 10),
    );
  },
});

new Gauge({
  name: 'gentie_db_pool_waiting',
  help: "Queries waiting for a connection of the app's database pool (all in use).",
  registers: [registry],
  collect() {
    this.set(sum(livePools(), (p) => p.waitingCount));
  },
});

new Gauge({
  name: 'gentie_socket_connections',
  help: 'Open socket.io connections (live readers, whatever they follow) on this process.',
  registers: [registry],
  collect() {
    this.set(sum([...sockets], (s) => s.connections()));
  },
});

new Gauge({
  name: 'gentie_live_threads',
  help: 'Threads with at least one live reader on this process.',
  registers: [registry],
  collect() {
    this.set(sum([...sockets], (s) => s.threads().threads));
  },
});

new Gauge({
  name: 'gentie_live_thread_readers',
  help: 'Live readers of threads on this process (a socket counts once per thread it follows).',
  registers: [registry],
  collect() {
    this.set(sum([...sockets], (s) => s.threads().readers));
  },
});

/** Every watched app's caches, added up by cache name. */
function cacheTotals(): Map<string, CacheFigures> {
  const totals = new Map<string, CacheFigures>();
  for (const source of caches) {
    const target = source.caches.deref();
    if (!target) {
      caches.delete(source);
      continue;
    }
    for (const [name, f] of Object.entries(source.stats(target))) {
      const t = totals.get(name) ?? { hits: 0, misses: 0, entries: 0, bytes: 0, maxBytes: 0 };
      totals.set(name, {
        hits: t.hits + f.hits,
        misses: t.misses + f.misses,
        entries: t.entries + f.entries,
        bytes: t.bytes + f.bytes,
        maxBytes: t.maxBytes + f.maxBytes,
      });
    }
  }
  return totals;
}

// The caches count their own lookups (a plain increment on each); these read the counts when
// scraped. A counter has no set(): reset, then add the total.
new Counter({
  name: 'gentie_cache_lookups_total',
  help: 'Cache lookups by cache and result (hit or miss); hit ratio = hits / (hits + misses). pages: thread pages served warm (hit) or rendered and kept (miss).',
  labelNames: ['cache', 'result'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [cache, t] of cacheTotals()) {
      this.inc({ cache, result: 'hit' }, t.hits);
      this.inc({ cache, result: 'miss' }, t.misses);
    }
  },
});

new Gauge({
  name: 'gentie_cache_bytes',
  help: 'Size of each cache as it counts it, in bytes; bound="max" is its bound.',
  labelNames: ['cache', 'bound'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [cache, t] of cacheTotals()) {
      this.set({ cache, bound: 'used' }, t.bytes);
      this.set({ cache, bound: 'max' }, t.maxBytes);
    }
  },
});

new Gauge({
  name: 'gentie_cache_entries',
  help: 'Entries in each cache.',
  labelNames: ['cache'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [cache, t] of cacheTotals()) this.set({ cache }, t.entries);
  },
});

/** A thread or follow-up was written (kind thread/reply) or held for review (held). */
export function countPost(kind: 'thread' | 'reply' | 'held'): void {
  posts.inc({ kind });
}

/** A 悄悄話 was sent. */
export function countMessage(): void {
  messages.inc();
}

/** A login was refused: wrong name or password, or too many tries. */
export function countLoginFailure(reason: 'credentials' | 'limited'): void {
  loginFailures.inc({ reason });
}

/** This process wrote a thread event of this kind (counted as the statement is made). */
export function countEventPublished(kind: string): void {
  eventsPublished.inc({ kind });
}

/** A thread event's announcement arrived over LISTEN. */
export function countEventHeard(): void {
  eventsHeard.inc();
}

/** A thread event written at `at` went out to this process's live readers now. */
export function countEventDelivered(kind: string, at: Date | undefined): void {
  eventsDelivered.inc({ kind });
  // The database's clock against ours: on one machine the same; a negative lag is a skew, not a lag.
  if (at) eventLag.observe(Math.max(0, (Date.now() - at.getTime()) / 1000));
}

/** A statement took `ms` milliseconds (kysely's log, db/connect.ts). */
export function observeQuery(ms: number, ok: boolean): void {
  (ok ? queryOk : queryFailed).observe(ms / 1000);
}

// The heap as the last full collection left it: what is alive, without the garbage that
// nodejs_heap_size_used_bytes also counts between collections (it saws up and down with every
// request). A leak shows as this floor rising; the soak (bench/soak.ts) and /admin/metrics read it.
// Before the first full collection, the last collection of any kind.
let heapAfterGc = NaN;
let sawMajorGc = false;

new Gauge({
  name: 'gentie_heap_after_gc_bytes',
  help: 'V8 heap in use just after the last full garbage collection (before the first one: after the last of any kind).',
  registers: [registry],
  collect() {
    if (!Number.isNaN(heapAfterGc)) this.set(heapAfterGc);
  },
});

/** Notes the heap in use after each collection (the observer runs just after it, before much is allocated). */
function watchGarbageCollections(): void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      const major = kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR;
      // The heap's own statistics, not process.memoryUsage(): that reads the resident set from
      // /proc as well, a system call after every collection (a few ms each on a busy machine,
      // many times a second while uploads allocate; docs/performance.md "Uploads").
      if (major || !sawMajorGc) heapAfterGc = getHeapStatistics().used_heap_size;
      if (major) sawMajorGc = true;
    }
  });
  // It holds no handle: a process with no other work still exits (prom-client watches gc the same way).
  observer.observe({ entryTypes: ['gc'] });
}

let defaults = false;

/**
 * Node's own metrics (CPU, memory, heap, event-loop delay, GC, handles), and the heap after a
 * full collection, started once per process by the first app: they keep a small event-loop
 * monitor running.
 */
export function collectProcessMetrics(): void {
  if (defaults) return;
  defaults = true;
  collectDefaultMetrics({ register: registry });
  watchGarbageCollections();
}

/** The metrics in Prometheus's text format, and its content type. */
export async function metricsText(): Promise<{ contentType: string; text: string }> {
  return { contentType: registry.contentType, text: await registry.metrics() };
}

/** The same numbers as JSON (prom-client's form), for a page that shows them at a glance. */
export function metricsSnapshot() {
  return registry.getMetricsAsJSON();
}
