import type { Variant } from '../variants';
import { BOUND, FIXED, type Marked, UNCUT } from './convert.cutting';
import type { GlossaryTerm } from './glossary.terms';
import { mentionRuns } from './mentions';

export {
  type GlossaryTerm,
  type GlossaryFileError,
  type TermProblem,
  GLOSSARY_MAX_TERMS,
  TERM_MAX_CHARS,
  checkTerm,
  formatGlossary,
  mergeTerms,
  parseGlossary,
} from './glossary.terms';

/**
 * Glossaries (issue 18): terms a board's moderators, or the site's admins, fix the conversion of.
 * A term is a text and its form for each variant (芯片: 晶片 for Taiwan readers), or a text with no
 * forms at all, which never converts (a name). Wherever any of a term's forms is written, a reader
 * of a variant the term names reads that variant's form.
 *
 * The conversion takes the glossaries as an explicit argument (`ConversionRules`, compiled once per
 * glossary version), and they are matched here, before the dictionaries' stages, on the text as
 * marked for them (convert.stages.ts): a term's output is FIXED, so no stage after it changes it
 * or matches a phrase across it. Precedence: the board's glossary, then the site's, then the
 * curated words and the dictionaries (pins, when present, are FIXED before this and never
 * touched). A term is word-bounded: it starts and ends on jieba's word boundaries inside Chinese
 * (a name jieba cuts in two still matches whole), and never between two letters or digits
 * (`CP` is not matched in `CPU`). Text after an `@` (a member's name) and URLs are never matched.
 * Text with no term of the glossaries costs one table lookup per character.
 */

// A trie of a glossary's source forms for one reader variant: nodes by code point, `out` where a
// form ends.
interface Node {
  next: Map<number, Node>;
  out?: string;
}

/** One glossary, compiled: a trie per reader variant, built when first asked for. */
export class CompiledGlossary {
  private readonly tries = new Map<Variant, { root: Node; starts: Uint8Array } | null>();

  constructor(
    readonly version: number,
    readonly terms: readonly GlossaryTerm[],
  ) {}

  /** The trie for readers of `to` (null: no term applies to them). */
  forVariant(to: Variant): { root: Node; starts: Uint8Array } | null {
    let found = this.tries.get(to);
    if (found !== undefined) return found;
    const root: Node = { next: new Map() };
    const starts = new Uint8Array(0x10000);
    let any = false;
    for (const term of this.terms) {
      const out = outputFor(term, to);
      if (out === undefined) continue;
      for (const form of new Set([term.text, ...Object.values(term.forms)])) {
        let node = root;
        for (const ch of form) {
          const cp = ch.codePointAt(0)!;
          let child = node.next.get(cp);
          if (!child) node.next.set(cp, (child = { next: new Map() }));
          node = child;
        }
        node.out = out;
        starts[form.charCodeAt(0)] = 1;
        any = true;
      }
    }
    found = any ? { root, starts } : null;
    this.tries.set(to, found);
    return found;
  }
}

/**
 * What a term writes for readers of `to`: its form for that variant; for Taiwan and Hong Kong
 * readers, failing that, its traditional form; a term with no forms at all, its text (never
 * converted); else nothing (the term leaves those readers to the dictionaries).
 */
export function outputFor(term: GlossaryTerm, to: Variant): string | undefined {
  const forms = term.forms;
  if (forms[to] !== undefined) return forms[to];
  if ((to === 'zh-tw' || to === 'zh-hk') && forms['zh-hant'] !== undefined) return forms['zh-hant'];
  return Object.keys(forms).length === 0 ? term.text : undefined;
}

/**
 * What a conversion follows beyond the code's own rules: the glossaries that apply to the text, in
 * precedence order (the board's, then the site's), and their version, which every cache key and
 * entity tag of converted text carries.
 */
export interface ConversionRules {
  readonly version: string;
  readonly glossaries: readonly CompiledGlossary[];
}

