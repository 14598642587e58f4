import type { Kysely } from 'kysely';
import { type AuditActor, recordAudit } from '../audit/audit';
import { type Board, getBoard } from '../boards/boards.service';
import type { Database } from '../db/database';
import type { Member } from '../db/member';
import { AppError, notFound, validationFailed } from '../errors';
import {
  type GlossaryHistoryLine,
  type GlossaryStore,
  glossaryHistory,
  glossaryState,
  readGlossary,
  writeGlossary,
} from '../glossary/glossary.store';
import type { Pace } from '../limits/paced';
import { authorize, siteActor } from '../policy/policy';
import { actorOn } from '../policy/policy.repository';
import { findPostRow } from '../posts/posts.model';
import {
  GLOSSARY_MAX_TERMS,
  type GlossaryTerm,
  TERM_MAX_CHARS,
  type TermProblem,
  checkTerm,
  mergeTerms,
  parseGlossary,
} from '../text/glossary';
import { type SourceVariant, VARIANTS, type Variant } from '../variants';

/**
 * Glossaries (issue 18), the service: a board's, which its moderators (and the admins) edit, and
 * the site's, which only admins edit. Every change is a new version of the whole glossary with a
 * line of history (glossary_history: who, what, and the terms after it), so any past state can be
 * restored; changes to the site's glossary are in the admins' audit log too. Readers flag a wrong
 * conversion on a post (paced as reports are); the flag waits in the board's glossary queue until
 * a moderator accepts it (a term is added) or dismisses it.
 *
 * After a change, this process reads the glossary again before answering (its next page follows
 * it); the others hear the NOTIFY (glossary/glossary.store.ts).
 */

/** Which glossary: the site's, or a board's by slug. */
export type GlossaryTarget = { site: true } | { board: string };

/** A glossary as its page and the API show it. */
export interface GlossaryView {
  scope: string;
  board: Board | null;
  version: number;
  terms: GlossaryTerm[];
}

/** Who edits, for the history and the audit log. */
export type Editor = { member: Member } | { cli: true };

const actorOf = (editor: Editor): AuditActor =>
  'cli' in editor ? { id: null, name: 'CLI' } : { id: editor.member.id, name: editor.member.name };

/** The glossary's scope and board, with the editor authorized to change (or see) it. */
async function resolve(db: Kysely<Database>, editor: Editor | Member | null, target: GlossaryTarget) {
  const member = editor && 'cli' in editor ? null : editor && 'member' in editor ? editor.member : editor;
  const cli = editor !== null && 'cli' in editor;
  if ('site' in target) {
    if (!cli) authorize(siteActor(member), 'administer', null);
    return { scope: 'site', board: null };
  }
  const board = await getBoard(db, target.board);
  if (!cli) authorize(await actorOn(db, member, board.id), 'moderate', null);
  return { scope: board.id, board };
}

/** The 400 for a term that cannot be stored. */
function refusedTerm(problem: TermProblem, field = 'text'): AppError {
  switch (problem) {
    case 'empty':
      return validationFailed(field, { kind: 'required' }, `${field}: a term needs its text.`);
    case 'tooLong':
      return validationFailed(field, { kind: 'tooLong', max: TERM_MAX_CHARS }, `${field}: at most ${TERM_MAX_CHARS} characters.`);
    case 'control':
      return validationFailed(field, { kind: 'hiddenCharacters' }, `${field}: no control characters, tabs, '=' or ';'.`);
    case 'badVariant':
      return validationFailed('forms', { kind: 'oneOf', values: VARIANTS }, `forms: keys are ${VARIANTS.join(', ')}, values text.`);
  }
}

/** A glossary, for its page or the API (moderators of its board, or admins). */
export async function getGlossary(db: Kysely<Database>, member: Member | null, target: GlossaryTarget, cli = false): Promise<GlossaryView> {
  const { scope, board } = await resolve(db, cli ? { cli: true } : member, target);
  const stored = await readGlossary(db, scope);
  return { scope, board, ...stored };
}

/** A glossary's history, newest first. */
export async function getGlossaryHistory(
  db: Kysely<Database>,
  member: Member | null,
  target: GlossaryTarget,
): Promise<GlossaryHistoryLine[]> {
  const { scope } = await resolve(db, member, target);
  return glossaryHistory(db, scope);
}

