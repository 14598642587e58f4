import { registry } from './metrics';

/**
 * A short history of this process's numbers, for /admin/metrics: every minute, what the registry's
 * counters and histograms gained since the minute before (requests per second and their p50/p99
 * by route, events, posts, messages, login failures, cache hit ratios) and what its gauges read
 * then (live readers, the pool, memory). Kept in memory, in this process only, for the last few
 * hours: a restart starts it afresh, and each process of a forum keeps its own (Prometheus, which
 * scrapes /metrics, is where a longer or summed history belongs; docs/operations.md).
 *
 * Quantiles come from the histograms' buckets, as Prometheus's histogram_quantile computes them:
 * linear within the bucket the rank falls in, so a p99 is as fine as the buckets around it.
 */

/** One minute (or whatever the interval) of the process, as /admin/metrics shows it. */
export interface MetricsSample {
  /** When the span ended. */
  at: Date;
  /** Length of the span, in seconds. */
  seconds: number;
  /** Every request answered in the span. */
  requests: RouteFigures;
  /** By route pattern, busiest first. */
  routes: (RouteFigures & { route: string })[];
  /** Open socket.io connections, live readers of threads (a socket per thread it follows), threads followed. */
  connections: number;
  liveReaders: number;
  liveThreads: number;
  /** Thread events delivered to this process's live readers, per minute, and their lag's p99 (ms). */
  eventsPerMinute: number;
  eventLagP99Ms: number | null;
  /** The database pool at the end of the span, and the p99 of its statements in the span (ms). */
  pool: { total: number; idle: number; max: number; waiting: number };
  queryP99Ms: number | null;
  /** Hit ratio of each cache in the span (null without lookups). */
  caches: { name: string; hitRatio: number | null; lookups: number }[];
  postsPerMinute: number;
  messagesPerMinute: number;
  loginFailuresPerMinute: number;
  /** Memory at the end of the span, in bytes, and the event loop's delay p99 (ms) as prom-client measures it. */
  rssBytes: number;
  heapUsedBytes: number;
  heapAfterGcBytes: number | null;
  eventLoopP99Ms: number | null;
}

/** Requests of a span: per second, quantiles in ms (null without requests), answers of 5xx. */
export interface RouteFigures {
  perSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  serverErrors: number;
}

/** A histogram's cumulative bucket counts, by upper bound (Infinity last), and its count. */
interface Buckets {
  bounds: number[];
  counts: number[];
  count: number;
}

/** The registry's cumulative numbers at one moment. */
export interface Reading {
  at: number;
  routes: Map<string, Buckets & { serverErrors: number }>;
  eventLag: Buckets;
  queries: Buckets;
  eventsDelivered: number;
  posts: number;
  messages: number;
  loginFailures: number;
  caches: Map<string, { hits: number; misses: number }>;
  gauges: Map<string, number>;
}

interface JsonValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}
interface JsonMetric {
  name: string;
  values: JsonValue[];
}

const emptyBuckets = (): Buckets => ({ bounds: [], counts: [], count: 0 });

/** Adds one `_bucket` or `_count` value of a histogram into `into` (labels other than le summed over). */
function addHistogramValue(into: Buckets, v: JsonValue): void {
  if (v.metricName?.endsWith('_count')) {
    into.count += v.value;
    return;
  }
  if (!v.metricName?.endsWith('_bucket')) return;
  const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
  let i = into.bounds.indexOf(le);
  if (i < 0) {
    // Buckets arrive in order of their bounds, the same for every series of a histogram.
    into.bounds.push(le);
    into.counts.push(0);
    i = into.bounds.length - 1;
  }
  into.counts[i]! += v.value;
}

const total = (m: JsonMetric | undefined) => (m ? m.values.reduce((t, v) => t + v.value, 0) : 0);

