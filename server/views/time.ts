/**
 * Dates and times in the display time zone. Intl's formatToParts is slow (tens of microseconds),
 * and a thread page prints a time on every line, so we ask Intl only for the zone's UTC offset,
 * once per zone and hour (offsets change at most on the hour), and format with plain arithmetic.
 */

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>(); // `${zone}:${hour since epoch}` → offset in ms
const HOUR = 3_600_000;

function offsetMs(ms: number, timeZone: string): number {
  const key = `${timeZone}:${Math.floor(ms / HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
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
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(new Date(Math.floor(ms / HOUR) * HOUR))) p[part.type] = Number(part.value);
    offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / HOUR) * HOUR;
    if (offsets.size > 10_000) offsets.clear();
    offsets.set(key, offset);
  }
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

function parts(date: Date, timeZone: string): Parts {
  const ms = date.getTime();
  const local = new Date(ms + offsetMs(ms, timeZone));
  return {
    year: String(local.getUTCFullYear()),
    month: two(local.getUTCMonth() + 1),
    day: two(local.getUTCDate()),
    hour: two(local.getUTCHours()),
    minute: two(local.getUTCMinutes()),
    second: two(local.getUTCSeconds()),
  };
}

/** "MM/DD/YYYY HH:MM:SS" in the display time zone, as the source boards print a follow-up's time. */
export function lineTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.month}/${p.day}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
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
