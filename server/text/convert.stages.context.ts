import { type ContextRule, type ContextRules, ruleAt } from './convert.context';
import { FIXED, type Marked } from './convert.cutting';
import type { TrieNode } from './convert.tries';

// Where a stage's context rules (convert.context.ts) decide, and which phrases may run over them.
/**
 * Whether a dictionary phrase of three characters or more covers a rule's word and writes it
 * otherwise: such a phrase is an exception the dictionary names on purpose (今周刊, the magazine;
 * 一出戏院), more particular than a rule, so the rule yields to it (unless the rule is there to
 * correct the dictionary: `overDictionary`). Two-character phrases (只好, 一出) never outrank one.
 */
function specificPhrase(dictionary: TrieNode, text: string, from: number, rule: ContextRule): boolean {
  if (rule.overDictionary) return false;
  const to = from + rule.word.length;
  for (let i = Math.max(0, from - 4); i <= from; i++) {
    let node: TrieNode | undefined = dictionary;
    for (let j = i; j < text.length && node; j++) {
      node = node.get(text.charCodeAt(j));
      const v = node?.trie_val;
      if (v === undefined || j + 1 < to || j + 1 - i < 3) continue;
      if (v.length !== j + 1 - i || v.slice(from - i, to - i) !== rule.to) return true;
    }
  }
  return false;
}

/**
 * Whether a phrase written as `v` over [i, j) may cover the context rules' words inside it: only
 * where it covers each whole and writes it as the rule does (钟表 → 鐘錶 over 表 → 錶), and never
 * over a rule whose output is final (神秘: the rule's 祕 must stay as written).
 */
export function agrees(hits: Map<number, ContextRule>, held: Uint8Array, i: number, j: number, v: string): boolean {
  for (let p = i + 1; p < j; p++) {
    if (!held[p]) continue;
    const rule = hits.get(p)!;
    if (rule.final || v.length !== j - i || p + rule.word.length > j || v.slice(p - i, p - i + rule.to.length) !== rule.to) return false;
  }
  return true;
}

/** Where the stage's context rules fire: each rule's start, with the rule. */
export function contextHits(input: Marked, context: ContextRules, dictionary: TrieNode): Map<number, ContextRule> | undefined {
  const { text, flags } = input;
  let hits: Map<number, ContextRule> | undefined;
  const { first } = context;
  for (let i = 0; i < text.length; i++) {
    if (!first[text.charCodeAt(i)] || flags[i]! & FIXED) continue;
    const rules = context.byFirst.get(text.charCodeAt(i))!;
    const rule = ruleAt(rules, text, i);
    if (!rule) continue;
    let fixed = false;
    for (let k = i; k < i + rule.word.length; k++) if (flags[k]! & FIXED) fixed = true;
    if (fixed || specificPhrase(dictionary, text, i, rule)) continue;
    (hits ??= new Map()).set(i, rule);
    i += rule.word.length - 1;
  }
  return hits;
}
