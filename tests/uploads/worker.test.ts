import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { getPriority } from 'node:os';
import path from 'node:path';
import { uploadTempDir } from '../../server/uploads/uploads.receive';
import { imageThreadNiceness } from '../../server/uploads/uploads.priority';
import { type ImageWorker, createImageWorker } from '../../server/uploads/uploads.worker';
import { type TestApp, startTestApp } from '../helpers/app';
import { statFields } from '../helpers/processes';
import { createMember, logInClient } from '../factories';
import { heicLike, noisyJpeg, phoneJpeg, pngBomb, upload } from './images';

// The image worker (server/uploads/uploads.worker.ts): uploaded photos made and stored by a
// process of their own, every thread of it nicer than the server, handed over by path; and the
// server making them itself whenever the worker is not there. The worker runs the compiled script
// (`npm test` builds first).

const SCRIPT = path.join(__dirname, '..', '..', 'dist', 'server', 'uploads', 'uploads.worker.child.js');

/** The nice value of each thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => Number(statFields(`${pid}/task/${tid}`)[16]));
}

/** A process's session id (field 6 of its stat). */
const sessionOf = (pid: number | 'self') => Number(statFields(String(pid))[3]);

const workers: ImageWorker[] = [];
const apps: TestApp[] = [];
/** An app with an image worker running `script`. */
async function appWithWorker(script = SCRIPT) {
  let worker: ImageWorker | undefined;
  const app = await startTestApp({ imageWorker: (databaseUrl) => (worker = createImageWorker({ databaseUrl, script })) });
  apps.push(app);
  workers.push(worker!);
  const member = await createMember(app.db);
  const client = app.client();
  await logInClient(client, member);
  return { app, worker: worker!, client };
}
afterAll(async () => {
  for (const w of workers) await w.stop();
  for (const a of apps) await a.close();
});

const blobExists = async (app: TestApp, hash: string) =>
  (await app.db.selectFrom('upload_blobs').select('hash').where('hash', '=', hash).executeTakeFirst()) !== undefined;

describe('the image worker', () => {
  it('makes and stores an upload in its own process, every thread of it nicer than the server', async () => {
    const { app, worker, client } = await appWithWorker();
    const res = await upload(client, await phoneJpeg(600, 400));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ width: 400, height: 600, mime: 'image/jpeg' });
    // Made there, not here: the worker answered it, and stored the image and its thumbnail itself.
    expect(worker.made).toBe(1);
    expect(await blobExists(app, res.json.id)).toBe(true);
    const row = await app.db.selectFrom('uploads').select('thumb_hash').where('hash', '=', res.json.id).executeTakeFirstOrThrow();
    expect(await blobExists(app, row.thumb_hash)).toBe(true);
    // Every thread of the worker (its main thread, V8's, libuv's, libvips') below the server.
    const pid = worker.pid!;
    expect(pid).not.toBe(process.pid);
    const own = getPriority();
    const threads = niceness(pid);
    expect(threads.length).toBeGreaterThan(3);
    expect(new Set(threads)).toEqual(new Set([imageThreadNiceness(own)]));
    // The same picture again: answered as the same upload, still one copy.
    const again = await upload(client, await phoneJpeg(600, 400));
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(res.json.id);
    expect(worker.made).toBe(2);
  });

  it("runs in the server's session, and its PostgreSQL backends at its nice value", async () => {
    const { app, worker, client } = await appWithWorker();
    expect((await upload(client, await noisyJpeg(900, 600))).status).toBe(201);
    const pid = worker.pid!;
    // The server's session, so its scheduling group: with Linux's autogroups (on here) a worker in
    // a session of its own weighed as much as the whole server on a quiet machine, and the event
    // loop waited for a core behind it (docs/performance.md); inside the group its threads' nice
    // value keeps them below the loop.
    expect(sessionOf(pid)).toBe(sessionOf('self'));
    if (existsSync('/proc/self/autogroup')) {
      const group = (p: number | 'self') => readFileSync(`/proc/${p}/autogroup`, 'latin1').split(' ')[0];
      expect(group(pid)).toBe(group('self'));
    }
    // The backends that wrote its blobs (the tests' PostgreSQL runs on this host) at the worker's nice value.
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity where application_name = 'gentie-images' and datname = current_database()`.execute(app.db);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => Number(statFields(String(r.pid))[16]))).toEqual(rows.map(() => imageThreadNiceness(getPriority())));
  });

  it('refuses what the server would, with the same answer in the reader’s script', async () => {
    const { client, worker } = await appWithWorker();
    const photo = await noisyJpeg(800, 600);
    const cases = [
      { what: 'text named .jpg', data: Buffer.from('這不是圖片 '.repeat(100)), status: 415, words: '不是圖片' },
      { what: 'HEIC', data: heicLike(), status: 415, words: 'HEIC' },
      { what: 'bomb', data: pngBomb(), status: 413, words: '像素' },
      { what: 'truncated', data: photo.subarray(0, Math.floor(photo.length * 0.6)), status: 422, words: '不完整' },
    ];
    for (const c of cases) {
      const res = await upload(client, c.data, { headers: { 'accept-language': 'zh-TW' } });
      expect([c.what, res.status, res.json?.error?.code]).toEqual([c.what, c.status, 'ImageRefused']);
      expect([c.what, res.json.error.localized]).toEqual([c.what, expect.stringContaining(c.words)]);
    }
    // The worker refused them itself, not the server after the worker failed.
    expect([worker.made, worker.refused]).toEqual([0, cases.length]);
  });

  it('leaves uploads to the server while it is gone: killed mid-image, or never started', async () => {
    const { client, worker } = await appWithWorker();
    expect((await upload(client, await phoneJpeg(300, 200))).status).toBe(201);
    expect(worker.made).toBe(1);
    // The next image is handed over, and the worker killed before it can answer.
    const handOver = worker.make.bind(worker);
    let killed: number | undefined;
    worker.make = (file, limits) => {
      const answer = handOver(file, limits);
      killed = worker.pid;
      process.kill(killed!, 'SIGKILL');
      return answer;
    };
    const res = await upload(client, await noisyJpeg(1600, 1200));
    expect(res.status).toBe(201);
    expect(killed).toBeDefined();
    worker.make = handOver;
    // Made here instead, and so is the next one while the worker is being given its rest.
    expect(worker.made).toBe(1);
    expect(worker.pid).toBeUndefined();
    expect((await upload(client, await phoneJpeg(320, 200))).status).toBe(201);
    expect(worker.made).toBe(1);

    const broken = await appWithWorker(path.join(__dirname, 'no-such-worker.js'));
    const made = await upload(broken.client, await phoneJpeg(340, 200));
    expect(made.status).toBe(201);
    expect(broken.worker.made).toBe(0);
  });

  it('leaves no received file behind, stored or refused', async () => {
    const { client } = await appWithWorker();
    expect((await upload(client, await phoneJpeg(360, 200))).status).toBe(201);
    expect((await upload(client, Buffer.from('not a picture'))).status).toBe(415);
    // Over a new member's limit (5 MB): refused while it streams in, what was written removed.
    expect((await upload(client, Buffer.alloc(6 * 1024 * 1024, 7))).status).toBe(413);
    expect(readdirSync(uploadTempDir())).toEqual([]);
  });
});
