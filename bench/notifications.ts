/**
 * `npm run bench -- notifications`: what notifications cost where they are paid, each timed
 * directly against the same work without them, interleaved in one run (docs/performance.md).
 *
 * 1. A follow-up written by the posts service (`reply`: checks, its transaction, the post as
 *    written) that notifies 3 members (the parent's author, the thread's starter, a member it
 *    mentions) against the same follow-up notifying nobody (the replier answering their own post
 *    in their own thread, mentioning themselves): the same statements but notify's insert and
 *    announcement. Target: ≤ 1.15.
 * 2. A thread page (37 follow-ups, the source thread's size) for a logged-in member with a long
 *    history (20,000 notifications, 2,000 unread): the session lookup with the header's unread
 *    counts (read by the same query), the thread's first window (as GET /t/:id reads it:
 *    bench/pages.ts) and its rendering, nothing cached, against the same without the
 *    counts. Timed in the process, without HTTP: the denominator leaves out the request's own
 *    costs, so the ratio is if anything larger than a browser would see. Target: ≤ 1.05.
 */
import { performance } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { createBoard } from '../server/boards/boards.service';
import type { Database } from '../server/db/database';
import type { UnreadCounts } from '../server/db/unread';
import { openEmbedded } from '../server/db/embedded';
import { type Member, createMember, openSession } from '../server/members/members.service';
import { memberForToken } from '../server/sessions/sessions.service';
import { createThread, reply } from '../server/posts/posts.service';
import { readWindow, renderLines, threadPage } from './pages';
import { loadAssets } from '../server/views/assets';
import { type PageContext, catalogFor, defaultPageContext } from '../server/views/layout';
import { unpaced } from '../server/limits/paced';
import { freshDatabase } from './datasets';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.notifications.json');
const DATABASE = 'gentie_bench_notifications';
export const SAMPLES = 2000;
const WARMUP = 100;

/** One pair of interleaved timings: with the feature and without, in ms. */
export interface PairFigure {
  samples: number;
  withP50: number;
  withoutP50: number;
  withMean: number;
  withoutMean: number;
  /** with / without, of the medians (the figure compared with the target). */
  ratio: number;
  target: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Runs `a` and `b` alternately (a first on even rounds, b first on odd), warmup rounds dropped. */
export async function interleave(a: () => Promise<unknown>, b: () => Promise<unknown>, target: number): Promise<PairFigure> {
  const ta: number[] = [];
  const tb: number[] = [];
  const time = async (fn: () => Promise<unknown>, into: number[], keep: boolean) => {
    const t0 = performance.now();
    await fn();
    if (keep) into.push(performance.now() - t0);
  };
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const keep = i >= WARMUP;
    if (i % 2 === 0) {
      await time(a, ta, keep);
      await time(b, tb, keep);
    } else {
      await time(b, tb, keep);
      await time(a, ta, keep);
    }
  }
  const withP50 = percentile(ta, 50);
  const withoutP50 = percentile(tb, 50);
  return { samples: SAMPLES, withP50, withoutP50, withMean: mean(ta), withoutMean: mean(tb), ratio: withP50 / withoutP50, target };
}

/** Section 1: a follow-up notifying 3 members against the same follow-up notifying nobody. */
async function replyCost(db: Kysely<Database>, members: Member[]): Promise<PairFigure> {
  const [starter, parentAuthor, mentioned, replier] = members as [Member, Member, Member, Member];
  await createBoard(db, { slug: 'notify', name: '通知測試' });
  const theirs = await createThread(db, starter, 'notify', { title: '別人的主題' }, unpaced);
  const parent = await reply(db, parentAuthor, theirs.id, { title: '別人的跟帖' }, unpaced);
  const own = await createThread(db, replier, 'notify', { title: '自己的主題' }, unpaced);
  const ownParent = await reply(db, replier, own.id, { title: '自己的跟帖' }, unpaced);
  let n = 0;
  const body = (who: string) => `<p>第 ${n++} 條：@${who} 你怎麼看？</p>`;
  const before = Number((await sql<{ n: string }>`select count(*) as n from notifications`.execute(db)).rows[0]!.n);
  const figure = await interleave(
    () => reply(db, replier, parent.id, { title: '跟帖回覆', body: body(mentioned.name) }, unpaced),
    () => reply(db, replier, ownParent.id, { title: '跟帖回覆', body: body(replier.name) }, unpaced),
    1.15,
  );
  const written = Number((await sql<{ n: string }>`select count(*) as n from notifications`.execute(db)).rows[0]!.n) - before;
  if (written !== 3 * (WARMUP + SAMPLES)) throw new Error(`expected ${3 * (WARMUP + SAMPLES)} notifications, ${written} were written`);
  return figure;
}

