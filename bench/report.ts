import type { Summary } from './load';
import type { Breakdown } from './profile';
import type { ThreadCheck } from './seed';

/** Delivery of new posts to thread readers in one setup (bench/realtime.ts). */
export interface RealtimeFigures {
  setup: string;
  readers: number;
  posts: number;
  p50Ms: number;
  p99Ms: number;
  /** Per post, the time until the last reader had it; the worst post. */
  lastReaderMaxMs: number;
  lost: number;
  duplicated: number;
}

/** Per member event kind, the time from the POST that causes it to its arrival at the member's page on the other process. */
export interface MemberEventFigures {
  event: 'message:new' | 'notification:new';
  /** Thread readers connected meanwhile, over both processes. */
  readers: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
}

/** A GET measured against the app and against the plain-http ceiling serving the same bytes. */
export interface GetFigure {
  size: number;
  route: '/t/:root' | '/api/posts/:root';
  bytes: number;
  app: Summary;
  ceiling: Summary;
  /** The app with one request at a time (no queueing behind other requests). */
  alone: Summary;
  /** app requests/s ÷ ceiling requests/s. */
  ratio: number;
}

export interface InsertFigure {
  size: number;
  app: Summary;
}

export interface WritersFigure {
  writers: number;
  errors: string[];
  distinctIds: number;
  before: ThreadCheck;
  after: ThreadCheck;
  wallMs: number;
}

export interface SeedFigure {
  size: number;
  rootId: string;
  maxDepth: number;
  titleOnlyShare: number;
  seconds: number;
  pageBytes: number;
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  ok: boolean;
}

/** Everything one run measured: what bench/results.json holds. */
export interface Results {
  /** Thread pages in other scripts (bench/variants.ts). */
  variants: import('./variants').VariantFigure[];
  /** Live delivery to 1,000 readers (bench/realtime.ts). */
  realtime: RealtimeResults;
  /** The costliest anonymous requests, alone and beside ordinary ones (bench/attack.ts). */
  attack: import('./attack').AttackFigures;
  /** The worst revisions page and board page in another script (bench/worst.ts). */
  worst: import('./worst').WorstFigures;
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; note: string; loadAverage: [number, number] };
  settings: Record<string, number>;
  seed: SeedFigure[];
  get: GetFigure[];
  inserts: InsertFigure[];
  /** p50 insert latency with 10,000 follow-ups ÷ with 10. */
  insertRatio: number;
  writers: WritersFigure;
  breakdown: Breakdown[];
  targets: Target[];
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Checks the figures against the targets of docs/performance.md. */
export function evaluateTargets(r: Omit<Results, 'targets' | 'variants' | 'realtime' | 'attack' | 'worst'>): Target[] {
  const page = (size: number) => r.get.find((g) => g.size === size && g.route === '/t/:root')!;
  const [p10, p1k, p10k] = [page(10).app.p50, page(1000).app.p50, page(10000).app.p50];
  const [a10, a1k, a10k] = [page(10).alone.p50, page(1000).alone.p50, page(10000).alone.p50];
  // Cost per follow-up beyond the fixed cost of a page, at 10,000 vs at 1,000: ~1 when linear.
  const growth = (p10k - p10) / 9990 / ((p1k - p10) / 990);
  const growthAlone = (a10k - a10) / 9990 / ((a1k - a10) / 990);
  const w = r.writers;
  const delta = w.after.replyCount - w.before.replyCount;
  return [
    // Latency of a request: measured one at a time. With 4 in flight on one event loop each
    // request also waits for the others (p50 ≈ 4× a request's own time), shown beside it.
    {
      name: 'GET /t/:root, 1,000 follow-ups, p50',
      target: '≤ 15 ms',
      measured: `${ms(a1k)} ms (4 in flight: ${ms(p1k)} ms)`,
      ok: a1k <= 15,
    },
    {
      name: 'GET /t/:root, 10,000 follow-ups, p50',
      target: '≤ 150 ms',
      measured: `${ms(a10k)} ms (4 in flight: ${ms(p10k)} ms)`,
      ok: a10k <= 150,
    },
    {
      name: 'GET /t/:root grows linearly',
      target: 'cost per follow-up at 10,000 ≤ 1.25× at 1,000',
      measured: `${growth.toFixed(2)}× (alone ${growthAlone.toFixed(2)}×); p50 10,000 / 1,000 = ${(p10k / p1k).toFixed(1)}×`,
      ok: growth <= 1.25,
    },
    {
      name: 'reply insert p50, 10,000 vs 10 follow-ups',
      target: '≤ 1.3×',
      measured: `${r.insertRatio.toFixed(2)}×`,
      ok: r.insertRatio <= 1.3,
    },
    {
      name: `${w.writers} concurrent writers`,
      target: `0 errors, +${w.writers} replies, seqs contiguous`,
      measured: `${w.errors.length} errors, +${delta} reply_count, +${w.after.posts - w.before.posts} posts, seq ${w.before.seq}→${w.after.seq}, ${w.after.seqContiguous ? 'contiguous' : 'GAPS'}`,
      ok:
        w.errors.length === 0 &&
        w.distinctIds === w.writers &&
        delta === w.writers &&
        w.after.posts - w.before.posts === w.writers &&
        w.after.seq - w.before.seq === w.writers &&
        w.after.seqContiguous &&
        w.after.idsInSeqOrder &&
        w.after.treeConsistent &&
        w.after.posts === w.after.replyCount + 1,
    },
  ];
}

