import { execFileSync } from 'node:child_process';
import { type SourceVariant, type Variant, VARIANTS, convertText, cutWords, forgetConversionFragments } from '../server/text/convert';
import { frequency } from '../server/text/convert.lattice';
import { OpenCC } from '../server/text/opencc';
import { loadCorpus } from './conversion';

/**
 * Issue 18's speed target: Gentie's characters per second at least 0.5× stock opencc-js's on a
 * 100 KB text, dictionaries loaded and no fragment remembered; and the memory its added
 * dictionaries take. `node dist/bench/conversion.js` prints both after the corpora's error counts.
 */

// Each of Gentie's conversions beside the stock opencc-js conversion it stands in for.
const SPEED_PAIRS: { from: SourceVariant; to: Variant; stock: { from: string; to: string }; script: 'hans' | 'hant' }[] = [
  { from: 'zh-hans', to: 'zh-hant', stock: { from: 'cn', to: 'tw' }, script: 'hans' },
  { from: 'zh-hans', to: 'zh-tw', stock: { from: 'cn', to: 'twp' }, script: 'hans' },
  { from: 'zh-hans', to: 'zh-hk', stock: { from: 'cn', to: 'hk' }, script: 'hans' },
  { from: 'zh-hant', to: 'zh-hans', stock: { from: 'tw', to: 'cn' }, script: 'hant' },
  { from: 'zh-tw', to: 'zh-hans', stock: { from: 'twp', to: 'cn' }, script: 'hant' },
];

export interface SpeedResult {
  pair: string;
  chars: number;
  stockCharsPerSecond: number;
  gentieCharsPerSecond: number;
  /** Gentie's characters per CPU second over stock's (the target is at least 0.5). */
  ratio: number;
  /** The same by the wall clock. */
  wallRatio: number;
}

/** The corpora's sentences in one script, one per line, repeated up to `bytes` of UTF-8. */
function speedText(script: 'hans' | 'hant', bytes: number): string {
  const lines = [...loadCorpus('conversion-corpus'), ...loadCorpus('conversion-heldout')].map((e) => e[script]);
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = lines[i % lines.length]!;
    out.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return out.join('\n');
}

