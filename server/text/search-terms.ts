import type { SearchProblem } from '../errors';
import type { SourceVariant } from '../variants';
import { convertText, cutWords, detectVariant, foldHongKong, foldScript, hasSimplifiedForms } from './convert';
import { htmlText } from './fingerprint';
import { pinReadings } from './pins';

/**
 * What search matches on: a post's title and text, and a reader's query, folded to one script and
 * one vocabulary and cut into lexemes for PostgreSQL's full-text search (docs/search.md).
 *
 * PostgreSQL's parsers do not split Chinese into words, so the lexemes are made here and handed
 * over as a tsvector literal with explicit positions and weights (title A, body B):
 *
 * - Folding: NFKC (full-width Latin and digits become plain), the project's own conversion to
 *   mainland simplified from the text's variant (晶片 → 芯片, 軟體 → 软件, 衞生 → 卫生), lower case.
 *   Traditional text is also folded by characters alone (觸控板 → 触控板, not only 触摸板), and a
 *   text that no character places in either script (晶片, 程式, 出口管制) also as Taiwan text:
 *   every reading is indexed (foldings).
 * - Chinese runs: every overlapping pair of characters (a bigram) at the position of its first
 *   character, and the run's last character alone. A query's run becomes the chain of its bigrams
 *   (`'出口' <-> '口管' <-> '管制'`), which matches wherever that run is written, whether or not
 *   jieba's dictionary knows the word: names and new terms are found. jieba's words of three or more
 *   characters are indexed too (a hit on a whole word ranks higher), and a long query run is cut
 *   into jieba's words, each matched as its own chain, so a sentence typed as a query still finds
 *   posts that use its words apart.
 * - Latin words and numbers are cut into their runs of letters and of digits (wordParts), each
 *   at its own position (3.5mm: 3, 5, mm), lower-cased; member names (Lisland_2013) are kept whole
 *   (a name's parts around `_` are indexed too).
 * - Joins, for phrases, in a tsvector of their own (post_search.joins, no positions): every three
 *   Han characters in a row and every two neighbours of which one is a word (joinsOf). A query's
 *   phrases ask for their joins too, which narrows a phrase of common words to the posts likely to
 *   hold it (search/search.repository.ts findHits).
 *
 * Queries never reach to_tsquery: each lexeme is quoted here and the operators are ours, so
 * nothing a reader types can be read as tsquery syntax.
 */

/**
 * The folding rules' version, stored with each indexed post (post_search.folding): raise it when
 * the conversion, the tokens, the lexemes or the joins change, and run `search:reindex --only stale`
 * (tests/text/folding-version.test.ts records what each version folds a fixed set of texts to, and
 * fails when that changes under the same version). 2: the joins (rows of version 1 have none).
 * 3: conversion word-bounded at every stage. 4: pins (text/pins.ts) indexed as each of their
 * readings, not as their syntax.
 * 5: context rules for the one-to-many characters and the scored choices (issue 18's "choose, don't
 * grab").
 * 6: the second round of context rules (藉 → 借, 揹 → 背 and the simplified side's classes).
 * 7: words cut into their runs of letters and of digits (wordParts: 3.5mm is 3, 5, mm), so that a
 * query of the number finds it.
 * 8: the fourth round of context rules (帳 of accounts → 账, not 帐).
 * 9: the sixth round's 著 (看著名單 → 看着名单; 土著, 原著 and the other words of writing keep 著).
 */
export const FOLDING_VERSION = 9;

/** Longest query, in characters after NFKC. */
export const QUERY_MAX_CHARS = 200;
/** Most terms (words, phrases, exclusions) in one query. */
export const QUERY_MAX_TERMS = 12;

const HAN = /\p{Script=Han}/u;
const HAN_ONLY = /^\p{Script=Han}+$/u;
// A token: a run of Han characters, or a run of letters, marks, digits and underscores of any
// other script (Latin words, numbers, names, kana, hangul).
const TOKEN = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{M}\p{N}_])+)/gu;

/**
 * A word's parts: its runs of letters and its runs of digits, each its own lexeme at its own
 * position, in documents and queries alike, so that a query finds the number or the letters a word
 * is made of: 3.5 finds 3.5mm, 12700 finds i7-12700K, 2.1 finds v2.1, iphone 15 finds iPhone15 and
 * iphone15 finds iPhone 15. A member name (a word with `_`) is kept whole (and its parts around `_`
 * at the same position), as members search for names as written.
 */
export function wordParts(word: string): string[] {
  if (word.includes('_')) return [word];
  return word.match(/[\p{L}\p{M}]+|\p{N}+/gu) ?? [word];
}

