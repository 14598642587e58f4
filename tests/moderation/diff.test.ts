import { createCaches } from '../../server/caches';
import { DIFF_MAX_EDITS, bodyText, diffHtml, renderDiffs } from '../../server/moderation/moderation.diff';
import { shownOn } from '../../server/text/localize';
import { scrambled } from '../factories';

describe('diffHtml', () => {
  it('marks what changed, character by character', () => {
    expect(diffHtml('只是方面的問題', '只是這方面的問題')).toBe('只是<ins>這</ins>方面的問題');
    expect(diffHtml('一二三四', '一二五四')).toBe('一二<del>三</del><ins>五</ins>四');
    expect(diffHtml('相同', '相同')).toBe('相同');
  });

  it('escapes the text', () => {
    expect(diffHtml('<b>', '<i>')).toBe('&lt;<del>b</del><ins>i</ins>&gt;');
  });

  it('gives up on a pair too costly to diff and shows it removed and added whole', () => {
    const before = scrambled(1, 50_000);
    const after = scrambled(2, 50_000);
    expect(diffHtml(before, after)).toBe(`<del>${before}</del><ins>${after}</ins>`);
  });

  it('keeps the common start and end of a long rewrite as they are', () => {
    const middle = [scrambled(3, 10_000), scrambled(4, 10_000)];
    const html = diffHtml(`開頭。${middle[0]}結尾。`, `開頭。${middle[1]}結尾。`);
    expect(html).toBe(`開頭。<del>${middle[0]}</del><ins>${middle[1]}</ins>結尾。`);
  });

  it('still diffs a long text with scattered changes', () => {
    const before = scrambled(5, 50_000);
    const changes = Math.floor(DIFF_MAX_EDITS / 10);
    const chars = [...before];
    for (let i = 0; i < changes; i++) chars[100 + i * 300] = '改';
    const html = diffHtml(before, chars.join(''));
    expect(html.match(/<ins>改<\/ins>/g)).toHaveLength(changes);
  });

  it('never splits a character outside the basic plane', () => {
    expect(diffHtml('𠀀好', '𠀁好')).toBe('<del>𠀀</del><ins>𠀁</ins>好');
    expect(diffHtml('好𠀀', '好𡀀')).toBe('好<del>𠀀</del><ins>𡀀</ins>');
  });
});

describe('renderDiffs', () => {
  // No glossary: the code's rules alone (tests/moderation/glossary.test.ts has the boards').
  const nowhere = shownOn(createCaches().conversions, null);
  const version = (revision: number, title: string, body: string) => ({ revision, title, body, bytes: Buffer.byteLength(body) });

  it('renders titles and bodies as text, the first version whole', async () => {
    const cache = createCaches().diffs;
    const v0 = version(0, '標題', '<p>第一段</p><p>a &lt; b</p>');
    const v1 = version(1, '新標題', '<p>第一段</p><p>a &lt; c</p>');
    const [first, second] = await renderDiffs(
      cache,
      '7',
      [
        { before: v0, after: v1 },
        { before: null, after: v0 },
      ],
      undefined,
      false,
      'zh-hans',
      nowhere,
    );
    expect(first).toBe('<p class="diff-title"><ins>新</ins>標題</p><pre class="diff-body">第一段\n\na &lt; <del>b</del><ins>c</ins></pre>');
    expect(second).toBe('<p class="diff-title">標題</p><pre class="diff-body">第一段\n\na &lt; b</pre>');
    expect(bodyText('<p>a<br />b</p>')).toBe('a\nb');
  });

  it('converts every version from the post’s own script: an unchanged title never shows as changed', async () => {
    // The body's edit turns a traditional text simplified; the title stays as it was (mixed).
    const v0 = version(0, '周末去爬山，順便聊聊天氣', '<p>週末和朋友去爬了山，頭髮都濕了。</p>');
    const v1 = version(1, '周末去爬山，順便聊聊天氣', '<p>周末和朋友去爬了山，头发都湿了。</p>');
    for (const variant of ['zh-tw', 'zh-hans', 'zh-hk'] as const) {
      const [html] = await renderDiffs(createCaches().diffs, '9', [{ before: v0, after: v1 }], variant, false, 'mixed', nowhere);
      const title = /<p class="diff-title">(.*?)<\/p>/.exec(html!)![1]!;
      expect([variant, title]).toEqual([variant, expect.not.stringMatching(/<(ins|del)>/)]);
    }
  });

  it('keeps at most its bound in bytes', async () => {
    const cache = createCaches({ diffs: 200_000 }).diffs;
    for (let i = 0; i < 20; i++) {
      const before = version(i, 't', scrambled(i, 5_000));
      const after = version(i + 1, 't', scrambled(i + 100, 5_000));
      await renderDiffs(cache, '1', [{ before, after }], undefined, false, 'zh-hans', nowhere);
      expect(cache.calculatedSize).toBeLessThanOrEqual(200_000);
    }
    expect(cache.size).toBeLessThan(20);
  });
});