/** CPU time (user and system, milliseconds) and wall time this process spends in f. */
function timed(f: () => unknown): { cpu: number; wall: number } {
  const wall = process.hrtime.bigint();
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return { cpu: (used.user + used.system) / 1000, wall: Number(process.hrtime.bigint() - wall) / 1e6 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Rounds of every conversion, stock and Gentie, before any is timed. */
const WARM_UP = 5;

/**
 * Characters per second of stock opencc-js and of Gentie on a 100 KB text (the corpora's
 * sentences, 35,509 characters), the median of `rounds` timed conversions each.
 *
 * - Dictionaries loaded, code warmed: every conversion of every pair runs WARM_UP times before
 *   any is timed (one conversion loads the dictionaries, but V8 optimizes the walk over the next
 *   few: timed from the second, the rounds after it were up to ten times slower, and the last
 *   pair, which meets code optimized for the others, slowest of all: the 0.28× once measured).
 * - No fragment remembered: convertText keeps no cache of converted text (the app's conversion
 *   cache is above it, and not used here), and what it remembers between calls, the scored split
 *   of a jieba word around a curated word, is forgotten before each timed conversion.
 * - Each round times every pair, stock and Gentie in turn (which goes first alternates), so both
 *   see the same machine; CPU time of the process (on a machine shared with other work the wall
 *   clock mostly measures the others; jieba cuts on the calling thread, so it is counted), with
 *   the wall clock's ratio beside it.
 */
export function measureSpeed(rounds = 21, bytes = 100 * 1024): SpeedResult[] {
  const pairs = SPEED_PAIRS.map((pair) => ({
    pair,
    text: speedText(pair.script, bytes),
    stock: OpenCC.Converter(pair.stock),
    gentie: (s: string) => convertText(s, pair.from, pair.to),
    times: { stock: { cpu: [] as number[], wall: [] as number[] }, gentie: { cpu: [] as number[], wall: [] as number[] } },
  }));
  for (let r = 0; r < WARM_UP; r++) {
    for (const p of pairs) {
      p.stock(p.text);
      p.gentie(p.text);
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const p of pairs) {
      const order = r % 2 === 0 ? (['stock', 'gentie'] as const) : (['gentie', 'stock'] as const);
      for (const name of order) {
        if (name === 'gentie') forgetConversionFragments();
        const t = timed(() => p[name](p.text));
        p.times[name].cpu.push(t.cpu);
        p.times[name].wall.push(t.wall);
      }
    }
  }
  return pairs.map(({ pair, text, times }) => {
    const cps = (ms: number[]) => text.length / (median(ms) / 1000);
    return {
      pair: `${pair.from}→${pair.to}`,
      chars: text.length,
      stockCharsPerSecond: Math.round(cps(times.stock.cpu)),
      gentieCharsPerSecond: Math.round(cps(times.gentie.cpu)),
      ratio: Number((cps(times.gentie.cpu) / cps(times.stock.cpu)).toFixed(2)),
      wallRatio: Number((cps(times.gentie.wall) / cps(times.stock.wall)).toFixed(2)),
    };
  });
}

/** Heap (used, with Buffers) and resident set, in bytes, after a full collection. */
export interface Memory {
  heap: number;
  rss: number;
}

/** What the conversions' dictionaries take, each side measured in a fresh process (see memoryChild). */
export interface MemoryResult {
  /** Stock opencc-js's converters for the five conversions. */
  stock: Memory;
  /** Gentie's five conversions, and of that jieba (its dictionary and segmenter) and the frequency index. */
  gentie: Memory;
  jieba: Memory;
  frequencies: Memory;
}

/** Memory each side adds to a fresh process, measured in children started with --expose-gc. */
export function measureMemory(): MemoryResult {
  const child = (side: string) =>
    JSON.parse(execFileSync(process.execPath, ['--expose-gc', __filename, '--memory-child', side], { encoding: 'utf8' })) as Record<
      string,
      Memory
    >;
  const stock = child('stock');
  const gentie = child('gentie');
  return { stock: stock.all!, gentie: gentie.all!, jieba: gentie.jieba!, frequencies: gentie.frequencies! };
}

function memoryNow(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
}
const grown = (before: Memory, after: Memory): Memory => ({ heap: after.heap - before.heap, rss: after.rss - before.rss });

/**
 * In a child process: what one side's dictionaries add, loaded as a converting process loads
 * them. Stock: its five converters, each having converted a sentence. Gentie: jieba's dictionary
 * and segmenter first, then the frequency index of the scored choices, then every one of its
 * conversions (opencc-js's tries as its stages hold them, the curated words, the context rules,
 * the stages' tables).
 */
function memoryChild(side: string): Record<string, Memory> {
  const sample = '一个中心：软件和芯片，头发。這裡的軟體。';
  const start = memoryNow();
  if (side === 'stock') {
    const converters = SPEED_PAIRS.map((p) => OpenCC.Converter(p.stock));
    for (const c of converters) c(sample);
    return { all: grown(start, memoryNow()) };
  }
  cutWords(sample);
  const afterJieba = memoryNow();
  frequency('中心');
  const afterFrequencies = memoryNow();
  for (const from of ['zh-hans', 'zh-hant', 'zh-tw', 'zh-hk'] as const) for (const to of VARIANTS) convertText(sample, from, to);
  return { jieba: grown(start, afterJieba), frequencies: grown(afterJieba, afterFrequencies), all: grown(start, memoryNow()) };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Prints measureSpeed's table and measureMemory's figures. */
export function reportSpeed(): { speed: SpeedResult[]; memory: MemoryResult } {
  const speed = measureSpeed();
  console.log(
    '\nspeed on a 100 KB text (dictionaries loaded, no fragment remembered; characters per CPU second, median of 21;' +
      ' ratio = Gentie / stock opencc-js, by CPU time and by the wall clock)',
  );
  for (const r of speed) {
    console.log(
      `${r.pair.padEnd(18)} ${String(r.chars).padStart(7)} chars  stock ${String(r.stockCharsPerSecond).padStart(9)}  Gentie ${String(r.gentieCharsPerSecond).padStart(9)}  ${r.ratio.toFixed(2)}× (wall ${r.wallRatio.toFixed(2)}×)`,
    );
  }
  const memory = measureMemory();
  console.log('\nmemory of the dictionaries, each side in a fresh process (heap with Buffers, and resident set, after a full GC)');
  console.log(`stock opencc-js, its five converters:    heap +${mb(memory.stock.heap)}, RSS +${mb(memory.stock.rss)}`);
  console.log(`Gentie, every conversion:              heap +${mb(memory.gentie.heap)}, RSS +${mb(memory.gentie.rss)}`);
  console.log(`  of which jieba (dictionary, segmenter): heap +${mb(memory.jieba.heap)}, RSS +${mb(memory.jieba.rss)}`);
  console.log(`  and the frequency index:               heap +${mb(memory.frequencies.heap)}, RSS +${mb(memory.frequencies.rss)}`);
  return { speed, memory };
}

if (require.main === module && process.argv[2] === '--memory-child') {
  process.stdout.write(JSON.stringify(memoryChild(process.argv[3] ?? '')));
}