/** Longest word indexed: longer runs of letters are not words anyone searches for. */
const WORD_MAX = 64;
// PostgreSQL's limits for a tsvector: positions up to 16383, at most 256 of them per lexeme.
const POSITION_MAX = 16383;
const POSITIONS_PER_LEXEME = 256;

/** Text folded to mainland simplified and lower case, read as written in `variant`. */
export function foldText(text: string, variant: SourceVariant): string {
  const nfkc = text.normalize('NFKC');
  const converted = variant === 'other' || variant === 'zh-hans' ? nfkc : convertText(nfkc, variant, 'zh-hans');
  return foldHongKong(converted).toLowerCase();
}

/**
 * The readings of a text for search, each folded to simplified: from its variant (vocabulary
 * included: 觸控板 → 触摸板); by characters alone (觸控板 → 触控板, which mainland writers use too);
 * and as Taiwan text when no character shows its script (晶片 → 芯片 then, while 程序 stays as it
 * is in simplified text). Most texts have one or two distinct readings.
 */
export function foldings(text: string, variant: SourceVariant): string[] {
  const readings = new Set([foldText(text, variant)]);
  if (HAN.test(text)) {
    readings.add(foldHongKong(foldScript(text.normalize('NFKC'))).toLowerCase());
    if (!hasSimplifiedForms(text)) readings.add(foldText(text, 'zh-tw'));
  }
  return [...readings];
}

/**
 * Calls `add` with each lexeme of folded text and its position, from `first`, and `join` with each
 * of its joins (joinsOf); returns the next free position. One jieba call for the whole text.
 */
function lexemesOf(folded: string, first: number, add: (lexeme: string, position: number) => void, join: (lexeme: string) => void): number {
  // jieba's words of three or more characters, by the offset (UTF-16) they start at.
  const longWords = new Map<number, string>();
  if (HAN.test(folded)) {
    let at = 0;
    for (const w of cutWords(folded)) {
      if ([...w].length >= 3 && HAN_ONLY.test(w)) longWords.set(at, w);
      at += w.length;
    }
  }
  let position = first;
  // Each position's unit (a Han character or a word; a hole for a word too long to index), for
  // the joins below.
  const units: (string | undefined)[] = [];
  for (const m of folded.matchAll(TOKEN)) {
    const at = Math.min(position, POSITION_MAX);
    if (m[1]) {
      const chars = [...m[1]];
      let offset = m.index;
      for (let i = 0; i < chars.length; i++) {
        const p = Math.min(position + i, POSITION_MAX);
        units[position + i - first] = chars[i];
        // Each pair at its first character; the run's last character alone (a one-character
        // query matches a pair or it, as a prefix).
        add(i + 1 < chars.length ? chars[i]! + chars[i + 1]! : chars[i]!, p);
        const word = longWords.get(offset);
        if (word) add(word, p);
        offset += chars[i]!.length;
      }
      position += chars.length;
    } else {
      const word = m[2]!;
      if (word.length > WORD_MAX) {
        position++;
        continue;
      }
      if (word.includes('_')) {
        units[position - first] = word;
        add(word, at);
        for (const part of word.split('_')) if (part) add(part, at);
        position++;
        continue;
      }
      // Letters and digits apart, one position each (3.5mm: 3, 5, mm; iPhone15: iphone, 15).
      for (const part of wordParts(word)) {
        units[position - first] = part;
        add(part, Math.min(position, POSITION_MAX));
        position++;
      }
    }
  }
  for (const [, j] of joinsOf(units)) join(j);
  return position;
}

/**
 * The joins of a sequence of units (Han characters and words, at consecutive positions; a hole
 * breaks the sequence), each with the index of its first unit: every three consecutive Han
 * characters (a trigram, across punctuation and the end of a run too), and every two consecutive
 * units of which one is a word (`iphone gpt`, `gpt 芯`; the space keeps them apart from any
 * other lexeme). A post's search row holds the joins of its text (post_search.joins), and a
 * phrase asks for its own joins besides itself: wherever the phrase matches, its joins are there,
 * so they only narrow what the GIN index returns (docs/search.md, "Phrases"). Without them a
 * phrase of common words ("服务器 内存") was the AND of bigrams each in a third of all posts,
 * every one of those posts then read to check the positions; a join of the two words is about as
 * rare as the phrase.
 */
function* joinsOf(units: readonly (string | undefined)[]): Generator<[number, string]> {
  for (let i = 0; i + 1 < units.length; i++) {
    const a = units[i];
    const b = units[i + 1];
    if (a === undefined || b === undefined) continue;
    const c = units[i + 2];
    const aHan = HAN_ONLY.test(a);
    const bHan = HAN_ONLY.test(b);
    if (aHan && bHan) {
      if (c !== undefined && HAN_ONLY.test(c)) yield [i, a + b + c];
    } else yield [i, `${a} ${b}`];
  }
}

