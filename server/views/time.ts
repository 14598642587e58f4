const formats = new Map<string, Intl.DateTimeFormat>();

function parts(date: Date, timeZone: string): Record<string, string> {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** "MM/DD/YYYY" in the display time zone, as the source boards print dates. */
export function formatDate(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.month}/${p.day}/${p.year}`;
}

/** "HH:MM:SS" in the display time zone. */
export function formatTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** "YYYY-MM-DD HH:MM:SS" in the display time zone (post headers, edit banners). */
export function formatDateTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
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