/** Section 2: a thread page with the header's unread counts against the same page without. */
async function headerCost(db: Kysely<Database>, members: Member[]): Promise<PairFigure> {
  const [starter, , , reader] = members as [Member, Member, Member, Member];
  const root = await createThread(db, starter, 'notify', { title: '三十七條跟帖', body: '<p>正文</p>' }, unpaced);
  let parent = root.id;
  for (let i = 0; i < 37; i++)
    parent = (await reply(db, members[i % 3]!, i % 5 === 0 ? root.id : parent, { title: `第${i}條跟帖` }, unpaced)).id;
  // A long history: 20,000 notifications, 2,000 of them unread (the count stops at 100).
  await sql`
    insert into notifications (member_id, kind, actor_id, thread_id, post_id, read_at)
    select ${reader.id}, 'reply', ${starter.id}, ${root.id}, ${root.id}, case when g > 2000 then now() end
    from generate_series(1, 20000) g`.execute(db);
  // As autovacuum leaves it: statistics, and the visibility map the counts' index-only scans use.
  await sql`vacuum analyze notifications`.execute(db);
  const { token } = await openSession(db, reader, { address: '127.0.0.1', userAgent: 'bench', device: undefined });
  const base = { ...defaultPageContext(loadAssets(), 'Asia/Shanghai'), ...catalogFor(undefined) };
  // What a request for the page does past HTTP: the session lookup (with the header's counts, or
  // without them), the thread, the rendering.
  const page = async (withCounts: boolean) => {
    const found: (Member & { unread?: UnreadCounts }) | 'expired' | null = withCounts
      ? await memberForToken(db, token, { unread: true })
      : await memberForToken(db, token);
    if (!found || found === 'expired') throw new Error('the bench session is gone');
    const window = await readWindow(db, root.id, found);
    const ctx: PageContext = {
      ...base,
      member: found,
      path: `/t/${root.id}`,
      variant: undefined,
      shown: (text) => text,
      prefix: '',
      unread: found.unread,
    };
    return threadPage(ctx, window, renderLines(ctx, window));
  };
  if (!(await page(true)).includes('99+')) throw new Error('the header does not show the unread count');
  return interleave(
    () => page(true),
    () => page(false),
    1.05,
  );
}

/** The section alone: its own database on the bench's embedded server, figures printed and saved. */
export async function runNotificationsBench(): Promise<void> {
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => console.log(`postgres: ${m}`) });
  const { db } = await freshDatabase(embedded.url, DATABASE);
  try {
    const members: Member[] = [];
    for (const name of ['樓主', '被回覆者', '被提到者', '回覆者'])
      members.push(await createMember(db, { username: name, password: 'bench password 跟帖' }));
    const replyFigure = await replyCost(db, members);
    const headerFigure = await headerCost(db, members);
    const line = (what: string, f: PairFigure) =>
      `${what}: p50 ${f.withP50.toFixed(2)} ms vs ${f.withoutP50.toFixed(2)} ms (mean ${f.withMean.toFixed(2)} vs ${f.withoutMean.toFixed(2)}), ` +
      `ratio ${f.ratio.toFixed(3)} (target ≤ ${f.target}) ${f.ratio <= f.target ? 'ok' : 'MISSED'}, ${f.samples} samples each, interleaved`;
    console.log(line('reply notifying 3 members vs nobody', replyFigure));
    console.log(line('thread page with header counts vs without', headerFigure));
    const results = { date: new Date().toISOString(), reply: replyFigure, header: headerFigure };
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`figures written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  } finally {
    await db.destroy();
    await embedded.stop();
  }
}
