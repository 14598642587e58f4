import { createHash } from 'node:crypto';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../server/db/database';
import { loadAssets } from '../server/views/assets';
import * as repo from '../server/posts/posts.repository';
import { presentPost } from '../server/posts/posts.presenter';
import { getPostTree } from '../server/posts/posts.service';
import { postPage } from '../server/posts/posts.views';
import { wholeTree } from './pages';
import { defaultPageContext } from '../server/views/layout';
import { lineTime } from '../server/views/time';
import { percentile } from './load';

/** Where the time of GET /t/:root goes, each part timed alone (medians, ms), no load. */
export interface Breakdown {
  size: number;
  iterations: number;
  /** PostgreSQL's own execution time of the subtree query (EXPLAIN ANALYZE). */
  subtreeExecMs: number;
  /** How PostgreSQL sorted the subtree ('external merge' = spilled to disk past work_mem). */
  subtreeSort: string;
  /** The subtree query as the app sees it: execution, transfer and pg's row parsing. */
  subtreeQueryMs: number;
  /** getPostTree: the post, the subtree, the thread state and the board, mapped to Posts. */
  getPostTreeMs: number;
  /** postPage: the HTML of /t/:root from the tree. */
  renderMs: number;
  /** Of renderMs, roughly: formatting each follow-up's date and time (views/time.ts). */
  datesMs: number;
  /** What express's res.send adds for the page: the string to a Buffer, and its ETag (SHA-1). */
  sendMs: number;
  /** What GET /api/posts/:root does after getPostTree: presentPost and JSON.stringify. */
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
  // A second kysely that records the SQL it sends, to EXPLAIN ANALYZE exactly the app's query.
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const queries: CompiledQuery[] = [];
  const recording = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => void (event.level === 'query' && queries.push(event.query)),
  });
  try {
    await repo.findSubtree(recording, rootId, [rootId]);
    const query = queries[0];
    if (!query) throw new Error('the subtree query was not recorded');
    const exec: number[] = [];
    let sort = 'none';
    for (let i = 0; i < iterations; i++) {
      const r = await pool.query<{ 'QUERY PLAN': [{ 'Execution Time': number; Plan: PlanNode }] }>(
        `explain (analyze, format json) ${query.sql}`,
        query.parameters as unknown[],
      );
      const plan = r.rows[0]!['QUERY PLAN'][0];
      exec.push(plan['Execution Time']);
      sort = sortMethod(plan.Plan) ?? 'none';
    }

    const ctx = {
      ...defaultPageContext(loadAssets(), 'Asia/Shanghai'),
      member: null,
      path: `/t/${rootId}`,
      variant: undefined,
      prefix: '',
    };
    const tree = await getPostTree(db, rootId);
    const html = postPage(ctx, tree, wholeTree(ctx, tree));
    return {
      size,
      iterations,
      subtreeExecMs: percentile(exec, 50),
      subtreeSort: sort,
      subtreeQueryMs: await medianMs(iterations, () => repo.findSubtree(db, rootId, [rootId])),
      getPostTreeMs: await medianMs(iterations, () => getPostTree(db, rootId)),
      renderMs: await medianMs(iterations, () => postPage(ctx, tree, wholeTree(ctx, tree))),
      datesMs: await medianMs(iterations, () => {
        for (const p of tree.replies) lineTime(p.createdAt, ctx.timeZone);
      }),
      sendMs: await medianMs(iterations, () => createHash('sha1').update(Buffer.from(html, 'utf8')).digest('base64')),
      jsonMs: await medianMs(iterations, () => JSON.stringify({ post: presentPost(tree.post), replies: tree.replies.map(presentPost) })),
    };
  } finally {
    await recording.destroy();
  }
}
