import { createHash } from 'node:crypto';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../server/db/database';
import { loadAssets } from '../server/views/assets';
import { PAGE_MAX, getSubtreePage } from '../server/posts/posts.paging';
import { presentPost } from '../server/posts/posts.presenter';
import { readWindow, renderLines, threadPage } from './pages';
import { defaultPageContext } from '../server/views/layout';
import { lineTime } from '../server/views/time';
import { percentile } from './load';

/**
 * Where the time of GET /t/:root goes, each part timed alone (medians, ms), no load, nothing
 * cached: the page as the route builds it (bench/pages.ts), a window of THREAD_WINDOW_LINES.
 */
export interface Breakdown {
  size: number;
  iterations: number;
  /** Statements the window read sends (getPostWindow, inside its transaction). */
  windowStatements: number;
  /** PostgreSQL's own execution time of those statements, summed (EXPLAIN ANALYZE of each). */
  windowExecMs: number;
  /** How PostgreSQL sorted, where a statement sorts ('external merge' = spilled to disk past work_mem). */
  windowSort: string;
  /** getPostWindow: the post, the window's lines with their counts, the thread state, the board, the actor. */
  getPostWindowMs: number;
  /** The window's lines rendered (renderWindow: what caches.lines keeps) and the page around them. */
  renderMs: number;
  /** The page from lines already rendered (a warm page): the reader's overlay and the page around them. */
  warmRenderMs: number;
  /** Of renderMs, roughly: formatting each line's date and time (views/time.ts). */
  datesMs: number;
  /** What express's res.send adds for the page: the string to a Buffer, and its ETag (SHA-1). */
  sendMs: number;
  /** What GET /api/posts/:root does with its first page (1,000 follow-ups at most): presentPost and JSON.stringify. */
  jsonMs: number;
}

interface PlanNode {
  'Sort Method'?: string;
  Plans?: PlanNode[];
}

function sortMethod(node: PlanNode): string | undefined {
  return node['Sort Method'] ?? node.Plans?.map(sortMethod).find((m) => m !== undefined);
}

async function medianMs(iterations: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 2; i++) await fn(); // warm-up
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

/**
 * A second kysely on one connection that records the SQL it sends, to EXPLAIN ANALYZE exactly the
 * app's statements on `pool`; `recording.destroy()` ends both.
 */
export function recordingDb(url: string): { pool: pg.Pool; queries: CompiledQuery[]; recording: Kysely<Database> } {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const queries: CompiledQuery[] = [];
  const recording = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => void (event.level === 'query' && queries.push(event.query)),
  });
  return { pool, queries, recording };
}

/**
 * Times the parts of GET /t/:root and GET /api/posts/:root in this process, one after the other
 * with nothing else running, to tell whether SQL or rendering dominates.
 */
export async function profileThread(
  db: Kysely<Database>,
  url: string,
  rootId: string,
  size: number,
  iterations: number,
): Promise<Breakdown> {
  const { pool, queries, recording } = recordingDb(url);
  try {
    await readWindow(recording, rootId, null);
    const statements = queries.filter((q) => /^\s*(select|with)\b/i.test(q.sql));
    if (statements.length === 0) throw new Error('the window read was not recorded');
    const exec: number[] = [];
    let sort = 'none';
    for (let i = 0; i < iterations; i++) {
      let total = 0;
      for (const query of statements) {
        const r = await pool.query<{ 'QUERY PLAN': [{ 'Execution Time': number; Plan: PlanNode }] }>(
          `explain (analyze, format json) ${query.sql}`,
          query.parameters as unknown[],
        );
        const plan = r.rows[0]!['QUERY PLAN'][0];
        total += plan['Execution Time'];
        sort = sortMethod(plan.Plan) ?? sort;
      }
      exec.push(total);
    }

    const ctx = {
      ...defaultPageContext(loadAssets(), 'Asia/Shanghai'),
      member: null,
      path: `/t/${rootId}`,
      variant: undefined,
      shown: <T>(text: T) => text,
      prefix: '',
    };
    const window = await readWindow(db, rootId, null);
    const rendered = renderLines(ctx, window);
    const html = threadPage(ctx, window, rendered);
    const api = await getSubtreePage(db, rootId, null, { limit: PAGE_MAX, bodies: true });
    return {
      size,
      iterations,
      windowStatements: statements.length,
      windowExecMs: percentile(exec, 50),
      windowSort: sort,
      getPostWindowMs: await medianMs(iterations, () => readWindow(db, rootId, null)),
      renderMs: await medianMs(iterations, () => threadPage(ctx, window, renderLines(ctx, window))),
      warmRenderMs: await medianMs(iterations, () => threadPage(ctx, window, rendered)),
      datesMs: await medianMs(iterations, () => {
        for (const p of window.lines) lineTime(p.createdAt, ctx.timeZone);
      }),
      sendMs: await medianMs(iterations, () => createHash('sha1').update(Buffer.from(html, 'utf8')).digest('base64')),
      jsonMs: await medianMs(iterations, () => JSON.stringify({ post: presentPost(api.post), replies: api.replies.map(presentPost) })),
    };
  } finally {
    await recording.destroy();
  }
}
