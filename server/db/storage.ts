import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Logger } from '../log';
import { connect, ensureDatabase, withDatabase } from './connect';
import type { Database } from './database';
import { type EmbeddedServer, openEmbedded } from './embedded';
import { type DatabaseState, type Supervisor, superviseEmbedded } from './supervisor';

/** The database the process works on, and how to let go of it. */
export interface Storage {
  readonly db: Kysely<Database>;
  /** Connection URL of the application database (contains the password: never log it). */
  readonly url: string;
  readonly embedded: EmbeddedServer | undefined;
  /** What /healthz reports besides a query: always `up` for DATABASE_URL, whose server is not ours to run. */
  state(): DatabaseState;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'gentie';

/** Pooled connections all break together when the server goes; one log line per outage is enough. */
const CONNECTION_LOST_QUIET_MS = 10_000;

/**
 * Connects to DATABASE_URL, or to the embedded PostgreSQL in DATA_DIR (started, adopted or reused
 * as the role allows; the server role also restarts it after a crash). The schema is not touched:
 * callers migrate.
 */
export async function openStorage(config: Config, log: Logger, role: 'server' | 'cli'): Promise<Storage> {
  let embedded: EmbeddedServer | undefined;
  let supervisor: Supervisor | undefined;
  let url: string;
  if (config.databaseUrl) {
    url = config.databaseUrl;
  } else {
    const logLine = (m: string) => log.info(m);
    embedded = await openEmbedded(config.dataDir, { role, log: logLine });
    await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
    url = withDatabase(embedded.url, EMBEDDED_DATABASE);
    if (role === 'server') {
      const { port } = embedded;
      supervisor = superviseEmbedded(embedded, {
        log,
        restart: ({ adoptOnly }) => openEmbedded(config.dataDir, { role, log: logLine, port, keepPort: true, adoptOnly }),
      });
    }
  }
  let lastLost = 0;
  const db = connect(url, {
    max: config.databasePoolSize,
    onConnectionError(error) {
      supervisor?.check();
      if (Date.now() - lastLost > CONNECTION_LOST_QUIET_MS) log.warn({ err: error.message }, 'database connection lost');
      lastLost = Date.now();
    },
  });
  return {
    db,
    url,
    get embedded() {
      return supervisor?.server ?? embedded;
    },
    state: () => supervisor?.state ?? 'up',
    async close() {
      await supervisor?.close();
      await db.destroy();
      await (supervisor?.server ?? embedded)?.stop();
    },
  };
}