/** Changes a glossary: `change` gets its terms and gives the new ones (or throws). */
async function change(
  db: Kysely<Database>,
  store: GlossaryStore,
  editor: Editor,
  target: GlossaryTarget,
  what: { action: string; detail: string },
  next: (terms: GlossaryTerm[]) => GlossaryTerm[],
): Promise<GlossaryView> {
  const { scope, board } = await resolve(db, editor, target);
  const after = await db.transaction().execute(async (tx) => {
    const before = await readGlossary(tx, scope, true);
    const terms = next(before.terms);
    if (terms.length > GLOSSARY_MAX_TERMS)
      throw validationFailed('terms', { kind: 'atMost', max: GLOSSARY_MAX_TERMS }, `A glossary holds at most ${GLOSSARY_MAX_TERMS} terms.`);
    const actor = actorOf(editor);
    const version = await writeGlossary(tx, scope, terms, { ...what, actor });
    if (scope === 'site')
      await recordAudit(tx, actor, {
        subject: 'glossary:site',
        action: `glossary.${what.action}`,
        before: { version: before.version, terms: before.terms.length },
        after: { version, terms: terms.length, change: what.detail },
      });
    return { version, terms };
  });
  await store.refresh(scope);
  return { scope, board, ...after };
}

/** Adds a term, or replaces the term with the same text. */
export function addTerm(
  db: Kysely<Database>,
  store: GlossaryStore,
  editor: Editor,
  target: GlossaryTarget,
  input: { text?: unknown; forms?: unknown },
): Promise<GlossaryView> {
  const term = checkTerm(input);
  // The text alone passes: what is wrong is in the forms.
  if (typeof term === 'string') throw refusedTerm(term, typeof checkTerm({ text: input.text }) === 'string' ? 'text' : 'forms');
  return change(db, store, editor, target, { action: 'add', detail: describe(term) }, (terms) => mergeTerms([...terms, term]));
}

/** Removes the term with this text. */
export function removeTerm(
  db: Kysely<Database>,
  store: GlossaryStore,
  editor: Editor,
  target: GlossaryTarget,
  text: unknown,
): Promise<GlossaryView> {
  const wanted = typeof text === 'string' ? text.trim().normalize('NFC') : '';
  if (!wanted) throw refusedTerm('empty');
  return change(db, store, editor, target, { action: 'remove', detail: wanted }, (terms) => {
    const left = terms.filter((t) => t.text !== wanted);
    if (left.length === terms.length)
      throw notFound('GlossaryEntryNotFound', `The glossary has no term ${wanted}.`, { params: { what: 'term' } });
    return left;
  });
}

/** Imports a file (glossary.ts formatGlossary's text, or JSON): merged into the terms, or replacing them. */
export function importGlossary(
  db: Kysely<Database>,
  store: GlossaryStore,
  editor: Editor,
  target: GlossaryTarget,
  file: unknown,
  mode: 'merge' | 'replace',
): Promise<GlossaryView> {
  if (typeof file !== 'string') throw validationFailed('file', { kind: 'type', expected: 'text' }, 'file: the glossary as text.');
  const parsed = parseGlossary(file);
  if (!Array.isArray(parsed)) {
    if (parsed.problem === 'syntax')
      throw new AppError(400, 'GlossaryFileInvalid', `Line ${parsed.line} of the file cannot be read.`, { params: { line: parsed.line } });
    throw refusedTerm(parsed.problem, `line ${parsed.line}`);
  }
  return change(db, store, editor, target, { action: mode === 'replace' ? 'import' : 'merge', detail: `${parsed.length}` }, (terms) =>
    mergeTerms(mode === 'replace' ? parsed : [...terms, ...parsed]),
  );
}

/** Restores a past state (a line of the history) as the glossary's next version. */
export async function revertGlossary(
  db: Kysely<Database>,
  store: GlossaryStore,
  editor: Editor,
  target: GlossaryTarget,
  historyId: unknown,
): Promise<GlossaryView> {
  const { scope } = await resolve(db, editor, target);
  const state =
    typeof historyId === 'string' || typeof historyId === 'number' ? await glossaryState(db, scope, String(historyId)) : undefined;
  if (!state) throw notFound('GlossaryEntryNotFound', 'The glossary has no such past state.', { params: { what: 'state' } });
  return change(db, store, editor, target, { action: 'revert', detail: `v${state.version}` }, () => state.terms);
}

/** A term in one line, for the history. */
export function describe(term: GlossaryTerm): string {
  const forms = VARIANTS.filter((v) => term.forms[v] !== undefined).map((v) => `${v}:${term.forms[v]}`);
  return forms.length ? `${term.text} = ${forms.join('; ')}` : term.text;
}

/** A reader's report of a wrong conversion, as the queue shows it. */
export interface GlossaryFlag {
  id: string;
  postId: string;
  /** The post's title as stored (pins and all); the pages show it in the reader's variant (post below). */
  postTitle: string;
  /** What the post's title is converted from, and by which board's glossary (text/localize.ts). */
  post: { id: string; revision: number; variant: SourceVariant; title: string; body: ''; board_id: string };
  variant: string;
  wrong: string;
  fixed: string;
  reporter: string | null;
  createdAt: Date;
}

/** The most characters of a flag's wrong text or its fix. */
const FLAG_MAX_CHARS = 200;

