/**
 * `gentie import` and `gentie import --verify`: an archive (backup.format.ts) back into a database.
 *
 * Only into an empty database (no rows in any table the archive fills, besides the bookkeeping
 * the migrations and a running forum write by themselves): an import never merges. All rows go in
 * one transaction, so an import that fails or is killed leaves the database as empty as it
 * found it. Before that transaction the import writes the maintenance row (its own commit, so
 * every process turns read-only at once) and the transaction deletes it: a commit clears it with
 * the rows in place, a failure clears it by hand, and only a killed import leaves it behind, for
 * the next start and the next import to say what happened.
 *
 * The rows go in as the archive holds them: ids, sequences (setval), search vectors (no text is
 * segmented again) and the uploads' bytes. A superuser's import turns triggers and foreign-key
 * checks off for its transaction (session_replication_role, as pg_restore --disable-triggers
 * does): the rows come from one consistent snapshot. A table owner's import keeps them on and
 * relies on the archive's order, parents first. Secondary indexes are dropped in the same
 * transaction and built once the rows are in (dropSecondaryIndexes).
 */
import { once } from 'node:events';
import { createReadStream, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { connect, withDatabase } from '../db/connect';
import { knownMigrations, migrateTo, migrateToLatest } from '../db/migrate';
import { BOOKKEEPING_TABLES, STABLE_TEXT, ident, readCatalog } from './backup.catalog';
import { ArchiveError, FORMAT_VERSION, type Frame, type Manifest, TableDigest, type TableEnd, json, readFrames } from './backup.format';
import { IMPORT_LOCK, MAINTENANCE_CACHE_MS, type Maintenance, describeInterrupted } from './backup.maintenance';

/** Raised when the target database may not take the archive (not empty, another import running). */
export class ImportRefused extends Error {}

export interface ImportOptions {
  /** Rows restored so far out of the archive's rows. */
  onProgress?: (done: number, total: number) => void;
  /** A line for the operator (an earlier import was interrupted, migrations applied). */
  say?: (line: string) => void;
  /** Bring the schema to this build's latest after the rows are in (default true; --verify does not). */
  migrateToLatest?: boolean;
  /** Wait this long after turning maintenance on, so every process has seen it (default: their cache time). */
  settleMs?: number;
}

export interface ImportResult {
  manifest: Manifest;
  /** Each table's end frame as the archive holds it (rows and sha256 of its COPY text). */
  ends: TableEnd[];
  rows: number;
}

/** The frames of an archive file, gunzipped; zlib's and the file's errors worded for the operator. */
async function* archiveFrames(file: string): AsyncGenerator<Frame> {
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  try {
    yield* readFrames(gunzip as AsyncIterable<Buffer>);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new ArchiveError('there is no such file');
    if (e.code === 'EACCES') throw new ArchiveError('it cannot be read (permission denied)');
    if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/.test(e.message))
      throw new ArchiveError('it is truncated (the file ends early)');
    if (typeof e.code === 'string' && e.code.startsWith('Z_')) throw new ArchiveError(`its contents are damaged (${e.message})`);
    throw error;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

/** Checks the manifest against this build: a newer format or newer migrations are refused. */
async function checkManifest(manifest: Manifest): Promise<void> {
  if (typeof manifest.format !== 'number' || !Array.isArray(manifest.tables) || !Array.isArray(manifest.migrations))
    throw new ArchiveError('its contents are damaged (the manifest is incomplete)');
  if (manifest.format > FORMAT_VERSION)
    throw new ArchiveError(
      `it was made by a newer Gentie (archive format ${manifest.format}; this one reads up to ${FORMAT_VERSION}): upgrade Gentie to import it`,
    );
  const known = new Set(await knownMigrations());
  const unknown = manifest.migrations.filter((m) => !known.has(m));
  if (unknown.length)
    throw new ArchiveError(
      `it was made by a newer Gentie (its schema has migrations this one does not know: ${unknown.join(', ')}): upgrade Gentie to import it`,
    );
}

/** Tables of the target holding rows that would make it not empty, as "users (3 rows)". */
async function occupied(client: pg.Client, tables: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of tables) {
    if (BOOKKEEPING_TABLES.has(t)) continue;
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from (select 1 from ${ident(t)} limit 1000) x`);
    const n = Number(rows[0]!.n);
    if (n) out.push(`${t} (${n === 1000 ? '1000+' : n} row${n === 1 ? '' : 's'})`);
  }
  return out;
}

const notEmpty = (what: string[]) =>
  new ImportRefused(
    `the database is not empty (${what.slice(0, 5).join(', ')}${what.length > 5 ? ', …' : ''}): import only into an empty database (a new database for DATABASE_URL, or a new DATA_DIR), nothing was changed`,
  );

/** Whether the schema exists yet (a database never migrated has no kysely_migration). */
async function migrated(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ t: string | null }>(`select to_regclass('kysely_migration')::text as t`);
  return rows[0]!.t !== null;
}

/** The maintenance row, when the table exists and holds one. */
async function maintenanceRow(client: pg.Client): Promise<Maintenance | undefined> {
  const { rows } = await client.query<{ t: string | null }>(`select to_regclass('maintenance')::text as t`);
  if (rows[0]!.t === null) return undefined;
  const row = await client.query<{ reason: string; detail: string; started_at: Date }>(
    'select reason, detail, started_at from maintenance',
  );
  const r = row.rows[0];
  return r && { reason: r.reason, detail: r.detail, startedAt: r.started_at };
}

/** A secondary index of the schema: its name and the statement that makes it again. */
interface SecondaryIndex {
  name: string;
  definition: string;
}

/**
 * Drops, inside the import's transaction, the indexes of `tables` that no constraint stands on
 * (primary keys, unique and exclusion constraints, and the unique indexes foreign keys point to
 * stay), and returns how to make them again. Building an index once over all the rows is several
 * times cheaper than growing it row by row through COPY (a GIN index over search vectors most of
 * all); a failure or a kill rolls the drop back with the rows. DROP INDEX locks its table against
 * readers too until the commit: during an import pages wait, and the database is empty until then.
 */
async function dropSecondaryIndexes(client: pg.Client, tables: string[]): Promise<SecondaryIndex[]> {
  const { rows } = await client.query<SecondaryIndex>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = current_schema() and t.relname = any($1::text[])
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      order by 1`,
    [tables],
  );
  for (const index of rows) await client.query(`drop index ${index.name}`);
  return rows;
}

/**
 * Builds the dropped indexes over the rows now in place. More memory for the sorts than a
 * connection's default, and PostgreSQL's parallel build (B-tree, GIN) where the server allows it.
 */
async function buildIndexes(client: pg.Client, indexes: SecondaryIndex[]): Promise<void> {
  if (!indexes.length) return;
  await client.query(`set local maintenance_work_mem = '256MB'`);
  for (const index of indexes) await client.query(index.definition);
}

/** Imports the archive `file` into the database at `url`. */
export async function importArchive(url: string, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const say = options.say ?? (() => undefined);
  const frames = archiveFrames(file);
  const first = await frames.next();
  if (first.done || first.value.kind !== 'M') throw new ArchiveError('its contents are damaged (no manifest at its start)');
  const manifest = json<Manifest>(first.value);
  await checkManifest(manifest);

  // The session that holds the import's lock and writes the maintenance row, apart from the
  // transaction so both are seen by every process while the rows go in.
  const control = new pg.Client({ connectionString: url, application_name: 'gentie import' });
  const worker = new pg.Client({ connectionString: url, application_name: 'gentie import' });
  control.on('error', () => undefined);
  worker.on('error', () => undefined);
  await control.connect();
  let flagged = false;
  let current: { name: string; stream: ReturnType<typeof copyFrom>; digest: TableDigest } | undefined;
  try {
    const { rows: locked } = await control.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [IMPORT_LOCK]);
    if (!locked[0]!.ok) throw new ImportRefused('another import into this database is under way: wait for it to end');
    if (await migrated(control)) {
      // Refuse before any migration touches a database that holds a forum.
      const full = await occupied(
        control,
        (await readCatalog(control)).tables.map((t) => t.name),
      );
      if (full.length) throw notEmpty(full);
    }
    const interrupted = await maintenanceRow(control);
    if (interrupted) say(`${describeInterrupted(interrupted)}; importing again`);

    // The schema the rows were written from (up from nothing, or down from a newer empty one).
    const db = connect(url, { max: 1 });
    try {
      const last = manifest.migrations.at(-1);
      if (last) await migrateTo(db, last);
    } finally {
      await db.destroy();
    }
    await control.query(
      `insert into maintenance (reason, detail) values ('import', $1)
       on conflict (id) do update set reason = excluded.reason, detail = excluded.detail, started_at = now()`,
      [path.basename(file)],
    );
    flagged = true;
    // Every process reads the row at most this long after it was written: then no write of
    // theirs can slip in between the emptiness check and the rows.
    await new Promise((r) => setTimeout(r, options.settleMs ?? MAINTENANCE_CACHE_MS + 200));

    await worker.connect();
    await worker.query(STABLE_TEXT);
    await worker.query('begin');
    const { rows: role } = await worker.query<{ superuser: boolean }>(
      `select rolsuper as superuser from pg_roles where rolname = current_user`,
    );
    if (role[0]?.superuser) await worker.query(`set local session_replication_role = replica`);
    await worker.query(`set local lock_timeout = '60s'`);
    const catalog = await readCatalog(worker);
    const target = new Map(catalog.tables.map((t) => [t.name, t.columns]));
    for (const t of manifest.tables) {
      const columns = target.get(t.name);
      if (!columns) throw new ArchiveError(`its table ${t.name} is not in this database's schema at the archive's migrations`);
      const missing = t.columns.filter((c) => !columns.includes(c));
      if (missing.length) throw new ArchiveError(`its table ${t.name} has columns this schema lacks (${missing.join(', ')})`);
    }
    // Writers wait (readers do not) until the rows are in; then check emptiness for good.
    await worker.query(`lock table ${manifest.tables.map((t) => ident(t.name)).join(', ')} in exclusive mode`);
    const full = await occupied(
      worker,
      manifest.tables.map((t) => t.name),
    );
    if (full.length) throw notEmpty(full);
    for (const t of manifest.tables) if (BOOKKEEPING_TABLES.has(t.name)) await worker.query(`delete from ${ident(t.name)}`);
    // Cleared with the rows' commit; a kill leaves it for the next start to report.
    await worker.query('delete from maintenance');
    const secondary = await dropSecondaryIndexes(
      worker,
      manifest.tables.map((t) => t.name),
    );

    const total = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
    const byName = new Map(manifest.tables.map((t) => [t.name, t]));
    const ends: TableEnd[] = [];
    let done = 0;
    let ended = false;
    options.onProgress?.(0, total);
    for (;;) {
      const next = await frames.next();
      if (next.done) break;
      const f = next.value;
      if (ended) throw new ArchiveError('its contents are damaged (frames after its end)');
      if (f.kind === 'T') {
        if (current) throw new ArchiveError('its contents are damaged (a table starts inside another)');
        const { table } = json<{ table: string }>(f);
        const t = byName.get(table);
        if (!t) throw new ArchiveError(`its contents are damaged (rows of ${table}, a table its manifest does not list)`);
        const stream = worker.query(copyFrom(`copy ${ident(t.name)} (${t.columns.map(ident).join(', ')}) from stdin`));
        // Its failures reach us through the awaits below (drain, finished); destroyed on a failure
        // elsewhere, it must not crash the process with an unheard 'error'.
        stream.on('error', () => undefined);
        current = { name: t.name, stream, digest: new TableDigest() };
      } else if (f.kind === 'D') {
        if (!current) throw new ArchiveError('its contents are damaged (rows outside a table)');
        current.digest.update(f.body);
        if (!current.stream.write(f.body)) await once(current.stream, 'drain');
        options.onProgress?.(done + current.digest.rows, total);
      } else if (f.kind === 'E') {
        if (!current) throw new ArchiveError('its contents are damaged (a table ends that never started)');
        const end = json<TableEnd>(f);
        current.stream.end();
        await finished(current.stream);
        const sha256 = current.digest.digest();
        if (end.table !== current.name || end.sha256 !== sha256 || end.rows !== current.digest.rows)
          throw new ArchiveError(`its contents are damaged (the rows of ${current.name} do not match their checksum)`);
        done += end.rows;
        ends.push(end);
        current = undefined;
      } else if (f.kind === 'Z') {
        if (current) throw new ArchiveError('its contents are damaged (it ends inside a table)');
        ended = true;
      } else throw new ArchiveError('its contents are damaged (a second manifest)');
    }
    if (!ended) throw new ArchiveError('it is truncated (its end frame is missing)');
    if (ends.length !== manifest.tables.length) throw new ArchiveError('its contents are damaged (tables are missing)');
    await buildIndexes(worker, secondary);
    for (const s of manifest.sequences) {
      // A sequence this schema does not have (none, from the same migrations) is skipped.
      const { rows } = await worker.query<{ t: string | null }>(`select to_regclass($1)::text as t`, [ident(s.name)]);
      if (rows[0]!.t !== null) await worker.query('select setval($1::regclass, $2::bigint, $3)', [ident(s.name), s.value, s.isCalled]);
    }
    await worker.query('commit');
    flagged = false;
    options.onProgress?.(total, total);
    if (options.migrateToLatest !== false) {
      const db = connect(url, { max: 1 });
      try {
        await migrateToLatest(db, (name) => say(`migration applied: ${name}`));
      } finally {
        await db.destroy();
      }
    }
    return { manifest, ends, rows: done };
  } catch (error) {
    // A COPY in flight holds the connection: closing it is the rollback (the server aborts the
    // transaction of a session that ends), and it frees the maintenance row the transaction deleted.
    current?.stream.destroy();
    await worker.end().catch(() => undefined);
    // A failure that rolled back leaves nothing to report: maintenance ends with it.
    if (flagged) await control.query('delete from maintenance').catch(() => undefined);
    throw error;
  } finally {
    await frames.return(undefined);
    await worker.end().catch(() => undefined);
    await control.end().catch(() => undefined);
  }
}

