// The start-up warm-up (server/app.warm.ts): a just-started process asks itself for the pages
// readers ask for first, so a burst of readers at a restart finds them kept, not to be read and
// rendered by every one of them at once.
import { sql } from 'kysely';
import { warmUp, warmUpPaths } from '../server/app.warm';
import { connect } from '../server/db/connect';
import type { HttpClient, TestApp } from './helpers/app';
import { startTestApp } from './helpers/app';
import { until } from './helpers/wait';
import { postReply, postThread, startBoardApp } from './factories';
import type { Board } from '../server/boards/boards.service';

let app: TestApp;
let board: Board;
let writer: HttpClient;
let root: string;
let older: string;

beforeAll(async () => {
  ({ app, board, writer } = await startBoardApp());
  older = (await postThread(writer, board, '舊帖', '正文')).id;
  root = (await postThread(writer, board, '熱帖', '軟件和芯片')).id;
  let last = root;
  for (let i = 0; i < 8; i++) last = (await postReply(writer, i % 3 ? root : last, `跟帖 ${i}`, '內容')).id;
});
afterAll(() => app.close());

/** A second process on the same database, just started: its caches are empty and its LISTEN connection up. */
async function freshProcess(): Promise<TestApp> {
  const fresh = await startTestApp({ databaseOf: app });
  await until(() => fresh.caches.threads.listening, 'the LISTEN connection');
  return fresh;
}

/** `n` anonymous readers of the thread at once (zh-TW browsers, as most of a busy board's are), and the statements they cost. */
async function burst(fresh: TestApp, n: number) {
  const before = fresh.queries();
  const answers = await Promise.all(Array.from({ length: n }, () => fresh.client().get(`/t/${root}`, { 'accept-language': 'zh-TW' })));
  return { statements: fresh.queries() - before, answers };
}

it('asks for the board index and boards, then the newest threads first, in every script', async () => {
  const paths = await warmUpPaths(app.db, 1);
  expect(paths.slice(0, 2)).toEqual([
    { path: '/', language: undefined },
    { path: `/b/${board.slug}`, language: undefined },
  ]);
  // Only the newest thread (1 asked for), in the five scripts, then under each prefix.
  const threads = paths.filter((p) => p.path.endsWith(`/t/${root}`));
  expect(threads.map((p) => p.language ?? p.path)).toEqual([
    `/t/${root}`,
    'zh-CN',
    'zh-Hant',
    'zh-TW',
    'zh-HK',
    `/zh-hans/t/${root}`,
    `/zh-hant/t/${root}`,
    `/zh-tw/t/${root}`,
    `/zh-hk/t/${root}`,
  ]);
  expect(paths.some((p) => p.path.endsWith(`/t/${older}`))).toBe(false);
});

it('a just-started process renders a page twenty readers ask for at once once: the others wait for it (single flight)', async () => {
  const alone = await freshProcess();
  const crowded = await freshProcess();
  try {
    // What one first reader costs a just-started process.
    const one = await burst(alone, 1);
    expect(one.statements).toBeGreaterThanOrEqual(2);
    // Twenty at once cost the same: one render, which the other nineteen are given.
    const twenty = await burst(crowded, 20);
    expect(twenty.statements).toBeLessThanOrEqual(one.statements);
    for (const answer of twenty.answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(one.answers[0]!.text);
    }
  } finally {
    await alone.close();
    await crowded.close();
  }
});

it('a warmed process answers the first readers of a hot thread from memory, with the page a cold one renders', async () => {
  const cold = await freshProcess();
  const warmed = await freshProcess();
  try {
    const outcome = await warmUp(warmed.handler, warmed.db, { budgetMs: 20_000, threads: 10, concurrency: 4, connections: 4 });
    expect(outcome).toMatchObject({ failed: 0, skipped: 0 });
    expect(outcome.requests).toBeGreaterThan(20);

    const coldRead = await burst(cold, 1);
    expect(coldRead.statements).toBeGreaterThanOrEqual(2);
    // Warmed: the page is kept whole and the thread's version known: not one statement.
    const warmBurst = await burst(warmed, 10);
    expect(warmBurst.statements).toBe(0);
    for (const answer of warmBurst.answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(coldRead.answers[0]!.text);
    }
    // Members' pages share the windows the warm-up kept (caches.lines).
    expect(warmed.caches.lines.size).toBeGreaterThan(0);
  } finally {
    await cold.close();
    await warmed.close();
  }
});

it('counts no reads and writes nothing', async () => {
  await app.reads.flush();
  const counts = async () =>
    (await sql<{ read_count: string }>`select read_count from threads order by thread_id`.execute(app.db)).rows.map((r) => r.read_count);
  const before = await counts();
  const fresh = await freshProcess();
  try {
    await warmUp(fresh.handler, fresh.db, { budgetMs: 20_000, threads: 10, concurrency: 4, connections: 4 });
    expect(fresh.reads.stats().pending).toBe(0);
    await fresh.reads.flush();
    expect(await counts()).toEqual(before);
  } finally {
    await fresh.close();
  }
});

it('stops at its budget: what is left is skipped, never waited for', async () => {
  const fresh = await freshProcess();
  try {
    const t0 = performance.now();
    const outcome = await warmUp(fresh.handler, fresh.db, { budgetMs: 1, threads: 10, concurrency: 2, connections: 2 });
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(outcome.skipped).toBeGreaterThan(0);
  } finally {
    await fresh.close();
  }
});

it("opens the pool's connections first, all at once, so a burst after it forks no backend", async () => {
  const db = connect(app.url, { max: 6 });
  try {
    const { rows } = await sql<{ at: Date }>`select clock_timestamp() as at`.execute(app.db);
    await warmUp(app.handler, db, { budgetMs: 20_000, threads: 0, concurrency: 1, connections: 6 });
    const opened = await sql<{ n: string }>`
      select count(*) as n from pg_stat_activity where datname = current_database() and backend_start > ${rows[0]!.at}`.execute(app.db);
    expect(Number(opened.rows[0]!.n)).toBeGreaterThanOrEqual(6);
  } finally {
    await db.destroy();
  }
});
