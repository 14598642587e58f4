import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { convertText } from '../server/text/convert';
import { OpenCC } from '../server/text/opencc';
import { reportSpeed } from './conversion.speed';

/**
 * Scores three ways of converting the corpora in both directions: naive character mapping, stock
 * opencc-js, and Gentie. The corpora: the regression corpus (tests/fixtures/conversion-corpus.json,
 * written and checked by hand), the first held-out corpus (conversion-heldout.json) and the frozen
 * corpus of real sentences (conversion-heldout-2.json: forums, news, fiction and docs from the
 * mainland, Taiwan and Hong Kong, frozen by hash). An error is a sentence whose output differs from
 * the expected text in any character, after treating the forms Taiwan accepts either way as equal
 * (台/臺, 佈/布 in 發布 etc., 瞭解/了解, and the pairs a corpus lists as accepted).
 * Also measures the speed of each conversion beside stock opencc-js's on a 100 KB text, and the
 * memory of the dictionaries (bench/conversion.speed.ts; `--no-speed` leaves them out).
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
  return JSON.parse(readFileSync(fixturePath(`${name}.json`), 'utf8')) as CorpusEntry[];
}

/** A file in tests/fixtures, from the sources (under jest) or from dist/bench. */
export function fixturePath(file: string): string {
  const candidates = [path.join(__dirname, '..', 'tests', 'fixtures'), path.join(__dirname, '..', '..', 'tests', 'fixtures')];
  return path.join(
    candidates.find((d) => existsSync(path.join(d, file)))!,
    file,
  );
}

/** One sentence of the frozen corpus, with where it comes from. */
export interface FrozenEntry {
  id: string;
  hans: string;
  hant: string;
  /** forum, news, fiction or docs */
  source: string;
  /** which side is the real text; the other was written by hand */
  written: 'hans' | 'hant';
  region: 'cn' | 'tw' | 'hk';
  origin: string;
  licence: string;
  checked: string[];
  review?: string[];
}

/**
 * The frozen corpus of real sentences (tests/fixtures/conversion-heldout-2.json, described in
 * conversion-heldout-2.md): kept out of rule-making, so nothing here prints its misses unless asked
 * with `--misses-frozen`. `accepted` lists the pairs of forms Taiwan writes either way.
 */
export function loadFrozenCorpus(): { entries: FrozenEntry[]; accepted: [string, string][] } {
  const file = JSON.parse(readFileSync(fixturePath(FROZEN_FILE), 'utf8')) as {
    about: { accepted: { forms: [string, string] }[] };
    entries: FrozenEntry[];
  };
  return { entries: file.entries, accepted: file.about.accepted.map((a) => a.forms) };
}
export const FROZEN_FILE = 'conversion-heldout-2.json';

/** One sentence of the development set, with the character class it is about and where it comes from. */
export interface DevEntry {
  class: string;
  hans: string;
  hant: string;
  /** The public page it was taken from, or 'written' (written for the set). */
  source: string;
  /** The traditional side's variant where it is not zh-hant (Taiwan's vocabulary, Hong Kong's forms). */
  variant?: 'zh-tw' | 'zh-hk';
  /** One direction only: real traditional text (Hong Kong's 著 for 着) that no converter should write. */
  only?: Direction;
}

/**
 * The development set (tests/fixtures/conversion-dev.json): sentences per one-to-many character,
 * written for Gentie or taken from public pages, against which the context rules are made and
 * checked (`--misses` prints its misses). The held-out corpora stay out of rule-making.
 */
export function loadDevCorpus(): { entries: DevEntry[]; accepted: [string, string][] } {
  const file = JSON.parse(readFileSync(fixturePath('conversion-dev.json'), 'utf8')) as {
    about: { accepted: [string, string][] };
    entries: DevEntry[];
  };
  return { entries: file.entries, accepted: file.about.accepted };
}

// Both forms are standard in Taiwan; a converter is not wrong for picking either.
const ACCEPTED: [RegExp, string][] = [
  [/臺/g, '台'],
  [/(發|公|宣|散|分|頒|遍)佈/g, '$1布'],
  [/瞭解/g, '了解'],
];
const normalize = (s: string, also: [string, string][] = []) =>
  also.reduce(
    (acc, [from, to]) => acc.split(from).join(to),
    ACCEPTED.reduce((acc, [re, to]) => acc.replace(re, to), s),
  );

type Direction = 'toTraditional' | 'toSimplified';
export type System = 'naive' | 'stock' | 'gentie';

type Traditional = 'zh-hant' | 'zh-tw' | 'zh-hk';
// Stock opencc-js's locale for each traditional variant: Taiwan's characters, with Taiwan's phrases, Hong Kong's.
const LOCALE = { 'zh-hant': 'tw', 'zh-tw': 'twp', 'zh-hk': 'hk' } as const;

