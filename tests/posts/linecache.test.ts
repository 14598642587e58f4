import { clearLineCache, getLines, putLines } from '../../server/posts/posts.linecache';
import { trustedHtml } from '../../server/views/html';

describe('the rendered-tree cache', () => {
  beforeEach(() => clearLineCache());

  it('counts a key written twice once, so it never believes itself full', () => {
    const big = { html: trustedHtml('x'.repeat(4_000_000)), count: 1 }; // 8 MB as a JS string
    for (let i = 0; i < 10; i++) putLines('same', big); // 80 MB if counted ten times
    putLines('small', { html: trustedHtml('y'), count: 1 });
    expect(getLines('same')).toBe(big);
    expect(getLines('small')).toBeDefined();
  });

  it('evicts the least recently used entries past its size', () => {
    for (let i = 0; i < 12; i++) putLines(`k${i}`, { html: trustedHtml('z'.repeat(4_000_000)), count: i }); // 96 MB offered
    expect(getLines('k0')).toBeUndefined();
    expect(getLines('k11')).toBeDefined();
  });
});
