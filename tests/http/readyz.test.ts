import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { connect, withDatabase } from '../../server/db/connect';
import { createLogger } from '../../server/log';
import { type TestApp, HttpClient, startTestApp } from '../helpers/app';

// GET /readyz: whether a process can take traffic (database answering, migrations current, LISTEN
// connected), for a load balancer; /healthz keeps its own meaning.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** Asks /readyz until it answers `status` (the LISTEN connection comes up just after start), or gives the last answer. */
async function readyz(client: HttpClient, status: number) {
  let res = await client.get('/readyz');
  for (let i = 0; i < 200 && res.status !== status; i++) {
    await new Promise((r) => setTimeout(r, 25));
    res = await client.get('/readyz');
  }
  return res;
}

/** An app served without the realtime hub (so no LISTEN connection unless `listening` says), over `db`. */
async function bareApp(db: ReturnType<typeof connect>, deps: { listening?: () => boolean; warmedUp?: () => boolean } = {}) {
  const server = http.createServer(
    createApp({ config: loadConfig({ DATABASE_URL: app.url, LOG_LEVEL: 'silent' }), db, log: createLogger('silent'), ...deps }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    client: new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.destroy();
    },
  };
}

it('is 200 with every check when the process can take traffic, not cached', async () => {
  const res = await readyz(app.client(), 200);
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ status: 'ready', database: 'ok', migrations: 'current', listen: 'connected' });
  expect(res.headers.get('cache-control')).toBe('no-store');
});

it('is 503 naming the migrations a database lacks, and ready again once they are applied', async () => {
  await readyz(app.client(), 200);
  const last = await sql<{
    name: string;
    timestamp: string;
  }>`select name, timestamp from kysely_migration order by name desc limit 1`.execute(app.db);
  const { name, timestamp } = last.rows[0]!;
  await sql`delete from kysely_migration where name = ${name}`.execute(app.db);
  try {
    const res = await app.client().get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.json).toEqual({ status: 'unavailable', database: 'ok', migrations: 'pending', pending: [name], listen: 'connected' });
    // Alive all the same: /healthz keeps its meaning.
    expect((await app.client().get('/healthz')).json).toEqual({ status: 'ok', database: 'ok' });
  } finally {
    await sql`insert into kysely_migration (name, timestamp) values (${name}, ${timestamp})`.execute(app.db);
  }
  expect((await app.client().get('/readyz')).status).toBe(200);
});

it('is 503 with listen "down" in a process whose LISTEN connection is not up', async () => {
  const bare = await bareApp(connect(app.url));
  try {
    const res = await bare.client.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ status: 'unavailable', database: 'ok', migrations: 'current', listen: 'down' });
    expect((await bare.client.get('/healthz')).status).toBe(200);
  } finally {
    await bare.close();
  }
});

it('is 503 with database "unreachable" when its database does not answer', async () => {
  const bare = await bareApp(connect(withDatabase(app.url, 'gentie_no_such_database'), { max: 1 }));
  try {
    const res = await bare.client.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ status: 'unavailable', database: 'unreachable', migrations: 'unknown', listen: 'down' });
    expect((await bare.client.get('/healthz')).status).toBe(503);
  } finally {
    await bare.close();
  }
});

it('is 503 with warm "warming" while the start-up warm-up runs (server/app.warm.ts), then ready', async () => {
  let warmed = false;
  const bare = await bareApp(connect(app.url), { listening: () => true, warmedUp: () => warmed });
  try {
    const res = await bare.client.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.json).toEqual({ status: 'unavailable', database: 'ok', migrations: 'current', listen: 'connected', warm: 'warming' });
    // Alive all the same, and serving: readers who come meanwhile are answered.
    expect((await bare.client.get('/healthz')).status).toBe(200);
    expect((await bare.client.get('/')).status).toBe(200);
    warmed = true;
    expect((await bare.client.get('/readyz')).json).toEqual({
      status: 'ready',
      database: 'ok',
      migrations: 'current',
      listen: 'connected',
    });
  } finally {
    await bare.close();
  }
});