/** A plain-text table with right-aligned columns. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The figures as the tables printed at the end of a run. */
export function formatResults(r: Results): string {
  const out: string[] = [];
  out.push(`Gentie bench, ${r.date}: ${r.machine.cpus} × ${r.machine.cpuModel}, node ${r.machine.node}`);
  out.push(
    `load average before/after: ${r.machine.loadAverage.map((l) => l.toFixed(2)).join(' / ')} (other work on the machine skews every figure)`,
  );
  out.push('', 'Seeded threads');
  out.push(
    table(
      ['follow-ups', 'root', 'max depth', 'title-only', 'seed s', '/t/ page KB'],
      r.seed.map((s) => [
        s.size,
        s.rootId,
        s.maxDepth,
        `${(s.titleOnlyShare * 100).toFixed(0)}%`,
        s.seconds.toFixed(1),
        (s.pageBytes / 1024).toFixed(0),
      ]),
    ),
  );
  out.push(
    '',
    `GET, concurrency ${r.settings.concurrency}; ratio = app req/s ÷ plain-http ceiling req/s (same bytes); alone = concurrency 1`,
  );
  out.push(
    table(
      ['GET', 'follow-ups', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'KB', 'ceiling req/s', 'ratio', 'alone p50 ms'],
      r.get.map((g) => [
        g.route,
        g.size,
        g.app.requests,
        g.app.rps.toFixed(1),
        ms(g.app.p50),
        ms(g.app.p99),
        (g.bytes / 1024).toFixed(0),
        g.ceiling.rps.toFixed(0),
        g.ratio.toFixed(3),
        ms(g.alone.p50),
      ]),
    ),
  );
  out.push('', 'POST /api/posts/:id/replies, sequential (sizes interleaved), to random posts of the thread');
  out.push(
    table(
      ['follow-ups', 'inserts', 'p50 ms', 'p99 ms', 'mean ms'],
      r.inserts.map((i) => [i.size, i.app.requests, ms(i.app.p50), ms(i.app.p99), ms(i.app.mean)]),
    ),
  );
  out.push(`p50 ratio 10,000 / 10: ${r.insertRatio.toFixed(2)}×`);
  const w = r.writers;
  out.push('', `${w.writers} concurrent writers on the 1,000 thread (${ms(w.wallMs)} ms for all)`);
  out.push(
    table(
      ['', 'posts', 'reply_count', 'seq', 'events', 'seq contiguous', 'ids in seq order', 'tree ok'],
      [w.before, w.after].map((c, i) => [
        i ? 'after' : 'before',
        c.posts,
        c.replyCount,
        c.seq,
        c.events,
        String(c.seqContiguous),
        String(c.idsInSeqOrder),
        String(c.treeConsistent),
      ]),
    ),
  );
  out.push(`errors: ${w.errors.length}, distinct new post ids: ${w.distinctIds}`);
  for (const e of w.errors.slice(0, 5)) out.push(`  ${e}`);
  out.push('', 'Where GET /t/:root spends its time (in-process, no load, medians in ms)');
  out.push(
    table(
      [
        'follow-ups',
        'window statements',
        'their SQL exec',
        'sort',
        'getPostWindow',
        'render (cold)',
        'page (warm lines)',
        'of it dates',
        'res.send prep',
        'JSON (API)',
      ],
      r.breakdown.map((b) => [
        b.size,
        b.windowStatements,
        ms(b.windowExecMs),
        b.windowSort,
        ms(b.getPostWindowMs),
        ms(b.renderMs),
        ms(b.warmRenderMs),
        ms(b.datesMs),
        ms(b.sendMs),
        ms(b.jsonMs),
      ]),
    ),
  );
  out.push('', 'Targets');
  out.push(
    table(
      ['', 'target', 'measured', 'holds'],
      r.targets.map((t) => [t.name, t.target, t.measured, t.ok ? 'yes' : 'NO']),
    ),
  );
  return out.join('\n');
}

