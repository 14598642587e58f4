import { href, localPath, unprefixed } from '../../server/http/paths';

describe('localPath', () => {
  it.each(['/', '/t/1', '/b/demo?page=2', '/zh-hans/t/1#p3', '/u/%E9%9C%A7'])('keeps a path on this site: %s', (p) => {
    expect(localPath(p)).toBe(p);
  });

  it.each([
    ['another site', '//evil.example/x'],
    ['a backslash browsers read as a slash', '/\\evil.example'],
    ['a backslash further in', '/t/1\\x'],
    ['an absolute URL', 'https://evil.example'],
    ['a scheme', 'javascript:alert(1)'],
    ['a relative path', 't/1'],
    ['a header injection', '/t/1\r\nSet-Cookie: x=1'],
    ['not a string', 42],
  ])('refuses %s', (_what, p) => {
    expect(localPath(p, '/fallback')).toBe('/fallback');
  });
});

describe('href', () => {
  const hans = { prefix: '/zh-hans' };

  it.each([
    ['/', '/zh-hans/'],
    ['/t/1', '/zh-hans/t/1'],
    ['/b/demo?page=2', '/zh-hans/b/demo?page=2'],
    ['/t/1/revisions#v2', '/zh-hans/t/1/revisions#v2'],
    ['/login?next=%2Fzh-hans%2Ft%2F1', '/zh-hans/login?next=%2Fzh-hans%2Ft%2F1'],
    ['/variants', '/zh-hans/variants'],
  ])('puts a page of this site under the prefix: %s', (path, expected) => {
    expect(href(hans, path)).toBe(expected);
  });

  it.each([
    '/static/style.css',
    '/api/posts/1',
    '/variant?to=zh-tw&next=%2F',
    '/zh-hant/t/1',
    '/zh-hk',
    '//evil.example/x',
    'https://example.com/',
    '?page=2',
    '#p3',
  ])('leaves what is the same under every variant as it is: %s', (path) => {
    expect(href(hans, path)).toBe(path);
  });

  it('changes nothing without a prefix', () => {
    expect(href({ prefix: '' }, '/t/1')).toBe('/t/1');
  });
});

describe('unprefixed', () => {
  it.each([
    ['/zh-hans/t/1', '/t/1'],
    ['/zh-tw', '/'],
    ['/t/1', '/t/1'],
    ['/zh-hansx/t/1', '/zh-hansx/t/1'],
  ])('%s → %s', (path, expected) => {
    expect(unprefixed(path)).toBe(expected);
  });
});
