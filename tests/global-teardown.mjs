import pg from 'pg';

export default async function globalTeardown() {
  const admin = new pg.Client({ connectionString: process.env.GENTIE_TEST_SERVER_URL });
  await admin.connect();
  const left = await admin.query(`select datname from pg_database where datname like 'gentie_test_%'`);
  for (const { datname } of left.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  await admin.end();
  await globalThis.__gentieEmbedded?.stop();
}
