import { LineSpans, createCaches } from '../../server/caches';

describe('the rendered-tree cache', () => {
  const lines = () => createCaches().lines;

  it('counts a key written twice once, so it never believes itself full', () => {
    const cache = lines();
    const big = { html: 'x'.repeat(4_000_000), count: 1, spans: LineSpans.none }; // 8 MB as a JS string
    for (let i = 0; i < 10; i++) cache.set('same', big); // 80 MB if counted ten times
    cache.set('small', { html: 'y', count: 1, spans: LineSpans.none });
    expect(cache.get('same')).toBe(big);
    expect(cache.get('small')).toBeDefined();
  });

  it('evicts the least recently used entries past its size', () => {
    const cache = lines();
    for (let i = 0; i < 12; i++) cache.set(`k${i}`, { html: 'z'.repeat(4_000_000), count: i, spans: LineSpans.none }); // 96 MB offered
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k11')).toBeDefined();
  });

  it('does not keep a tree larger than a quarter of its bound', () => {
    const cache = createCaches({ lines: 1_000_000 }).lines;
    cache.set('huge', { html: 'h'.repeat(200_000), count: 1, spans: LineSpans.none }); // 400 KB
    cache.set('fits', { html: 'f'.repeat(100_000), count: 1, spans: LineSpans.none }); // 200 KB
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('fits')).toBeDefined();
  });
});
