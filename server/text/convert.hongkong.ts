import type { DictGroup } from './convert.tries';
import { OpenCC } from './opencc';

/**
 * Hong Kong text's 著 (issue 18). Hong Kong's standard writes 着 for zhe and zhao (着急, 睡着,
 * 着火) and 著 for zhù (著名, 著作, 顯著), and OpenCC's Hong Kong tables read it so: its hk → s
 * leaves every 著 as 著. But much of what Hong Kong publishes (newspapers, forums, subtitles)
 * writes 著 for both, as Taiwan does, so 他著急地說 came out 他著急地说. Hong Kong text is read
 * here as Taiwan's is: 著 is 着, except in the zhù words of OpenCC's own Taiwan table (著名,
 * 著作, 顯著, 名著 …; 土著, 原著 and the others it lacks are curated words, convert.overrides.ts).
 * Text that writes 着 already is unchanged, and the phrases are matched inside words only, as
 * the region stage matches every phrase (看著|名單 is 看着名单).
 */
export function hongKongZhe(): DictGroup[number] {
  const taiwanBack = (OpenCC.Locale.configs as Record<string, { conversionChain: readonly DictGroup[] }>).tw2s!.conversionChain[0]!;
  const pairs: [string, string][] = [];
  for (const dictionary of taiwanBack) {
    const entries =
      typeof dictionary === 'string'
        ? dictionary.split('|').map((e) => e.split(' ') as [string, string])
        : dictionary.map(([from, to]): [string, string] => [from, to]);
    for (const [from, to] of entries) if (from.includes('著') && to !== undefined) pairs.push([from, to]);
  }
  if (!pairs.some(([from]) => from === '著')) throw new Error("opencc-js's tw2s no longer maps 著: Hong Kong's 著 needs another source");
  return pairs;
}
