/**
 * Pins (issue 18, server/text/pins.ts) as pure text: the syntax, the fallbacks between variants,
 * the escape, conversion around pins (no phrase crosses one), the formats keeping them as plain
 * text, and the composer's live count agreeing with the server's.
 */
import { bytesOf, writtenText as clientWrittenText } from '../../client/bytes';
import { writtenBytes } from '../../server/text/bytes';
import { convertHtml, convertText, convertTexts } from '../../server/text/convert';
import { htmlHead } from '../../server/text/excerpt';
import { renderBody } from '../../server/text/formats';
import { linkMentions } from '../../server/text/mentions';
import { hasPins, pinAround, pinReadings, resolveHtmlPins, resolvePins, splitPins, unpinned, writtenText } from '../../server/text/pins';
import { VARIANTS } from '../../server/variants';

const CHIP = '-{zh-hans:芯片;zh-tw:晶片}-';

describe('the syntax', () => {
  it('reads a per-variant pin in each variant, falling back as documented', () => {
    expect(VARIANTS.map((v) => resolvePins(CHIP, v))).toEqual(['芯片', '晶片', '晶片', '晶片']);
    const hk = '-{zh-hans:内存;zh-hk:內存;zh-tw:記憶體}-';
    // zh-hant reads zh-tw before zh-hk; zh-hk its own.
    expect(VARIANTS.map((v) => resolvePins(hk, v))).toEqual(['内存', '記憶體', '記憶體', '內存']);
    // zh-hk → zh-hant before zh-tw; zh-tw ↔ zh-hant.
    expect(resolvePins('-{zh-hans:a;zh-tw:b;zh-hant:c}-', 'zh-hk')).toBe('c');
    expect(resolvePins('-{zh-hans:a;zh-hant:c}-', 'zh-tw')).toBe('c');
    // Nothing to fall back to: the first alternative; as written: the first too.
    expect(resolvePins('-{zh-tw:b;zh-hk:d}-', 'zh-hans')).toBe('b');
    expect(resolvePins(CHIP, undefined)).toBe('芯片');
    expect(resolvePins('-{zh-tw:b;zh-hans:a}-', 'mixed')).toBe('b');
  });

  it('keeps a never-converted pin, a literal escape, an unclosed or multi-line one as text', () => {
    expect(resolvePins('說-{头发}-了', 'zh-tw')).toBe('說头发了');
    expect(resolvePins('寫 \\-{原文}- 就好', 'zh-tw')).toBe('寫 -{原文}- 就好');
    expect(resolvePins('-{沒有結尾', 'zh-tw')).toBe('-{沒有結尾');
    expect(resolvePins('-{兩\n行}-', 'zh-tw')).toBe('-{兩\n行}-');
    // Content not a list of variant:text is one never-converted text (a ; or : in it is text).
    expect(resolvePins('-{a;b:c}-', 'zh-tw')).toBe('a;b:c');
    expect(resolvePins('-{zh-hans:a;b;zh-tw:c;}-', 'zh-hans')).toBe('a;b');
    expect(resolvePins('-{}-', 'zh-tw')).toBe('');
    expect(hasPins('沒有')).toBe(false);
  });

  it('cuts text into segments with their offsets, which pinAround and unpinned use', () => {
    const text = `用${CHIP}的`;
    expect(splitPins(text).map((s) => [s.pinned, s.start, s.end])).toEqual([
      [false, 0, 1],
      [true, 1, 1 + CHIP.length],
      [false, 1 + CHIP.length, text.length],
    ]);
    expect(pinAround(text, 5)).toEqual([1, 1 + CHIP.length]);
    expect(pinAround(text, 1)).toBeUndefined();
    expect(unpinned(text)).toBe('用 的');
    expect(pinReadings(`用${CHIP}`).sort()).toEqual(['用晶片', '用芯片']);
  });
});