/** A logged-in reader flags a wrong conversion on a post (the wrong text and what it should be), paced as reports are. */
export async function flagConversion(
  db: Kysely<Database>,
  member: Member | null,
  postId: string,
  input: { wrong?: unknown; fixed?: unknown; variant?: unknown },
  pace: Pace,
): Promise<{ id: string }> {
  if (!member) throw new AppError(401, 'NotLoggedIn', 'Log in first.');
  const text = (field: 'wrong' | 'fixed') => {
    const value = input[field];
    const s = typeof value === 'string' ? value.trim().normalize('NFC') : '';
    if (!s) throw validationFailed(field, { kind: 'required' }, `${field}: required.`);
    if ([...s].length > FLAG_MAX_CHARS) throw validationFailed(field, { kind: 'tooLong', max: FLAG_MAX_CHARS }, `${field}: too long.`);
    if (/[\u0000-\u001f\u007f]/.test(s)) throw validationFailed(field, { kind: 'hiddenCharacters' }, `${field}: no control characters.`);
    return s;
  };
  const wrong = text('wrong');
  const fixed = text('fixed');
  const variant =
    typeof input.variant === 'string' && (VARIANTS as readonly string[]).includes(input.variant) ? (input.variant as Variant) : null;
  if (!variant) throw validationFailed('variant', { kind: 'oneOf', values: VARIANTS }, 'variant: the script the post was read in.');
  const post = await findPostRow(db, postId);
  authorize(await actorOn(db, member, post.board_id), 'report', null);
  await pace('report');
  const row = await db
    .insertInto('glossary_flags')
    .values({ board_id: post.board_id, post_id: post.id, reporter_id: member.id, variant, wrong, fixed })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id };
}

/** The board's open flags, oldest first (its moderators and admins). */
export async function glossaryFlags(db: Kysely<Database>, member: Member | null, slug: string): Promise<GlossaryFlag[]> {
  const { scope } = await resolve(db, member, { board: slug });
  return openFlags(db, scope);
}

function openFlags(db: Kysely<Database>, boardId?: string): Promise<GlossaryFlag[]> {
  let query = db
    .selectFrom('glossary_flags as f')
    .innerJoin('posts', 'posts.id', 'f.post_id')
    .leftJoin('users', 'users.id', 'f.reporter_id')
    .select([
      'f.id',
      'f.post_id',
      'posts.title',
      'posts.variant as post_variant',
      'posts.revision',
      'posts.board_id',
      'f.variant',
      'f.wrong',
      'f.fixed',
      'users.name',
      'f.created_at',
    ])
    .where('f.resolved_at', 'is', null)
    .orderBy('f.id')
    .limit(200);
  if (boardId) query = query.where('f.board_id', '=', boardId);
  return query.execute().then((rows) =>
    rows.map((r) => ({
      id: r.id,
      postId: r.post_id,
      postTitle: r.title,
      post: { id: r.post_id, revision: r.revision, variant: r.post_variant, title: r.title, body: '' as const, board_id: r.board_id },
      variant: r.variant,
      wrong: r.wrong,
      fixed: r.fixed,
      reporter: r.name,
      createdAt: r.created_at,
    })),
  );
}

/**
 * Resolves a flag of the board's queue: `accept` adds the term (the moderator's, which defaults
 * to the flag's: its wrong text, written as it should be for the variant it was read in), or
 * dismisses it.
 */
export async function resolveFlag(
  db: Kysely<Database>,
  store: GlossaryStore,
  member: Member | null,
  slug: string,
  flagId: string,
  outcome: 'accepted' | 'dismissed',
  term?: { text?: unknown; forms?: unknown },
): Promise<GlossaryView | null> {
  const { scope } = await resolve(db, member, { board: slug });
  const flag = /^\d{1,18}$/.test(flagId)
    ? await db
        .selectFrom('glossary_flags')
        .select(['id', 'variant', 'wrong', 'fixed'])
        .where('id', '=', flagId)
        .where('board_id', '=', scope)
        .where('resolved_at', 'is', null)
        .executeTakeFirst()
    : undefined;
  if (!flag) throw notFound('GlossaryEntryNotFound', 'No such open flag on this board.', { params: { what: 'flag' } });
  let view: GlossaryView | null = null;
  if (outcome === 'accepted') {
    const given = term?.text !== undefined && term.text !== '' ? term : { text: flag.wrong, forms: { [flag.variant]: flag.fixed } };
    view = await addTerm(db, store, { member: member! }, { board: slug }, given);
  }
  await db
    .updateTable('glossary_flags')
    .set({ resolved_at: new Date(), resolved_by: member!.id, outcome })
    .where('id', '=', flag.id)
    .where('resolved_at', 'is', null)
    .execute();
  return view;
}