function systems(variant: Traditional): Record<System, Record<Direction, (s: string) => string>> {
  const stock = {
    toTraditional: OpenCC.Converter({ from: 'cn', to: LOCALE[variant] }),
    toSimplified: OpenCC.Converter({ from: LOCALE[variant], to: 'cn' }),
  };
  return {
    // One character at a time: the most common mapping of each, no context at all.
    naive: {
      toTraditional: (s) => [...s].map((c) => stock.toTraditional(c)).join(''),
      toSimplified: (s) => [...s].map((c) => stock.toSimplified(c)).join(''),
    },
    stock,
    gentie: {
      toTraditional: (s) => convertText(s, 'zh-hans', variant),
      toSimplified: (s) => convertText(s, variant, 'zh-hans'),
    },
  };
}
const SYSTEMS: Record<Traditional, Record<System, Record<Direction, (s: string) => string>>> = {
  'zh-hant': systems('zh-hant'),
  'zh-tw': systems('zh-tw'),
  'zh-hk': systems('zh-hk'),
};

export interface Miss {
  input: string;
  got: string;
  want: string;
}

/**
 * Sentences each system gets wrong, per direction. `accepted` are further pairs of forms counted as
 * equal to traditional, [form, the form it counts as] (the frozen corpus lists its own).
 */
export function scoreCorpus(corpus: Scored[] = loadCorpus(), accepted: [string, string][] = []): Record<System, Record<Direction, Miss[]>> {
  const out = {} as Record<System, Record<Direction, Miss[]>>;
  for (const system of ['naive', 'stock', 'gentie'] as System[]) {
    out[system] = { toTraditional: [], toSimplified: [] };
    for (const e of corpus) {
      const convert = SYSTEMS[e.variant ?? 'zh-hant'][system];
      if (e.only !== 'toSimplified') {
        const t = convert.toTraditional(e.hans);
        if (normalize(t, accepted) !== normalize(e.hant, accepted)) out[system].toTraditional.push({ input: e.hans, got: t, want: e.hant });
      }
      if (e.only !== 'toTraditional') {
        const s = convert.toSimplified(e.hant);
        if (s !== e.hans) out[system].toSimplified.push({ input: e.hant, got: s, want: e.hans });
      }
    }
  }
  return out;
}

/** What scoreCorpus reads of an entry: both sides, and the development set's variant and direction where given. */
export type Scored = Pick<CorpusEntry, 'hans' | 'hant'> & Pick<DevEntry, 'variant' | 'only'>;

/**
 * Prints the error counts of each system on the corpora (and Gentie's misses on the regression
 * corpus and the development set with --misses; those on the two held-out corpora only with
 * --misses-frozen, since no rule may be made from them).
 */
export function reportConversion(showMisses = false, showFrozenMisses = false): Record<string, Record<System, Record<Direction, number>>> {
  const out: Record<string, Record<System, Record<Direction, number>>> = {};
  const frozen = loadFrozenCorpus();
  const dev = loadDevCorpus();
  const corpora: {
    name: string;
    label: string;
    corpus: Scored[];
    accepted: [string, string][];
    misses: boolean;
  }[] = [
    { name: 'conversion-corpus', label: 'conversion-corpus', corpus: loadCorpus('conversion-corpus'), accepted: [], misses: showMisses },
    {
      name: 'conversion-dev',
      label: 'conversion-dev (the development set)',
      corpus: dev.entries,
      accepted: dev.accepted,
      misses: showMisses,
    },
    {
      name: 'conversion-heldout',
      label: 'conversion-heldout',
      corpus: loadCorpus('conversion-heldout'),
      accepted: [],
      misses: showFrozenMisses,
    },
    {
      name: 'conversion-heldout-2',
      label: 'conversion-heldout-2 (frozen: real sentences, mainland, Taiwan and Hong Kong)',
      corpus: frozen.entries,
      accepted: frozen.accepted,
      misses: showFrozenMisses,
    },
  ];
  for (const { name, label, corpus, accepted, misses } of corpora) {
    const scores = scoreCorpus(corpus, accepted);
    console.log(`\n${label}: ${corpus.length} sentences, errors (sentences with any wrong character)`);
    console.log('system   simplified→traditional   traditional→simplified');
    out[name] = {} as Record<System, Record<Direction, number>>;
    for (const system of Object.keys(scores) as System[]) {
      const s = scores[system];
      out[name][system] = { toTraditional: s.toTraditional.length, toSimplified: s.toSimplified.length };
      console.log(`${system.padEnd(8)} ${String(s.toTraditional.length).padStart(10)} ${String(s.toSimplified.length).padStart(24)}`);
    }
    if (misses) {
      for (const dir of ['toTraditional', 'toSimplified'] as Direction[]) {
        for (const m of scores.gentie[dir]) console.log(`${dir}\t${m.input}\n\tgot  ${m.got}\n\twant ${m.want}`);
      }
    }
  }
  return out;
}

if (require.main === module) {
  reportConversion(process.argv.includes('--misses'), process.argv.includes('--misses-frozen'));
  if (!process.argv.includes('--no-speed')) reportSpeed();
}