/** Reads the registry's numbers now. */
export async function readRegistry(): Promise<Reading> {
  const metrics = (await registry.getMetricsAsJSON()) as unknown as JsonMetric[];
  const byName = new Map(metrics.map((m) => [m.name, m]));
  const reading: Reading = {
    at: Date.now(),
    routes: new Map(),
    eventLag: emptyBuckets(),
    queries: emptyBuckets(),
    eventsDelivered: total(byName.get('gentie_thread_events_delivered_total')),
    posts: total(byName.get('gentie_posts_total')),
    messages: total(byName.get('gentie_messages_total')),
    loginFailures: total(byName.get('gentie_login_failures_total')),
    caches: new Map(),
    gauges: new Map(),
  };
  for (const v of byName.get('gentie_http_request_duration_seconds')?.values ?? []) {
    const route = String(v.labels.route);
    let r = reading.routes.get(route);
    if (!r) reading.routes.set(route, (r = { ...emptyBuckets(), serverErrors: 0 }));
    addHistogramValue(r, v);
    if (v.metricName?.endsWith('_count') && String(v.labels.status).startsWith('5')) r.serverErrors += v.value;
  }
  for (const v of byName.get('gentie_thread_event_lag_seconds')?.values ?? []) addHistogramValue(reading.eventLag, v);
  for (const v of byName.get('gentie_db_query_duration_seconds')?.values ?? []) addHistogramValue(reading.queries, v);
  for (const v of byName.get('gentie_cache_lookups_total')?.values ?? []) {
    const name = String(v.labels.cache);
    const c = reading.caches.get(name) ?? { hits: 0, misses: 0 };
    if (v.labels.result === 'hit') c.hits += v.value;
    else c.misses += v.value;
    reading.caches.set(name, c);
  }
  for (const v of byName.get('gentie_db_pool_connections')?.values ?? []) reading.gauges.set(`pool_${v.labels.state}`, v.value);
  const gauge = (name: string, key = name) => {
    const m = byName.get(name);
    if (m) reading.gauges.set(key, total(m));
  };
  gauge('gentie_db_pool_waiting', 'pool_waiting');
  gauge('gentie_socket_connections', 'connections');
  gauge('gentie_live_thread_readers', 'readers');
  gauge('gentie_live_threads', 'threads');
  gauge('process_resident_memory_bytes', 'rss');
  gauge('nodejs_heap_size_used_bytes', 'heapUsed');
  gauge('gentie_heap_after_gc_bytes', 'heapAfterGc');
  gauge('nodejs_eventloop_lag_p99_seconds', 'loopP99');
  return reading;
}

/**
 * The q-quantile (0…1) of the observations a histogram gained between `before` and `after`, in
 * the histogram's unit; null when it gained none. Linear within a bucket, as Prometheus does; a
 * rank in the last (unbounded) bucket answers the highest finite bound.
 */
export function bucketQuantile(before: Buckets | undefined, after: Buckets, q: number): number | null {
  const counts = after.bounds.map((bound, i) => {
    const j = before ? before.bounds.indexOf(bound) : -1;
    return after.counts[i]! - (j >= 0 ? before!.counts[j]! : 0);
  });
  const seen = counts.at(-1) ?? 0;
  if (seen <= 0) return null;
  const rank = q * seen;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! < rank) continue;
    const upper = after.bounds[i]!;
    const lower = i === 0 ? 0 : after.bounds[i - 1]!;
    if (upper === Infinity) return lower;
    const below = i === 0 ? 0 : counts[i - 1]!;
    const inBucket = counts[i]! - below;
    return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
  }
  return after.bounds.at(-2) ?? null;
}

const ms = (seconds: number | null) => (seconds === null ? null : seconds * 1000);

function routeFigures(before: (Buckets & { serverErrors: number }) | undefined, after: Buckets & { serverErrors: number }, span: number) {
  return {
    perSecond: (after.count - (before?.count ?? 0)) / span,
    p50Ms: ms(bucketQuantile(before, after, 0.5)),
    p99Ms: ms(bucketQuantile(before, after, 0.99)),
    serverErrors: after.serverErrors - (before?.serverErrors ?? 0),
  };
}

