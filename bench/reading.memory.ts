import { LoadGenerator } from './load';
import { startServer } from './realtime';
import { sleep } from './reading.app';
import type { ReadingManifest } from './reading.dataset';
import type { ReadingResults } from './reading.report';

/**
 * Starts `node dist/server/main.js` on the clone, sends it the section's reading requests, and
 * reads its RSS and its caches' bytes (the `cache stats` log line it writes on SIGUSR2).
 */
export async function measureMemory(databaseUrl: string, m: ReadingManifest, failures: string[], say: (line: string) => void) {
  const server = await startServer(databaseUrl);
  const load = new LoadGenerator();
  let out = '';
  server.child.stdout!.on('data', (d: Buffer) => (out += d));
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const br = { 'accept-encoding': 'br' };
    const runs: [string, number, number][] = [
      [`/t/${m.threads['1000'].rootId}`, 50, 4],
      [`/t/${m.threads['10'].rootId}`, 50, 4],
      [`/t/${m.threads['10000'].rootId}`, 5, 1],
      [`/t/${m.chain.leafId}`, 10, 1],
      [`/api/posts/${m.threads['100000'].rootId}?limit=200`, 20, 1],
    ];
    for (const [p, count, concurrency] of runs) {
      const r = await load.run({
        baseUrl,
        requests: [{ method: 'GET', path: p, headers: br }],
        warmup: 0,
        count,
        concurrency,
        expectStatus: 200,
      });
      failures.push(...r.errors);
    }
    // The biggest pages, twice each (the second may be served from the caches).
    for (const p of [`/t/${m.threads['100000'].rootId}`, `/t/${m.deep.id}`]) {
      const r = await load.run({
        baseUrl,
        requests: [{ method: 'GET', path: p, headers: br }],
        warmup: 0,
        count: 2,
        concurrency: 1,
        expectStatus: 200,
        timeoutMs: 120_000,
      });
      failures.push(...r.errors);
    }
    await sleep(1000);
    const before = out.length;
    server.child.kill('SIGUSR2');
    let caches: ReadingResults['memory']['caches'] = null;
    let rssBytes = NaN;
    for (let waited = 0; waited < 5000 && caches === null; waited += 50) {
      await sleep(50);
      for (const line of out.slice(before).split('\n')) {
        if (!line.includes('"cache stats"')) continue;
        const entry = JSON.parse(line) as { caches: NonNullable<ReadingResults['memory']['caches']>; rssBytes: number };
        caches = entry.caches;
        rssBytes = entry.rssBytes;
      }
    }
    if (caches === null) failures.push('the server logged no cache stats on SIGUSR2');
    say(
      `reading: server process RSS ${(rssBytes / 2 ** 20).toFixed(0)} MB; caches ${
        caches
          ? Object.entries(caches)
              .map(([k, c]) => `${k} ${(c.bytes / 2 ** 20).toFixed(1)} MB`)
              .join(', ')
          : 'unknown'
      }`,
    );
    return { rssBytes, caches };
  } finally {
    await load.close();
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
  }
}
