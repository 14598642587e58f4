/** A dictionary's trie as opencc-js builds it: a Map of code points to nodes, each a Map too (convert.stages.ts). */
type TrieNode = Map<number, TrieNode>;

/**
 * What a stage's walk (convert.stages.ts) reads of a dictionary before its Maps, built on first
 * use (about 0.5 MB a dictionary, about nine in use): the nodes of its first characters by UTF-16
 * code unit (characters outside the BMP are looked up in the root itself), an array read instead
 * of a lookup in a Map of up to 6,000 characters; and two sets of the first two code units of its
 * phrases, every phrase's and those on the way to a deciding one, as bits of a hash: a pair whose
 * bit is clear starts no such phrase, so the Map of the first character's phrases is not looked
 * in (most pairs start none).
 */
export interface Index<N extends TrieNode> {
  first: readonly (N | undefined)[];
  pairs: Pairs;
  leading: Pairs;
}

/** A set of pairs of code units as bits of a hash (false positives only), sized to hold them sparsely (a few hundred bytes to 64 KB). */
export interface Pairs {
  bits: Uint32Array;
  /** 32 less the hash's width in bits. */
  shift: number;
}
function pairsOf(list: readonly number[]): Pairs {
  let width = 10;
  while (1 << width < list.length * 8 && width < 24) width++; // 16 bits a pair or more: about 1 in 16 taken
  const pairs = { bits: new Uint32Array(1 << (width - 5)), shift: 32 - width };
  for (let k = 0; k < list.length; k += 2) {
    const h = pairHash(pairs, list[k]!, list[k + 1]!);
    pairs.bits[h >>> 5] = pairs.bits[h >>> 5]! | (1 << (h & 31));
  }
  return pairs;
}
const pairHash = (pairs: Pairs, a: number, b: number) => {
  const h = Math.imul(a, 0x9e3779b1) ^ b;
  return Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> pairs.shift;
};
/** Whether the pair of code units (a, b) may start a phrase of the set. */
export const mayStart = (pairs: Pairs, a: number, b: number) => {
  const h = pairHash(pairs, a, b);
  return (pairs.bits[h >>> 5]! >>> (h & 31)) & 1;
};
const unitOf = (cp: number) => (cp > 0xffff ? String.fromCodePoint(cp).charCodeAt(0) : cp);
const indexes = new WeakMap<TrieNode, Index<TrieNode>>();

// Tests turn the indexes off: the walk then reads the dictionaries' Maps alone, the reference the
// indexed walk must convert alike (tests/text/convert.indexes.test.ts).
let indexed = true;
/** For tests: whether the stages read the dictionaries' indexes (see `indexed`). */
export function useIndexes(on: boolean): void {
  indexed = on;
}
/** A dictionary's index (undefined while tests have the indexes off); `leads` tells a node on the way to a deciding phrase. */
export function indexOf<N extends Map<number, N>>(root: N, leads: (node: N) => boolean): Index<N> | undefined {
  if (!indexed) return undefined;
  const found = indexes.get(root) as Index<N> | undefined;
  if (found) return found;
  const first = new Array<N | undefined>(0x10000).fill(undefined);
  const all: number[] = [];
  const leading: number[] = [];
  for (const [cp, node] of root) {
    if (cp <= 0xffff) first[cp] = node;
    for (const [next, child] of node) {
      all.push(unitOf(cp), unitOf(next));
      if (leads(child)) leading.push(unitOf(cp), unitOf(next));
    }
  }
  const index = { first, pairs: pairsOf(all), leading: pairsOf(leading) };
  indexes.set(root, index);
  return index;
}