export interface VerifyResult extends ImportResult {
  database: string;
}

/**
 * `import --verify`: restores the archive into a scratch database on the same server as `url`,
 * reads every table back and compares its rows and sha256 with the archive's, then drops the
 * scratch database. Throws ArchiveError on a difference.
 */
export async function verifyArchive(url: string, file: string, options: ImportOptions = {}): Promise<VerifyResult> {
  const database = `gentie_verify_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(`create database ${ident(database)}`);
    const scratch = withDatabase(url, database);
    const result = await importArchive(scratch, file, { ...options, migrateToLatest: false, settleMs: 0 });
    const reader = new pg.Client({ connectionString: scratch });
    reader.on('error', () => undefined);
    await reader.connect();
    try {
      await reader.query(STABLE_TEXT);
      for (const [i, t] of result.manifest.tables.entries()) {
        const digest = new TableDigest();
        const copy = reader.query(copyTo(`copy ${ident(t.name)} (${t.columns.map(ident).join(', ')}) to stdout`));
        for await (const chunk of copy as AsyncIterable<Buffer>) digest.update(chunk);
        const end = result.ends[i]!;
        const sha256 = digest.digest();
        if (digest.rows !== end.rows || sha256 !== end.sha256)
          throw new ArchiveError(`${t.name} read back differs from the archive (${digest.rows} rows, ${end.rows} archived)`);
      }
    } finally {
      await reader.end().catch(() => undefined);
    }
    return { ...result, database };
  } finally {
    await admin.query(`drop database if exists ${ident(database)} with (force)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
}

/** Whether `file` exists and can be read: checked before any database is touched. */
export async function readable(file: string): Promise<void> {
  try {
    await fs.access(file);
  } catch {
    throw new ArchiveError('there is no such file');
  }
}
