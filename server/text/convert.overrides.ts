// opencc-js declares ESM types but ships a CommonJS build, which is what we load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const OpenCC: typeof import('opencc-js', { with: { 'resolution-mode': 'import' } }) = require('opencc-js');

/**
 * Whole words that jieba + opencc-js still convert wrongly from simplified, with the right
 * Taiwan-standard form. Each entry was found by the regression corpus
 * (tests/fixtures/conversion-corpus.json) or by reading real forum text, and checked by hand.
 * Hong Kong forms are derived from these; Taiwan-phrase (twp) targets use them as they are.
 */
const WORDS: Record<string, string> = {
  系鞋带: '繫鞋帶',
  系好: '繫好',
  系上: '繫上',
  系紧: '繫緊',
};

const toHongKong = OpenCC.Converter({ from: 'tw', to: 'hk' });

function build(convert: (s: string) => string): Map<string, string> {
  return new Map(Object.entries(WORDS).map(([word, tw]) => [word, convert(tw)]));
}

/** Word overrides per OpenCC target locale (cn needs none: it is the source). */
export const OVERRIDES: Record<'cn' | 'tw' | 'twp' | 'hk', ReadonlyMap<string, string>> = {
  cn: new Map(),
  tw: build((s) => s),
  twp: build((s) => s),
  hk: build(toHongKong),
};