describe('conversion around pins', () => {
  it('converts the rest and resolves the pin for the reader, also when the text is in their variant', () => {
    expect(convertText(`我的${CHIP}和软件`, 'zh-hans', 'zh-tw')).toBe('我的晶片和軟體');
    expect(convertText(`我的${CHIP}和软件`, 'zh-hans', 'zh-hans')).toBe('我的芯片和软件');
    expect(convertText('-{软件}-和软件', 'zh-hans', 'zh-tw')).toBe('软件和軟體');
    expect(convertText('-{Linux}-', 'other', 'zh-tw')).toBe('Linux');
  });

  it('lets no dictionary phrase cross a pin', () => {
    // 头发 is one phrase (頭髮); each side of a pin is converted alone.
    expect(convertText('头发', 'zh-hans', 'zh-hant')).toBe('頭髮');
    expect(convertText('头-{发}-', 'zh-hans', 'zh-hant')).toBe('頭发');
    expect(convertText('-{头}-发', 'zh-hans', 'zh-hant')).toBe('头發');
    expect(convertText('一个-{x}-中心', 'zh-hans', 'zh-hant')).toBe('一個x中心');
  });

  it('batches titles with pins as one by one', () => {
    const titles = [`${CHIP}出货`, '头发', '\\-{头发}-'];
    expect(convertTexts(titles, 'zh-hans', 'zh-tw')).toEqual(titles.map((t) => convertText(t, 'zh-hans', 'zh-tw')));
    expect(convertTexts(titles, 'zh-hans', 'zh-tw')[2]).toBe('-{頭髮}-');
  });

  it('resolves pins in HTML text, code, names and alt/title, and leaves tags and links alone', () => {
    const html = `<p>${CHIP}<code>-{x}-</code> <a href="/x-{y}-">-{zh-hans:甲;zh-tw:乙}-</a><img src="https://e/i.png" alt="${CHIP}" /></p>`;
    expect(convertHtml(html, 'zh-hans', 'zh-tw')).toBe(
      '<p>晶片<code>x</code> <a href="/x-{y}-">乙</a><img src="https://e/i.png" alt="晶片" /></p>',
    );
    expect(resolveHtmlPins(html, undefined)).toBe(
      '<p>芯片<code>x</code> <a href="/x-{y}-">甲</a><img src="https://e/i.png" alt="芯片" /></p>',
    );
  });
});

describe('formats keep pins as plain text', () => {
  it('text and markdown: markup inside a pin is text; the escape survives markdown', () => {
    expect(renderBody('text', `a -{<b>粗</b> https://e.com}- b`).html).toBe('<p>a -{&lt;b&gt;粗&lt;/b&gt; https://e.com}- b</p>');
    const md = renderBody('markdown', '**粗** -{**不粗** <i>x</i>}- \\-{原文}- `-{c}-`');
    expect(md.html).toBe('<p><strong>粗</strong> -{**不粗** &lt;i&gt;x&lt;/i&gt;}- \\-{原文}- <code>-{c}-</code></p>');
    expect(resolveHtmlPins(md.html, 'zh-tw')).toBe('<p><strong>粗</strong> **不粗** &lt;i&gt;x&lt;/i&gt; -{原文}- <code>c</code></p>');
  });

  it('html: a pin holding hostile HTML stays escaped text', () => {
    const { html } = renderBody('html', '<p>-{<script>alert(1)</script>}- -{zh-hans:a;zh-tw:<img src=x onerror=alert(1)>}-</p>');
    expect(html).toBe('<p>-{&lt;script&gt;alert(1)&lt;/script&gt;}- -{zh-hans:a;zh-tw:&lt;img src=x onerror=alert(1)&gt;}-</p>');
    expect(convertHtml(html, 'other', 'zh-tw')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>');
  });

  it('a -{ the format writes itself is no pin', () => {
    const { html } = renderBody('markdown', '-\\{x}-');
    expect(resolveHtmlPins(html, 'zh-tw')).toBe('<p>-{x}-</p>');
  });

  it('links no mention inside a pin, nor one running into it', () => {
    const resolve = (run: string) => ({ name: run.slice(0, 3), length: 3 });
    expect(linkMentions('<p>-{@bob}- @amy-{x}-</p>', resolve)).toBe('<p>-{@bob}- <a href="/u/amy" class="mention">@amy</a>-{x}-</p>');
  });

  it('an excerpt never cuts a pin in half', () => {
    const html = `<p>${'字'.repeat(10)}${CHIP}</p>`;
    expect(htmlHead(html, 15)).toBe(`<p>${'字'.repeat(10)}`);
  });
});

describe('"(N bytes)"', () => {
  const texts = [
    '沒有',
    `用${CHIP}。`,
    '-{zh-tw:記憶體;zh-hans:内存}-',
    '\\-{原文}- -{原文}- -{a;b:c}- -{zh-hans:a;b;zh-tw:c;}- -{zh-hans: 空白 ;}-',
    '-{沒有結尾 -{兩\n行}-',
  ];

  it('counts what readers read as written: the first alternative, never the syntax', () => {
    expect(writtenBytes(`用${CHIP}。`)).toBe(Buffer.byteLength('用芯片。'));
    expect(writtenText('\\-{x}-')).toBe('-{x}-');
  });

  it.each(texts)('the composer counts %j as the server does', (text) => {
    expect(clientWrittenText(text)).toBe(writtenText(text));
    expect(bytesOf(text)).toBe(writtenBytes(text));
  });
});
