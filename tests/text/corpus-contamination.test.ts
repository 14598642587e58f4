import { loadCorpus, loadDevCorpus, loadFrozenCorpus } from '../../bench/conversion';

// The held-out corpora are kept out of rule-making (docs/conversion.md): no development sentence may
// be copied from one of their sentences, nor paraphrased closely enough to keep a run of its words.
// A development sentence that shares eight characters in a row with a held-out or frozen sentence
// (either script) is taken as contaminated. Reports the development sentence only.
const SHARED = 8;

/** Every run of SHARED code points of the texts. */
function runsOf(texts: readonly string[]): Set<string> {
  const runs = new Set<string>();
  for (const text of texts) {
    const cps = [...text];
    for (let i = 0; i + SHARED <= cps.length; i++) runs.add(cps.slice(i, i + SHARED).join(''));
  }
  return runs;
}

/** The development sentences that share a run of SHARED characters with any of `held`. */
function contaminated(dev: readonly { hans: string; hant: string }[], held: readonly { hans: string; hant: string }[]): string[] {
  const runs = runsOf(held.flatMap((e) => [e.hans, e.hant]));
  return dev.filter((e) => [...runsOf([e.hans, e.hant])].some((r) => runs.has(r))).map((e) => e.hans);
}

describe('the development set is kept apart from the held-out corpora', () => {
  const dev = loadDevCorpus().entries;
  const held = [...loadCorpus('conversion-heldout'), ...loadFrozenCorpus().entries];

  it('shares no run of eight characters with any held-out or frozen sentence', () => {
    expect(contaminated(dev, held)).toEqual([]);
  });

  it('finds such a sentence: one copied, or one keeping eight characters of it', () => {
    const sentence = held[0]!;
    const cps = [...sentence.hans];
    const kept = `他说${cps.slice(0, SHARED).join('')}`;
    const fresh = { hans: '这是一个新写的句子，没有抄任何一句', hant: '這是一個新寫的句子，沒有抄任何一句' };
    expect(contaminated([sentence, { hans: kept, hant: '' }, fresh], held)).toEqual([sentence.hans, kept]);
    expect(contaminated([{ hans: `他说${cps.slice(0, SHARED - 1).join('')}`, hant: '' }], [sentence])).toEqual([]);
  });
});
