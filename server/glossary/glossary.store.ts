import { sql } from 'kysely';
import type { Db } from '../db/database';
import { type GlossaryTerm, GlossaryBook } from '../text/glossary';

/**
 * The glossaries as stored (glossaries, glossary_history: migrations/2026_12_06_100_glossaries.ts)
 * and each process's copy of them (text/glossary.ts GlossaryBook), which every conversion of the
 * app follows. A change is announced on GLOSSARY_CHANNEL when it commits; every process's
 * realtime hub LISTENs on it and has its store read that glossary again (and all of them when the
 * LISTEN connection comes back, since a change may have gone unheard). The process that made a
 * change reads it at once, so its own next answer already follows it.
 *
 * Sits just above db and text (beneath events, policy and the features), so the posts layer's
 * pages and the realtime hub can both reach it.
 */

/** The channel a glossary change is announced on (NOTIFY, sent on commit); its payload is the glossary's scope. */
export const GLOSSARY_CHANNEL = 'gentie_glossary';

/** 'site', or a board's id. */
export type GlossaryScope = string;

/** A glossary as stored. */
export interface StoredGlossary {
  version: number;
  terms: GlossaryTerm[];
  /** When this version was written (undefined: no glossary yet). */
  updatedAt?: Date;
}

/** One state a glossary was in (its history page). */
export interface GlossaryHistoryLine {
  id: string;
  version: number;
  action: string;
  detail: string;
  terms: GlossaryTerm[];
  actorName: string;
  at: Date;
}

const termsOf = (value: unknown): GlossaryTerm[] => (Array.isArray(value) ? (value as GlossaryTerm[]) : []);

/** A glossary as stored (version 0, no terms: none yet); `lock` holds its row for a change. */
export async function readGlossary(db: Db, scope: GlossaryScope, lock = false): Promise<StoredGlossary> {
  let query = db.selectFrom('glossaries').select(['version', 'terms', 'updated_at']).where('scope', '=', scope);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? { version: row.version, terms: termsOf(row.terms), updatedAt: row.updated_at } : { version: 0, terms: [] };
}

/**
 * Stores a glossary's new terms as its next version, with a line of history, and announces it on
 * commit. Call inside the change's transaction, after readGlossary(…, true).
 */
export async function writeGlossary(
  tx: Db,
  scope: GlossaryScope,
  terms: readonly GlossaryTerm[],
  change: { action: string; detail: string; actor: { id: string | null; name: string } },
): Promise<number> {
  const json = JSON.stringify(terms);
  const row = await tx
    .insertInto('glossaries')
    .values({ scope, board_id: scope === 'site' ? null : scope, version: 1, terms: json })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ version: sql`glossaries.version + 1`, terms: json, updated_at: sql`now()` }))
    .returning('version')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('glossary_history')
    .values({
      scope,
      version: row.version,
      action: change.action,
      detail: change.detail,
      terms: json,
      actor_id: change.actor.id,
      actor_name: change.actor.name,
    })
    .execute();
  await sql`select pg_notify(${GLOSSARY_CHANNEL}, ${scope})`.execute(tx);
  return row.version;
}

/** A glossary's history, newest first. */
export async function glossaryHistory(db: Db, scope: GlossaryScope, limit = 50): Promise<GlossaryHistoryLine[]> {
  const rows = await db
    .selectFrom('glossary_history')
    .select(HISTORY_COLUMNS)
    .where('scope', '=', scope)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(historyLine);
}

const HISTORY_COLUMNS = ['id', 'version', 'action', 'detail', 'terms', 'actor_name', 'created_at'] as const;

/** A glossary_history row as the pages and the API show it. */
function historyLine(r: {
  id: string;
  version: number;
  action: string;
  detail: string;
  terms: unknown;
  actor_name: string;
  created_at: Date;
}): GlossaryHistoryLine {
  return {
    id: r.id,
    version: r.version,
    action: r.action,
    detail: r.detail,
    terms: termsOf(r.terms),
    actorName: r.actor_name,
    at: r.created_at,
  };
}

/** One past state of a glossary, by its history line's id. */
export async function glossaryState(db: Db, scope: GlossaryScope, id: string): Promise<GlossaryHistoryLine | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const r = await db
    .selectFrom('glossary_history')
    .select(HISTORY_COLUMNS)
    .where('scope', '=', scope)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && historyLine(r);
}

/** A process's glossaries: its book, and how to read them again. */
export interface GlossaryStore {
  book: GlossaryBook;
  /** Reads every glossary (at start-up, and when the LISTEN connection comes back). */
  loadAll(): Promise<void>;
  /** Reads one glossary again (a change announced on GLOSSARY_CHANNEL, or made here). */
  refresh(scope: GlossaryScope): Promise<void>;
}

/** The store of a process (or of one app, in tests), over `book`. */
export function createGlossaryStore(db: Db, book = new GlossaryBook()): GlossaryStore {
  return {
    book,
    async loadAll() {
      const rows = await db.selectFrom('glossaries').select(['scope', 'version', 'terms', 'updated_at']).execute();
      for (const r of rows) book.set(r.scope, r.version, termsOf(r.terms), r.updated_at);
    },
    async refresh(scope) {
      const stored = await readGlossary(db, scope);
      book.set(scope, stored.version, stored.terms, stored.updatedAt);
    },
  };
}
