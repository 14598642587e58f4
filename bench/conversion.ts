import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { convertText } from '../server/text/convert';
import { OpenCC } from '../server/text/opencc';

/**
 * Scores three ways of converting the regression corpus (tests/fixtures/conversion-corpus.json,
 * written and checked by hand) in both directions: naive character mapping, stock opencc-js, and
 * Gentie. An error is a sentence whose output differs from the expected text in any character,
 * after treating the forms Taiwan accepts either way as equal (台/臺, 佈/布 in 發布 etc., 瞭解/了解).
 */

export interface CorpusEntry {
  hans: string;
  hant: string;
  topic: string;
  note?: string;
}

/**
 * A corpus file from tests/fixtures, found from the sources (under jest) or from dist/bench:
 * `conversion-corpus` (the regression corpus the curated words were checked against) or
 * `conversion-heldout` (written separately, never used to choose a rule or a word).
 */
export function loadCorpus(name: 'conversion-corpus' | 'conversion-heldout' = 'conversion-corpus'): CorpusEntry[] {
  const candidates = [path.join(__dirname, '..', 'tests', 'fixtures'), path.join(__dirname, '..', '..', 'tests', 'fixtures')];
  const dir = candidates.find((d) => existsSync(path.join(d, `${name}.json`)))!;
  return JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as CorpusEntry[];
}

// Both forms are standard in Taiwan; a converter is not wrong for picking either.
const ACCEPTED: [RegExp, string][] = [
  [/臺/g, '台'],
  [/(發|公|宣|散|分|頒|遍)佈/g, '$1布'],
  [/瞭解/g, '了解'],
];
const normalize = (s: string) => ACCEPTED.reduce((acc, [re, to]) => acc.replace(re, to), s);

type Direction = 'toTraditional' | 'toSimplified';
export type System = 'naive' | 'stock' | 'gentie';

const stock = { toTraditional: OpenCC.Converter({ from: 'cn', to: 'tw' }), toSimplified: OpenCC.Converter({ from: 'tw', to: 'cn' }) };

const SYSTEMS: Record<System, Record<Direction, (s: string) => string>> = {
  // One character at a time: the most common mapping of each, no context at all.
  naive: {
    toTraditional: (s) => [...s].map((c) => stock.toTraditional(c)).join(''),
    toSimplified: (s) => [...s].map((c) => stock.toSimplified(c)).join(''),
  },
  stock,
  gentie: {
    toTraditional: (s) => convertText(s, 'zh-hans', 'zh-hant'),
    toSimplified: (s) => convertText(s, 'zh-hant', 'zh-hans'),
  },
};

export interface Miss {
  input: string;
  got: string;
  want: string;
}

/** Sentences each system gets wrong, per direction. */
export function scoreCorpus(corpus: CorpusEntry[] = loadCorpus()): Record<System, Record<Direction, Miss[]>> {
  const out = {} as Record<System, Record<Direction, Miss[]>>;
  for (const system of Object.keys(SYSTEMS) as System[]) {
    out[system] = { toTraditional: [], toSimplified: [] };
    for (const e of corpus) {
      const t = SYSTEMS[system].toTraditional(e.hans);
      if (normalize(t) !== normalize(e.hant)) out[system].toTraditional.push({ input: e.hans, got: t, want: e.hant });
      const s = SYSTEMS[system].toSimplified(e.hant);
      if (s !== e.hans) out[system].toSimplified.push({ input: e.hant, got: s, want: e.hans });
    }
  }
  return out;
}

/** Prints the error counts of each system on both corpora (and Gentie's misses with --misses). */
export function reportConversion(showMisses = false): Record<string, Record<System, Record<Direction, number>>> {
  const out: Record<string, Record<System, Record<Direction, number>>> = {};
  for (const name of ['conversion-corpus', 'conversion-heldout'] as const) {
    const corpus = loadCorpus(name);
    const scores = scoreCorpus(corpus);
    console.log(`\n${name}: ${corpus.length} sentences, errors (sentences with any wrong character)`);
    console.log('system   simplified→traditional   traditional→simplified');
    out[name] = {} as Record<System, Record<Direction, number>>;
    for (const system of Object.keys(scores) as System[]) {
      const s = scores[system];
      out[name][system] = { toTraditional: s.toTraditional.length, toSimplified: s.toSimplified.length };
      console.log(`${system.padEnd(8)} ${String(s.toTraditional.length).padStart(10)} ${String(s.toSimplified.length).padStart(24)}`);
    }
    if (showMisses) {
      for (const dir of ['toTraditional', 'toSimplified'] as Direction[]) {
        for (const m of scores.gentie[dir]) console.log(`${dir}\t${m.input}\n\tgot  ${m.got}\n\twant ${m.want}`);
      }
    }
  }
  return out;
}

if (require.main === module) reportConversion(process.argv.includes('--misses'));
