import { OpenCC } from './opencc';

// The dictionaries' tries, as the stages (convert.stages.ts) walk them.
// opencc-js's Trie keeps its nodes as Maps keyed by code point, each with its replacement, if it
// ends a word, in trie_val. Matching walks them directly: every prefix of a phrase is looked at
// once, and a phrase refused by the rules costs no second lookup.
export interface TrieNode extends Map<number, TrieNode> {
  trie_val?: string;
  /**
   * Set by `decisive` on the nodes of a dictionary: `DECIDES` where the phrase ending here writes
   * its characters otherwise than the dictionary writes each alone (only such a phrase makes its
   * words matter: any other, matched or not, prints the same), `LEADS` where such a phrase ends
   * here or further on.
   */
  marks?: number;
}
export const DECIDES = 1;
export const LEADS = 2;
export const leads = (node: TrieNode) => (node.marks! & LEADS) !== 0;
type Trie = InstanceType<typeof OpenCC.Trie>;
/** An opencc-js dictionary group: dictionaries, each a string of `from to` pairs or a list of pairs. */
export type DictGroup = readonly (string | readonly (readonly [string, string])[])[];

function rootOf(trie: Trie): TrieNode {
  const root = (trie as unknown as { map?: unknown }).map;
  if (!(root instanceof Map)) throw new Error('opencc-js Trie has no map of nodes: its internals changed');
  return root as TrieNode;
}

/** A dictionary's root node, from a trie made elsewhere (the curated words' tries). */
export function nodesOf(trie: Trie): TrieNode {
  return decisive(rootOf(trie), true);
}

// One trie per dictionary group, for the process: they hold dictionaries, never a reader's text.
// Kept by the group's dictionaries, not by the group: opencc-js's configs each write their own
// array of the same dictionaries (s2tw, s2twp and s2hk all start with [STPhrases, …, STCharacters]),
// and that trie alone is ~20 MB of Maps, so keyed by the array it was built three times over.
const tries: { group: DictGroup; root: TrieNode }[] = [];
const sameDictionaries = (a: DictGroup, b: DictGroup) => a.length === b.length && a.every((d, k) => d === b[k]);

/** The matching root of an opencc-js dictionary group (built on first use, shared by every group of the same dictionaries). */
export function groupNodes(group: DictGroup): TrieNode {
  const found = tries.find((t) => t.group === group || sameDictionaries(t.group, group));
  if (found) return found.root;
  const trie = new OpenCC.Trie();
  trie.loadDictGroup(group);
  const root = decisive(rootOf(trie), false);
  tries.push({ group, root });
  return root;
}

/** A trie of whole words, from pairs. */
export function wordNodes(pairs: Iterable<[string, string]>): TrieNode {
  const trie = new OpenCC.Trie();
  trie.loadDict([...pairs]);
  return decisive(rootOf(trie), true);
}

/**
 * Marks a dictionary's phrases of two characters or more that decide something (DECIDES, LEADS on
 * the way to them), once, when the dictionary is built. Every curated word decides: it must be a
 * whole word, so its words always matter.
 */
function decisive(root: TrieNode, all: boolean): TrieNode {
  const walk = (node: TrieNode, depth: number, alone: string): boolean => {
    let leads = false;
    for (const [cp, child] of node) {
      const ch = String.fromCodePoint(cp);
      const written = alone + (root.get(cp)?.trie_val ?? ch);
      let marks = 0;
      if (depth >= 1 && child.trie_val !== undefined && (all || child.trie_val !== written)) marks = DECIDES | LEADS;
      if (walk(child, depth + 1, written)) marks |= LEADS;
      if (marks) {
        child.marks = marks;
        if (depth >= 1) leads = true;
      }
    }
    return leads;
  };
  walk(root, 0, '');
  return root;
}