const ms1 = (n: number) => n.toFixed(1);
const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** The script-variant table, with the targets: cached ≤ 1.2×, cold ≤ 2× the page as written. */
export function formatVariants(variants: import('./variants').VariantFigure[]): string {
  const rows = variants.map((v) => [
    v.thread,
    v.variant,
    ms1(v.coldP50),
    times(v.coldP50, v.original.coldP50),
    ms1(v.conversionCachedP50),
    times(v.conversionCachedP50, v.original.conversionCachedP50),
    ms1(v.pageCachedP50),
    times(v.pageCachedP50, v.original.pageCachedP50),
  ]);
  const worstCold = Math.max(...variants.map((v) => v.coldP50 / v.original.coldP50));
  const worstCached = Math.max(...variants.map((v) => v.conversionCachedP50 / v.original.conversionCachedP50));
  return (
    'GET /t/:root in another script, one request at a time, p50 ms and ratio to the page as written\n' +
    'cold = conversion and rendered-tree caches emptied before each request; conversion cached = tree re-rendered from cached conversions; page cached = tree reused\n' +
    table(['thread', 'variant', 'cold', 'ratio', 'conv. cached', 'ratio', 'page cached', 'ratio'], rows) +
    `\ntargets: cached ≤ 1.2× (worst ${worstCached.toFixed(2)}×: ${worstCached <= 1.2 ? 'holds' : 'MISSED'}), ` +
    `cold ≤ 2× (worst ${worstCold.toFixed(2)}×: ${worstCold <= 2 ? 'holds' : 'MISSED'})`
  );
}

/** What bench/realtime.ts measures. */
type RealtimeResults = {
  delivery: RealtimeFigures[];
  idleReaderKb: number;
  memberEvents: MemberEventFigures[];
};

/** The live-delivery tables, with the issues' targets. */
export function formatRealtime(r: RealtimeResults): string {
  const rows = r.delivery.map((d) => [
    d.setup,
    d.readers,
    d.posts,
    ms1(d.p50Ms),
    ms1(d.p99Ms),
    ms1(d.lastReaderMaxMs),
    d.lost,
    d.duplicated,
  ]);
  const one = r.delivery[0]!;
  const two = r.delivery[1]!;
  return (
    'Live delivery: time from POST of a reply to its arrival at each socket.io reader\n' +
    table(['setup', 'readers', 'posts', 'p50 ms', 'p99 ms', 'slowest last reader ms', 'lost', 'duplicated'], rows) +
    `\nidle connected reader: ${r.idleReaderKb.toFixed(1)} KB of server RSS` +
    `\ntargets: p99 ≤ 250 ms on one process (${one.p99Ms <= 250 ? 'holds' : 'MISSED'}), ≤ 300 ms over two (${two.p99Ms <= 300 ? 'holds' : 'MISSED'}), ` +
    `idle reader ≤ 40 KB (${r.idleReaderKb <= 40 ? 'holds' : 'MISSED'}), nothing lost or duplicated (${r.delivery.every((d) => d.lost === 0 && d.duplicated === 0) ? 'holds' : 'MISSED'})` +
    "\n\nA member's own events: time from the POST on process A to the recipient's page on process B\n" +
    table(
      ['event', 'readers connected', 'samples', 'p50 ms', 'p99 ms', 'lost'],
      r.memberEvents.map((f) => [f.event, f.readers, f.samples, ms1(f.p50Ms), ms1(f.p99Ms), f.lost]),
    ) +
    `\ntarget: p99 ≤ 150 ms, none lost (${r.memberEvents.every((f) => f.p99Ms <= 150 && f.lost === 0) ? 'holds' : 'MISSED'})`
  );
}
