/**
 * The body formats (server/text/formats.ts): each renders what its author meant, and nothing
 * hostile gets through any of them.
 */
import { guessFormat, normalizeSource, renderBody, sanitizeBody } from '../../server/text/formats';

const html = (format: 'text' | 'markdown' | 'html', source: string) => renderBody(format, source).html;
const LINK = 'rel="nofollow ugc noopener" target="_blank"';

describe('text', () => {
  it('keeps "a<b" and everything after it as text', () => {
    expect(html('text', 'a<b 然後還有很多\n第二行')).toBe('<p>a&lt;b 然後還有很多<br />第二行</p>');
    expect(html('text', '<b>不是粗體</b> & <!-- 也不是註釋 -->')).toBe(
      '<p>&lt;b&gt;不是粗體&lt;/b&gt; &amp; &lt;!-- 也不是註釋 --&gt;</p>',
    );
  });

  it('makes paragraphs on blank lines and keeps single line breaks', () => {
    expect(html('text', '第一段\n第二行\n\n\n第二段')).toBe('<p>第一段<br />第二行</p><p>第二段</p>');
  });

  it('links addresses, ending them at white space, Chinese text and sentence punctuation', () => {
    expect(html('text', '見https://example.com/a?b=1&c=2。然後')).toBe(
      `<p>見<a href="https://example.com/a?b=1&amp;c=2" ${LINK}>https://example.com/a?b=1&amp;c=2</a>。然後</p>`,
    );
    expect(html('text', '(see http://example.com/x_(y)).')).toBe(
      `<p>(see <a href="http://example.com/x_(y)" ${LINK}>http://example.com/x_(y)</a>).</p>`,
    );
    expect(html('text', 'https:// alone')).toBe('<p>https:// alone</p>');
  });

  it('never makes markup or a link of hostile text', () => {
    for (const source of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)', '"><svg onload=alert(1)>']) {
      const out = html('text', source);
      expect(out).not.toMatch(/<(script|img|svg|a)\b/);
      expect(out.startsWith('<p>')).toBe(true);
    }
  });

  it('renders what plain text always rendered (bodies migrated as text render the same again)', () => {
    expect(html('text', '第一段\n第二行\n\n第二段 a < b & c')).toBe('<p>第一段<br />第二行</p><p>第二段 a &lt; b &amp; c</p>');
  });
});

describe('markdown', () => {
  it('renders emphasis, lists, quotes, code, links and images', () => {
    const out = html(
      'markdown',
      [
        '**粗體** *斜體* ~~刪去~~ `a<b`',
        '',
        '- 一\n- 二',
        '',
        '1. 甲\n2. 乙',
        '',
        '> 引用\n> 第二行',
        '',
        '```\nif (a < b) {}\n```',
        '',
        '[連結](https://example.com/a) ![山頂](https://example.com/p.jpg)',
      ].join('\n'),
    );
    expect(out).toContain('<strong>粗體</strong> <em>斜體</em> <s>刪去</s> <code>a&lt;b</code>');
    expect(out).toContain('<ul>\n<li>一</li>\n<li>二</li>\n</ul>');
    expect(out).toContain('<ol>\n<li>甲</li>\n<li>乙</li>\n</ol>');
    expect(out).toContain('<blockquote>\n<p>引用<br />\n第二行</p>\n</blockquote>');
    expect(out).toContain('<pre><code>if (a &lt; b) {}\n</code></pre>');
    expect(out).toContain(`<a href="https://example.com/a" ${LINK}>連結</a>`);
    expect(out).toContain('<img src="https://example.com/p.jpg" alt="山頂" />');
  });

  it('keeps single line breaks (Chinese text has no spaces to join lines with)', () => {
    expect(html('markdown', '床前明月光\n疑是地上霜')).toBe('<p>床前明月光<br />\n疑是地上霜</p>');
  });

  it('shows raw HTML as text', () => {
    expect(html('markdown', 'a<b>c</b> <script>alert(1)</script>')).toBe(
      '<p>a&lt;b&gt;c&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
    expect(html('markdown', 'a<b')).toBe('<p>a&lt;b</p>');
  });

  it('shows a heading as a bold paragraph (the post has one title)', () => {
    expect(html('markdown', '# 行程')).toBe('<p><strong>行程</strong></p>');
  });

  it.each([
    ['a javascript: link', '[點我](javascript:alert(1))'],
    ['an entity-encoded javascript: link', '[點我](jav&#x61;script:alert(1))'],
    ['a javascript: autolink', '<javascript:alert(1)>'],
    ['a javascript: image', '![圖](javascript:alert(1))'],
    ['a data: image', '![圖](data:image/png;base64,AAAA)'],
    ['a vbscript: link', '[點我](vbscript:msgbox(1))'],
    ['an on* attribute', '<img src="https://example.com/p.jpg" onerror="alert(1)">'],
    ['a link with a title carrying markup', '[x](https://example.com "a\\" onmouseover=\\"alert(1)")'],
  ])('neutralizes %s', (_what, source) => {
    const out = html('markdown', source);
    expect(out).not.toMatch(/(href|src)="\s*(javascript|vbscript|data|jav&)/i);
    // An attribute as the sanitizer writes them (name="…"); an on… inside a value is escaped text.
    expect(out).not.toMatch(/<[^>]+\son\w+="/i);
    expect(out).not.toMatch(/<(script|img[^>]*onerror)/i);
  });

  it('links bare addresses, as text does', () => {
    expect(html('markdown', '見 https://example.com/a')).toBe(
      `<p>見 <a href="https://example.com/a" ${LINK}>https://example.com/a</a></p>`,
    );
  });
});

describe('html', () => {
  it('goes through the allowlist', () => {
    expect(html('html', '<p onclick="alert(1)"><b>x</b></p><script>alert(1)</script><a href="javascript:alert(1)">y</a>')).toBe(
      '<p><b>x</b></p>y',
    );
    expect(html('html', '<img src="https://example.com/p.jpg" onerror="alert(1)">')).toBe('<img src="https://example.com/p.jpg" />');
  });
});

describe('the source', () => {
  it('is kept as written, line breaks as \\n and composed, and counted that way', () => {
    expect(renderBody('text', 'a\r\nb\rc').source).toBe('a\nb\nc');
    expect(normalizeSource('e\u0301')).toBe('é');
    expect(renderBody('markdown', '**粗**').source).toBe('**粗**');
  });

  it('is empty for a body that shows nothing, in every format', () => {
    for (const [format, source] of [
      ['text', '  \n\n '],
      ['markdown', '   '],
      ['markdown', '---'],
      ['html', '<script>alert(1)</script>'],
      ['html', '<p><br></p>'],
    ] as const)
      expect(renderBody(format, source)).toEqual({ source: '', html: '' });
  });
});

describe('a body sent without a format (deprecated)', () => {
  it('is guessed as before: HTML when it holds anything like a tag', () => {
    expect(guessFormat('<b>x</b>')).toBe('html');
    expect(guessFormat('a<b')).toBe('html');
    expect(guessFormat('a < b')).toBe('text');
    expect(sanitizeBody('a < b')).toBe('<p>a &lt; b</p>');
    expect(sanitizeBody('<b>x</b>')).toBe('<b>x</b>');
  });
});
