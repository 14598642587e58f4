import { convertHtml, convertText, detectVariant } from '../../server/text/convert';
import { OpenCC } from '../../server/text/opencc';

describe('detectVariant', () => {
  it.each([
    ['这是一个简体中文的句子，说说你们的看法。', 'zh-hans'],
    ['這是一個繁體中文的句子，說說你們的看法。', 'zh-hant'],
    ['我的電腦軟體要更新了，晶片也太舊。', 'zh-tw'],
    ['我哋喺屋企裏面食飯，電綫斷咗。', 'zh-hk'],
    ['這個問題很簡單，但是你们怎么看这个问题呢？', 'mixed'],
    ['Hello, world! 123', 'other'],
    ['', 'other'],
  ])('%s → %s', (text, variant) => {
    expect(detectVariant(text)).toBe(variant);
  });

  it('does not call a text mixed for one stray character of the other script', () => {
    expect(detectVariant('這是一個很長的繁體句子，裡面只有一個简字，大家說是不是這樣。')).toBe('zh-hant');
  });
});

describe('convertText', () => {
  const stock = OpenCC.Converter({ from: 'cn', to: 'tw' });

  it.each([
    ['一个中心', '一個中心', '一箇中心'],
    ['基本上复制了', '基本上複製了', '基本上覆制了'],
  ])('converts %s by word, where stock opencc-js matches across words', (hans, want, stockSays) => {
    expect(stock(hans)).toBe(stockSays); // the failure we fix
    expect(convertText(hans, 'zh-hans', 'zh-hant')).toBe(want);
  });

  it.each([
    ['出口管制', '出口管制'],
    ['只是', '只是'],
    ['方面', '方面'],
    ['系统', '系統'],
    ['头发', '頭髮'],
    ['这里有一只猫', '這裡有一隻貓'],
    ['皇后和以后', '皇后和以後'],
    ['系鞋带', '繫鞋帶'],
  ])('makes none of the character-mapping errors: %s → %s', (hans, hant) => {
    expect(convertText(hans, 'zh-hans', 'zh-hant')).toBe(hant);
  });

  it('brings mainland text to Taiwan vocabulary and back', () => {
    expect(convertText('芯片和软件', 'zh-hans', 'zh-tw')).toBe('晶片和軟體');
    expect(convertText('晶片和軟體', 'zh-tw', 'zh-hans')).toBe('芯片和软件');
    // zh-hant is traditional characters with the writer's own words.
    expect(convertText('芯片和软件', 'zh-hans', 'zh-hant')).toBe('芯片和軟件');
  });

  it('writes Hong Kong forms for zh-hk', () => {
    expect(convertText('这里', 'zh-hans', 'zh-hk')).toBe('這裏');
  });

  it('turns traditional into simplified', () => {
    expect(convertText('這裡有一隻貓，頭髮乾了。', 'zh-hant', 'zh-hans')).toBe('这里有一只猫，头发干了。');
  });

  it('converts both halves of a mixed text', () => {
    expect(convertText('這個问题', 'mixed', 'zh-hans')).toBe('这个问题');
    expect(convertText('這個问题', 'mixed', 'zh-hant')).toBe('這個問題');
  });

  it('leaves text alone when nothing is to be done', () => {
    expect(convertText('头发', 'zh-hans', 'zh-hans')).toBe('头发');
    expect(convertText('Hello 123', 'zh-hans', 'zh-hant')).toBe('Hello 123');
    expect(convertText('头发', 'other', 'zh-hant')).toBe('头发');
  });
});

describe('convertHtml', () => {
  it('converts text and alt/title only: never URLs, other attributes, code or pre', () => {
    const html =
      '<p title="头发">头发 &amp; 发现 <a href="https://example.com/头发?q=发" rel="nofollow ugc noopener" target="_blank">头发链接</a></p>' +
      '<img src="https://example.com/发.png" alt="头发" /><pre><code>const 头发 = "发";</code></pre><code>发</code><p>后来</p>';
    expect(convertHtml(html, 'zh-hans', 'zh-hant')).toBe(
      '<p title="頭髮">頭髮 &amp; 發現 <a href="https://example.com/头发?q=发" rel="nofollow ugc noopener" target="_blank">頭髮鏈接</a></p>' +
        '<img src="https://example.com/发.png" alt="頭髮" /><pre><code>const 头发 = "发";</code></pre><code>发</code><p>後來</p>',
    );
  });
});
