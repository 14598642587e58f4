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
import { type Compilable, type CompiledQuery, type QueryExecutor, type QueryExecutorProvider, createQueryId } from 'kysely';
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

/** What may change a statement's text in builtOnce: its optional parts, as flags or names. */
type Shape = string | number | boolean | null;

/** A kysely instance or transaction: what builtOnce builds with and whose plugins see each run. */
interface Builder {
  withoutPlugins(): unknown;
  getExecutor(): QueryExecutor;
}

/** Stands for the value named `key` while builtOnce builds a statement; its parameters keep it. */
class Placeholder {
  constructor(readonly key: string) {}
}

/** A statement as builtOnce built it: its text and node, and each parameter a value's name or a constant. */
interface Template {
  readonly sql: string;
  readonly query: CompiledQuery['query'];
  readonly slots: readonly (Placeholder | { readonly constant: unknown })[];
}

/**
 * A statement kysely builds and compiles once per shape, then sends with each call's values. On
 * the paths every page takes, building and compiling a select of twenty columns and three joins
 * cost the main thread more than pg's sending it and reading its rows (docs/performance.md,
 * "Statements built once").
 *
 * `build` is called once for each `shape` (the flags and names that change the statement's text:
 * an optional join, a column left out), with placeholders for `values`. Values must reach the
 * statement only as parameters (in `where`, `values`, `set`, a `sql` template, or SQL fragments
 * that put them there), never steer the building: a value read to decide what to build would be
 * the placeholder's, frozen into the text. Such a mistake is refused when it leaves a value out
 * of the parameters, and under the tests every run is compared with kysely's own build.
 *
 * It is built without the db's plugins, and each run is shown to them (transformQuery) as kysely
 * would: a plugin that watches statements sees every run; one that rewrote them would not be
 * applied (the app has none; the tests count statements with one).
 */
export function builtOnce<D extends Builder, V extends Record<string, unknown>, S extends readonly Shape[], R>(
  build: (db: D, values: V, ...shape: S) => Compilable<R>,
): (db: D, values: V, ...shape: S) => CompiledQuery<R> {
  const templates = new Map<string, Template>();
  return (db, values, ...shape) => {
    const key = shape.length === 0 ? '' : JSON.stringify(shape);
    let template = templates.get(key);
    if (template === undefined) {
      template = buildTemplate(build, db, Object.keys(values), shape);
      templates.set(key, template);
    }
    const parameters = template.slots.map((slot) => (slot instanceof Placeholder ? valueOf(values, slot.key) : slot.constant));
    if (CHECK_EACH_RUN) sameAsBuilt(build(db.withoutPlugins() as D, values, ...shape).compile(), template.sql, parameters);
    const queryId = createQueryId();
    const query = db.getExecutor().transformQuery(template.query, queryId);
    return { sql: template.sql, query, queryId, parameters };
  };
}

function buildTemplate<D extends Builder, V, S extends readonly Shape[]>(
  build: (db: D, values: V, ...shape: S) => Compilable<unknown>,
  db: D,
  keys: readonly string[],
  shape: S,
): Template {
  const placeholders = Object.fromEntries(keys.map((key) => [key, new Placeholder(key)]));
  const compiled = build(db.withoutPlugins() as D, placeholders as V, ...shape).compile();
  const slots = compiled.parameters.map((p) => (p instanceof Placeholder ? p : { constant: p }));
  const unused = keys.filter((key) => !slots.some((slot) => slot instanceof Placeholder && slot.key === key));
  // A value the builder reads but this first call left out would be an undefined constant, sent
  // as null by every later run of the shape whatever their values.
  const missing = slots.some((slot) => !(slot instanceof Placeholder) && slot.constant === undefined);
  if (missing) throw new Error('builtOnce: the statement reads a value this call did not give (an undefined parameter)');
  if (unused.length > 0) {
    throw new Error(
      `builtOnce: ${unused.join(', ')} not a parameter of the statement (a value that steers the build belongs in its shape)`,
    );
  }
  return { sql: compiled.sql, query: compiled.query, slots };
}

/** A run's value for a placeholder: one it left out is refused rather than sent as null. */
function valueOf(values: Record<string, unknown>, key: string): unknown {
  const value = values[key];
  if (value === undefined) throw new Error(`builtOnce: no value for ${key}, a parameter of the statement`);
  return value;
}

/**
 * Under the tests every run is also built as kysely builds it and compared, so that a value that
 * steers its statement's building fails the suites that reach it (production builds once).
 */
const CHECK_EACH_RUN = process.env.NODE_ENV === 'test';

function sameAsBuilt(built: CompiledQuery, sqlText: string, parameters: readonly unknown[]): void {
  const same =
    built.sql === sqlText && built.parameters.length === parameters.length && built.parameters.every((p, i) => p === parameters[i]);
  if (!same) throw new Error(`builtOnce: a value steers the statement, which differs from kysely's build of it:\n${built.sql}\n${sqlText}`);
}
