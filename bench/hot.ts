/**
 * `npm run bench -- hot`: what a hot list (十大, server/posts/posts.hot.ts) costs to compute
 * (docs/performance.md, "Hot threads").
 *
 * A forum of BENCH_HOT_POSTS posts (100,000 by default; 1,000,000 for the issue's figure) written
 * over 120 days up to the dataset's build: 20 boards, 5,000 members (a few of them write most),
 * threads started by 5% of the posts, each follow-up going to one of the 200 newest threads (the
 * newest most often), 1% of threads locked, 2% of follow-ups deleted. The dataset is built once
 * per day (its plan names the day, so "today" and "this week" hold posts) and cached in
 * .bench-data (bench/datasets.ts).
 *
 * Timed, each after 10 rounds of warm-up: `hotThreads` straight from the database (one statement)
 * for the site and for the busiest and quietest boards, today and this week, and a list from
 * `createHotLists` once it is kept (what a page pays between changes). The target is the
 * computation: ≤ 20 ms at 1,000,000 posts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { connect } from '../server/db/connect';
import { openEmbedded } from '../server/db/embedded';
import { type HotPeriod, createHotLists, hotThreads } from '../server/posts/posts.hot';
import { type Dataset, cloneDataset } from './datasets';
import { seededRandom } from './shape';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.hot.json');
const POSTS = Number(process.env.BENCH_HOT_POSTS ?? 100_000);
const SAMPLES = 100;
const TIME_ZONE = 'Asia/Shanghai';
const BOARDS = 20;
const MEMBERS = 5000;
const DAYS = 120;

interface HotManifest {
  posts: number;
  threads: number;
  /** The boards' slugs, busiest first. */
  boards: string[];
}

