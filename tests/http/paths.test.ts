import { localPath } from '../../server/http/paths';

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
