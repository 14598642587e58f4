import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { archiveName, scheduledBackup } from '../../server/backup/backup.schedule';
import { type TestApp, startTestApp } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { ROOT, startServerProcess } from '../helpers/processes';
import { runCli } from '../helpers/cli';
import { until } from '../helpers/wait';
import { createTestBoard, memberClient, postThread } from '../factories';

/** Maintenance mode while an import runs, a killed import, and scheduled backups with their rotation. */

let dir: string;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gentie-maintenance-'));
});

afterAll(async () => {
  for (const d of databases) await d.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('maintenance mode', () => {
  let app: TestApp;
  afterAll(async () => app?.close());

  it('keeps the forum read-only while the row is there: pages say so in the reader’s script, writes are 503 with Retry-After', async () => {
    app = await startTestApp();
    const board = await createTestBoard(app.db);
    const writer = app.client();
    await memberClient(app.db, writer);
    const root = await postThread(writer, board, '維護之前');
    const reader = app.client();
    // A thread page kept warm for anonymous readers before maintenance began.
    for (let i = 0; i < 2; i++) expect((await reader.get(`/t/${root.id}`)).text).not.toContain('data-maintenance');

    await app.db.insertInto('maintenance').values({ reason: 'import', detail: 'forum.gentie' }).execute();
    // The process reads the row again once what it read is older than MAINTENANCE_CACHE_MS: its pages say when.
    const inMaintenance = async () => (await app.client().get('/')).text.includes('data-maintenance');
    await until(inMaintenance, 'a page in maintenance');
    // A write reads the row again (a warm page goes by what the process last read).
    const refused = await writer.post(`/api/posts/${root.id}/replies`, { title: '維護中' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.json.error.code).toBe('Maintenance');
    expect(refused.json.error.message).toMatch(/read-only while an administrator restores a backup/);
    const hant = await reader.get(`/t/${root.id}`, { 'accept-language': 'zh-TW' });
    expect(hant.status).toBe(200);
    expect(hant.text).toContain('論壇正在恢復備份，暫時只能閱讀');
    const hans = await reader.get('/zh-hans/');
    expect(hans.text).toContain('论坛正在恢复备份，暂时只能阅读');
    const form = await writer.request('POST', `/zh-hans/t/${root.id}/reply`, { form: { title: '維護中', body: '' } });
    expect(form.status).toBe(503);
    expect(form.text).toContain('论坛正在恢复备份，暂时只能阅读，请过几分钟再试。');
    expect(await app.db.selectFrom('posts').select('id').where('title', '=', '維護中').execute()).toEqual([]);

    await app.db.deleteFrom('maintenance').execute();
    await until(async () => !(await inMaintenance()), 'a page out of maintenance');
    expect((await writer.post(`/api/posts/${root.id}/replies`, { title: '維護之後' })).status).toBe(201);
    expect((await reader.get(`/t/${root.id}`)).text).not.toContain('data-maintenance');
  }, 60_000);
});

describe('an import killed half-way', () => {
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill('SIGKILL'));
  it('leaves the target empty; the next start and the next import say so', async () => {
    // A source big enough that the import is still copying when it is killed.
    const source = await createTestDatabase({ max: 2 });
    databases.push(source);
    await sql`insert into upload_blobs (hash, data)
      select md5(i::text), decode(repeat(md5(i::text), 16000), 'hex') from generate_series(1, 200) i`.execute(source.db);
    const archive = path.join(dir, 'big.gentie');
    const exported = await runCli(['export', archive], { DATABASE_URL: source.url });
    expect(exported.code).toBe(0);

    const target = await createTestDatabase({ empty: true, max: 2 });
    databases.push(target);
    const importer = spawn(process.execPath, [path.join(ROOT, 'dist', 'server', 'cli', 'main.js'), 'import', archive], {
      env: { PATH: process.env.PATH!, DATABASE_URL: target.url },
    });
    let output = '';
    child = importer;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => importer.on('exit', (_code, signal) => resolve(signal)));
    importer.stdout.on('data', (d) => {
      output += d;
      // Rows are going in: at least a tenth of them, not all.
      if (/\] +[1-9]\d%/.test(output) && importer.exitCode === null) importer.kill('SIGKILL');
    });
    // Killed, rather than finished before the test could kill it.
    expect([await exited, output]).toEqual(['SIGKILL', output]);
    // The server ends the killed session's transaction as soon as it sees the connection gone.
    await until(async () => {
      const { rows } = await sql<{
        n: string;
      }>`select count(*) as n from pg_stat_activity where application_name = 'gentie import' and datname = current_database()`.execute(
        target.db,
      );
      return rows[0]!.n === '0';
    }, "the killed import's session to end");
    const blobs = await sql<{ n: string }>`select count(*) as n from upload_blobs`.execute(target.db);
    expect(blobs.rows[0]!.n).toBe('0');
    expect(await target.db.selectFrom('maintenance').select('detail').execute()).toEqual([{ detail: 'big.gentie' }]);

    // The next start refuses, saying what happened and what to do.
    const server = startServerProcess({ DATABASE_URL: target.url });
    await expect(server).rejects.toThrow(
      /an import of big\.gentie started at .* was interrupted: the database holds none of its rows\. Run `npm run gentie -- import <archive>` again/,
    );

    // The next import says so too, and restores it all.
    const again = await runCli(['import', archive], { DATABASE_URL: target.url });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /an import of big\.gentie started at .* was interrupted: the database holds none of its rows; importing again/,
    );
    const after = await sql<{ n: string }>`select count(*) as n from upload_blobs`.execute(target.db);
    expect(after.rows[0]!.n).toBe('200');
    expect(await target.db.selectFrom('maintenance').selectAll().execute()).toEqual([]);
    // Four processes, one after another: minutes on a machine busy with other work.
  }, 300_000);
});

