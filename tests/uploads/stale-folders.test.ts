import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpClient } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { startServerProcess } from '../helpers/processes';
import { createMember, logInClient } from '../factories';
import { phoneJpeg, upload } from './images';

// A server killed with SIGKILL (or by a crash) cannot remove its upload folder: the next server to
// start removes the folders of processes no longer running, and only those (uploads.receive.ts,
// removeStaleUploadDirs). Real server processes with a TMPDIR of the test's own.
jest.setTimeout(120_000);

let database: TestDatabase;
let tmp: string;
beforeAll(async () => {
  database = await createTestDatabase();
  tmp = mkdtempSync(path.join(tmpdir(), 'gentie-stale-test-'));
});
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await database?.drop();
});

const uploadFolders = () => readdirSync(tmp).filter((n) => n.startsWith('gentie-uploads-'));

/** The id of a process that has ended. */
const endedPid = () => spawnSync(process.execPath, ['-e', '0']).pid;

describe('upload folders left by killed servers', () => {
  it('a server killed mid-life leaves its folder; the next one to start removes it, and no one else’s', async () => {
    const env = { DATABASE_URL: database.url, TMPDIR: tmp };
    const first = await startServerProcess(env);
    const member = await createMember(database.db);
    const client = new HttpClient(`http://127.0.0.1:${first.port}`);
    await logInClient(client, member);
    expect((await upload(client, await phoneJpeg(300, 200))).status).toBe(201);
    const [left] = uploadFolders();
    expect(left).toMatch(new RegExp(`^gentie-uploads-${first.child.pid}-`));
    first.child.kill('SIGKILL');
    await first.exited;
    // A file half received when it was killed stays in it too.
    writeFileSync(path.join(tmp, left!, 'half'), 'x');
    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(tmp, left!), past, past);

    // Folders that are not to go: one of a process still running (this one), one of another user,
    // one made after the server started (its time in the future here), and names not ours.
    const keep = [`gentie-uploads-${process.pid}-live`, `gentie-uploads-${endedPid()}-other`, `gentie-uploads-${endedPid()}-new`];
    const unrelated = ['gentie-uploads-nopid', 'gentie-uploadsX'];
    for (const name of [...keep, ...unrelated]) mkdirSync(path.join(tmp, name));
    for (const name of [keep[0]!, ...unrelated]) utimesSync(path.join(tmp, name), past, past);
    utimesSync(path.join(tmp, keep[1]!), past, past);
    chownSync(path.join(tmp, keep[1]!), 65534, 65534);
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(path.join(tmp, keep[2]!), future, future);
    // A stale one of ours that is a file, not a folder, stays as well.
    writeFileSync(path.join(tmp, `gentie-uploads-${endedPid()}-file`), 'x');

    const second = await startServerProcess(env);
    try {
      expect(existsSync(path.join(tmp, left!))).toBe(false);
      expect(second.output()).toContain('upload folders left by killed processes removed');
      expect(uploadFolders().sort()).toEqual([...keep, unrelated[0]!, readdirSync(tmp).find((n) => n.endsWith('-file'))!].sort());
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  });
});
