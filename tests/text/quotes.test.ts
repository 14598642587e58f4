import { renderBody } from '../../server/text/formats';
import { attributeQuotes, firstParagraph, quoteSource, quotedPostIds } from '../../server/text/quotes';
import { convertHtml } from '../../server/text/convert';

// Quotes (引用) in text and markdown alike: "> " lines, the first naming the quoted post's author
// with a link back. Both formats render the same block; the posts layer finds the quoted posts in
// the rendered HTML.

/** Rendered HTML without the white space between tags (markdown-it puts new lines there, text does not). */
const tight = (html: string) => html.replace(/>\s+</g, '><').replace(/<br \/>\n/g, '<br />');

describe('a quote', () => {
  const source = quoteSource('張三', '42', '第一行\n第二行 a<b', '寫道：');

  it('is written as "> " lines after an attribution linking back, with a blank line to write below', () => {
    expect(source).toBe('> [張三](/t/42) 寫道：\n> 第一行\n> 第二行 a<b\n\n');
  });

  it('renders as a block with the author linked to the post, the same in text and in markdown', () => {
    const text = renderBody('text', `${source}我的回答`).html;
    const markdown = renderBody('markdown', `${source}我的回答`).html;
    expect(tight(text)).toBe(
      '<blockquote><p><a href="/t/42" rel="nofollow ugc noopener" target="_blank">張三</a> 寫道：<br />第一行<br />第二行 a&lt;b</p></blockquote><p>我的回答</p>',
    );
    expect(tight(markdown)).toBe(tight(text));
  });

  it('in text, is only "> " lines: a link elsewhere stays text, and a line without ">" ends the quote', () => {
    const html = renderBody('text', '[張三](/t/42) 不是引用\n> 引文\n> [李四](/t/7) 不在第一行\n後面').html;
    expect(html).toBe('<p>[張三](/t/42) 不是引用</p><blockquote><p>引文<br />[李四](/t/7) 不在第一行</p></blockquote><p>後面</p>');
    expect(quotedPostIds(html, 10)).toEqual([]);
  });

  it('nests a quote of a quote, and each names its own post', () => {
    const inner = quoteSource('李四', '7', '最早的話', '寫道：').trimEnd();
    const outer = quoteSource('張三', '42', `${inner}\n張三的話`, '寫道：');
    const html = renderBody('text', outer).html;
    expect(tight(html)).toContain('<blockquote><p><a href="/t/42"');
    expect(tight(html)).toContain('<blockquote><p><a href="/t/7"');
    expect(quotedPostIds(html, 10)).toEqual(['42', '7']);
    expect(quotedPostIds(renderBody('markdown', outer).html, 10)).toEqual(['42', '7']);
    expect(quotedPostIds(html, 1)).toEqual(['42']);
  });
});

describe('the first paragraph of a post', () => {
  it('is its own text, not that of a quote in it, with line breaks and characters as written', () => {
    const body = renderBody('text', `${quoteSource('李四', '7', '別人的話', '寫道：')}我說 a<b & c\n第二行\n\n第二段`).html;
    expect(firstParagraph(body)).toBe('我說 a<b & c\n第二行');
  });

  it('is the first item of a list, or nothing for a body with no text of its own', () => {
    expect(firstParagraph(renderBody('markdown', '- 一\n- 二').html)).toBe('一');
    expect(firstParagraph(renderBody('markdown', '> [李四](/t/7) 寫道：\n> 只有引文').html)).toBe('');
  });
});

describe("a quote's attribution", () => {
  const rendered = (format: 'text' | 'markdown', text: string) => renderBody(format, text).html;

  it('is written from the authors given, by post id, whatever name the source gave', () => {
    for (const format of ['text', 'markdown'] as const) {
      const html = attributeQuotes(rendered(format, quoteSource('管理員', '42', '話', '寫道：')), new Map([['42', '張三 <&>']]));
      expect(tight(html)).toBe(
        '<blockquote><p><a href="/t/42" class="quote-author">張三 &lt;&amp;&gt;</a> 寫道：<br />話</p></blockquote>',
      );
    }
  });

  it('leaves the words of a quote of no known post unlinked, and drops the class everywhere else', () => {
    expect(tight(attributeQuotes(rendered('text', quoteSource('管理員', '7', '話', '寫道：')), new Map()))).toBe(
      '<blockquote><p>管理員 寫道：<br />話</p></blockquote>',
    );
    expect(attributeQuotes('<p><a href="/t/7" class="quote-author">x</a></p>', new Map([['7', '張三']]))).toBe(
      '<p><a href="/t/7">x</a></p>',
    );
  });

  it('keeps its name as written in every script, as a mention does', () => {
    const html = attributeQuotes(rendered('text', quoteSource('x', '42', '軟體', '寫道：')), new Map([['42', '張三豐']]));
    const simplified = convertHtml(html, 'zh-tw', 'zh-hans');
    expect(simplified).toContain('class="quote-author">張三豐</a>');
    expect(simplified).toContain('软件');
  });
});
