import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { connect, ensureDatabase, withDatabase } from '../../server/db/connect';
import type { Database } from '../../server/db/database';
import { type EmbeddedServer, openEmbedded } from '../../server/db/embedded';
import { HttpClient } from '../helpers/app';
import { Reader, sleep } from '../helpers/live';
import { type ServerProcess, startServerProcess } from '../helpers/processes';
import { createMember, createTestBoard, logInClient } from '../factories';

// A PostgreSQL restart under a running app (DATABASE_URL, as in production): writes answer 503
// meanwhile, reads that need no database still work, and afterwards the pool and the LISTEN
// connection come back by themselves and readers get what was written.
jest.setTimeout(120_000);

let dir: string;
let pg: EmbeddedServer;
let app: ServerProcess;
let db: Kysely<Database>;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gentie-restart-'));
  chmodSync(dir, 0o755);
  pg = await openEmbedded(dir, { role: 'cli', log: () => {} });
  await ensureDatabase(pg.url, 'gentie');
  url = withDatabase(pg.url, 'gentie');
  app = await startServerProcess({ DATABASE_URL: url });
  db = connect(url);
});
afterAll(async () => {
  app?.child.kill('SIGKILL');
  await db?.destroy();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a database restart', () => {
  it('gives 503 to writes while it is down, then recovers without a restart of the app', async () => {
    const base = `http://127.0.0.1:${app.port}`;
    const board = await createTestBoard(db);
    const writer = new HttpClient(base);
    await logInClient(writer, await createMember(db));
    const root = (await writer.post(`/api/boards/${board.slug}/threads`, { title: '重啟前' })).json.post.id as string;
    const reader = new Reader(base);
    await reader.join(root);
    await db.destroy();

    const port = Number(new URL(pg.url).port);
    await pg.stop();
    const down = await writer.post(`/api/posts/${root}/replies`, { title: '寫不進去' });
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe('DatabaseUnavailable');
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    // Static files need no database.
    const page = await fetch(`${base}/login`)
      .then((r) => r.text())
      .catch(() => '');
    const css = page.match(/\/static\/style\.[0-9a-f]+\.css/)?.[0];
    if (css) expect((await fetch(base + css)).status).toBe(200);

    pg = await openEmbedded(dir, { role: 'cli', log: () => {}, port });
    db = connect(url);
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      healthy = (await fetch(`${base}/healthz`)).status === 200;
      if (!healthy) await sleep(100);
    }
    expect(healthy).toBe(true);
    // The LISTEN connection comes back within a few seconds; every reply written from now on
    // (or while it was reconnecting) reaches the reader.
    const after = await writer.post(`/api/posts/${root}/replies`, { title: '重啟後' });
    expect(after.status).toBe(201);
    const [event] = await reader.waitFor(1, 15_000);
    expect(event).toMatchObject({ name: 'post:new', seq: 2 });
    expect(event!.post!.id).toBe(after.json.post.id);
    reader.close();
  });
});
