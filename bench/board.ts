/**
 * `npm run bench -- board`: where the time of a board page (`GET /b/:slug`) goes as its threads
 * grow, as the soak's do (bench/soak.mix.ts: a reply answers the root 40 % of the time, else one of
 * the thread's 20 latest follow-ups). Boards of 30 threads (one page) whose threads hold 5, 50, 500
 * and 2,000 follow-ups each; for each, nothing else running, medians of a few dozen rounds:
 *
 * - each statement getBoardIndex sends, EXPLAIN (ANALYZE, BUFFERS): execution time, rows and
 *   buffers read (shared hits and reads);
 * - getBoardIndex itself (the statements and what is made of their rows), the titles converted
 *   into zh-tw (the soak's readers ask in zh-TW) with the conversion cache warm and cold, the page
 *   rendered (boardPage), its bytes;
 * - the whole request through the app in this process, one at a time (a zh-TW reader, anonymous),
 *   with its threads' trees kept (posts/posts.index.cache.ts) and with none kept.
 *
 * Prints a table; see docs/performance.md, "The board page as its threads grow".
 */
import http from 'node:http';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { createApp } from '../server/app';
import { createBoard } from '../server/boards/boards.service';
import { type Caches, createCaches } from '../server/caches';
import { loadConfig } from '../server/config';
import type { Database } from '../server/db/database';
import { openEmbedded } from '../server/db/embedded';
import { createLogger } from '../server/log';
import { createMember } from '../server/members/members.service';
import { getBoardIndex } from '../server/posts/posts.lists';
import { indexInVariant } from '../server/posts/posts.variants';
import { boardPage } from '../server/posts/posts.board.views';
import { loadAssets } from '../server/views/assets';
import { defaultPageContext } from '../server/views/layout';
import { freshDatabase } from './datasets';
import { percentile } from './load';
import { recordingDb } from './profile';
import { seedThread } from './seed';
import { type PlannedReply, type Random, cjkTitle, seededRandom } from './shape';
import { soakTexts } from './soak.load';
import { ROOT } from './soak.server';

const SIZES = [5, 50, 500, 2000];
const THREADS = 30;
const ROUNDS = 30;
/** The soak's shares (soak.mix.ts): a reply answers the root this often, else one of the latest RECENT. */
const ROOT_REPLIES = 0.4;
const RECENT = 20;
/** Ports of this bench's own servers (a helper's range: 31100 + k). */
const PG_PORT = 31101;
const APP_PORT = 31102;

/** `n` follow-ups shaped as the soak's spread mix writes them. */
export function planSoakThread(n: number, random: Random, authors: number): PlannedReply[] {
  const { bodyText } = soakTexts(random);
  const depths = [0];
  const plan: PlannedReply[] = [];
  for (let i = 1; i <= n; i++) {
    const recent = i - 1;
    const parent = recent === 0 || random() < ROOT_REPLIES ? 0 : i - 1 - Math.floor(random() * Math.min(RECENT, recent));
    const depth = depths[parent]! + 1;
    depths.push(depth);
    plan.push({ parent, depth, title: `${cjkTitle(random).slice(0, 20)} #${i}`, body: bodyText(), author: i % authors });
  }
  return plan;
}

