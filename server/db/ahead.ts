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

/** The statements kysely begins a transaction with ('begin', or 'start transaction …' with an isolation level or access mode). */
const BEGIN =
  /^(begin|start transaction( isolation level (serializable|repeatable read|read committed|read uncommitted))?( read (only|write))?)$/;
/** What a BEGIN held back answers at once (kysely reads only `rows` of it). */
const BEGUN = { command: 'BEGIN', rowCount: null, rows: [] };

/**
 * Makes a pooled client send a transaction's BEGIN with what comes first after it:
 *
 * - a StatementAhead, when the transaction was run for one: the statement and the BEGIN go out
 *   together, at once (the transaction's callback waits for the statement's answer);
 * - otherwise the transaction's first statement: BEGIN is answered at once and held back, then
 *   written with that statement, in one round trip (pg's pipeline mode, each with its own Sync)
 *   instead of two. A transaction that ends before any statement sends neither BEGIN nor its
 *   COMMIT or ROLLBACK. Held back only for kysely's own BEGIN text and sent alone before anything
 *   but a plain statement (a cursor, a COPY): those go out as they always did.
 *
 * And a transaction begun read only (kysely's `setAccessMode('read only')`: reads that want one
 * snapshot) ends without waiting for its COMMIT: PostgreSQL has refused any write in it, so
 * there is nothing the COMMIT could lose; the caller answers its request a round trip sooner, and
 * the client goes back to the pool once the COMMIT is answered (dropped by the pool if it failed).
 *
 * A BEGIN fails only with its connection, and then so does the statement written with it (the
 * statement's promise carries BEGIN's failure either way).
 */
export function sendStatementsAhead(client: pg.PoolClient): void {
  // The client's query as it is (prepareMarkedStatements's, when installed before: a marked
  // statement ahead, or first in a transaction, is prepared like any other).
  const query = client.query.bind(client) as Query;
  // pg's option, read at each query (typed readonly: it is meant to be set at connect).
  const pipelined = client as unknown as { pipeline: boolean };
  let heldBegin: string | undefined;
  // The open transaction began read only; its COMMIT is then not waited for (below).
  let readOnly = false;
  // A read-only transaction's COMMIT in flight: the client goes back to the pool once it is answered.
  let ending: Promise<Error | undefined> | undefined;
  // Statements written while pipeline mode is on: it goes off once the last of them is answered,
  // never before (pg sends a pipelined statement at once and expects its answer in order; with
  // the mode off it would send a waiting statement of the transaction's on top of one in flight).
  let inFlight = 0;
  const send = (config: unknown, values?: unknown): Promise<{ rows: unknown[] }> => {
    const answer = query(config, values);
    // A cursor or COPY is answered as itself, not a promise (pg refuses them in pipeline mode).
    if (!pipelined.pipeline || typeof answer?.then !== 'function') return answer;
    inFlight++;
    // Registered before the caller's own: the mode is off before the caller writes its next statement.
    answer
      .finally(() => {
        if (--inFlight === 0) pipelined.pipeline = false;
      })
      .catch(() => undefined);
    return answer;
  };
  // Two statements written at once, answered in order. The second's promise carries the first's
  // failure when `firstMustSucceed` (a held-back BEGIN); otherwise the first's caller has it.
  const together = (first: () => Promise<unknown>, second: () => Promise<{ rows: unknown[] }>, firstMustSucceed: boolean) => {
    pipelined.pipeline = true;
    const begun = first();
    begun.catch(() => undefined);
    const answered = second();
    return firstMustSucceed ? answered.then(async (result) => (await begun, result)) : answered;
  };
  client.query = ((config: unknown, values?: unknown) => {
    if (typeof config === 'string' && BEGIN.test(config)) {
      readOnly = config.endsWith(' read only');
      const ahead = pending.getStore();
      if (ahead && !ahead.answer) {
        // Both written at once; each has its own Sync, so the statement commits before BEGIN, and a
        // failure of it leaves the BEGIN as it would be alone.
        return together(
          () => {
            const answer = send(ahead.query.sql, [...ahead.query.parameters]).then((result) => result.rows);
            // Not left unhandled while nobody has asked yet: whoever reads `answer` sees the failure.
            answer.catch(() => undefined);
            ahead.answer = answer;
            return answer;
          },
          () => send(config, values),
          false,
        );
      }
      heldBegin = config;
      return Promise.resolve({ ...BEGUN });
    }
    const begin = heldBegin;
    if (begin === undefined) {
      if (config !== 'commit' || !readOnly) return send(config, values);
      // Nothing to wait for: PostgreSQL refused any write in it, and nothing of it is lost if the
      // COMMIT fails (the connection broke). The caller goes on at once; the client is released
      // to the pool only once the COMMIT is answered (or dropped by it, broken).
      readOnly = false;
      ending = send(config, values).then(
        () => undefined,
        (error: Error) => error,
      );
      return Promise.resolve({ command: 'COMMIT', rowCount: null, rows: [] });
    }
    heldBegin = undefined;
    // Nothing ran in the transaction: there is nothing to end.
    if (config === 'commit' || config === 'rollback') return Promise.resolve({ command: config.toUpperCase(), rowCount: null, rows: [] });
    const plain = typeof config === 'string' || (typeof config === 'object' && config !== null && !('submit' in config));
    if (!plain) {
      // pg queues the two: BEGIN's answer comes before the cursor's or COPY's first message is sent.
      query(begin).catch(() => undefined);
      return query(config, values);
    }
    return together(
      () => send(begin),
      () => send(config, values),
      true,
    );
  }) as typeof client.query;
  // pg-pool sets `release` at each checkout; what it sets waits for a read-only COMMIT in flight.
  let release: PoolClientRelease = () => undefined;
  Object.defineProperty(client, 'release', {
    configurable: true,
    get: () => (error?: Error | boolean) => {
      const toPool = release;
      const commit = ending;
      ending = undefined;
      if (!commit) return toPool(error);
      void commit.then((failure) => toPool(error || failure));
    },
    set: (fn: PoolClientRelease) => {
      release = fn;
    },
  });
}

type PoolClientRelease = (error?: Error | boolean) => void;