/** Every route's buckets added together (they share their bounds). */
function allRoutes(reading: Reading): Buckets & { serverErrors: number } {
  const sum = { ...emptyBuckets(), serverErrors: 0 };
  for (const r of reading.routes.values()) {
    sum.count += r.count;
    sum.serverErrors += r.serverErrors;
    r.bounds.forEach((bound, i) => {
      let j = sum.bounds.indexOf(bound);
      if (j < 0) {
        sum.bounds.push(bound);
        sum.counts.push(0);
        j = sum.bounds.length - 1;
      }
      sum.counts[j]! += r.counts[i]!;
    });
  }
  return sum;
}

/** What happened between two readings of the registry. */
export function sampleBetween(before: Reading, after: Reading): MetricsSample {
  const span = Math.max(0.001, (after.at - before.at) / 1000);
  const perMinute = (a: number, b: number) => ((a - b) / span) * 60;
  const g = (key: string) => after.gauges.get(key) ?? 0;
  const routes = [...after.routes]
    .map(([route, r]) => ({ route, ...routeFigures(before.routes.get(route), r, span) }))
    .filter((r) => r.perSecond > 0)
    .sort((a, b) => b.perSecond - a.perSecond || a.route.localeCompare(b.route));
  const loop = after.gauges.get('loopP99');
  const heapAfterGc = after.gauges.get('heapAfterGc');
  return {
    at: new Date(after.at),
    seconds: span,
    requests: routeFigures(allRoutes(before), allRoutes(after), span),
    routes,
    connections: g('connections'),
    liveReaders: g('readers'),
    liveThreads: g('threads'),
    eventsPerMinute: perMinute(after.eventsDelivered, before.eventsDelivered),
    eventLagP99Ms: ms(bucketQuantile(before.eventLag, after.eventLag, 0.99)),
    pool: { total: g('pool_total'), idle: g('pool_idle'), max: g('pool_max'), waiting: g('pool_waiting') },
    queryP99Ms: ms(bucketQuantile(before.queries, after.queries, 0.99)),
    caches: [...after.caches].map(([name, c]) => {
      const was = before.caches.get(name) ?? { hits: 0, misses: 0 };
      const hits = c.hits - was.hits;
      const lookups = hits + c.misses - was.misses;
      return { name, lookups, hitRatio: lookups > 0 ? hits / lookups : null };
    }),
    postsPerMinute: perMinute(after.posts, before.posts),
    messagesPerMinute: perMinute(after.messages, before.messages),
    loginFailuresPerMinute: perMinute(after.loginFailures, before.loginFailures),
    rssBytes: g('rss'),
    heapUsedBytes: g('heapUsed'),
    heapAfterGcBytes: heapAfterGc ?? null,
    eventLoopP99Ms: loop === undefined ? null : loop * 1000,
  };
}

/** What /admin/metrics shows: the kept samples, oldest first, and the span since the last one. */
export interface MetricsGlance {
  intervalSeconds: number;
  keep: number;
  samples: MetricsSample[];
  current: MetricsSample;
}

/** The history of a process: a reading every `intervalMs`, the last `keep` spans between them. */
export class MetricsHistory {
  private readonly samples: MetricsSample[] = [];
  private last: Promise<Reading>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly intervalMs = 60_000,
    readonly keep = 240,
    private readonly read: () => Promise<Reading> = readRegistry,
  ) {
    this.last = read();
  }

  /** Samples every interval until stopped; the timer keeps no process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample().catch(() => undefined), this.intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Closes the current span now and keeps it (the oldest goes past `keep`). */
  async sample(): Promise<MetricsSample> {
    const before = await this.last;
    const next = this.read();
    this.last = next;
    const sample = sampleBetween(before, await next);
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.splice(0, this.samples.length - this.keep);
    return sample;
  }

  /** The kept samples and the span still open, as it stands. */
  async glance(): Promise<MetricsGlance> {
    const current = sampleBetween(await this.last, await this.read());
    return { intervalSeconds: this.intervalMs / 1000, keep: this.keep, samples: [...this.samples], current };
  }
}

let processHistory: MetricsHistory | undefined;

/** This process's history (one sample a minute, four hours kept), started by the first app. */
export function metricsHistory(): MetricsHistory {
  if (!processHistory) {
    processHistory = new MetricsHistory();
    processHistory.start();
  }
  return processHistory;
}
