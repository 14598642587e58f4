import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCorpus } from '../../bench/conversion';
import { FOLDING_VERSION, searchDocument } from '../../server/text/search-terms';

/**
 * The search index keeps, with each post, the FOLDING_VERSION its document was made with, and
 * `search:reindex --only stale` rebuilds the others. A change to the conversion rules (or the
 * lexemes) that leaves the version as it was would leave old documents in the index, found by
 * yesterday's folding. So the documents of a fixed set of texts are recorded here per version:
 * when they change, raise FOLDING_VERSION (server/text/search-terms.ts) and record the new digest.
 */
const RECORDED: Record<number, string> = {
  3: 'b2a52b5721abf33488b5f7a7aafadc6cc985bf1e17f4dc352cac0777251bd065',
  4: '5f4e01883f82ec13e0e130f8dad5f534ed0f16f897c21ede3101373716bfed14',
  5: '98605c0d428722a7b407dd4d776c5ad5e1b072158207f8aa6528f19f4d268663',
  6: '53bfeec114aea3f6f37564d27998e396c51539054b7b219bf5bb485dabf679b6',
  7: '7c63f954fad6de2c67a6609410e20760dec4992ef7a6e1b1dd3a626b46a779eb',
  8: '9132a58a1343642bb1524c131c35125914f7ed2e3024abff29dccb6cbf5a2130',
  9: 'c64dd1dcb8dd92c85fd4229df3d0cf51f4798104990522dc6ee62d259714f393',
};

function documentsDigest(): string {
  const hash = createHash('sha256');
  const vocab = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'conversion-corpus-vocab.json'), 'utf8')) as {
    hans: string;
    tw: string;
  }[];
  const texts: (readonly [string, Parameters<typeof searchDocument>[2]])[] = [
    ...loadCorpus('conversion-corpus').flatMap((e) => [
      [e.hans, 'zh-hans'] as const,
      [e.hant, 'zh-hant'] as const,
      [e.hant, 'zh-hk'] as const,
    ]),
    ...vocab.flatMap((e) => [[e.tw, 'zh-tw'] as const, [e.hans + e.tw, 'mixed'] as const]),
    // Version 6, the second round of context rules: 藉 → 借 and 揹 → 背 change what traditional
    // text folds to (not the development set itself, which grows without changing the rules).
    ...['我想藉這個機會向各位致謝', '這是唯一的慰藉', '她揹著孩子下山', '他背著手站著'].map((t) => [t, 'zh-tw'] as const),
    // Version 7: words cut into their letters and digits (3.5mm: 3, 5, mm).
    ['3.5mm耳机，v2.1，i7-12700K，iPhone15，RTX 4090', 'zh-hans'] as const,
    // Version 8, the fourth round of context rules: 帳 of accounts folds to 账 (帳篷 stays 帐篷).
    ...['我們對一下帳吧', '山上搭了帳篷'].map((t) => [t, 'zh-tw'] as const),
    // Pins (text/pins.ts, version 4): each reading indexed, the syntax never.
    ['我玩-{zh-hans:赛博朋克;zh-tw:電馭叛客}-很久了', 'zh-hans'] as const,
    ['-{原文}-和\\-{頭髮}-，-{zh-tw:記憶體;zh-hk:內存}-', 'zh-tw'] as const,
  ];
  for (const [text, variant] of texts)
    hash.update(`${variant}\u0000${JSON.stringify(searchDocument(text, `<p>${text}</p>`, variant))}\u0000`);
  return hash.digest('hex');
}

describe('FOLDING_VERSION', () => {
  it('names what folding makes of a fixed set of texts: a change to it raises the version', () => {
    expect({ version: FOLDING_VERSION, digest: documentsDigest() }).toEqual({
      version: FOLDING_VERSION,
      digest: RECORDED[FOLDING_VERSION],
    });
  });
});
