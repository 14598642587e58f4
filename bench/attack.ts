import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../server/db/database';

/**
 * The costliest requests an anonymous visitor can make, and what they do to everyone else: every
 * revision of a 90 KB post edited 100 times, a board of 90 KB follow-ups in another script, a full
 * catch-up of a 2,001-event thread of such posts in another script. Measured alone, then all at
 * once while /healthz and an ordinary thread page are polled, with the event loop's delay. The
 * test tests/http/attack.test.ts builds the same data and checks the order things finish in.
 */

/** About 90 KB of simplified Chinese, different for each `seed`. */
export const longBody = (seed: number) =>
  `<p>${Array.from({ length: 1500 }, (_, i) => `软件芯片头发${(seed * 7919 + i) % 10007}号`).join('，')}</p>`;

/** The paths of the worst requests, and of an ordinary page to poll beside them. */
export interface WorstCase {
  revisions: string;
  board: string;
  catchUp: string;
  normal: string;
}

/**
 * Writes the worst case in SQL (fast, and past any rate limit): `edited` is a post of the member's
 * with a 90 KB body, `root` an empty thread on the same board, `normal` an ordinary thread.
 */
export async function seedWorstCase(
  db: Kysely<Database>,
  ids: { memberId: string; boardId: string; boardSlug: string; edited: string; root: string; normal: string },
): Promise<WorstCase> {
  const { memberId, boardId, edited, root } = ids;
  // 100 earlier versions of the 90 KB post, each a little different.
  await sql`
    insert into post_revisions (post_id, revision, title, body, bytes, replaced_by, replaced_role)
    select ${edited}, r, '改了一百次', b, octet_length(b), ${memberId}, 'member'
    from generate_series(0, 99) r, lateral (select replace(${longBody(0)}, '号', repeat('號', r % 3 + 1)) || r::text as b) v
  `.execute(db);
  await sql`update posts set revision = 100, edited_at = now(), edited_by = ${memberId}, edited_role = 'member' where id = ${edited}`.execute(
    db,
  );
  // 254 follow-ups of 90 KB under `root`, and 2,000 events pointing at them.
  await sql`
    with new_ids as (select nextval(pg_get_serial_sequence('posts', 'id')) as id, g from generate_series(1, 254) g)
    insert into posts (id, board_id, thread_id, parent_id, path, depth, author_id, title, body, bytes, variant)
    select id, ${boardId}, ${root}, ${root}, array[${root}::bigint, id], 1, ${memberId}, '跟帖' || g, b, octet_length(b), 'zh-hans'
    from new_ids, lateral (select ${longBody(1)} || g::text as b) v
  `.execute(db);
  await sql`
    insert into thread_events (thread_id, seq, kind, post_id)
    select ${root}, s, 'post:new', (select id from posts where thread_id = ${root} and depth = 1 order by id offset (s % 254) limit 1)
    from generate_series(2, 2001) s
  `.execute(db);
  await sql`update threads set reply_count = 254, seq = 2001 where thread_id = ${root}`.execute(db);
  return {
    revisions: `/zh-tw/t/${edited}/revisions`,
    board: `/zh-tw/b/${ids.boardSlug}`,
    catchUp: `/api/threads/${root}/events?since=0&variant=zh-tw`,
    normal: `/zh-hk/t/${ids.normal}`,
  };
}

/** What the attack bench measured; times in milliseconds. */
export interface AttackFigures {
  /** Each worst request alone, cold (first request) and warm (second). */
  alone: Array<{ name: string; path: string; status: number; bytes: number; coldMs: number; warmMs: number }>;
  /** All three at once, cold caches. */
  together: {
    wallMs: number;
    healthz: { n: number; p50Ms: number; maxMs: number };
    page: { n: number; p50Ms: number; maxMs: number };
    healthzIdleP50Ms: number;
    eventLoopMaxMs: number;
    eventLoopP99Ms: number;
  };
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function timed(url: string): Promise<{ ms: number; status: number; bytes: number }> {
  const start = performance.now();
  const res = await fetch(url);
  const bytes = (await res.arrayBuffer()).byteLength;
  return { ms: performance.now() - start, status: res.status, bytes };
}

/**
 * Runs the attack against an app whose process is this one (the event-loop delay measured is
 * the app's).
 */
export async function benchAttack(baseUrl: string, worst: WorstCase): Promise<AttackFigures> {
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) idle.push((await timed(`${baseUrl}/healthz`)).ms);

  const slow = { revisions: worst.revisions, board: worst.board, catchUp: worst.catchUp };

  // All three at once, first (caches cold), with ordinary requests polled beside them.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  let pending = 3;
  const requests = Object.values(slow).map((p) => timed(baseUrl + p).finally(() => pending--));
  const healthz: number[] = [];
  const page: number[] = [];
  while (pending > 0) {
    const [h, g] = await Promise.all([timed(`${baseUrl}/healthz`), timed(baseUrl + worst.normal)]);
    healthz.push(h.ms);
    page.push(g.ms);
  }
  await Promise.all(requests);
  const wallMs = performance.now() - started;
  delay.disable();

  const alone: AttackFigures['alone'] = [];
  for (const [name, path] of Object.entries(slow)) {
    const cold = await timed(baseUrl + path.replace('zh-tw', 'zh-hk'));
    const warm = await timed(baseUrl + path.replace('zh-tw', 'zh-hk'));
    alone.push({ name, path: path.replace('zh-tw', 'zh-hk'), status: cold.status, bytes: cold.bytes, coldMs: cold.ms, warmMs: warm.ms });
  }
  return {
    alone,
    together: {
      wallMs,
      healthz: { n: healthz.length, p50Ms: p50(healthz), maxMs: Math.max(...healthz) },
      page: { n: page.length, p50Ms: p50(page), maxMs: Math.max(...page) },
      healthzIdleP50Ms: p50(idle),
      eventLoopMaxMs: delay.max / 1e6,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
    },
  };
}

/** The figures as a few lines of text. */
export function formatAttack(a: AttackFigures): string {
  const out = ['Under attack (the costliest anonymous requests; times in ms):'];
  for (const r of a.alone)
    out.push(
      `  ${r.name.padEnd(10)} alone: ${r.status}, ${(r.bytes / 1024).toFixed(0)} KB, cold ${r.coldMs.toFixed(0)}, warm ${r.warmMs.toFixed(0)}`,
    );
  const t = a.together;
  out.push(`  all three at once: ${t.wallMs.toFixed(0)} ms wall`);
  out.push(
    `  /healthz meanwhile: ${t.healthz.n} answered, p50 ${t.healthz.p50Ms.toFixed(1)}, max ${t.healthz.maxMs.toFixed(1)} (idle p50 ${t.healthzIdleP50Ms.toFixed(1)}, ratio ${(t.healthz.p50Ms / t.healthzIdleP50Ms).toFixed(1)}×)`,
  );
  out.push(`  an ordinary thread page meanwhile: ${t.page.n} answered, p50 ${t.page.p50Ms.toFixed(1)}, max ${t.page.maxMs.toFixed(1)}`);
  out.push(`  event-loop delay: max ${t.eventLoopMaxMs.toFixed(0)}, p99 ${t.eventLoopP99Ms.toFixed(0)} (target: under ~200)`);
  return out.join('\n');
}
