import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { loadCorpus } from '../../bench/conversion';
import { type SourceVariant, type Variant, convertText, cutEveryRun } from '../../server/text/convert';

/**
 * Conversion cuts a run of Han characters into words only where a stage has a phrase there that
 * writes its characters otherwise than they would be written alone (convert.stages.ts,
 * cutWhereDecided): jieba costs more than all of opencc-js's matching, and most runs need no
 * words. These tests hold that shortcut to the reference, every run cut up front, and check that
 * it is a shortcut.
 */

const vocab = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'conversion-corpus-vocab.json'), 'utf8')) as {
  hans: string;
  tw: string;
}[];
const opencc = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'fixtures', 'opencc', 'testcases.json'), 'utf8').replace(/,(\s*[}\]])/g, '$1'),
) as { cases: { input: string }[] };

const SIMPLIFIED_TO: Variant[] = ['zh-hant', 'zh-tw', 'zh-hk'];
const TRADITIONAL: [SourceVariant, Variant][] = [
  ['zh-hant', 'zh-hans'],
  ['zh-tw', 'zh-hans'],
  ['zh-hk', 'zh-hans'],
  ['zh-hant', 'zh-tw'],
  ['zh-tw', 'zh-hk'],
];

function jobs(): [string, SourceVariant, Variant][] {
  const out: [string, SourceVariant, Variant][] = [];
  const corpus = [...loadCorpus('conversion-corpus'), ...loadCorpus('conversion-heldout')];
  for (const e of corpus) {
    for (const to of SIMPLIFIED_TO) out.push([e.hans, 'zh-hans', to]);
    for (const [from, to] of TRADITIONAL) out.push([e.hant, from, to]);
    out.push([e.hans + e.hant, 'mixed', 'zh-hans']);
  }
  for (const e of vocab) out.push([e.hans, 'zh-hans', 'zh-tw'], [e.tw, 'zh-tw', 'zh-hans']);
  for (const c of opencc.cases) {
    for (const to of SIMPLIFIED_TO) out.push([c.input, 'zh-hans', to]);
    for (const [from, to] of TRADITIONAL) out.push([c.input, from, to]);
  }
  return out;
}

afterEach(() => cutEveryRun(false));

describe('cutting only where a phrase decides', () => {
  it('converts the corpora and OpenCC’s case inputs exactly as cutting every run does, every direction', () => {
    const all = jobs();
    expect(all.length).toBeGreaterThan(5000);
    const differ: string[] = [];
    for (const [text, from, to] of all) {
      cutEveryRun(false);
      const lazy = convertText(text, from, to);
      cutEveryRun(true);
      const every = convertText(text, from, to);
      if (lazy !== every) differ.push(`${from}→${to} ${text}: ${lazy} ≠ ${every}`);
    }
    expect(differ).toEqual([]);
  });

  it('does not call jieba for text where no phrase decides anything, and calls it once for a text where some do', () => {
    convertText('一个中心', 'zh-hans', 'zh-hant'); // jieba's dictionary loaded
    const cut = jest.spyOn(Jieba.prototype, 'cut');
    try {
      // Every character here is written alone whatever its words: nothing to cut.
      expect(convertText('我們今天下午去公園散步，天氣很好。', 'zh-hant', 'zh-hans')).toBe('我们今天下午去公园散步，天气很好。');
      expect(cut).not.toHaveBeenCalled();
      // 头发 (頭髮) and 个中 (箇中) decide: their runs, and only theirs, are cut, in one call.
      expect(convertText('街头发生了一件事。一个中心。好的。', 'zh-hans', 'zh-hant')).toBe('街頭發生了一件事。一個中心。好的。');
      expect(cut).toHaveBeenCalledTimes(1);
      expect(cut.mock.calls[0]![0]).toBe('街头发生了一件事\n一个中心');
    } finally {
      cut.mockRestore();
    }
  });
});
