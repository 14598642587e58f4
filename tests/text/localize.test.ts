import { type Caches, LRU_ENTRY_BYTES, cacheStats, createCaches } from '../../server/caches';
import { localized, localizedTitles } from '../../server/text/localize';

const post = (id: number, body: string) => ({
  id: String(id),
  revision: 0,
  variant: 'zh-hans' as const,
  title: `软件 ${id}`,
  body,
  board_id: null,
});

let caches: Caches;
beforeEach(() => (caches = createCaches()));
const conversionCacheStats = () => cacheStats(caches).conversions;

describe('the conversion cache', () => {
  it('never holds more bytes than its bound, however many long bodies pass through it', () => {
    // Bodies without Chinese come back as they are, but are cached like any other: cheap to fill.
    const long = `<p>${'x'.repeat(100_000)}</p>`;
    const { maxBytes } = conversionCacheStats();
    const count = Math.ceil(maxBytes / (2 * long.length)) + 50;
    for (let i = 0; i < count; i++) {
      expect(localized(caches.conversions, post(i, long), 'zh-tw').body).toBe(long);
      expect(conversionCacheStats().bytes).toBeLessThanOrEqual(maxBytes);
    }
    const { entries, bytes } = conversionCacheStats();
    expect(entries).toBeLessThan(2 * count); // bodies were evicted
    expect(bytes).toBeGreaterThan(maxBytes * 0.9);
  });

  it('counts a converted title by its size and serves it again without converting', () => {
    expect(localizedTitles(caches.conversions, [post(1, '<p>头发</p>')], 'zh-tw')[0]).toMatchObject({
      title: '軟體 1',
      body: '<p>头发</p>',
    });
    const after = conversionCacheStats();
    expect(after.entries).toBe(1);
    expect(after.bytes).toBe(2 * ('軟體 1'.length + 't:1:0:zh-tw:g0'.length) + LRU_ENTRY_BYTES);
    expect(localized(caches.conversions, post(1, '<p>头发</p>'), 'zh-tw')).toMatchObject({ title: '軟體 1', body: '<p>頭髮</p>' });
    expect(conversionCacheStats().entries).toBe(2);
  });
});
