import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Kysely, sql } from 'kysely';
import type { Database, Db } from './db/database';
import { listBoards } from './boards/boards.repository';
import { findRecentThreadIds } from './posts/posts.lists.repository';
import { VARIANTS } from './text/convert';

/**
 * Start-up warm-up: before a process says it can take traffic (/readyz), it asks itself for what
 * every reader asks for first, so that a process started at peak (a restart, a deploy, one more
 * process behind the balancer) does not meet hundreds of readers with every cache empty, every
 * pooled connection still to open and its code not yet optimized by V8. Measured on the soak
 * (docs/performance.md, "The cold start"): a process that met the burst cold fell behind for its
 * first seconds and took the next 15 s to drain the backlog.
 *
 * What it asks for, in this order, each as an anonymous reader of every script (no
 * Accept-Language: the site's default; then zh-CN, zh-Hant, zh-TW and zh-HK, which choose the four
 * variants, as browsers send them): the board index, each board's first page (their kept trees,
 * posts.index.cache.ts), then the first window of the `threads` threads with the latest activity
 * (caches.lines, and the whole pages kept for anonymous readers, posts.pages.ts), newest first;
 * then all of it again under each variant's prefix (warmUpPaths). The conversions of their titles
 * and bodies are cached on the way. `concurrency` at a time, so the
 * pool's connections open and each runs the pages' statements once.
 *
 * Through the app's own handler on a server of its own (127.0.0.1, a port no one is told), exactly
 * as a reader's request goes, so nothing is warmed that a reader would not be given, and nothing
 * is a copy of the routes. The requests send no User-Agent: read counts leave them out, as any
 * request without one (reads/reads.recorder.ts). Bounded by `budgetMs`: what is not done by then
 * is left for readers, and the process says it is ready all the same.
 */
export interface WarmUpOptions {
  /** At most this long, from the call. */
  budgetMs: number;
  /** The most recently active threads whose pages are asked for. */
  threads: number;
  /** Requests at a time. */
  concurrency: number;
  /** The pool's connections, opened all at once first (the pool keeps them: db/connect.ts). */
  connections: number;
}

/** What a warm-up did. */
export interface WarmUpOutcome {
  /** Requests answered, and of them those not answered 200 (a failure is left for the readers: never fatal). */
  requests: number;
  failed: number;
  /** Requests not sent because the budget ran out. */
  skipped: number;
  ms: number;
}

/** The Accept-Language of each script a warm-up asks in: none (the site's default), then the four variants. */
export const WARM_LANGUAGES: readonly (string | undefined)[] = [undefined, 'zh-CN', 'zh-Hant', 'zh-TW', 'zh-HK'];

/**
 * The addresses a warm-up asks for, in order: the board index and boards in each script, each
 * thread in each script, then the same under each variant's prefix (`/zh-hans/t/1`: a page of
 * its own, rendered from the conversions the first rounds cached).
 */
export async function warmUpPaths(db: Db, threads: number): Promise<{ path: string; language: string | undefined }[]> {
  const [boards, recent] = await Promise.all([listBoards(db), threads > 0 ? findRecentThreadIds(db, threads) : []]);
  const lists = ['/', ...boards.map((b) => `/b/${encodeURIComponent(b.slug)}`)];
  const paths: { path: string; language: string | undefined }[] = [];
  for (const language of WARM_LANGUAGES) for (const path of lists) paths.push({ path, language });
  for (const id of recent) for (const language of WARM_LANGUAGES) paths.push({ path: `/t/${id}`, language });
  for (const variant of VARIANTS) {
    for (const path of [...lists, ...recent.map((id) => `/t/${id}`)])
      paths.push({ path: `/${variant}${path === '/' ? '' : path}`, language: undefined });
  }
  return paths;
}

/** Asks `handler` for what readers ask for first (see above); never throws for a page that fails. */
export async function warmUp(
  handler: RequestListener & { readonly serverOptions?: http.ServerOptions },
  db: Kysely<Database>,
  options: WarmUpOptions,
): Promise<WarmUpOutcome> {
  const t0 = performance.now();
  const deadline = t0 + options.budgetMs;
  const outcome: WarmUpOutcome = { requests: 0, failed: 0, skipped: 0, ms: 0 };
  // Each a backend of its own, forked and signed in now rather than under the first burst.
  await Promise.all(Array.from({ length: options.connections }, () => db.connection().execute((c) => sql`select 1`.execute(c))));
  const paths = await warmUpPaths(db, options.threads);
  const server = http.createServer(handler.serverOptions ?? {}, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const left = deadline - performance.now();
        if (left <= 0) return;
        const { path, language } = paths[next++]!;
        const status = await ask(agent, port, path, language, left);
        outcome.requests++;
        if (status !== 200) outcome.failed++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
    outcome.skipped = paths.length - next;
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  outcome.ms = Math.round(performance.now() - t0);
  return outcome;
}

/** One GET as an anonymous reader without a User-Agent; its status (0: no answer in time, or a broken connection). */
function ask(agent: http.Agent, port: number, path: string, language: string | undefined, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(
      { agent, host: '127.0.0.1', port, path, timeout: timeoutMs, headers: language ? { 'accept-language': language } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}