interface PlanNode {
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface BoardFigures {
  size: number;
  statements: { sql: string; execMs: number; rows: number; buffers: number }[];
  indexMs: number;
  convertWarmMs: number;
  convertColdMs: number;
  renderMs: number;
  bytes: number;
  lines: number;
  /** The request with the trees kept (posts.index.cache.ts), and with none kept (caches.lines emptied before each). */
  requestMs: number;
  requestCpuMs: number;
  coldRequestMs: number;
  coldRequestCpuMs: number;
}

async function median(rounds: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

function get(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${url}: ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

async function measure(
  db: Kysely<Database>,
  url: string,
  app: { base: string; caches: Caches },
  slug: string,
  size: number,
): Promise<BoardFigures> {
  const { pool, queries, recording } = recordingDb(url);
  try {
    await getBoardIndex(recording, slug, 1, null, false, { treeLines: 50 });
    const statements: BoardFigures['statements'] = [];
    for (const query of queries) {
      const exec: number[] = [];
      let rows = 0;
      let buffers = 0;
      for (let i = 0; i < 10; i++) {
        const r = await pool.query<{ 'QUERY PLAN': [{ 'Execution Time': number; Plan: PlanNode }] }>(
          `explain (analyze, buffers, format json) ${query.sql}`,
          query.parameters as unknown[],
        );
        const plan = r.rows[0]!['QUERY PLAN'][0];
        exec.push(plan['Execution Time']);
        rows = plan.Plan['Actual Rows'] ?? 0;
        buffers = (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0);
      }
      statements.push({ sql: query.sql.replace(/\s+/g, ' ').slice(0, 60), execMs: percentile(exec, 50), rows, buffers });
    }

    const caches = createCaches();
    const ctx = {
      ...defaultPageContext(loadAssets(), 'Asia/Shanghai'),
      member: null,
      path: `/b/${slug}`,
      variant: 'zh-tw' as const,
      shown: <T>(text: T) => text,
      prefix: '',
    };
    const index = await getBoardIndex(db, slug, 1, null, false, { treeLines: 50 });
    const shown = indexInVariant(caches.conversions, index, 'zh-tw');
    const html = boardPage(ctx, shown);
    const indexMs = await median(ROUNDS, () => getBoardIndex(db, slug, 1, null, false, { treeLines: 50 }));
    const convertWarmMs = await median(ROUNDS, () => indexInVariant(caches.conversions, index, 'zh-tw'));
    const convertColdMs = await median(5, () => indexInVariant(createCaches().conversions, index, 'zh-tw'));
    const renderMs = await median(ROUNDS, () => boardPage(ctx, shown));

    const headers = { 'accept-language': 'zh-TW' };
    const timedRequests = async (cold: boolean) => {
      const one = () => {
        if (cold) app.caches.lines.clear();
        return get(`${app.base}/b/${slug}`, headers);
      };
      const cpu0 = process.cpuUsage();
      const ms = await median(ROUNDS, one);
      const cpu = process.cpuUsage(cpu0);
      return { ms, cpuMs: (cpu.user + cpu.system) / 1000 / (ROUNDS + 3) };
    };
    const warm = await timedRequests(false);
    const cold = await timedRequests(true);
    return {
      size,
      statements,
      indexMs,
      convertWarmMs,
      convertColdMs,
      renderMs,
      bytes: Buffer.byteLength(html),
      lines: index.threads.reduce((n, t) => n + 1 + t.replies.length, 0),
      requestMs: warm.ms,
      requestCpuMs: warm.cpuMs,
      coldRequestMs: cold.ms,
      coldRequestCpuMs: cold.cpuMs,
    };
  } finally {
    await recording.destroy();
  }
}

export function formatBoard(figures: BoardFigures[]): string {
  const f = (n: number) => n.toFixed(2);
  const out = [
    'follow-ups per thread   lines   bytes    index ms  convert warm/cold ms  render ms  request kept ms (CPU)  none kept ms (CPU)',
  ];
  for (const x of figures) {
    out.push(
      `${String(x.size).padStart(21)} ${String(x.lines).padStart(7)} ${String(x.bytes).padStart(7)} ${f(x.indexMs).padStart(11)} ${`${f(x.convertWarmMs)} / ${f(x.convertColdMs)}`.padStart(21)} ${f(x.renderMs).padStart(10)} ${`${f(x.requestMs)} (${f(x.requestCpuMs)})`.padStart(22)} ${`${f(x.coldRequestMs)} (${f(x.coldRequestCpuMs)})`.padStart(19)}`,
    );
  }
  out.push('', 'statements (EXPLAIN ANALYZE BUFFERS, median ms / rows / buffers):');
  for (const x of figures) {
    out.push(`  ${x.size} follow-ups per thread:`);
    for (const s of x.statements)
      out.push(`    ${f(s.execMs).padStart(7)} ms ${String(s.rows).padStart(5)} rows ${String(s.buffers).padStart(6)} buf  ${s.sql}`);
  }
  return out.join('\n');
}

export async function runBoardBench(): Promise<void> {
  const say = (line: string) => console.log(line);
  const embedded = await openEmbedded(path.join(ROOT, '.bench-data'), { role: 'server', port: PG_PORT, log: say });
  const { url, db } = await freshDatabase(embedded.url, 'gentie_bench_board');
  const server = http.createServer();
  try {
    const random = seededRandom(31);
    const authors = [];
    for (let i = 1; i <= 10; i++) authors.push(await createMember(db, { username: `看板客${i}`, password: 'board password 跟帖' }));
    await sql`update users set trust = 'trusted'`.execute(db);
    for (const size of SIZES) {
      const slug = `grown${size}`;
      await createBoard(db, { slug, name: `長跑${size}`, description: 'npm run bench -- board' });
      for (let t = 0; t < THREADS; t++) {
        await seedThread(db, {
          boardSlug: slug,
          authors,
          plan: planSoakThread(size, random, authors.length),
          random,
          onProgress: () => {},
        });
      }
      say(`seeded ${slug}: ${THREADS} threads of ${size} follow-ups`);
    }
    await sql`analyze`.execute(db);
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_MULTIPLIER: '1000' });
    const caches = createCaches();
    server.on('request', createApp({ config, db, log: createLogger('silent'), caches }));
    await new Promise<void>((resolve) => server.listen(APP_PORT, '127.0.0.1', resolve));
    const figures: BoardFigures[] = [];
    const app = { base: `http://127.0.0.1:${APP_PORT}`, caches };
    for (const size of SIZES) figures.push(await measure(db, url, app, `grown${size}`, size));
    console.log(`\n${formatBoard(figures)}`);
  } finally {
    server.close();
    await db.destroy();
    await embedded.stop();
  }
}