/** A lexeme quoted for a tsvector or tsquery literal. */
const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** A post's search row's two tsvector literals, for `::tsvector` (post_search.doc and .joins). */
export interface SearchDocument {
  /** The title's lexemes (weight A) and the text's (weight B), with their positions. */
  doc: string;
  /** The joins of title and text (joinsOf), without positions: only ever looked up in their GIN index. */
  joins: string;
}

/**
 * A post's search document and joins (`body` is sanitized HTML; `variant` the post's). The joins
 * are kept apart from the document so that the documents every search reads stay the size they
 * were: a join is only ever asked of the GIN index (migration 2026_12_05_601).
 */
export function searchDocument(title: string, body: string, variant: SourceVariant): SearchDocument {
  const joins = new Set<string>();
  const join = (lexeme: string) => void joins.add(lexeme);
  const positions = new Map<string, Map<number, string>>();
  const add = (weight: string) => (lexeme: string, position: number) => {
    let at = positions.get(lexeme);
    if (!at) positions.set(lexeme, (at = new Map()));
    if (at.size < POSITIONS_PER_LEXEME && !at.has(position)) at.set(position, weight);
  };
  let next = 1;
  for (const [text, weight] of [
    [title, 'A'],
    [body ? htmlText(body) : '', 'B'],
  ] as const) {
    let end = next;
    // A pinned text (text/pins.ts) is indexed in each of its readings, so that each alternative
    // finds it; the pin's own syntax never is.
    for (const reading of pinReadings(text))
      for (const folded of foldings(reading, variant)) end = Math.max(end, lexemesOf(folded, next, add(weight), join));
    // A gap, so that no phrase runs on from the title into the text.
    next = end + 1;
  }
  const parts: string[] = [];
  for (const [lexeme, at] of positions) parts.push(`${quote(lexeme)}:${[...at].map(([p, w]) => `${p}${w}`).join(',')}`);
  return { doc: parts.join(' '), joins: [...joins].map(quote).join(' ') };
}

/** Why a query cannot be searched (errors.ts, worded in both catalogs). */
export type QueryProblem = SearchProblem;

/** A query ready for PostgreSQL. */
export interface SearchQuery {
  /** A tsquery literal, for `::tsquery`: every lexeme quoted. */
  tsquery: string;
  /**
   * What the matches' joins (post_search.joins) must hold, a tsquery literal of plain lexemes:
   * the joins of every phrase (and run of three or more characters) the query requires, when
   * there are any. Every match holds them; it narrows, `tsquery` decides.
   */
  joins?: string;
  /** Whether a required term is a phrase (a chain of positions: `<->`), which findHits looks for its own way. */
  phrases: boolean;
  /** The folded forms to mark in snippets (text/search-snippet.ts), longest first. */
  marks: string[];
}

export type ParsedQuery = { ok: true; query: SearchQuery } | { ok: false; problem: QueryProblem };

// A term: an optional minus, then a quoted phrase (ASCII or Chinese quotes; an unclosed one runs
// to the end) or a run of anything but white space.
const TERM = /(-?)(?:"([^"]*)"?|“([^”]*)”?|「([^」]*)」?|(\S+))/gu;

// A term made only of tsquery operator characters.
const OPERATORS_ONLY = /^[-&|!:*()<>]+$/;

/**
 * A token of a query term: a Han run (its characters) or a word's part (wordParts), the first
 * part carrying the whole word to mark in snippets (3.5mm is marked whole, not each 3 of the text).
 */
type Item = { han: string[] } | { word: string; mark?: string };

/**
 * Parses what a reader typed: words (all must match), "a quoted phrase" (its words in that order,
 * adjacent), -word or -"phrase" (must not match); `titleOnly` matches titles alone. Anything that
 * is not a letter, digit or Han character only separates words, so tsquery operators, quotes and
 * SQL punctuation mean nothing.
 */
