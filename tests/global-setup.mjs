// Starts PostgreSQL once for the whole run (the embedded server in .test-data/, or the server of
// DATABASE_URL) and builds a migrated template database; each test file clones its own copy.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => require(path.join(root, 'dist', p));

export const TEMPLATE = 'gentie_test_template';

export default async function globalSetup() {
  const { openEmbedded } = dist('server/db/embedded.js');
  const { connect, withDatabase } = dist('server/db/connect.js');
  const { migrateToLatest } = dist('server/db/migrate.js');
  const pg = require('pg');

  let serverUrl;
  if (process.env.DATABASE_URL) {
    serverUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    const embedded = await openEmbedded(path.join(root, '.test-data'), { role: 'server', log: () => {} });
    globalThis.__gentieEmbedded = embedded;
    serverUrl = embedded.url;
  }

  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  if (!process.env.DATABASE_URL) {
    // The embedded test cluster holds nothing a crash could lose that matters: no fsync on each
    // commit (nor full-page images after checkpoints), which the suite's thousands of small
    // transactions and CREATE DATABASEs otherwise wait on. A server of DATABASE_URL is left as it is.
    for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes']) await admin.query(`alter system set ${setting} = off`);
    await admin.query('select pg_reload_conf()');
  }
  // Databases left by an interrupted earlier run.
  const stale = await admin.query(`select datname from pg_database where datname like 'gentie_test_%'`);
  for (const { datname } of stale.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  await admin.query(`create database ${TEMPLATE}`);
  await admin.end();

  const db = connect(withDatabase(serverUrl, TEMPLATE), { max: 2 });
  await migrateToLatest(db);
  await db.destroy();

  process.env.GENTIE_TEST_SERVER_URL = serverUrl;
  process.env.GENTIE_TEST_TEMPLATE = TEMPLATE;
}