const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;
const URL = /(?:https?:\/\/|www\.)[^\s<>"'）)】」』]+/giu;

/** Positions of text a glossary never touches: URLs and the name after an `@`. */
function untouchable(text: string): Uint8Array | undefined {
  if (!/[@＠]|:\/\/|www\./i.test(text)) return undefined;
  const skip = new Uint8Array(text.length);
  for (const m of text.matchAll(URL)) skip.fill(1, m.index, m.index + m[0].length);
  for (const r of mentionRuns(text)) skip.fill(1, r.index, Math.min(text.length, r.index + 1 + r.run.length));
  return skip;
}

/**
 * The text with every term of the rules' glossaries (for readers of `to`) replaced by its form
 * and marked FIXED, word-bounded; the same object when no term is found.
 */
export function applyGlossaries(marked: Marked, rules: ConversionRules | undefined, to: Variant): Marked {
  if (!rules) return marked;
  let out = marked;
  for (const glossary of rules.glossaries) {
    const trie = glossary.forVariant(to);
    if (trie) out = applyOne(out, trie.root, trie.starts);
  }
  return out;
}

/** Cuts the UNCUT run of Han characters around position p into words (in place). */
function cutAround(marked: Marked, p: number): void {
  const { text, flags } = marked;
  let a = p;
  while (a > 0 && flags[a]! & UNCUT) a--;
  let b = p;
  while (b < text.length && (b === a || flags[b]! & UNCUT)) b++;
  const words = marked.cut(text.slice(a, b));
  flags.fill(0, a + 1, b);
  let at = a;
  for (const w of words) {
    at += w.length;
    if (at < b) flags[at] = flags[at]! | BOUND;
  }
}

/** Whether a term may start or end at position p: a word boundary there. */
function boundaryAt(marked: Marked, p: number): boolean {
  const { text, flags } = marked;
  if (p === 0 || p >= text.length) return true;
  const low = text.charCodeAt(p - 1) >= 0xdc00 && text.charCodeAt(p - 1) <= 0xdfff && p > 1;
  const b = String.fromCodePoint(text.codePointAt(low ? p - 2 : p - 1)!);
  const a = String.fromCodePoint(text.codePointAt(p)!);
  if (HAN.test(b) && HAN.test(a)) {
    if (flags[p]! & UNCUT) cutAround(marked, p);
    return (flags[p]! & BOUND) !== 0;
  }
  // Between letters or digits of scripts written with spaces (CP|U), never a boundary.
  const letter = (c: string) => WORD.test(c) && !HAN.test(c);
  return !(letter(b) && letter(a));
}

function applyOne(marked: Marked, root: Node, starts: Uint8Array): Marked {
  const { text } = marked;
  const n = text.length;
  let skip: Uint8Array | undefined | null = null; // computed when a term is first found
  const found: { at: number; end: number; out: string }[] = [];
  const ends: number[] = [];
  const outs: string[] = [];
  for (let i = 0; i < n;) {
    if (!starts[text.charCodeAt(i)] || marked.flags[i]! & FIXED) {
      i++;
      continue;
    }
    ends.length = 0;
    outs.length = 0;
    let node: Node | undefined = root;
    for (let j = i; j < n;) {
      if (marked.flags[j]! & FIXED) break;
      const cp = text.codePointAt(j)!;
      j += cp > 0xffff ? 2 : 1;
      node = node.next.get(cp);
      if (!node) break;
      if (node.out !== undefined) {
        ends.push(j);
        outs.push(node.out);
      }
    }
    let taken = -1;
    if (ends.length) {
      if (skip === null) skip = untouchable(text);
      for (let c = ends.length - 1; c >= 0; c--) {
        const end = ends[c]!;
        if (skip && skip.subarray(i, end).some((x) => x)) continue;
        if (boundaryAt(marked, i) && boundaryAt(marked, end)) {
          taken = c;
          break;
        }
      }
    }
    if (taken === -1) {
      i++;
      continue;
    }
    found.push({ at: i, end: ends[taken]!, out: outs[taken]! });
    i = ends[taken]!;
  }
  if (found.length === 0) return marked;
  // The new text and its flags: each term's output FIXED, a word of its own.
  const parts: string[] = [];
  const flags: number[] = [];
  let from = 0;
  for (const f of found) {
    parts.push(text.slice(from, f.at), f.out);
    for (let k = from; k < f.at; k++) flags.push(marked.flags[k]!);
    for (let k = 0; k < f.out.length; k++) flags.push(FIXED | (k === 0 ? BOUND : 0));
    from = f.end;
  }
  parts.push(text.slice(from));
  for (let k = from; k <= n; k++) flags.push(marked.flags[k]!);
  // What follows a term starts a word.
  const result = Uint8Array.from(flags);
  let pos = 0;
  let prev = 0;
  for (const f of found) {
    pos += f.at - prev + f.out.length;
    prev = f.end;
    result[pos] = (result[pos]! & ~UNCUT) | BOUND;
  }
  return { text: parts.join(''), flags: result, cut: marked.cut };
}

/**
 * The glossaries a process converts with: the site's and each board's, compiled, as the database
 * last said (glossary/glossary.store.ts keeps it current on every process). Answers, per board,
 * the rules to convert with and their version, the same object while no glossary changes.
 */
export class GlossaryBook {
  private site = new CompiledGlossary(0, []);
  private readonly boards = new Map<string, CompiledGlossary>();
  private readonly rules = new Map<string, ConversionRules>();
  private latest: Date | undefined;

  /**
   * Replaces a glossary ('site' or a board's id) with this version of its terms (an older version
   * is ignored); `changedAt`: when that version was written (the row's updated_at).
   */
  set(scope: string, version: number, terms: readonly GlossaryTerm[], changedAt?: Date): void {
    if (changedAt && (!this.latest || changedAt > this.latest)) this.latest = changedAt;
    const now = scope === 'site' ? this.site : this.boards.get(scope);
    if (now && now.version >= version && version !== 0) return;
    const compiled = new CompiledGlossary(version, terms);
    if (scope === 'site') {
      this.site = compiled;
      this.rules.clear();
    } else {
      this.boards.set(scope, compiled);
      this.rules.delete(scope);
    }
  }

  /** Forgets every glossary (before reading them all again). */
  clear(): void {
    this.latest = undefined;
    this.site = new CompiledGlossary(0, []);
    this.boards.clear();
    this.rules.clear();
  }

  /** The version of a glossary as held here (0: none). */
  versionOf(scope: string): number {
    return scope === 'site' ? this.site.version : (this.boards.get(scope)?.version ?? 0);
  }

  /** A glossary's terms as held here. */
  termsOf(scope: string): readonly GlossaryTerm[] {
    return (scope === 'site' ? this.site : this.boards.get(scope))?.terms ?? [];
  }

  /**
   * The rules for a post of this board (undefined: of no board known, the site's only), and
   * undefined when no glossary has a term: conversion as the code alone does it.
   */
  rulesFor(boardId: string | null | undefined): ConversionRules | undefined {
    const key = boardId ?? '';
    const found = this.rules.get(key);
    if (found) return found.glossaries.length ? found : undefined;
    const board = boardId ? this.boards.get(boardId) : undefined;
    const glossaries = [board, this.site].filter((g): g is CompiledGlossary => g !== undefined && g.terms.length > 0);
    const made: ConversionRules = { version: rulesVersion(this.site.version, boardId, board?.version ?? 0), glossaries };
    this.rules.set(key, made);
    return glossaries.length ? made : undefined;
  }

  /**
   * When any glossary held here last changed (as stored: the same on every process), undefined
   * when none ever did: what a Last-Modified of converted text accounts for (feeds.routes.ts).
   */
  changedAt(): Date | undefined {
    return this.latest;
  }

  /** The conversion-rules version of a board's posts (or of text of no board), for cache keys and entity tags. */
  versionFor(boardId: string | null | undefined): string {
    return rulesVersion(this.site.version, boardId, boardId ? (this.boards.get(boardId)?.version ?? 0) : 0);
  }
}

/**
 * The conversion-rules version: the site's glossary version and the board's. The code's own rules
 * (dictionaries, curated words, this module) are in every entity tag through the server's digest
 * (http/conditional.ts), and cannot change within a process.
 */
function rulesVersion(site: number, boardId: string | null | undefined, board: number): string {
  return boardId ? `g${site}.${boardId}.${board}` : `g${site}`;
}
