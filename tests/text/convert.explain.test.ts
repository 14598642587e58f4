import { loadCorpus } from '../../bench/conversion';
import { convertText, explainConversion } from '../../server/text/convert';

/**
 * `convert --explain` (issue 18): what each stage read, the words it used, and each choice it made
 * and why, with the same output as the conversion readers get.
 */

describe('explainConversion', () => {
  it('gives the output convertText gives, for every sentence of the regression corpus both ways', () => {
    for (const e of loadCorpus('conversion-corpus')) {
      expect(explainConversion(e.hans, 'zh-hans', 'zh-tw').output).toBe(convertText(e.hans, 'zh-hans', 'zh-tw'));
      expect(explainConversion(e.hant, 'zh-tw', 'zh-hans').output).toBe(convertText(e.hant, 'zh-tw', 'zh-hans'));
    }
  });

  it('names the words and the phrase the word boundaries refused (低|级别: not 低級 → 低階)', () => {
    const { output, stages } = explainConversion('低级别', 'zh-hans', 'zh-tw');
    expect(output).toBe('低級別');
    expect(stages.map((s) => s.name)).toEqual([expect.stringMatching(/^script/), expect.stringMatching(/^region \(Taiwan/)]);
    expect(stages[0]!.words).toEqual(['低', '级别']);
    expect(stages[0]!.steps).toContainEqual(expect.objectContaining({ source: '级别', output: '級別', kind: 'phrase' }));
    expect(stages[1]!.text).toBe('低級別');
    expect(stages[1]!.steps).toContainEqual(expect.objectContaining({ source: '低', output: '低', refused: '低級' }));
  });

  it('says when a phrase is used only up to a word boundary, and when a curated word decides', () => {
    const week = explainConversion('周线图', 'zh-hans', 'zh-hant');
    expect(week.output).toBe('週線圖');
    expect(week.stages[0]!.steps[0]).toEqual({ at: 0, source: '周', output: '週', kind: 'part of a phrase', of: '周线' });
    const memory = explainConversion('服务器的内存', 'zh-hans', 'zh-tw');
    expect(memory.output).toBe('伺服器的記憶體');
    expect(memory.stages[1]!.steps).toContainEqual(expect.objectContaining({ source: '內存', output: '記憶體', kind: 'curated word' }));
  });

  it('has no stages for text already in the reader’s variant, and leaves the conversion as it was after', () => {
    expect(explainConversion('软件', 'zh-hans', 'zh-hans')).toEqual({ output: '软件', stages: [] });
    expect(convertText('一个中心', 'zh-hans', 'zh-hant')).toBe('一個中心');
  });
});
