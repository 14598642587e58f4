import type { TrieNode } from './convert.tries';

// opencc-js's own conversions, with no word boundaries, over the tries the stages hold.
// An Ideographic Description Sequence (⿰氵青 …) is passed over whole by opencc-js when nothing
// matches at its start: its components are never a phrase's start. As opencc-js's core.js.
function idsArity(cp: number): number {
  if (cp >= 0x2ff0 && cp <= 0x2ff1) return 2;
  if (cp >= 0x2ff2 && cp <= 0x2ff3) return 3;
  if (cp >= 0x2ff4 && cp <= 0x2fff) return 2;
  return 0;
}
function idsEnd(s: string, i: number): number {
  const arity = idsArity(s.codePointAt(i)!);
  if (arity === 0) return 0;
  let end = i + (s.codePointAt(i)! > 0xffff ? 2 : 1);
  for (let k = 0; k < arity; k++) {
    if (end >= s.length) return 0;
    const child = idsEnd(s, end);
    end = child || end + (s.codePointAt(end)! > 0xffff ? 2 : 1);
  }
  return end;
}
function unmatchedLength(s: string, i: number): number {
  const end = idsEnd(s, i);
  return end > i ? end - i : s.codePointAt(i)! > 0xffff ? 2 : 1;
}

/** The end of the longest entry of `root` at `i` of at least `min` code points, and its value (opencc-js's matchPrefix). */
function longestAt(root: TrieNode, s: string, i: number, min: number): { end: number; value: string } | undefined {
  let node: TrieNode | undefined = root;
  let found: { end: number; value: string } | undefined;
  for (let j = i, depth = 1; j < s.length; depth++) {
    const cp = s.codePointAt(j)!;
    j += cp > 0xffff ? 2 : 1;
    node = node.get(cp);
    if (!node) break;
    if (node.trie_val !== undefined && depth >= min) found = { end: j, value: node.trie_val };
  }
  return found;
}

/**
 * opencc-js's own conversion (Trie.convert) over a trie's nodes: the longest entry at each
 * position, left to right, no word boundaries. For the few plain opencc-js conversions convert.ts
 * still makes, over the tries the stages already hold, so that no dictionary is held twice.
 */
export function convertLongest(root: TrieNode, s: string): string {
  const out: string[] = [];
  let plain = 0;
  for (let i = 0; i < s.length;) {
    const m = longestAt(root, s, i, 1);
    if (m) {
      if (plain < i) out.push(s.slice(plain, i));
      out.push(m.value);
      i = plain = m.end;
    } else i += unmatchedLength(s, i);
  }
  if (plain < s.length) out.push(s.slice(plain));
  return out.join('');
}

/**
 * opencc-js's conversion with segmentation (its s2tw config and the like): the text cut where the
 * segmentation dictionary's longest phrase matches, and each piece converted by every trie in
 * turn. The segmentation dictionary here is the first trie's phrases (its entries of two code
 * points or more: opencc-js's s2* configs segment by STPhrases, the part of the ST trie that is
 * not single characters), so it needs no trie of its own.
 */
export function convertSegmented(chain: readonly TrieNode[], s: string): string {
  const pieces: string[] = [];
  let plain = -1;
  for (let i = 0; i < s.length;) {
    const m = longestAt(chain[0]!, s, i, 2);
    if (m) {
      if (plain >= 0) pieces.push(s.slice(plain, i));
      plain = -1;
      pieces.push(s.slice(i, m.end));
      i = m.end;
    } else {
      if (plain < 0) plain = i;
      i += unmatchedLength(s, i);
    }
  }
  if (plain >= 0) pieces.push(s.slice(plain));
  return pieces.map((piece) => chain.reduce((text, root) => convertLongest(root, text), piece)).join('');
}
