import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCorpus, loadDevCorpus, scoreCorpus } from '../../bench/conversion';
import { convertText } from '../../server/text/convert';
import { OpenCC } from '../../server/text/opencc';

// The hand-checked regression corpus: 600+ forum and news sentences in both scripts
// (tests/fixtures/conversion-corpus.json), and 50 with Taiwan vocabulary.
const scores = scoreCorpus();

describe('the conversion corpus', () => {
  it('has at least 300 sentences', () => {
    const corpus = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'conversion-corpus.json'), 'utf8')) as unknown[];
    expect(corpus.length).toBeGreaterThanOrEqual(300);
  });

  it('is converted with fewer errors than stock opencc-js in both directions, far fewer than by character', () => {
    expect(scores.gentie.toTraditional.length).toBeLessThan(scores.stock.toTraditional.length);
    expect(scores.gentie.toSimplified.length).toBeLessThan(scores.stock.toSimplified.length);
    expect(scores.stock.toTraditional.length).toBeLessThan(scores.naive.toTraditional.length);
  });

  it('does not get worse: at most the errors counted when the corpus was last reviewed', () => {
    // Raise these only with a reason in docs/conversion.md.
    expect(scores.gentie.toTraditional.length).toBeLessThanOrEqual(1);
    expect(scores.gentie.toSimplified.length).toBeLessThanOrEqual(0);
  });

  it('makes none of the character-mapping errors readers notice at once, anywhere in the corpus', () => {
    const all = scores.gentie.toTraditional.map((m) => m.got).join('\n');
    for (const wrong of ['出口管製', '隻是', '方麵', '係統', '一箇中', '基本上覆制', '頭髮生', '街頭髮']) expect(all).not.toContain(wrong);
  });
});

describe('the development set (the one-to-many characters, class by class)', () => {
  const dev = loadDevCorpus();
  const devScores = scoreCorpus(dev.entries, dev.accepted);

  it('has at least ten sentences of each class the context rules decide', () => {
    const perClass = new Map<string, number>();
    for (const e of dev.entries) perClass.set(e.class, (perClass.get(e.class) ?? 0) + 1);
    const named = '周干托谷余历台后划面发只里系冲松蒙准复征据签须借折范御致尽吁钟斗汇团卷苏制游脏漓纤坛赞账扎刮';
    expect([...named].filter((c) => (perClass.get(c) ?? 0) < 10)).toEqual([]);
  });

  it('is converted without an error, both ways (stock opencc-js makes dozens)', () => {
    // Rules are made against this set: a miss here is a rule to fix, not a count to raise.
    expect(devScores.gentie.toTraditional.map((m) => m.input)).toEqual([]);
    expect(devScores.gentie.toSimplified.map((m) => m.input)).toEqual([]);
    expect(devScores.stock.toTraditional.length).toBeGreaterThan(30);
  });
});

describe('the held-out corpus (written apart, never used to pick a rule or a word)', () => {
  it('is converted with fewer errors than stock opencc-js in both directions', () => {
    const corpus = loadCorpus('conversion-heldout');
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const heldOut = scoreCorpus(corpus);
    expect(heldOut.gentie.toTraditional.length).toBeLessThan(heldOut.stock.toTraditional.length);
    expect(heldOut.gentie.toSimplified.length).toBeLessThan(heldOut.stock.toSimplified.length);
    // Issue 18's targets (at most half of stock's errors to traditional, 0.8× back), and the counts
    // read after the fifth round (3 and 0) as floors: raise them only with a reason in docs/conversion.md.
    expect(heldOut.gentie.toTraditional.length).toBeLessThanOrEqual(Math.min(3, heldOut.stock.toTraditional.length / 2));
    expect(heldOut.gentie.toSimplified.length).toBeLessThanOrEqual(Math.min(0, heldOut.stock.toSimplified.length * 0.8));
  });
});

describe('Taiwan vocabulary', () => {
  const vocab = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'conversion-corpus-vocab.json'), 'utf8')) as {
    hans: string;
    tw: string;
  }[];
  const stockToTw = OpenCC.Converter({ from: 'cn', to: 'twp' });
  const stockFromTw = OpenCC.Converter({ from: 'twp', to: 'cn' });
  const norm = (s: string) => s.replace(/臺/g, '台');
  const count = (f: (e: { hans: string; tw: string }) => boolean) => vocab.filter(f).length;

  it('is brought across better than by stock opencc-js, both ways', () => {
    const stockWrong = [count((e) => norm(stockToTw(e.hans)) !== e.tw), count((e) => stockFromTw(e.tw) !== e.hans)];
    const oursWrong = [
      count((e) => norm(convertText(e.hans, 'zh-hans', 'zh-tw')) !== e.tw),
      count((e) => convertText(e.tw, 'zh-tw', 'zh-hans') !== e.hans),
    ];
    expect(oursWrong[0]).toBeLessThan(stockWrong[0]!);
    expect(oursWrong[1]).toBeLessThan(stockWrong[1]!);
  });

  it('does not get worse: at most the errors counted when it was last reviewed (docs/conversion.md)', () => {
    expect(count((e) => norm(convertText(e.hans, 'zh-hans', 'zh-tw')) !== e.tw)).toBeLessThanOrEqual(8);
    expect(count((e) => convertText(e.tw, 'zh-tw', 'zh-hans') !== e.hans)).toBeLessThanOrEqual(12);
  });
});
