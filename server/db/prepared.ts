/**
 * Statements prepared once per connection, for the few on every write's path (a reply's two) and
 * the reads on every page's path (a post's version, a window's head and lines, a session, a board's
 * threads and trees, a thread's state and events): the server keeps their plans, so each later run
 * skips parsing and planning, which for a reply's first statement, and for each of those reads,
 * costs PostgreSQL more than running it (docs/performance.md, "Replies" and "Hot reads prepared").
 *
 * Such a statement is marked by a leading comment with its name (preparedQuery); the pool's
 * clients send a marked text as a named statement (prepareMarkedStatements), named by its label
 * and a hash of its text, so the variants of one statement (with or without an optional part)
 * are prepared apart. Only marked statements are prepared: a connection holds a handful, however
 * many other texts the app sends.
 *
 * A plan kept this way may go stale only by a change of the tables' columns that alters what the
 * statement answers: PostgreSQL then refuses it ("cached plan must not change result type") until
 * the connection is replaced. Migrations run before a process serves, so only a process left
 * running across another's migration can meet it; restart processes after migrating.
 */
import { createHash } from 'node:crypto';
import type { CompiledQuery, QueryExecutorProvider } from 'kysely';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';

const MARK = '/* prepared ';

/** Runs `query` as a statement prepared once per connection, labelled `label` (letters, digits, _). */
export async function preparedQuery<R>(db: QueryExecutorProvider, label: string, query: CompiledQuery<R>): Promise<R[]> {
  const { rows } = await db.getExecutor().executeQuery<R>(markedPrepared(label, query));
  return rows;
}

/** `query` marked to be prepared once per connection, labelled `label`, for a caller that sends it itself (db/ahead.ts). */
export function markedPrepared<R>(label: string, query: CompiledQuery<R>): CompiledQuery<R> {
  return { ...query, sql: `${MARK}${label} */ ${query.sql}` };
}

// Each marked text's statement name, made once per process rather than hashed at every run: the
// marked statements are a handful of texts (the bound only guards against a caller that writes
// values into one).
const names = new LRUCache<string, string>({ max: 1_000 });

/** The statement name of a marked text: its label and a hash of the text. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    const label = text.slice(MARK.length, text.indexOf(' */', MARK.length));
    name = `${label}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
    names.set(text, name);
  }
  return name;
}

/** Makes a pooled client send marked statements (preparedQuery) as named, prepared ones. */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (config: unknown, values?: unknown) => unknown;
  client.query = ((config: unknown, values?: unknown) => {
    if (typeof config !== 'string' || !config.startsWith(MARK)) return query(config, values);
    return query({ name: statementName(config), text: config, values });
  }) as typeof client.query;
}
