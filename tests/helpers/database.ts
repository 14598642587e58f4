import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { connect, withDatabase } from '../../server/db/connect';
import type { Database } from '../../server/db/database';

/** A database of the test file's own, cloned from the migrated template. */
export interface TestDatabase {
  db: Kysely<Database>;
  url: string;
  name: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.GENTIE_TEST_SERVER_URL;
  if (!url) throw new Error('GENTIE_TEST_SERVER_URL is unset: run the tests with `npm test` (jest globalSetup starts PostgreSQL)');
  return url;
}

/** Runs SQL on the server's maintenance database (CREATE/DROP DATABASE). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database: migrated (a clone of the template) or, with `empty`, with no schema at all; `max` sizes its pool. */
export async function createTestDatabase(options: { empty?: boolean; max?: number } = {}): Promise<TestDatabase> {
  const name = `gentie_test_${randomBytes(5).toString('hex')}`;
  const template = options.empty ? 'template0' : process.env.GENTIE_TEST_TEMPLATE!;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`create database ${name} template ${template}`);
      break;
    } catch (error) {
      // 55006: another file is cloning the template at this instant; wait and try again.
      if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = withDatabase(serverUrl(), name);
  const db = connect(url, { max: options.max ?? 20 });
  return {
    db,
    url,
    name,
    async drop() {
      await db.destroy();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}
