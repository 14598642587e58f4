import net, { type AddressInfo, type Server } from 'node:net';
import pino from 'pino';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, logInClient } from '../factories';

// Who the client is and which origin is the site's own: X-Forwarded-* believed only from the
// proxies TRUST_PROXY names, Origin compared by scheme, host and port, PUBLIC_URL when set.

// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/balancer.js is a plain CommonJS script
const { startBalancer } = require('../../scripts/balancer.js') as { startBalancer: (port: number, backends: string[]) => Promise<Server> };

const apps: TestApp[] = [];
const start = async (env: Record<string, string> = {}, log?: pino.Logger) => {
  const app = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1', ...env }, log });
  apps.push(app);
  return app;
};
afterAll(() => Promise.all(apps.map((a) => a.close())));

/** Fails logins under new names, each claiming another X-Forwarded-For, until one is throttled. */
async function attemptsUntilThrottled(base: string, max = 80): Promise<number> {
  for (let i = 1; i <= max; i++) {
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${i}.${i}.${i}` },
      body: JSON.stringify({ username: `guess_${i}`, password: 'not the password' }),
    });
    if (res.status === 429) return i;
    expect(res.status).toBe(401);
  }
  return Infinity;
}

describe('X-Forwarded-For', () => {
  it('is ignored without TRUST_PROXY: a rotating header does not escape the per-address throttle, and one warning is logged', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const app = await start({}, log);
    expect(await attemptsUntilThrottled(app.baseUrl)).toBeLessThan(80);
    const warnings = lines.filter((l) => l.includes('TRUST_PROXY'));
    expect(warnings).toHaveLength(1);
  });

  it('set by the example balancer is the real client: a header the client forged does not count', async () => {
    const app = await start({ TRUST_PROXY: 'loopback' });
    const balancer = await startBalancer(0, [new URL(app.baseUrl).host]);
    try {
      const front = `http://127.0.0.1:${(balancer.address() as AddressInfo).port}`;
      expect(await attemptsUntilThrottled(front)).toBeLessThan(80);
    } finally {
      balancer.close();
    }
  });

  it('through the example balancer, a request with a body skips a dead backend and arrives whole', async () => {
    const app = await start({ TRUST_PROXY: 'loopback' });
    const member = await createMember(app.db);
    // A port nothing listens on: connections to it are refused.
    const dead = net.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise((resolve) => dead.close(resolve));
    const balancer = await startBalancer(0, [`127.0.0.1:${deadPort}`, new URL(app.baseUrl).host]);
    try {
      const front = `http://127.0.0.1:${(balancer.address() as AddressInfo).port}`;
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${front}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: member.name, password: member.password }),
          signal: AbortSignal.timeout(10_000),
        });
        expect(res.status).toBe(200);
      }
    } finally {
      balancer.close();
    }
  });

  it('from a trusted proxy says whether the client came over TLS: the session cookie is then Secure', async () => {
    const trusting = await start({ TRUST_PROXY: '127.0.0.1' });
    const member = await createMember(trusting.db);
    const login = (base: string, proto: string) =>
      fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': proto },
        body: JSON.stringify({ username: member.name, password: member.password }),
      });
    expect((await login(trusting.baseUrl, 'https')).headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect((await login(trusting.baseUrl, 'http')).headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);

    const untrusting = await start();
    const other = await createMember(untrusting.db, { name: member.name });
    expect(other.name).toBe(member.name);
    expect((await login(untrusting.baseUrl, 'https')).headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });
});

describe('the Origin of state-changing requests', () => {
  it('must match the scheme too: https://host is another site than http://host', async () => {
    const app = await start();
    const board = await createTestBoard(app.db);
    const client = app.client();
    await logInClient(client, await createMember(app.db));
    const host = new URL(app.baseUrl).host;
    const post = (origin: string) => client.post(`/api/boards/${board.slug}/threads`, { title: 'origin' }, { origin });
    expect((await post(`https://${host}`)).status).toBe(403);
    expect((await post(`http://${host}.evil.example`)).status).toBe(403);
    expect((await post(`http://${host}`)).status).toBe(201);
  });

  it('is PUBLIC_URL’s when set, whatever the Host header says', async () => {
    // Two threads in a row by a new member: past the real limit (one in 5 minutes), so it is raised.
    const app = await start({ PUBLIC_URL: 'https://bbs.example.org', RATE_LIMIT_MULTIPLIER: '1000' });
    const board = await createTestBoard(app.db);
    const client = app.client();
    await logInClient(client, await createMember(app.db));
    const host = new URL(app.baseUrl).host;
    const post = (origin: string) => client.post(`/api/boards/${board.slug}/threads`, { title: 'origin' }, { origin });
    expect((await post(`http://${host}`)).status).toBe(403);
    expect((await post('http://bbs.example.org')).status).toBe(403);
    expect((await post('https://bbs.example.org')).status).toBe(201);
    expect((await post('https://BBS.example.org:443')).status).toBe(201);
  });

  it('follows X-Forwarded-Proto and -Host only from a trusted proxy', async () => {
    const trusting = await start({ TRUST_PROXY: 'loopback' });
    const untrusting = await start();
    for (const [app, expected] of [
      [trusting, 201],
      [untrusting, 403],
    ] as const) {
      const board = await createTestBoard(app.db);
      const client = app.client();
      await logInClient(client, await createMember(app.db));
      const res = await client.post(
        `/api/boards/${board.slug}/threads`,
        { title: 'proxied' },
        {
          origin: 'https://forum.example',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'forum.example',
        },
      );
      expect(res.status).toBe(expected);
    }
  });
});
