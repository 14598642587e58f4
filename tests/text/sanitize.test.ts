import { utf8Bytes } from '../../server/text/bytes';
import { sanitizeBody } from '../../server/text/formats';
import { mapBodyLinks } from '../../server/text/sanitize';
import { checkTitle } from '../../server/text/title';

describe('sanitizeBody', () => {
  it.each([
    ['a script tag and its content', '<p>hi</p><script>alert(1)</script>', '<p>hi</p>'],
    ['an event handler', '<p onclick="alert(1)">hi</p>', '<p>hi</p>'],
    ['a javascript: link (kept as text)', '<a href="javascript:alert(1)">x</a>', 'x'],
    ['a data: image', '<img src="data:image/png;base64,AAAA">', ''],
    ['an iframe', '<iframe src="https://evil.example"></iframe><p>ok</p>', '<p>ok</p>'],
    ['a style attribute and tag', '<p style="position:fixed">a</p><style>p{}</style>', '<p>a</p>'],
    ['an svg with script', '<svg><script>alert(1)</script></svg><p>b</p>', '<p>b</p>'],
    ['a form', '<form action="/logout"><button>x</button></form>', 'x'],
    ['an entity-encoded javascript: URL', '<a href="jav&#x61;script:alert(1)">x</a>', 'x'],
    ['a protocol-relative link', '<a href="//evil.example">x</a>', 'x'],
    ['a broken tag', '<p>a<img src=x onerror=alert(1)//</p>', '<p>a</p>'],
  ])('removes %s', (_what, input, expected) => {
    expect(sanitizeBody(input)).toBe(expected);
  });

  it('keeps the allowed markup', () => {
    const html =
      '<p><b>粗</b><strong>體</strong><i>斜</i><em>体</em><u>下</u><br />行</p><ul><li>一</li></ul><ol><li>二</li></ol>' +
      '<blockquote>引用</blockquote><pre><code>let x = 1;</code></pre>';
    expect(sanitizeBody(html)).toBe(html);
  });

  it('forces rel="nofollow ugc noopener" on links and keeps http, https and mailto', () => {
    expect(sanitizeBody('<a href="https://example.com/a?b=1" rel="author">x</a>')).toBe(
      '<a href="https://example.com/a?b=1" rel="nofollow ugc noopener" target="_blank">x</a>',
    );
    expect(sanitizeBody('<a href="mailto:a@example.com">m</a>')).toContain('href="mailto:a@example.com"');
    expect(sanitizeBody('<a href="ftp://example.com">f</a>')).toBe('f');
  });

  it('keeps images uploaded here by their path, and no other relative image', () => {
    const hash = 'ab'.repeat(32);
    expect(sanitizeBody(`<img src="/uploads/${hash}.thumb.webp" alt="圖">`)).toBe(`<img src="/uploads/${hash}.thumb.webp" alt="圖" />`);
    for (const src of ['/uploads/x.png', '/static/a.png', `//evil.example/uploads/${hash}.png`, `uploads/${hash}.png`]) {
      expect(sanitizeBody(`<p>a<img src="${src}"></p>`)).toBe('<p>a</p>');
    }
  });

  it('keeps http(s) images with alt text', () => {
    expect(sanitizeBody('<img src="https://example.com/p.jpg" alt="山頂" onerror="x">')).toBe(
      '<img src="https://example.com/p.jpg" alt="山頂" />',
    );
  });

  it('turns plain text into paragraphs and line breaks, escaping what looks like markup', () => {
    expect(sanitizeBody('第一段\n第二行\n\n第二段 a < b & c')).toBe('<p>第一段<br />第二行</p><p>第二段 a &lt; b &amp; c</p>');
  });

  it('makes an empty or invisible body a title-only post', () => {
    for (const body of ['', '   ', '\n\n', '<p></p>', '<p><br></p>', '<script>x</script>']) expect(sanitizeBody(body)).toBe('');
  });

  it('is idempotent: sanitizing a stored body again changes nothing', () => {
    for (const input of [
      '<p><b>x</b><a href="https://e.com">l</a><img src="https://e.com/i.png" alt="a"></p>',
      '第一段\n第二段 a < b',
      '<pre><code>&lt;tag&gt; &amp;</code></pre>',
    ]) {
      const once = sanitizeBody(input);
      expect(sanitizeBody(once)).toBe(once);
    }
  });

  it('leaves SQL-looking text alone: it is only text', () => {
    expect(sanitizeBody("'; drop table posts; --")).toBe("<p>'; drop table posts; --</p>");
  });
});

describe('utf8Bytes', () => {
  it('counts UTF-8 bytes: ASCII 1, CJK 3, emoji 4, a ZWJ family 18', () => {
    expect(utf8Bytes('')).toBe(0);
    expect(utf8Bytes('abc')).toBe(3);
    expect(utf8Bytes('跟帖')).toBe(6);
    expect(utf8Bytes('😀')).toBe(4);
    expect(utf8Bytes('👨‍👩‍👧')).toBe(18);
    expect(utf8Bytes('<p>跟帖😀</p>')).toBe(17);
  });
});

describe('checkTitle', () => {
  it('trims and collapses whitespace', () => {
    expect(checkTitle('  周末\t去  爬山\n ')).toEqual({ ok: true, title: '周末 去 爬山' });
  });

  it('keeps emoji, including ZWJ sequences', () => {
    expect(checkTitle('全家 👨‍👩‍👧 出游')).toEqual({ ok: true, title: '全家 👨‍👩‍👧 出游' });
  });

  it('keeps markup as text (it is escaped when shown)', () => {
    expect(checkTitle('<b>x</b>')).toEqual({ ok: true, title: '<b>x</b>' });
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['a control character', 'a\u0007b'],
    ['a bidi override', 'abc\u202edef'],
    ['a zero-width space', 'a\u200bb'],
    ['a lone surrogate', 'a\ud800b'],
    ['101 characters', '字'.repeat(101)],
  ])('refuses %s', (_what, title) => {
    expect(checkTitle(title).ok).toBe(false);
  });

  it('accepts exactly 100 characters, counting emoji as one', () => {
    expect(checkTitle('😀'.repeat(100)).ok).toBe(true);
  });
});

describe('mapBodyLinks', () => {
  const prefixed = (body: string) => mapBodyLinks(sanitizeBody(body), (url) => (url.startsWith('/') ? `/zh-hans${url}` : url));

  it('changes the target of links and nothing else', () => {
    expect(prefixed('<p><a href="/t/1" title="a &gt; b">帖子</a> <a href="https://example.com/">外面</a></p>')).toBe(
      '<p><a href="/zh-hans/t/1" title="a &gt; b" rel="nofollow ugc noopener" target="_blank">帖子</a> ' +
        '<a href="https://example.com/" rel="nofollow ugc noopener" target="_blank">外面</a></p>',
    );
  });

  it('leaves text that looks like a link exactly as written, in <code>, <pre> or not', () => {
    for (const body of ['<p><code>href="/t/1"</code></p>', '<pre>&lt;a href="/b/x"&gt;</pre>', '<p>action="/b/x" href="/t/2"</p>']) {
      expect(prefixed(body)).toBe(sanitizeBody(body));
    }
  });
});
