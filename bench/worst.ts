import type { Kysely } from 'kysely';
import { createBoard } from '../server/boards/boards.service';
import type { Caches } from '../server/caches';
import type { Database } from '../server/db/database';
import type { Member } from '../server/members/members.service';
import { editPost } from '../server/moderation/moderation.service';
import { NO_RULES } from '../server/policy/policy';
import { createThread, reply } from '../server/posts/posts.service';
import { OpenCC } from '../server/text/opencc';
import { cjkTitle, cjkText, seededRandom } from './shape';
import { unpaced } from '../server/limits/paced';

/**
 * The two pages of the hardening issue that once froze the process, each asked for cold:
 * - the revisions of a 90 KB post edited 100 times, every edit rewriting the whole body
 *   (first page, nothing cached), with /healthz asked every 20 ms meanwhile;
 * - a board of 5 threads × 51 posts of 90 KB written in simplified script, read in zh-tw with the
 *   conversion cache emptied, with the process's RSS before and after.
 */
export interface WorstFigures {
  revisions: {
    edits: number;
    bodyBytes: number;
    coldMs: number;
    warmMs: number;
    pageBytes: number;
    versionsShown: number;
    healthzMaxMs: number;
    healthzAnswered: number;
  };
  board: {
    posts: number;
    bodyBytes: number;
    coldMs: number;
    warmMs: number;
    pageBytes: number;
    rssBeforeMb: number;
    rssAfterMb: number;
    conversionCacheKb: number;
  };
}

const BODY_BYTES = 90_000;

async function timedGet(url: string): Promise<{ ms: number; bytes: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return { ms: performance.now() - t0, bytes: Buffer.byteLength(text), text };
}

/** Times `url` while asking /healthz every 20 ms: the slowest /healthz answer, and how many came back. */
async function withHealthChecks(appUrl: string, url: string) {
  let done = false;
  const health: number[] = [];
  const prober = (async () => {
    while (!done) {
      const t0 = performance.now();
      await (await fetch(`${appUrl}/healthz`)).arrayBuffer();
      health.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const page = await timedGet(url);
  done = true;
  await prober;
  return { page, healthzMaxMs: Math.max(0, ...health), healthzAnswered: health.length };
}

/** Seeds both cases on the bench board's database and measures them through `appUrl`. */
export async function measureWorstPages(
  db: Kysely<Database>,
  caches: Caches,
  appUrl: string,
  authors: Member[],
  log: (m: string) => void,
): Promise<WorstFigures> {
  const random = seededRandom(90);
  const board = await createBoard(db, { slug: 'bench-worst', name: '最壞情況' });

  const edits = 100;
  const post = await createThread(db, authors[0]!, board.slug, { title: cjkTitle(random), body: cjkText(BODY_BYTES, random) }, unpaced);
  for (let i = 1; i <= edits; i++) await editPost(db, NO_RULES, authors[0]!, post.id, { body: cjkText(BODY_BYTES, random) }, unpaced);
  log(`worst revisions page: a ${BODY_BYTES}-byte post edited ${edits} times`);
  const cold = await withHealthChecks(appUrl, `${appUrl}/t/${post.id}/revisions`);
  const warm = await timedGet(`${appUrl}/t/${post.id}/revisions`);
  const revisions = {
    edits,
    bodyBytes: BODY_BYTES,
    coldMs: cold.page.ms,
    warmMs: warm.ms,
    pageBytes: cold.page.bytes,
    versionsShown: (cold.page.text.match(/<li class="version/g) ?? []).length,
    healthzMaxMs: cold.healthzMaxMs,
    healthzAnswered: cold.healthzAnswered,
  };

  const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const threads = 5;
  const perThread = 51;
  for (let t = 0; t < threads; t++) {
    const root = await createThread(
      db,
      authors[t % authors.length]!,
      board.slug,
      {
        title: toSimplified(cjkTitle(random)),
        body: toSimplified(cjkText(BODY_BYTES, random)),
      },
      unpaced,
    );
    for (let r = 1; r < perThread; r++) {
      await reply(
        db,
        authors[r % authors.length]!,
        root.id,
        {
          title: toSimplified(cjkTitle(random)),
          body: toSimplified(cjkText(BODY_BYTES, random)),
        },
        unpaced,
      );
    }
  }
  log(`worst board page: ${threads * perThread} posts of ${BODY_BYTES} bytes in simplified script, read in zh-tw`);
  caches.conversions.clear();
  const rssBefore = process.memoryUsage().rss;
  const boardCold = await timedGet(`${appUrl}/zh-tw/b/${board.slug}`);
  const rssAfter = process.memoryUsage().rss;
  const boardWarm = await timedGet(`${appUrl}/zh-tw/b/${board.slug}`);
  return {
    revisions,
    board: {
      posts: threads * perThread,
      bodyBytes: BODY_BYTES,
      coldMs: boardCold.ms,
      warmMs: boardWarm.ms,
      pageBytes: boardCold.bytes,
      rssBeforeMb: rssBefore / 2 ** 20,
      rssAfterMb: rssAfter / 2 ** 20,
      conversionCacheKb: caches.conversions.calculatedSize / 1024,
    },
  };
}

/** The two worst pages, as a few lines. */
export function formatWorst(w: WorstFigures): string {
  const r = w.revisions;
  const b = w.board;
  return (
    `Worst pages, cold, one request\n` +
    `/t/:id/revisions of a ${(r.bodyBytes / 1000).toFixed(0)} KB post rewritten ${r.edits} times: ${r.coldMs.toFixed(0)} ms cold, ${r.warmMs.toFixed(0)} ms cached, ` +
    `${(r.pageBytes / 2 ** 20).toFixed(1)} MB, ${r.versionsShown} versions; /healthz answered ${r.healthzAnswered} times meanwhile, slowest ${r.healthzMaxMs.toFixed(0)} ms\n` +
    `/zh-tw/b/:slug with ${b.posts} posts of ${(b.bodyBytes / 1000).toFixed(0)} KB: ${b.coldMs.toFixed(0)} ms cold, ${b.warmMs.toFixed(0)} ms cached, ` +
    `RSS ${b.rssBeforeMb.toFixed(0)} → ${b.rssAfterMb.toFixed(0)} MB, conversion cache ${b.conversionCacheKb.toFixed(0)} KB`
  );
}
