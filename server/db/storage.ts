import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Logger } from '../log';
import { connect, ensureDatabase, withDatabase } from './connect';
import type { Database } from './database';
import { type EmbeddedServer, openEmbedded } from './embedded';

/** The database the process works on, and how to let go of it. */
export interface Storage {
  readonly db: Kysely<Database>;
  /** Connection URL of the application database (contains the password: never log it). */
  readonly url: string;
  readonly embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'gentie';

/**
 * Connects to DATABASE_URL, or to the embedded PostgreSQL in DATA_DIR (started, adopted or reused
 * as the role allows). The schema is not touched: callers migrate.
 */
export async function openStorage(config: Config, log: Logger, role: 'server' | 'cli'): Promise<Storage> {
  let embedded: EmbeddedServer | undefined;
  let url: string;
  if (config.databaseUrl) {
    url = config.databaseUrl;
  } else {
    embedded = await openEmbedded(config.dataDir, { role, log: (m) => log.info(m) });
    await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
    url = withDatabase(embedded.url, EMBEDDED_DATABASE);
  }
  const db = connect(url, { onConnectionError: (e) => log.warn({ err: e.message }, 'database connection lost') });
  return {
    db,
    url,
    embedded,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
