/**
 * A statement sent ahead of a transaction's BEGIN, on the transaction's own connection and in the
 * same round trip: its messages (with their own Sync, so it runs and commits on its own, before
 * BEGIN) and the BEGIN go out together, pg's pipeline mode on for those two only. Its answer is
 * there by the time the transaction's callback starts, without a round trip or a connection of
 * its own. For the address's posting limits (limits/paced.ts): a row spent inside the
 * transaction would stay locked until it commits, one spent in a statement of its own cost a round
 * trip more per write (docs/performance.md, "Posting limits").
 *
 * The statement waits for a connection with its transaction: when the transaction never starts
 * (the pool's wait ran out), neither does it (`answer` is then undefined).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';

interface Pending {
  readonly query: CompiledQuery;
  answer?: Promise<unknown[]>;
}

const pending = new AsyncLocalStorage<Pending>();

/** One statement to send ahead of the BEGIN of the transaction `run` starts. */
export class StatementAhead<R> {
  readonly #pending: Pending;
  constructor(query: CompiledQuery<R>) {
    this.#pending = { query };
  }

  /**
   * Runs `begin`, which starts one transaction (db.transaction().execute), with the statement sent
   * ahead of its BEGIN. Only the first BEGIN of `begin` carries it.
   */
  run<T>(begin: () => Promise<T>): Promise<T> {
    return pending.run(this.#pending, begin);
  }

  /** The statement's rows (or its failure) once sent; undefined while it is not. */
  get answer(): Promise<R[]> | undefined {
    return this.#pending.answer as Promise<R[]> | undefined;
  }
}

type Query = (config: unknown, values?: unknown) => Promise<{ rows: unknown[] }>;

/** Makes a pooled client send a StatementAhead with the BEGIN of the transaction it was run for. */
export function sendStatementsAhead(client: pg.PoolClient): void {
  // The client's query as it is (prepareMarkedStatements's, when installed before: a marked
  // statement ahead is prepared like any other).
  const query = client.query.bind(client) as Query;
  // pg's option, read at each query (typed readonly: it is meant to be set at connect).
  const pipelined = client as unknown as { pipeline: boolean };
  client.query = ((config: unknown, values?: unknown) => {
    const ahead = config === 'begin' ? pending.getStore() : undefined;
    if (!ahead || ahead.answer) return query(config, values);
    // Both written at once; each has its own Sync, so the statement commits before BEGIN, and a
    // failure of it leaves the BEGIN as it would be alone.
    pipelined.pipeline = true;
    const answer = query(ahead.query.sql, [...ahead.query.parameters]).then((result) => result.rows);
    // Not left unhandled while nobody has asked yet: whoever reads `answer` sees the failure.
    answer.catch(() => undefined);
    ahead.answer = answer;
    const begun = query(config, values);
    // Answered in order: once BEGIN is, nothing is in flight and the client goes back to one query
    // at a time.
    return begun.finally(() => {
      pipelined.pipeline = false;
    });
  }) as typeof client.query;
}
