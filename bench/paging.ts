/**
 * `npm run build --silent && node dist/bench/paging.js`: the API's paging at 100,000 follow-ups
 * (docs/performance.md, "API paging"). An embedded PostgreSQL in .bench-data-paging, one thread
 * seeded as the bench seeds its threads (bench/shape.ts), statistics and the visibility map
 * fresh (ANALYZE, VACUUM: what autovacuum does some time later), then sequential requests to
 * the real app on 127.0.0.1: latency of first, middle and last pages, a deep follow-up's page,
 * `/new`, and a whole walk checked to return every post exactly once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createApp } from '../server/app';
import { createCaches } from '../server/caches';
import { createBoard } from '../server/boards/boards.service';
import { loadConfig } from '../server/config';
import { connect, withDatabase } from '../server/db/connect';
import { openEmbedded } from '../server/db/embedded';
import { migrateToLatest } from '../server/db/migrate';
import { createLogger } from '../server/log';
import { type Member, createMember } from '../server/members/members.service';
import { type SeededThread, seedThread } from './seed';
import { planThread, seededRandom } from './shape';

const SIZE = Number(process.env.PAGING_SIZE ?? 100_000);
const REQUESTS = 100;
const DATA_DIR = path.join(__dirname, '..', '..', '.bench-data-paging');

interface Answer {
  replies: { id: string; parentId: string; depth: number; replyCount: number }[];
  nextCursor: string | null;
}

type Get = (url: string) => Promise<Answer>;

function getter(base: string): Get {
  return async (url) => {
    const res = await fetch(base + url);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Answer;
  };
}

/** p50 and p95 of REQUESTS sequential requests, after 10 to warm up. */
async function latency(get: Get, url: string): Promise<string> {
  for (let i = 0; i < 10; i++) await get(url);
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await get(url);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  return `p50 ${at(0.5)} ms  p95 ${at(0.95)} ms`;
}

async function measureThread(get: Get, thread: SeededThread): Promise<void> {
  const root = thread.rootId;
  const size = thread.replies;
  // A whole walk, 1,000 a page: every post once; the cursors of every page.
  const started = performance.now();
  const seen = new Set<string>();
  const cursors: string[] = [];
  for (let cursor: string | null = null; ;) {
    const page: Answer = await get(`/api/posts/${root}?limit=1000&bodies=false${cursor ? `&cursor=${cursor}` : ''}`);
    for (const p of page.replies) seen.add(p.id);
    if (!page.nextCursor) break;
    cursors.push((cursor = page.nextCursor));
  }
  const walkMs = performance.now() - started;
  if (seen.size !== size) throw new Error(`the walk returned ${seen.size} posts, not ${size}`);
  const top = await get(`/api/posts/${root}?limit=1000&bodies=false`);
  const big = top.replies.reduce((a, b) => (b.replyCount > a.replyCount ? b : a));
  const leaf = top.replies.find((p) => p.replyCount === 0)!;
  const middle = (await get(`/api/posts/${root}?limit=200&bodies=false`)).nextCursor!;
  const cases: [string, string][] = [
    ['one post, no follow-ups (the floor)', `/api/posts/${leaf.id}`],
    ['first page, 200', `/api/posts/${root}?limit=200`],
    ['first page, 200, bodies=false', `/api/posts/${root}?limit=200&bodies=false`],
    ['second page, 200', `/api/posts/${root}?limit=200&cursor=${middle}`],
    ...(cursors.length
      ? ([['last page, 200', `/api/posts/${root}?limit=200&cursor=${cursors[cursors.length - 1]}`]] as [string, string][])
      : []),
    [`a follow-up with ${big.replyCount} under it, 200`, `/api/posts/${big.id}?limit=200`],
    ['/new, the last 1%, 200', `/api/threads/${root}/new?since=${thread.ids[Math.floor(size * 0.99)]}&limit=200`],
    ['/new since=0, 200', `/api/threads/${root}/new?since=0&limit=200`],
    ['no limit (1,000 with bodies)', `/api/posts/${root}`],
  ];
  console.log(`\n${size} follow-ups; a whole walk, 1,000 a page without bodies: ${walkMs.toFixed(0)} ms (${cursors.length + 1} pages)`);
  for (const [name, url] of cases) console.log(`${name.padEnd(44)} ${await latency(get, url)}`);
}

async function main(): Promise<void> {
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: () => undefined });
  const admin = new pg.Client({ connectionString: embedded.url });
  await admin.connect();
  await admin.query('drop database if exists gentie_paging with (force)');
  await admin.query('create database gentie_paging');
  await admin.end();
  const db = connect(withDatabase(embedded.url, 'gentie_paging'));
  try {
    await migrateToLatest(db);
    const authors: Member[] = [];
    for (let i = 1; i <= 20; i++) authors.push(await createMember(db, { username: `翻頁客${i}`, password: 'bench password 跟帖' }));
    await createBoard(db, { slug: 'paging', name: '翻頁', description: 'bench/paging.ts' });
    const seeded = [];
    for (const size of [1000, SIZE]) {
      const random = seededRandom(size);
      seeded.push(
        await seedThread(db, {
          boardSlug: 'paging',
          authors,
          plan: planThread(size, random, authors.length),
          random,
          onProgress: (done) => done % 20_000 === 0 && console.log(`seeding: ${done}/${size}`),
        }),
      );
    }
    await sql`vacuum analyze posts`.execute(db);

    const config = loadConfig({
      DATABASE_URL: withDatabase(embedded.url, 'gentie_paging'),
      LOG_LEVEL: 'silent',
      RATE_LIMIT_MULTIPLIER: '1000',
    });
    const server = http.createServer(createApp({ config, db, log: createLogger('silent'), caches: createCaches() }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const get = getter(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    for (const thread of seeded) await measureThread(get, thread);
    server.closeAllConnections();
    server.close();
  } finally {
    await db.destroy();
    await embedded.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
