/**
 * Dates and times in the display time zone. Intl's formatToParts is slow for a page that prints a
 * time on every line, so we ask Intl only for the zone's UTC offset, once per hour of the times
 * shown (offsets change at most on the hour), and format with plain arithmetic. The process
 * remembers the offsets it asked for (hourOffset), and a list of lines looks them up once per hour
 * while it is rendered (lineTimes).
 */

// One formatter per time zone asked for: the display zone (TZ_DISPLAY), a few more in tests. Kept
// for the process because making one costs ~0.1 ms, and bounded by construction: zones come from
// the configuration, never from a request.
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const HOUR = 3_600_000;

function offsetFormat(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, f);
  }
  return f;
}

// The offsets Intl gave, per zone and hour, for the process: an offset never changes for a past
// hour (a new tzdata comes with a new process), and asking Intl costs ~20–40 µs, which a cold
// window of 500 lines written over as many hours paid 500 times in one turn of the event loop
// (40% of rendering it: docs/performance.md, "The tiny request beside cold windows"). Bounded: a
// zone's map is emptied past HOURS_KEPT entries (about 2.3 years of hours, ~1 MB).
const HOURS_KEPT = 20_000;
const zoneOffsets = new Map<string, Map<number, number>>();

/** The zone's offset from UTC, in ms, during the hour `hour` (hours since the epoch). */
function hourOffset(hour: number, timeZone: string): number {
  let known = zoneOffsets.get(timeZone);
  if (!known) zoneOffsets.set(timeZone, (known = new Map()));
  const kept = known.get(hour);
  if (kept !== undefined) return kept;
  const p: Record<string, number> = {};
  for (const part of offsetFormat(timeZone).formatToParts(new Date(hour * HOUR))) p[part.type] = Number(part.value);
  const offset = Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second) - hour * HOUR;
  if (known.size >= HOURS_KEPT) known.clear();
  known.set(hour, offset);
  return offset;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

function parts(date: Date, timeZone: string, offsets?: Map<number, number>): Parts {
  const ms = date.getTime();
  const hour = Math.floor(ms / HOUR);
  let offset = offsets?.get(hour);
  if (offset === undefined) {
    offset = hourOffset(hour, timeZone);
    offsets?.set(hour, offset);
  }
  const local = new Date(ms + offset);
  return {
    year: String(local.getUTCFullYear()),
    month: two(local.getUTCMonth() + 1),
    day: two(local.getUTCDate()),
    hour: two(local.getUTCHours()),
    minute: two(local.getUTCMinutes()),
    second: two(local.getUTCSeconds()),
  };
}

const formatLine = (p: Parts) => `${p.month}/${p.day}/${p.year} ${p.hour}:${p.minute}:${p.second}`;

/** "MM/DD/YYYY HH:MM:SS" in the display time zone, as the source boards print a follow-up's time. */
export function lineTime(date: Date, timeZone: string): string {
  return formatLine(parts(date, timeZone));
}

/**
 * lineTime for a whole list of lines: the offsets it asks Intl for are remembered for as long as
 * the list is rendered: one entry per hour its lines were written in, at most one per line.
 */
export function lineTimes(timeZone: string): (date: Date) => string {
  const offsets = new Map<number, number>();
  return (date) => formatLine(parts(date, timeZone, offsets));
}

/**
 * A date and time the way readers of a variant write them: 2026-11-23 (mainland and as written),
 * 2026/11/23 (Taiwan), 23/11/2026 (Hong Kong); always 24-hour time in the display time zone.
 */
export function dateTime(ctx: { timeZone: string; variant: string | undefined }, date: Date): string {
  const p = parts(date, ctx.timeZone);
  const time = `${p.hour}:${p.minute}:${p.second}`;
  switch (ctx.variant) {
    case 'zh-tw':
      return `${p.year}/${p.month}/${p.day} ${time}`;
    case 'zh-hk':
      return `${p.day}/${p.month}/${p.year} ${time}`;
    default:
      return `${p.year}-${p.month}-${p.day} ${time}`;
  }
}

/**
 * A date and time as dateTime writes it, in `timeZone` (a member's own, or the display zone when
 * null), followed by the zone's name so that it cannot be misread: "2030-01-15 04:00:00
 * (America/Los_Angeles)". For a banned member's end of ban, the one time shown in their zone.
 */
export function zonedDateTime(ctx: { timeZone: string; variant: string | undefined }, date: Date, timeZone: string | null): string {
  const zone = timeZone ?? ctx.timeZone;
  return `${dateTime({ timeZone: zone, variant: ctx.variant }, date)} (${zone})`;
}

/** A day ('YYYY-MM-DD', as a date column holds it) the way readers of a variant write one (see dateTime). */
export function dayOf(ctx: { variant: string | undefined }, ymd: string): string {
  const [year, month, day] = ymd.split('-');
  switch (ctx.variant) {
    case 'zh-tw':
      return `${year}/${month}/${day}`;
    case 'zh-hk':
      return `${day}/${month}/${year}`;
    default:
      return ymd;
  }
}

/** The day of `date` in the display time zone, written the reader's way (dateTime without the time). */
export function dateOnly(ctx: { timeZone: string; variant: string | undefined }, date: Date): string {
  const p = parts(date, ctx.timeZone);
  return dayOf(ctx, `${p.year}-${p.month}-${p.day}`);
}
