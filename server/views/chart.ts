import { escapeHtml } from './html';

/**
 * Small line charts drawn on the server as SVG: for /admin/metrics (inline in the page) and for
 * the soak bench (a file beside its results). Plain markup with presentation attributes (stroke,
 * fill): no script and no style attribute, so the page's Content-Security-Policy (scripts and
 * styles from 'self' only) has nothing to refuse, and the picture is there without JavaScript.
 */

/** One line: its name in the legend and its points, x ascending. */
export interface ChartSeries {
  label: string;
  points: { x: number; y: number }[];
}

export interface ChartOptions {
  /** Said by screen readers and shown as a tooltip. */
  title: string;
  width?: number;
  height?: number;
  /** Writes an x value under the axis (its first and last). */
  formatX?: (x: number) => string;
  /** Writes a y value beside the axis (0 and the top). */
  formatY?: (y: number) => string;
  /** Shown when no series has a point. */
  empty?: string;
  /** A file of its own (with the XML namespace) rather than markup inside a page. */
  standalone?: boolean;
}

/** Line colours, told apart in greyscale too (dark, mid, light). */
const COLOURS = ['#1f5fa8', '#c0392b', '#2e8b57', '#8e44ad', '#d68910'];

const MARGIN = { left: 48, right: 8, top: 8, bottom: 34 };

/** The smallest of 1, 2, 5 × 10ⁿ at or above `value`: a round top for the y axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value * (1 - 1e-9)) return step * power;
  return 10 * power;
}

/** A number short enough for an axis: 1.5k, 12M, 0.25. */
export function shortNumber(n: number): string {
  const abs = Math.abs(n);
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) if (abs >= size) return `${Number((n / size).toPrecision(3))}${suffix}`;
  return String(Number(n.toPrecision(3)));
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The chart as SVG markup (trusted: every text in it is escaped here). */
export function lineChart(series: ChartSeries[], options: ChartOptions): string {
  const width = options.width ?? 320;
  const height = options.height ?? 120;
  const formatX = options.formatX ?? shortNumber;
  const formatY = options.formatY ?? shortNumber;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const ns = options.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : '';
  let out = `<svg${ns} class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="sans-serif" font-size="10"><title>${escapeHtml(options.title)}</title>`;
  out += `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#bbb"/>`;
  if (points.length === 0) {
    out += `<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle" fill="#777">${escapeHtml(options.empty ?? '—')}</text></svg>`;
    return out;
  }
  const xMin = Math.min(...points.map((p) => p.x));
  const xMax = Math.max(...points.map((p) => p.x));
  // The y axis starts at 0 (a rate or a size read against nothing is misleading) and ends round.
  const yMax = niceCeiling(Math.max(...points.map((p) => p.y)));
  const sx = (x: number) => round(MARGIN.left + (xMax === xMin ? plotW / 2 : ((x - xMin) / (xMax - xMin)) * plotW));
  const sy = (y: number) => round(MARGIN.top + plotH - (Math.max(0, y) / yMax) * plotH);
  const axisY = MARGIN.top + plotH;
  out += `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH / 2}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH / 2}" stroke="#eee"/>`;
  out += `<text x="${MARGIN.left - 4}" y="${MARGIN.top + 8}" text-anchor="end">${escapeHtml(formatY(yMax))}</text>`;
  out += `<text x="${MARGIN.left - 4}" y="${axisY}" text-anchor="end">${escapeHtml(formatY(0))}</text>`;
  out += `<text x="${MARGIN.left}" y="${axisY + 12}">${escapeHtml(formatX(xMin))}</text>`;
  if (xMax !== xMin) out += `<text x="${MARGIN.left + plotW}" y="${axisY + 12}" text-anchor="end">${escapeHtml(formatX(xMax))}</text>`;
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const ps = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (ps.length === 1) out += `<circle cx="${sx(ps[0]!.x)}" cy="${sy(ps[0]!.y)}" r="2.5" fill="${colour}"/>`;
    else if (ps.length > 1) {
      out += `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${ps.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}"/>`;
    }
    // The legend, one entry after another under the axis.
    const lx = MARGIN.left + i * Math.max(60, plotW / Math.max(1, series.length));
    out += `<rect x="${lx}" y="${axisY + 18}" width="10" height="3" fill="${colour}"/><text x="${lx + 14}" y="${axisY + 23}">${escapeHtml(s.label)}</text>`;
  });
  return `${out}</svg>`;
}