export function parseQuery(input: string, titleOnly = false): ParsedQuery {
  const text = input.normalize('NFKC').trim();
  if (!text) return { ok: false, problem: 'empty' };
  if ([...text].length > QUERY_MAX_CHARS) return { ok: false, problem: 'tooLong' };
  const weight = titleOnly ? 'A' : '';
  const lexeme = (l: string) => `${quote(l)}${weight ? `:${weight}` : ''}`;
  const prefix = (l: string) => `${quote(l)}:*${weight}`;
  const marks = new Set<string>();

  // A chain of items, adjacent: a run's bigrams one after the other, and the next item two
  // positions after the run's last bigram (the run's last character sits between).
  // The joins of the chains made for the current term's reading (joinsOf).
  let readingJoins: string[] = [];
  const chain = (items: Item[]): string => {
    for (const [, j] of joinsOf(items.flatMap((item) => ('word' in item ? [item.word] : item.han)))) readingJoins.push(quote(j));
    let out = '';
    let gap = 0;
    for (const item of items) {
      const pieces =
        'word' in item
          ? [lexeme(item.word)]
          : item.han.length === 1
            ? [prefix(item.han[0]!)]
            : item.han.slice(0, -1).map((c, i) => lexeme(c + item.han[i + 1]!));
      out += (out ? (gap === 1 ? ' <-> ' : ` <${gap}> `) : '') + pieces.join(' <-> ');
      gap = 'word' in item || item.han.length === 1 ? 1 : 2;
      if ('han' in item) marks.add(item.han.join(''));
      else if (item.mark) marks.add(item.mark);
    }
    return items.length > 1 || ('han' in items[0]! && items[0].han.length > 2) ? `(${out})` : out;
  };

  const itemsOf = (folded: string): Item[] =>
    [...folded.matchAll(TOKEN)].flatMap((m): Item[] => {
      if (m[1]) return [{ han: [...m[1]] }];
      const word = m[2]!;
      return word.length <= WORD_MAX ? wordParts(word).map((part, i): Item => (i === 0 ? { word: part, mark: word } : { word: part })) : [];
    });

  // One reading of a term: a long unquoted Han run is cut into jieba's words (each its own chain,
  // all required; single characters dropped when there are words), anything else is one chain.
  const readingExpression = (folded: string, quoted: boolean): string | undefined => {
    const items = itemsOf(folded);
    if (items.length === 0) return undefined;
    const only = items[0]!;
    if (!quoted && items.length === 1 && 'han' in only && only.han.length > 4) {
      const words = cutWords(only.han.join(''))
        .map((w) => [...w])
        .filter((w) => w.length >= 2);
      if (words.length > 1) return `(${words.map((w) => chain([{ han: w }])).join(' & ')})`;
    }
    return chain(items);
  };

  const positive: string[] = [];
  const negative: string[] = [];
  const termJoins: string[] = [];
  let phrases = false;
  let terms = 0;
  for (const m of text.matchAll(TERM)) {
    const body = m[2] ?? m[3] ?? m[4] ?? m[5] ?? '';
    const quoted = m[5] === undefined;
    if (++terms > QUERY_MAX_TERMS) return { ok: false, problem: 'tooManyTerms' };
    // A term of tsquery syntax alone (&, |, !, :*, <->) is someone expecting operators we do not
    // take: say so rather than search for something else. Inside a word (R&D) it only separates.
    if (!quoted && OPERATORS_ONLY.test(m[0])) return { ok: false, problem: 'operators' };
    const negated = m[1] === '-';
    const before = marks.size;
    const readings = HAN.test(body) ? foldings(body, detectVariant(body)) : [foldText(body, 'other')];
    // Each reading's expression, and the joins it requires (all of them, or none when it has none).
    const byReading = readings.flatMap((r) => {
      readingJoins = [];
      const expression = readingExpression(r, quoted);
      return expression === undefined ? [] : [{ expression, joins: [...new Set(readingJoins)] }];
    });
    const expressions = [...new Set(byReading.map((r) => r.expression))];
    if (expressions.length === 0) continue;
    // A term's joins: any one reading's, all required; none when some reading has none.
    if (!negated && byReading.every((r) => r.joins.length > 0)) {
      const each = [...new Set(byReading.map((r) => r.joins.join(' & ')))];
      termJoins.push(each.length === 1 ? each[0]! : `(${each.map((e) => `(${e})`).join(' | ')})`);
    }
    const expression = expressions.length === 1 ? expressions[0]! : `(${expressions.join(' | ')})`;
    if (negated) {
      // What is excluded is not marked in snippets.
      for (const mark of [...marks].slice(before)) marks.delete(mark);
      negative.push(`!${expression}`);
    } else {
      positive.push(expression);
      if (expression.includes('<')) phrases = true;
    }
  }
  if (positive.length === 0) return { ok: false, problem: negative.length ? 'onlyExclusions' : 'noWords' };
  return {
    ok: true,
    query: {
      tsquery: [...positive, ...negative].join(' & '),
      ...(termJoins.length ? { joins: termJoins.join(' & ') } : {}),
      phrases,
      marks: [...marks].sort((a, b) => b.length - a.length),
    },
  };
}
