import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TAIWAN_WORDS, WORD_OVERRIDES } from '../../server/text/convert.overrides';
import { groupNodes } from '../../server/text/convert.tries';
import { simplifiedToTaiwan, simplifiedToTraditional } from '../../server/text/convert';
import { OpenCC } from '../../server/text/opencc';

/**
 * The plain opencc-js conversions convert.ts makes over the stages' shared tries (so that no
 * dictionary is held twice: docs/performance.md, "Memory") give exactly what opencc-js's own
 * converters give, on OpenCC's test cases, on every entry of the dictionaries they use, and on
 * phrases run together so that segmentation decides.
 */

const configs = OpenCC.Locale.configs as Record<
  string,
  { conversionChain: readonly (readonly string[])[]; segmentation?: readonly string[] }
>;

function corpus(): string[] {
  const texts: string[] = [];
  for (const file of ['testcases.json', 'testcases-upstream-additions.json']) {
    const text = readFileSync(path.join(__dirname, '..', 'fixtures', 'opencc', file), 'utf8');
    for (const c of (JSON.parse(text.replace(/,(\s*[}\]])/g, '$1')) as { cases: { input: string; expected: Record<string, string> }[] })
      .cases)
      texts.push(c.input, ...Object.values(c.expected));
  }
  const keys: string[] = [];
  for (const group of [...configs.s2tw!.conversionChain, ...configs.t2s!.conversionChain])
    for (const dict of group) for (const line of dict.split('|')) keys.push(...line.split(' '));
  texts.push(...keys);
  // Phrases and characters run together, so that the segmentation and the longest match meet.
  for (let k = 0; k + 3 < keys.length; k += 7) texts.push(keys[k]! + keys[k + 1]! + keys[k + 3]!);
  texts.push(...[...TAIWAN_WORDS.keys()], ...[...WORD_OVERRIDES.keys()]);
  // An ideographic description sequence, a compatibility ideograph, an astral character, no Han at all.
  texts.push('⿰氵青软件', '什麼豈有此理', '𠀀发展', 'plain text 123', '');
  return texts;
}

describe('conversions over the shared tries', () => {
  const texts = corpus();

  it('cn → tw is opencc-js s2tw, character for character', () => {
    const stock = OpenCC.Converter({ from: 'cn', to: 'tw' });
    const differ = texts.filter((t) => simplifiedToTaiwan(t) !== stock(t));
    expect(texts.length).toBeGreaterThan(50_000);
    expect(differ.slice(0, 5)).toEqual([]);
  });

  it('cn → t is opencc-js s2t', () => {
    const stock = OpenCC.Converter({ from: 'cn', to: 't' });
    const differ = texts.filter((t) => simplifiedToTraditional(t) !== stock(t));
    expect(differ.slice(0, 5)).toEqual([]);
  });

  it('every config with the same dictionaries shares one trie', () => {
    const script = groupNodes(configs.s2tw!.conversionChain[0]!);
    expect(groupNodes(configs.s2twp!.conversionChain[0]!)).toBe(script);
    expect(groupNodes(configs.s2hk!.conversionChain[0]!)).toBe(script);
    expect(groupNodes(configs.s2t!.conversionChain[0]!)).toBe(script);
    expect(groupNodes(configs.t2s!.conversionChain[0]!)).toBe(groupNodes(configs.tw2sp!.conversionChain[1]!));
  });
});