const HOT_DATASET: Dataset<HotManifest> = {
  name: 'hot',
  version: 1,
  // The day is part of the plan: the posts end at the build, so a template from another day would
  // have an empty "today".
  plan: { posts: POSTS, boards: BOARDS, members: MEMBERS, days: DAYS, seed: 16, day: new Date().toISOString().slice(0, 10) },
  async build(db, say) {
    const random = seededRandom(16);
    await sql`insert into users (name, name_key, password_hash)
      select '熱帖客' || i, 'hot' || i, 'x' from generate_series(1, ${MEMBERS}) as i`.execute(db);
    const members = (await db.selectFrom('users').select('id').orderBy('id').execute()).map((r) => r.id);
    await sql`insert into boards (slug, name) select 'hot' || i, '熱門' || i from generate_series(1, ${BOARDS}) as i`.execute(db);
    const boards = (await db.selectFrom('boards').select('id').orderBy('id').execute()).map((r) => r.id);
    const skewed = <T>(list: T[]) => list[Math.floor(list.length * random() ** 2)]!;
    const end = Date.now() - 60_000;
    const start = end - DAYS * 86_400_000;
    const live: { id: number; board: string }[] = [];
    let threads = 0;
    const BATCH = 2000;
    for (let done = 0; done < POSTS;) {
      const posts: {
        id: number;
        board: string;
        thread: number;
        parent: number | null;
        path: string;
        author: string;
        title: string;
        at: string;
        deleted: boolean;
      }[] = [];
      const roots: { id: number; board: string; at: string; locked: boolean; reads: number }[] = [];
      for (let i = 0; i < BATCH && done < POSTS; i++, done++) {
        const id = done + 1;
        const at = new Date(start + (done / POSTS) * (end - start)).toISOString();
        const author = skewed(members);
        if (live.length === 0 || random() < 0.05) {
          const board = skewed(boards);
          live.unshift({ id, board });
          if (live.length > 200) live.pop();
          threads++;
          posts.push({ id, board, thread: id, parent: null, path: `{${id}}`, author, title: `熱門話題 ${id}`, at, deleted: false });
          roots.push({ id, board, at, locked: random() < 0.01, reads: Math.floor(random() * 5000) });
        } else {
          const thread = live[Math.floor(live.length * random() ** 3)]!;
          posts.push({
            id,
            board: thread.board,
            thread: thread.id,
            parent: thread.id,
            path: `{${thread.id},${id}}`,
            author,
            title: '頂',
            at,
            deleted: random() < 0.02,
          });
        }
      }
      const col = <K extends keyof (typeof posts)[number]>(k: K) => posts.map((r) => r[k]);
      const rcol = <K extends keyof (typeof roots)[number]>(k: K) => roots.map((r) => r[k]);
      await db.transaction().execute(async (tx) => {
        await sql`
          insert into posts (id, board_id, thread_id, parent_id, path, depth, author_id, title, body, bytes, variant, created_at, deleted_at)
          select r.id, r.board, r.thread, r.parent, r.path::bigint[], case when r.parent is null then 0 else 1 end, r.author,
            r.title, '', 0, 'zh-hant', r.at, case when r.deleted then r.at end
          from unnest(${col('id')}::bigint[], ${col('board')}::bigint[], ${col('thread')}::bigint[], ${col('parent')}::bigint[],
            ${col('path')}::text[], ${col('author')}::bigint[], ${col('title')}::text[], ${col('at')}::timestamptz[], ${col('deleted')}::boolean[])
            as r(id, board, thread, parent, path, author, title, at, deleted)`.execute(tx);
        if (roots.length)
          await sql`
            insert into threads (thread_id, board_id, seq, reply_count, last_activity_at, locked, read_count)
            select r.id, r.board, 0, 0, r.at, r.locked, r.reads
            from unnest(${rcol('id')}::bigint[], ${rcol('board')}::bigint[], ${rcol('at')}::timestamptz[], ${rcol('locked')}::boolean[],
              ${rcol('reads')}::bigint[]) as r(id, board, at, locked, reads)`.execute(tx);
      });
      if (done % 100_000 === 0 || done === POSTS) say(`hot dataset: ${done}/${POSTS} posts`);
    }
    await sql`
      update threads t set reply_count = c.n, last_activity_at = c.last
      from (select thread_id, count(*) filter (where parent_id is not null)::int as n, max(created_at) as last from posts group by thread_id) c
      where c.thread_id = t.thread_id`.execute(db);
    await sql`select setval(pg_get_serial_sequence('posts', 'id'), ${POSTS})`.execute(db);
    const busiest = await sql<{ slug: string }>`
      select b.slug from boards b join posts p on p.board_id = b.id group by b.slug order by count(*) desc`.execute(db);
    return { posts: POSTS, threads, boards: busiest.rows.map((r) => r.slug) };
  },
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function timed(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES + 10; i++) {
    const t0 = performance.now();
    await fn();
    if (i >= 10) times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** The section alone: `npm run bench -- hot` (BENCH_HOT_POSTS=1000000 for the issue's size). */
export async function runHotBench(): Promise<void> {
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => console.log(`postgres: ${m}`) });
  try {
    const say = (line: string) => console.log(line);
    const dataset = await cloneDataset(embedded.url, HOT_DATASET, 'gentie_bench_hot', say);
    say(
      `hot: ${dataset.built ? `built in ${dataset.buildSeconds.toFixed(0)} s, ` : ''}cloned ${dataset.template} in ${dataset.cloneSeconds.toFixed(1)} s`,
    );
    const db = connect(dataset.url);
    try {
      const { boards } = dataset.manifest;
      const figures: { list: string; period: HotPeriod; inWindow: number; threads: number; p50: number; p99: number }[] = [];
      for (const period of ['today', 'week'] as const) {
        const since = (await hotThreads(db, { period, timeZone: TIME_ZONE })).since;
        for (const [label, board] of [
          ['site', undefined],
          ['busiest board', boards[0]],
          ['quietest board', boards[boards.length - 1]],
        ] as const) {
          const inWindow = await sql<{ n: string }>`
            select count(*) as n from posts p join boards b on b.id = p.board_id
            where p.parent_id is not null and p.deleted_at is null and p.created_at >= ${since}
              ${board ? sql`and b.slug = ${board}` : sql``}`.execute(db);
          const list = await hotThreads(db, { period, timeZone: TIME_ZONE, board });
          const t = await timed(() => hotThreads(db, { period, timeZone: TIME_ZONE, board }));
          const figure = { list: label, period, inWindow: Number(inWindow.rows[0]!.n), threads: list.threads.length, ...t };
          figures.push(figure);
          say(
            `hot ${label}, ${period}: ${figure.inWindow} follow-ups in the window; computed p50 ${t.p50.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms ` +
              `(target ≤ 20 ms) ${t.p50 <= 20 ? 'ok' : 'MISSED'}`,
          );
        }
      }
      const kept = createHotLists(db, { timeZone: TIME_ZONE, refreshMs: 5000 });
      await kept.snapshot('today');
      const cached = await timed(() => kept.list({ board: null, period: 'today' }));
      say(`hot list kept in memory (between changes): p50 ${cached.p50.toFixed(3)} ms, p99 ${cached.p99.toFixed(3)} ms`);
      const plan = await sql<{ 'QUERY PLAN': string }>`
        explain (analyze, buffers, costs off, timing off, summary off)
        select p.thread_id, p.author_id from posts p
        where p.parent_id is not null and p.deleted_at is null
          and p.created_at >= date_trunc('week', now() at time zone ${TIME_ZONE}) at time zone ${TIME_ZONE}`.execute(db);
      const scan = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      say(`the week's follow-ups are read by:\n${scan}`);
      const results = {
        date: new Date().toISOString(),
        posts: dataset.manifest.posts,
        threads: dataset.manifest.threads,
        figures,
        cached,
        scan,
      };
      writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
      say(`figures written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
    } finally {
      await db.destroy();
    }
  } finally {
    await embedded.stop();
  }
}
