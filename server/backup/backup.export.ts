/**
 * `gentie export`: the whole forum into one archive (backup.format.ts), from one consistent
 * snapshot while the forum keeps serving: a REPEATABLE READ READ ONLY transaction sees every
 * table as it was at its first statement, whatever is written meanwhile, and blocks no writer.
 * Rows stream from PostgreSQL's COPY through gzip to the file with backpressure all the way, so
 * memory stays flat whatever the forum's size. The file is written as `<file>.partial` (mode 0600:
 * it holds password hashes and 悄悄話) and renamed when complete: a file by the asked name is
 * always a whole archive.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { STABLE_TEXT, ident, readCatalog } from './backup.catalog';
import { FORMAT_VERSION, MAGIC, type Manifest, TableDigest, type TableEnd, frame } from './backup.format';

/** gzip level: 1 compresses text to about a third at a speed far above COPY's. */
const GZIP_LEVEL = 1;
/** Rows are gathered into D frames of about this size (COPY sends a row at a time). */
const FRAME_BYTES = 256 * 1024;

/** What an export wrote. */
export interface ExportResult {
  file: string;
  tables: number;
  rows: number;
  bytes: number;
  manifest: Manifest;
}

export interface ExportOptions {
  /** Rows written so far out of the snapshot's rows. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the export (the job runner's shutdown): the partial file is removed. */
  signal?: AbortSignal;
}

/** Gentie's version, for the manifest. */
export function gentieVersion(): string {
  try {
    // dist/server/backup once built; server/backup when the sources run (the CLI inside a test).
    const root = [path.join(__dirname, '..', '..', '..'), path.join(__dirname, '..', '..')].find((r) =>
      existsSync(path.join(r, 'package-lock.json')),
    );
    return (JSON.parse(readFileSync(path.join(root!, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Exports the database at `url` into `file`. */
export async function exportArchive(url: string, file: string, options: ExportOptions = {}): Promise<ExportResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'gentie export' });
  // A server that goes away fails the query in flight; without a listener it would crash us.
  client.on('error', () => undefined);
  await client.connect();
  const partial = `${file}.partial`;
  let written = false;
  try {
    await client.query(STABLE_TEXT);
    await client.query('begin isolation level repeatable read read only');
    const catalog = await readCatalog(client);
    const migrations = (await client.query<{ name: string }>('select name from kysely_migration order by name')).rows.map((r) => r.name);
    const tables = [];
    for (const t of catalog.tables) {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${ident(t.name)}`);
      tables.push({ ...t, rows: Number(rows[0]!.n) });
    }
    const sequences = [];
    for (const name of catalog.sequences) {
      const { rows } = await client.query<{ value: string; called: boolean }>(
        `select last_value::text as value, is_called as called from ${ident(name)}`,
      );
      sequences.push({ name, value: rows[0]!.value, isCalled: rows[0]!.called });
    }
    const manifest: Manifest = {
      format: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      gentie: gentieVersion(),
      migrations,
      tables,
      sequences,
      excluded: catalog.excluded,
    };
    const total = tables.reduce((sum, t) => sum + t.rows, 0);

    // A partial file left by an earlier run goes first: the mode below applies only to a new file.
    await fs.rm(partial, { force: true });
    const out = createWriteStream(partial, { mode: 0o600 });
    written = true;
    const gzip = createGzip({ level: GZIP_LEVEL });
    const finished = pipeline(gzip, out);
    // An error of the file (disk full) fails the pipeline: surface it where we wait.
    let failure: Error | undefined;
    finished.catch((error: unknown) => (failure = error instanceof Error ? error : new Error(String(error))));
    const write = async (buffers: Buffer[]) => {
      for (const b of buffers) {
        if (failure) throw failure;
        if (!gzip.write(b)) await Promise.race([once(gzip, 'drain'), finished]);
      }
    };

    await write([MAGIC]);
    await write(frame('M', manifest));
    let done = 0;
    options.onProgress?.(0, total);
    for (const t of tables) {
      await write(frame('T', { table: t.name }));
      const digest = new TableDigest();
      const copy = client.query(copyTo(`copy ${ident(t.name)} (${t.columns.map(ident).join(', ')}) to stdout`));
      let batch: Buffer[] = [];
      let batchBytes = 0;
      const flush = async () => {
        if (!batchBytes) return;
        const data = Buffer.concat(batch, batchBytes);
        batch = [];
        batchBytes = 0;
        digest.update(data);
        await write(frame('D', data));
        options.onProgress?.(done + digest.rows, total);
      };
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        if (options.signal?.aborted) throw new Error('the export was stopped (shutdown)');
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= FRAME_BYTES) await flush();
      }
      await flush();
      done += digest.rows;
      const end: TableEnd = { table: t.name, rows: digest.rows, sha256: digest.digest() };
      await write(frame('E', end));
    }
    await write(frame('Z', { tables: tables.length, rows: done }));
    options.onProgress?.(total, total);
    gzip.end();
    await finished;
    await client.query('commit');
    // On disk before it takes its name: a crash never leaves a named archive half written.
    const handle = await fs.open(partial, 'r');
    await handle.sync().finally(() => handle.close());
    await fs.chmod(partial, 0o600);
    await fs.rename(partial, file);
    const { size } = await fs.stat(file);
    return { file, tables: tables.length, rows: done, bytes: size, manifest };
  } catch (error) {
    if (written) await fs.rm(partial, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
