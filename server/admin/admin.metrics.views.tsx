import type { MetricsGlance, MetricsSample } from '../metrics/metrics.history';
import { type ChartSeries, lineChart } from '../views/chart';
import { h, trustedHtml } from '../views/html';
import { type PageContext, renderPage } from '../views/layout';
import { dateTime, lineTime } from '../views/time';

/**
 * `/admin/metrics`: the process's numbers at a glance: a table of the latest span, the caches and
 * the busiest routes, and small charts of the kept history drawn here as SVG (views/chart.ts).
 */

const MB = 1024 * 1024;

/** A figure as the table prints it: a few significant digits, or a dash when there is none. */
function figure(ctx: PageContext, n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return ctx.t.admin.metrics.none;
  if (n === 0) return '0';
  return Math.abs(n) >= 10 ** digits ? String(Math.round(n)) : String(Number(n.toPrecision(digits)));
}

const percent = (ratio: number | null) => (ratio === null ? null : ratio * 100);

function Chart({ ctx, title, series }: { ctx: PageContext; title: string; series: ChartSeries[] }) {
  const time = (x: number) => lineTime(new Date(x), ctx.timeZone).slice(11, 16);
  return (
    <figure class="metrics-chart">
      <figcaption>{title}</figcaption>
      {trustedHtml(lineChart(series, { title, formatX: time, empty: ctx.t.admin.metrics.noData }))}
    </figure>
  );
}

/** One line of every kept sample (and the open span): x is its time. */
const line = (samples: MetricsSample[], label: string, y: (s: MetricsSample) => number | null): ChartSeries => ({
  label,
  points: samples.flatMap((s) => {
    const v = y(s);
    return v === null ? [] : [{ x: s.at.getTime(), y: v }];
  }),
});

export function metricsPageView(ctx: PageContext, glance: MetricsGlance): string {
  const m = ctx.t.admin.metrics;
  // The table shows the last whole span; before the first one ends, the span so far.
  const latest = glance.samples.at(-1) ?? glance.current;
  const all = [...glance.samples, glance.current];
  const rows: [string, string][] = [
    [m.requests, figure(ctx, latest.requests.perSecond)],
    [m.p50, figure(ctx, latest.requests.p50Ms)],
    [m.p99, figure(ctx, latest.requests.p99Ms)],
    [m.serverErrors, figure(ctx, latest.requests.serverErrors)],
    [m.liveReaders, figure(ctx, latest.liveReaders)],
    [m.connections, figure(ctx, latest.connections)],
    [m.liveThreads, figure(ctx, latest.liveThreads)],
    [m.events, figure(ctx, latest.eventsPerMinute)],
    [m.eventLag, figure(ctx, latest.eventLagP99Ms)],
    [m.pool, `${figure(ctx, latest.pool.total - latest.pool.idle)} / ${figure(ctx, latest.pool.max)}, ${figure(ctx, latest.pool.waiting)}`],
    [m.queryP99, figure(ctx, latest.queryP99Ms)],
    [m.posts, figure(ctx, latest.postsPerMinute)],
    [m.messages, figure(ctx, latest.messagesPerMinute)],
    [m.loginFailures, figure(ctx, latest.loginFailuresPerMinute)],
    [m.rss, figure(ctx, latest.rssBytes / MB)],
    [m.heap, figure(ctx, latest.heapUsedBytes / MB)],
    [m.heapAfterGc, figure(ctx, latest.heapAfterGcBytes === null ? null : latest.heapAfterGcBytes / MB)],
    [m.eventLoop, figure(ctx, latest.eventLoopP99Ms)],
  ];
  return renderPage(
    ctx,
    m.title,
    <section class="admin-metrics">
      <h1>{m.title}</h1>
      <p>{m.hint((glance.keep * glance.intervalSeconds) / 3600)}</p>
      <p class="metrics-span">{m.span(Math.round(latest.seconds), dateTime(ctx, latest.at))}</p>
      <table class="metrics-figures">
        <tr>
          <th>{m.figure}</th>
          <th>{m.value}</th>
        </tr>
        {rows.map(([label, value]) => (
          <tr>
            <td>{label}</td>
            <td class="number">{value}</td>
          </tr>
        ))}
      </table>
      <h2>{m.charts}</h2>
      <div class="metrics-charts">
        <Chart ctx={ctx} title={m.chartRequests} series={[line(all, m.requests, (s) => s.requests.perSecond)]} />
        <Chart
          ctx={ctx}
          title={m.chartLatency}
          series={[line(all, 'p50', (s) => s.requests.p50Ms), line(all, 'p99', (s) => s.requests.p99Ms)]}
        />
        <Chart ctx={ctx} title={m.chartReaders} series={[line(all, m.liveReaders, (s) => s.liveReaders)]} />
        <Chart
          ctx={ctx}
          title={m.chartWrites}
          series={[line(all, m.posts, (s) => s.postsPerMinute), line(all, m.messages, (s) => s.messagesPerMinute)]}
        />
        <Chart
          ctx={ctx}
          title={m.chartMemory}
          series={[
            line(all, 'RSS', (s) => s.rssBytes / MB),
            line(all, m.heapAfterGc, (s) => (s.heapAfterGcBytes === null ? null : s.heapAfterGcBytes / MB)),
          ]}
        />
        <Chart ctx={ctx} title={m.chartPool} series={[line(all, m.pool, (s) => s.pool.total - s.pool.idle)]} />
        <Chart ctx={ctx} title={m.chartLogins} series={[line(all, m.loginFailures, (s) => s.loginFailuresPerMinute)]} />
      </div>
      <h2>{m.caches}</h2>
      <table class="metrics-caches">
        <tr>
          <th>{m.cache}</th>
          <th>{m.lookups}</th>
          <th>{m.hitRatio}</th>
        </tr>
        {latest.caches.map((c) => (
          <tr>
            <td>
              <code>{c.name}</code>
            </td>
            <td class="number">{figure(ctx, c.lookups)}</td>
            <td class="number">{c.hitRatio === null ? m.none : `${figure(ctx, percent(c.hitRatio))}%`}</td>
          </tr>
        ))}
      </table>
      <h2>{m.routes}</h2>
      <table class="metrics-routes">
        <tr>
          <th>{m.route}</th>
          <th>{m.requests}</th>
          <th>p50</th>
          <th>p99</th>
          <th>5xx</th>
        </tr>
        {latest.routes.map((r) => (
          <tr>
            <td>
              <code>{r.route}</code>
            </td>
            <td class="number">{figure(ctx, r.perSecond)}</td>
            <td class="number">{figure(ctx, r.p50Ms)}</td>
            <td class="number">{figure(ctx, r.p99Ms)}</td>
            <td class="number">{figure(ctx, r.serverErrors)}</td>
          </tr>
        ))}
      </table>
    </section>,
  );
}
