import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { observeQuery, watchPool } from '../metrics/metrics';
import type { Database } from './database';
import { sendStatementsAhead } from './ahead';
import { prepareMarkedStatements } from './prepared';

export interface ConnectOptions {
  /** Pool size; each app process keeps at most this many connections. */
  max?: number;
  /** Called when a pooled connection breaks, idle or in use (the server went away): never fatal. */
  onConnectionError?: (error: Error) => void;
}

/** Opens a connection pool to `url` and wraps it in kysely. Nothing connects until the first query. */
export function connect(url: string, options: ConnectOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // A connection once opened stays open (idle ones are not closed after idleTimeoutMillis): one
    // opened for a burst is there, with its prepared statements and PostgreSQL's caches warm, for
    // the next, instead of a fresh backend per burst (docs/performance.md, "The soak over time").
    min: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    application_name: 'gentie',
  });
  // A pg client with no 'error' listener crashes the process when its server goes away. The pool
  // listens only while a client is idle; a client checked out (in a query, or held by a kysely
  // transaction between queries) has none. So every client gets its own listener for its whole
  // life: the query in flight still fails (503) and the pool drops the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onConnectionError?.(error));
    prepareMarkedStatements(client);
    sendStatementsAhead(client);
  });
  // Idle clients are reported by the listener above already.
  pool.on('error', () => undefined);
  // The pool's use and every statement's time, for the metrics (server/metrics/).
  watchPool(pool);
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => observeQuery(event.queryDurationMillis, event.level === 'query'),
  });
}

/** The same server as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Creates `database` on the server of `url` unless it exists (safe when several processes race). */
export async function ensureDatabase(url: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  // The server going away surfaces as the rejected query; without a listener it would crash us.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        // 42P04 duplicate_database, 23505: another process created it between our check and now.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}
