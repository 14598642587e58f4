/**
 * Big bench datasets, built once and cached in the bench's embedded PostgreSQL (.bench-data).
 *
 * A dataset is built into a template database whose name carries a hash of everything that
 * shapes it: the dataset's name, its version, its plan (sizes, seeds) and the migrations (names
 * and contents) the schema was built with. A run clones the template with CREATE DATABASE …
 * TEMPLATE, a file copy that takes seconds where seeding took minutes, and measures on the clone,
 * so the template itself is never written to. When the plan or a migration changes, the hash
 * changes: the old template is dropped and the new one built, once.
 *
 * What a build returns (the manifest: ids to request, names to log in as) is stored as the
 * template database's comment, and handed to every run that clones it.
 *
 * Usage, for a section that needs a dataset:
 *
 *   const DATASET: Dataset<MyManifest> = { name: 'search', version: 1, plan: { posts: 1_000_000 }, build: async (db, say) => … };
 *   const { url, manifest } = await cloneDataset(embedded.url, DATASET, 'gentie_bench_search', say);
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { connect, withDatabase } from '../server/db/connect';
import type { Database } from '../server/db/database';
import { MIGRATIONS_DIR, migrateToLatest } from '../server/db/migrate';

/** A dataset a bench section measures on. `M` is what the build tells the runs (JSON). */
export interface Dataset<M> {
  /** Lower-case letters, digits and underscores: part of the template database's name. */
  name: string;
  /** Raise it when `build` changes what it writes in a way `plan` does not show. */
  version: number;
  /** Everything else that shapes the data (sizes, seeds): part of the hash. */
  plan: unknown;
  /**
   * Writes the data into `db`, an empty database already migrated to the latest schema, and
   * returns the manifest. `say` prints a progress line.
   */
  build: (db: Kysely<Database>, say: (line: string) => void) => Promise<M>;
}

/** A clone of a dataset, ready to measure on: its URL and the build's manifest. */
export interface ClonedDataset<M> {
  url: string;
  database: string;
  manifest: M;
  /** The template's name, and whether this run had to build it. */
  template: string;
  built: boolean;
  /** Seconds spent building (0 when cached) and cloning. */
  buildSeconds: number;
  cloneSeconds: number;
}

const NAME = /^[a-z][a-z0-9_]{0,30}$/;
const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** The migrations the schema is built from, names and contents, in order. */
function migrationsFingerprint(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map(
      (f) =>
        `${f}:${createHash('sha256')
          .update(readFileSync(path.join(MIGRATIONS_DIR, f)))
          .digest('hex')}`,
    );
}

/** The template database's name: the dataset's name and a hash of all that shapes it. */
export function templateName(dataset: Dataset<unknown>): string {
  if (!NAME.test(dataset.name)) throw new Error(`dataset name ${JSON.stringify(dataset.name)}: lower-case letters, digits, _`);
  const hash = createHash('sha256')
    .update(JSON.stringify({ name: dataset.name, version: dataset.version, plan: dataset.plan, migrations: migrationsFingerprint() }))
    .digest('hex')
    .slice(0, 12);
  return `bench_tpl_${dataset.name}_${hash}`;
}

/**
 * Clones `dataset` into a fresh `database` on the embedded server at `serverUrl`, building its
 * template first when no complete one exists for this plan and schema. A template without its
 * manifest comment is a build that was interrupted: it is dropped and built again.
 */
export async function cloneDataset<M>(
  serverUrl: string,
  dataset: Dataset<M>,
  database: string,
  say: (line: string) => void,
): Promise<ClonedDataset<M>> {
  if (!DATABASE_NAME.test(database)) throw new Error(`database name ${JSON.stringify(database)}`);
  const template = templateName(dataset);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string; manifest: string | null }>(
      `select datname, shobj_description(oid, 'pg_database') as manifest from pg_database where datname ~ $1`,
      // Exactly this dataset's templates: a LIKE on the prefix also matched longer names
      // (the 100,000-post "search" dropped "search_1000000", built in twenty minutes).
      [`^bench_tpl_${dataset.name}_[0-9a-f]{12}$`],
    );
    let manifestText = rows.find((r) => r.datname === template)?.manifest ?? null;
    // Older templates of this dataset (another plan or schema), and an interrupted build of this one.
    for (const r of rows) {
      if (r.datname !== template || manifestText === null) await admin.query(`drop database if exists ${r.datname} with (force)`);
    }
    let buildSeconds = 0;
    if (manifestText === null) {
      say(`dataset ${dataset.name}: building template ${template} (once: later runs clone it)`);
      const t0 = performance.now();
      await admin.query(`create database ${template}`);
      const db = connect(withDatabase(serverUrl, template));
      try {
        await migrateToLatest(db);
        const manifest = await dataset.build(db, (line) => say(`dataset ${dataset.name}: ${line}`));
        // Statistics and visibility maps as autovacuum would leave them, copied into every clone.
        await sql`vacuum analyze`.execute(db);
        manifestText = JSON.stringify(manifest);
      } finally {
        await db.destroy();
      }
      await admin.query(`comment on database ${template} is ${admin.escapeLiteral(manifestText)}`);
      buildSeconds = (performance.now() - t0) / 1000;
      say(`dataset ${dataset.name}: built in ${buildSeconds.toFixed(0)} s`);
    }
    const t1 = performance.now();
    await admin.query(`drop database if exists ${database} with (force)`);
    // FILE_COPY copies the template's files as they are (one checkpoint) instead of writing every
    // block to the WAL: seconds for a database of a few hundred megabytes.
    await admin.query(`create database ${database} template ${template} strategy file_copy`);
    const cloneSeconds = (performance.now() - t1) / 1000;
    return {
      url: withDatabase(serverUrl, database),
      database,
      manifest: JSON.parse(manifestText) as M,
      template,
      built: buildSeconds > 0,
      buildSeconds,
      cloneSeconds,
    };
  } finally {
    await admin.end();
  }
}

/**
 * A bench section's own database on the embedded server, made afresh (any left by an earlier run
 * dropped) and brought to the latest schema.
 */
export async function freshDatabase(serverUrl: string, name: string): Promise<{ url: string; db: Kysely<Database> }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const db = connect(url);
  await migrateToLatest(db).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  return { url, db };
}
