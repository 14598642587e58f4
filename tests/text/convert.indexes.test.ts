import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCorpus, loadDevCorpus, loadFrozenCorpus } from '../../bench/conversion';
import { type SourceVariant, VARIANTS, convertText } from '../../server/text/convert';
import { useIndexes } from '../../server/text/convert.index';

/**
 * The stages' walk reads each dictionary through an index (convert.index.ts): its first
 * characters' nodes in an array, and sets of the pairs of code units its phrases start with, read
 * before the Maps. A shortcut for speed (issue 18) that must never change an output: these tests
 * hold it to the plain walk over the Maps alone, on every corpus in every direction.
 */

const opencc = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'fixtures', 'opencc', 'testcases.json'), 'utf8').replace(/,(\s*[}\]])/g, '$1'),
) as { cases: { input: string }[] };

const SOURCES: SourceVariant[] = ['zh-hans', 'zh-hant', 'zh-tw', 'zh-hk', 'mixed'];

/** Every sentence of the corpora (regression, held-out, development, frozen) in both scripts, and OpenCC's case inputs. */
function sentences(): string[] {
  const pairs = [
    ...loadCorpus('conversion-corpus'),
    ...loadCorpus('conversion-heldout'),
    ...loadDevCorpus().entries,
    ...loadFrozenCorpus().entries,
  ];
  return [...pairs.flatMap((e) => [e.hans, e.hant]), ...opencc.cases.map((c) => c.input)];
}

/**
 * One large text of the corpora's sentences, simplified, traditional and half of each in turn,
 * with Latin, digits, an emoji, characters outside the BMP, an ideographic description sequence
 * and a lone surrogate between them.
 */
function mixedText(all: string[]): string {
  const extras = ['OpenCC 1.2 版 👍', '𠀀𡃁 ⿰氵青', 'abc123 软件', '\uD800軟體'];
  return all.map((s, k) => (k % 5 === 0 ? `${s} ${extras[(k / 5) % extras.length]}` : s)).join('\n');
}

afterEach(() => useIndexes(true));

function differences(texts: string[]): string[] {
  const differ: string[] = [];
  for (const from of SOURCES) {
    for (const to of VARIANTS) {
      if (from === to) continue;
      for (const text of texts) {
        useIndexes(true);
        const indexed = convertText(text, from, to);
        useIndexes(false);
        const plain = convertText(text, from, to);
        if (indexed === plain) continue;
        let at = 0;
        while (indexed[at] === plain[at]) at++;
        const near = (s: string) => s.slice(Math.max(0, at - 10), at + 20);
        differ.push(`${from}→${to} at ${at}: ${near(indexed)} ≠ ${near(plain)}`);
      }
    }
  }
  return differ;
}

describe('the dictionaries’ indexes', () => {
  it('convert every corpus sentence and OpenCC’s case inputs exactly as the plain walk does, in every direction', () => {
    const all = sentences();
    expect(all.length).toBeGreaterThan(4000);
    expect(differences(all)).toEqual([]);
  }, 120_000);

  it('convert a large mixed text exactly as the plain walk does, in every direction', () => {
    const text = mixedText(sentences());
    expect(text.length).toBeGreaterThan(100_000);
    expect(differences([text])).toEqual([]);
  }, 120_000);

  it('keep a lone surrogate as it is (the output is decoded from UTF-16 as written)', () => {
    expect(convertText('软件\uD800体育', 'zh-hans', 'zh-tw')).toBe('軟體\uD800體育');
    expect(convertText('軟體\uDC00體育', 'zh-tw', 'zh-hans')).toBe('软件\uDC00体育');
  });
});
