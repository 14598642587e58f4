/**
 * The soak's server and the wire to it (bench/soak.ts): a real `node dist/server/main.js` started
 * as operators run it, and one request as the soak sends it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { INSPECTOR_LINE, soakCacheBounds } from './soak.heap';

// Built, this file is dist/bench/soak.server.js; under jest (tests/bench/soak.test.ts) it runs from bench/.
export const ROOT = path.join(__dirname, '..', ...(path.basename(path.dirname(__dirname)) === 'dist' ? ['..'] : []));
const SERVER_MAIN = path.join(ROOT, 'dist', 'server', 'main.js');
export const REQUEST_TIMEOUT_MS = 10_000;
/** How long the soak keeps an idle keep-alive connection: less than the server's 5 s. */
export const CLIENT_IDLE_MS = 4_000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A bound on a wait raced against something else: its timer keeps nothing alive once that is done. */
export const atMost = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** A free port of 127.0.0.1, for the server to listen on. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Starts the server as operators run it, on `port`, and waits until /readyz says it takes traffic.
 * Its request log is off (LOG_LEVEL=warn: a log shipper's cost is not the forum's); every line it
 * writes at warn or above is an error of the run (the inspector's own lines aside). Its environment
 * is only what is set here.
 */
export async function startServer(databaseUrl: string, port: number, problems: string[], flags: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...flags, SERVER_MAIN], {
    env: {
      PATH: process.env.PATH!,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Every bench request comes from 127.0.0.1: the limits are raised for all, no one is exempt.
      RATE_LIMIT_MULTIPLIER: '1000',
      // Bounds the caches reach within the warm-up, or the bench's own (`CACHE_PAGES_BYTES=… npm run
      // bench -- soak`): soak.heap.ts.
      ...soakCacheBounds(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Lines before it is ready are its start-up (the 503s of /readyz polled below among them).
  let ready = false;
  const startup: string[] = [];
  const collect = (d: Buffer) => {
    for (const line of d.toString('utf8').split('\n')) {
      if (!line.trim() || INSPECTOR_LINE.test(line)) continue;
      if (!ready) startup.push(line.slice(0, 300));
      else if (problems.length < 1000) problems.push(`server: ${line.slice(0, 300)}`);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${startup.join('\n')}`);
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return child;
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready within 60 s: ${startup.join('\n')}`);
}

/**
 * An answer as the soak got it. Its body is kept as the chunks that arrived and decoded only when
 * read: most answers (pages of tens of kilobytes) are only counted, and decoding each would cost the
 * load generator, on the same cores as the server, more than everything else it does per request.
 */
export class Answer {
  private decoded: string | undefined;

  constructor(
    readonly status: number,
    readonly ms: number,
    private readonly chunks: Buffer[],
  ) {}

  get text(): string {
    this.decoded ??= Buffer.concat(this.chunks).toString('utf8');
    return this.decoded;
  }
}

/** One request as the soak sends it (any method), timed from when it went out. */
export function send(
  agent: http.Agent,
  port: number,
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        timeout: REQUEST_TIMEOUT_MS,
        headers: payload
          ? { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length), 'sec-fetch-site': 'same-origin' }
          : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Answer(res.statusCode ?? 0, performance.now() - t0, chunks)));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
