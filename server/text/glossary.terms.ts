import { type Variant, VARIANTS } from '../variants';

/**
 * A glossary's terms as members edit, import and export them (issue 18): what a term is, the
 * limits on it, and the file format. glossary.ts matches them in text.
 */

/** One term as stored and edited: the text, and its form per variant (none: never converted). */
export interface GlossaryTerm {
  text: string;
  forms: Partial<Record<Variant, string>>;
}

/** The most terms one glossary holds. */
export const GLOSSARY_MAX_TERMS = 2000;
/** The most characters (code points) of a term's text or of one form. */
export const TERM_MAX_CHARS = 32;

/** Why a term is refused, for the AppError the service raises. */
export type TermProblem = 'empty' | 'tooLong' | 'control' | 'badVariant';

// Control characters, line breaks, the separators of the file format, and the private joiners the
// conversion uses: a term is one line of ordinary text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029=;\t]/;

/** A term as given (by a form, the API, a file) checked and trimmed, or what is wrong with it. */
export function checkTerm(input: { text?: unknown; forms?: unknown }): GlossaryTerm | TermProblem {
  const text = typeof input.text === 'string' ? input.text.trim().normalize('NFC') : '';
  const check = (s: string): TermProblem | undefined =>
    s === '' ? 'empty' : [...s].length > TERM_MAX_CHARS ? 'tooLong' : CONTROL.test(s) ? 'control' : undefined;
  const wrong = check(text);
  if (wrong) return wrong;
  const forms: Partial<Record<Variant, string>> = {};
  if (input.forms !== undefined && input.forms !== null) {
    if (typeof input.forms !== 'object' || Array.isArray(input.forms)) return 'badVariant';
    for (const [variant, value] of Object.entries(input.forms as Record<string, unknown>)) {
      if (!(VARIANTS as readonly string[]).includes(variant)) return 'badVariant';
      if (value === undefined || value === null || value === '') continue;
      if (typeof value !== 'string') return 'badVariant';
      const form = value.trim().normalize('NFC');
      const bad = check(form);
      if (bad) return bad;
      forms[variant as Variant] = form;
    }
  }
  return { text, forms };
}

/**
 * The file format of a glossary (import and export, page and CLI): UTF-8 text, one term a line,
 * `text` alone (never converted) or `text = zh-hans:芯片; zh-tw:晶片; zh-hant:晶片`; blank lines
 * and lines starting with `#` are ignored. A file starting with `[` or `{` is read as JSON instead:
 * an array of terms (`{"text": …, "forms": {…}}`), or an object with such an array as `terms`.
 */
export function formatGlossary(terms: readonly GlossaryTerm[]): string {
  const lines = terms.map((t) => {
    const forms = VARIANTS.filter((v) => t.forms[v] !== undefined).map((v) => `${v}:${t.forms[v]}`);
    return forms.length ? `${t.text} = ${forms.join('; ')}` : t.text;
  });
  return `# Gentie glossary: text = variant:form; …\n${lines.join('\n')}\n`;
}

/** A line of a file that could not be read, for the refusal. */
export interface GlossaryFileError {
  line: number;
  problem: TermProblem | 'syntax';
}

/** Reads a glossary file (formatGlossary's text, or JSON): its terms, or the first bad line. */
export function parseGlossary(file: string): GlossaryTerm[] | GlossaryFileError {
  const trimmed = file.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      return { line: 1, problem: 'syntax' };
    }
    const list = Array.isArray(data) ? data : (data as { terms?: unknown }).terms;
    if (!Array.isArray(list)) return { line: 1, problem: 'syntax' };
    const terms: GlossaryTerm[] = [];
    for (const [k, item] of list.entries()) {
      if (typeof item !== 'object' || item === null) return { line: k + 1, problem: 'syntax' };
      const term = checkTerm(item as { text?: unknown; forms?: unknown });
      if (typeof term === 'string') return { line: k + 1, problem: term };
      terms.push(term);
    }
    return terms;
  }
  const terms: GlossaryTerm[] = [];
  for (const [k, raw] of trimmed.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const forms: Record<string, string> = {};
    if (eq !== -1) {
      for (const part of line.slice(eq + 1).split(';')) {
        if (part.trim() === '') continue;
        const colon = part.indexOf(':');
        if (colon === -1) return { line: k + 1, problem: 'syntax' };
        forms[part.slice(0, colon).trim()] = part.slice(colon + 1);
      }
    }
    const term = checkTerm({ text: eq === -1 ? line : line.slice(0, eq), forms });
    if (typeof term === 'string') return { line: k + 1, problem: term };
    terms.push(term);
  }
  return terms;
}

/** Terms merged by text (a later term replaces an earlier one with the same text), in order. */
export function mergeTerms(terms: readonly GlossaryTerm[]): GlossaryTerm[] {
  const byText = new Map<string, GlossaryTerm>();
  for (const t of terms) {
    byText.delete(t.text);
    byText.set(t.text, t);
  }
  return [...byText.values()];
}
