import { convertHtml, convertText, convertTexts } from '../../server/text/convert';
import { type GlossaryTerm, CompiledGlossary, GlossaryBook, checkTerm, formatGlossary, parseGlossary } from '../../server/text/glossary';

// The glossaries in the conversion (server/text/glossary.ts): precedence, word boundaries, and
// what they never touch. Through convertText as the pages call it, with the rules as an argument.

const rules = (board: GlossaryTerm[], site: GlossaryTerm[] = []) => {
  const book = new GlossaryBook();
  book.set('site', 1, site);
  book.set('7', 1, board);
  return book.rulesFor('7');
};

describe('a glossary in the conversion', () => {
  it('writes a name that must never convert as it is, where the dictionaries would not', () => {
    // A made-up name (姜余) the dictionaries cannot know: 余 there becomes 餘.
    expect(convertText('我喜欢姜余的小说', 'zh-hans', 'zh-tw')).toContain('姜餘');
    expect(convertText('我喜欢姜余的小说', 'zh-hans', 'zh-tw', rules([{ text: '姜余', forms: {} }]))).toBe('我喜歡姜余的小說');
  });

  it('writes each variant its own form, from any of the forms written', () => {
    const r = rules([{ text: '硬核', forms: { 'zh-tw': '超硬派', 'zh-hant': '硬派', 'zh-hans': '硬核' } }]);
    expect(convertText('这个游戏很硬核', 'zh-hans', 'zh-tw', r)).toBe('這個遊戲很超硬派');
    expect(convertText('这个游戏很硬核', 'zh-hans', 'zh-hk', r)).toBe('這個遊戲很硬派');
    expect(convertText('這個遊戲很超硬派', 'zh-tw', 'zh-hans', r)).toBe('这个游戏很硬核');
  });

  it('puts the board before the site, the site before the curated words and the dictionaries', () => {
    // 软件 → 軟體 is a curated Taiwan word; the site says 軟件, the board 軟體程式.
    expect(convertText('我们的软件', 'zh-hans', 'zh-tw')).toBe('我們的軟體');
    const site = [{ text: '软件', forms: { 'zh-tw': '軟件' } }];
    expect(convertText('我们的软件', 'zh-hans', 'zh-tw', rules([], site))).toBe('我們的軟件');
    expect(convertText('我们的软件', 'zh-hans', 'zh-tw', rules([{ text: '软件', forms: { 'zh-tw': '軟體程式' } }], site))).toBe(
      '我們的軟體程式',
    );
  });

  it('matches whole words only: not across words, not inside letters', () => {
    // 低|级别: 低级 is not a word there, and is in 太低级了.
    const r = rules([
      { text: '低级', forms: { 'zh-tw': 'X' } },
      { text: 'CP', forms: { 'zh-tw': 'Y' } },
    ]);
    expect(convertText('低级别', 'zh-hans', 'zh-tw', r)).toBe(convertText('低级别', 'zh-hans', 'zh-tw'));
    expect(convertText('太低级了', 'zh-hans', 'zh-tw', r)).toBe('太X了');
    expect(convertText('CPU很快，CP很高', 'zh-hans', 'zh-tw', r)).toBe('CPU很快，Y很高');
  });

  it('keeps the dictionaries off its output and from matching across it', () => {
    // 头发 would be 頭髮; a term 头 written 頭目 leaves 发 to the character table alone.
    const r = rules([{ text: '发', forms: { 'zh-tw': '髮' } }]);
    expect(convertText('他剪了发', 'zh-hans', 'zh-tw', r)).toBe('他剪了髮');
  });

  it('never touches URLs, @names or code', () => {
    const r = rules([{ text: '软件', forms: { 'zh-tw': '軟件' } }]);
    const out = convertText('软件见 https://example.com/软件 问 @软件作者', 'zh-hans', 'zh-tw', r);
    expect(out.match(/軟件/g)).toHaveLength(1);
    expect(out.startsWith('軟件')).toBe(true);
    const html = convertHtml('<p>软件 <code>软件</code> <a href="/u/软件" class="mention">@软件</a></p>', 'zh-hans', 'zh-tw', r);
    expect(html).toBe('<p>軟件 <code>软件</code> <a href="/u/软件" class="mention">@软件</a></p>');
  });

  it('converts batches as one by one', () => {
    const r = rules([{ text: '余华', forms: {} }]);
    expect(convertTexts(['余华来了', '余华'], 'zh-hans', 'zh-tw', r)).toEqual(['余华來了', '余华']);
  });

  it('gives text without terms what the code alone gives', () => {
    const r = rules([{ text: '余华', forms: {} }]);
    for (const text of ['一个中心：软件和芯片，头发。', '低级别的更加蓬松']) {
      expect(convertText(text, 'zh-hans', 'zh-tw', r)).toBe(convertText(text, 'zh-hans', 'zh-tw'));
    }
  });
});

describe('the rules version', () => {
  it('changes with the site glossary and the board glossary, and only the board’s for its posts', () => {
    const book = new GlossaryBook();
    const before = [book.versionFor('1'), book.versionFor('2')];
    book.set('1', 1, [{ text: '余华', forms: {} }]);
    expect(book.versionFor('1')).not.toBe(before[0]);
    expect(book.versionFor('2')).toBe(before[1]);
    book.set('site', 1, []);
    expect(book.versionFor('2')).not.toBe(before[1]);
    expect(book.rulesFor('2')).toBeUndefined();
    expect(book.rulesFor('1')?.glossaries).toHaveLength(1);
    // An older version heard late never replaces a newer one.
    book.set('1', 3, []);
    book.set('1', 2, [{ text: 'x', forms: {} }]);
    expect(book.termsOf('1')).toEqual([]);
  });
});

describe('terms and files', () => {
  it('refuses empty, huge and control-character terms and unknown variants', () => {
    expect(checkTerm({ text: '  ' })).toBe('empty');
    expect(checkTerm({ text: '字'.repeat(33) })).toBe('tooLong');
    expect(checkTerm({ text: 'a\u0007b' })).toBe('control');
    expect(checkTerm({ text: 'a=b' })).toBe('control');
    expect(checkTerm({ text: '芯片', forms: { 'zh-xx': '晶片' } })).toBe('badVariant');
    expect(checkTerm({ text: ' 芯片 ', forms: { 'zh-tw': ' 晶片', 'zh-hk': '' } })).toEqual({ text: '芯片', forms: { 'zh-tw': '晶片' } });
  });

  it('writes and reads back its file, text or JSON', () => {
    const terms: GlossaryTerm[] = [
      { text: '芯片', forms: { 'zh-hant': '晶片', 'zh-tw': '晶片' } },
      { text: '余华', forms: {} },
    ];
    expect(parseGlossary(formatGlossary(terms))).toEqual(terms);
    expect(parseGlossary(JSON.stringify({ terms }))).toEqual(terms);
    expect(parseGlossary('芯片 = zh-tw晶片')).toEqual({ line: 1, problem: 'syntax' });
    expect(parseGlossary('# a\n\n芯片\n\u0001')).toEqual({ line: 4, problem: 'control' });
  });

  it('compiles per variant only the terms that apply to it', () => {
    const g = new CompiledGlossary(1, [{ text: '芯片', forms: { 'zh-tw': '晶片' } }]);
    expect(g.forVariant('zh-hans')).toBeNull();
    expect(g.forVariant('zh-tw')).not.toBeNull();
  });
});
