import { dateTime, lineTime, lineTimes } from '../../server/views/time';

describe('times in the display time zone', () => {
  it('prints a line’s time as MM/DD/YYYY HH:MM:SS in the zone', () => {
    expect(lineTime(new Date('2026-01-02T03:04:05Z'), 'Asia/Shanghai')).toBe('01/02/2026 11:04:05');
    expect(dateTime({ timeZone: 'Asia/Shanghai', variant: 'zh-tw' }, new Date('2026-01-02T03:04:05Z'))).toBe('2026/01/02 11:04:05');
  });

  it('gives a list the same times one line at a time would, across a daylight-saving change', () => {
    // New York moves its clocks forward at 2026-03-08 07:00 UTC and back at 2026-11-01 06:00 UTC.
    const times = lineTimes('America/New_York');
    for (const start of ['2026-03-08T05:00:00Z', '2026-11-01T04:00:00Z']) {
      for (let m = 0; m < 240; m += 7) {
        const date = new Date(Date.parse(start) + m * 60_000);
        expect(times(date)).toBe(lineTime(date, 'America/New_York'));
      }
    }
    expect(times(new Date('2026-03-08T06:59:59Z'))).toBe('03/08/2026 01:59:59');
    expect(times(new Date('2026-03-08T07:00:00Z'))).toBe('03/08/2026 03:00:00');
  });
});