describe('scheduled backups', () => {
  it('export at the hour into DATA_DIR/backups (0700, files 0600), once a day, keeping the newest N', async () => {
    const source = await createTestDatabase({ max: 2 });
    databases.push(source);
    const dataDir = path.join(dir, 'data');
    const plan = { url: source.url, dataDir, keep: 2, hour: 3, timeZone: 'Asia/Shanghai' };
    // 03:00 in Shanghai is 19:00 UTC the day before.
    const at = (day: number, hour = 19, minute = 0) => new Date(Date.UTC(2026, 10, day, hour, minute));
    expect(await scheduledBackup({ ...plan, keep: 0, now: at(1) })).toEqual({ done: 'off' });
    expect(await scheduledBackup({ ...plan, now: at(1, 20) })).toEqual({ done: 'not-the-hour' });
    const backups = path.join(dataDir, 'backups');
    for (const day of [1, 2, 3, 4]) {
      const outcome = await scheduledBackup({ ...plan, now: at(day) });
      expect(outcome).toMatchObject({ done: 'exported', file: path.join(backups, archiveName(at(day))) });
      if (day === 2) await writeFile(path.join(backups, `${archiveName(at(day, 19, 30))}.partial`), 'cut short');
    }
    // A second process, or a restart, within the hour: one a day is enough.
    expect(await scheduledBackup({ ...plan, now: at(4, 19, 40) })).toEqual({ done: 'recent' });
    expect((await readdir(backups)).sort()).toEqual([archiveName(at(3)), archiveName(at(4))]);
    expect((await stat(backups)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(backups)) expect((await stat(path.join(backups, name))).mode & 0o777).toBe(0o600);
    // Each is a whole archive.
    const check = await runCli(['import', '--verify', path.join(backups, archiveName(at(4)))], { DATABASE_URL: source.url });
    expect(check.stdout).toMatch(/verified: \d+ tables/);
  }, 120_000);
});
