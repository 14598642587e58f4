/**
 * `npm run bench -- limits`: what the posting limits add to a follow-up, timed directly against
 * the same follow-up without them, interleaved in one run (docs/performance.md). Both write a
 * follow-up through the posts service (`reply`: checks, its transaction); one is paced as a
 * request is (the member's two windows and their address's two, spent by the reply's first
 * statement), the other not, both with the same duplicate check and the address kept with the
 * post, so the figure is the limits' alone. The limits are raised so nothing is refused: the
 * statement is the same either way. Target: ≤ 1.10. What the three together add (limits,
 * duplicate check, address) to a bare follow-up is shown too. The same
 * run also times the duplicate check alone, and an established member's follow-up on a board
 * whose new members' posts are held for review against one on a board without review (target
 * ≤ 1.10 too).
 *
 * Then the flood (issue 14: "200 members posting at once are not slowed by one member being
 * throttled"): the real app over HTTP at the documented limits, 200 members each sending one
 * follow-up at the same moment, with and without one member hammering the same threads (refused
 * with 429) all the while; the 200's p50 and p95 either way, rounds interleaved.
 *
 * `BENCH_LIMITS=reply npm run bench -- limits` times the limits' pair alone (nothing saved): a
 * minute or so, for trying a change.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import type { Database } from '../server/db/database';
import { createLogger } from '../server/log';
import { openSession } from '../server/members/members.service';
import { insertUser } from '../server/members/members.repository';
import { hashPassword } from '../server/members/passwords';
import { createSettingsStore } from '../server/settings/settings';
import { LoadGenerator, type RequestSpec, listenLocal, percentile } from './load';
import { createBoard } from '../server/boards/boards.service';
import { connect, withDatabase } from '../server/db/connect';
import { openEmbedded } from '../server/db/embedded';
import { createLimiter } from '../server/limits/limiter';
import { createPacing, unpaced } from '../server/limits/paced';
import { createMember } from '../server/members/members.service';
import { createThread, reply } from '../server/posts/posts.service';
import { defaultSettings } from '../server/settings/settings';
import { type PairFigure, interleave } from './notifications';
import { freshDatabase } from './datasets';

const ROOT = path.join(__dirname, '..', '..');
const DATA_DIR = path.join(ROOT, '.bench-data');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.limits.json');
const DATABASE = 'gentie_bench_limits';

/** The section alone: its own database on the bench's embedded server, figures printed and saved. */
export async function runLimitsBench(): Promise<void> {
  const embedded = await openEmbedded(DATA_DIR, { role: 'server', log: (m) => console.log(`postgres: ${m}`) });
  const { db } = await freshDatabase(embedded.url, DATABASE);
  try {
    const settings = defaultSettings();
    const pacing = createPacing(db, createLimiter(db, { rateLimitMultiplier: 1_000_000 }, settings), settings);
    const created = await createMember(db, { username: '回覆者', password: 'bench password 跟帖' });
    // An established member, as a session finds them: with the account's age and trust, so pacing
    // reads no row for them once it has seen them past the threshold of posts. The row says the
    // same age (until 2026-12-03 it did not: the account was a minute old in the database, so every
    // paced follow-up also counted the member's posts and was paced as a new member's).
    const joinedAt = new Date(Date.now() - 30 * 86400_000);
    await db.updateTable('users').set({ created_at: joinedAt }).where('id', '=', created.id).execute();
    const member = { ...created, joinedAt, trust: 'auto' as const };
    await createBoard(db, { slug: 'limits', name: '限制測試' });
    const root = await createThread(db, member, 'limits', { title: '主題' }, unpaced);
    let n = 0;
    const paced = pacing(member, '203.0.113.9');
    // The same request's rules without its limits: the duplicate window and the address it keeps.
    const unlimited = Object.assign(() => unpaced('reply'), { duplicateSeconds: paced.duplicateSeconds, address: paced.address });
    const figure: PairFigure = await interleave(
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, paced),
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, unlimited),
      1.1,
    );
    if (process.env.BENCH_LIMITS === 'reply') {
      console.log(replyLine(figure));
      return;
    }
    const allRules: PairFigure = await interleave(
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, paced),
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, unpaced),
      Number.POSITIVE_INFINITY,
    );
    // What the duplicate check adds by itself (it rides in the reply's insert statement): the same
    // follow-up, unpaced, with and without a duplicate window. Every title differs, so none is refused.
    const checked = Object.assign(() => unpaced('reply'), { duplicateSeconds: settings.get('limits.duplicateMinutes') * 60 });
    const duplicates: PairFigure = await interleave(
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, checked),
      () => reply(db, member, root.id, { title: `跟帖 ${n++}` }, unpaced),
      1.1,
    );
    // What a board's review setting adds for an established member (never held): the board's setting
    // rides in the reply's first statement (the pace, spent before it, already said whether the
    // member is new). The same paced follow-up on a board with review 'new' and on one with it off.
    const trustedMember = await createMember(db, { username: '老會員', password: 'bench password 跟帖' });
    await db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', trustedMember.id).execute();
    const established = { ...trustedMember, joinedAt: new Date(Date.now() - 30 * 86400_000), trust: 'trusted' as const };
    const reviewed = await createBoard(db, { slug: 'limits-review', name: '審核版' });
    await db.updateTable('boards').set({ review: 'new' }).where('id', '=', reviewed.id).execute();
    const reviewedRoot = await createThread(db, established, 'limits-review', { title: '審核版主題' }, unpaced);
    const openRoot = await createThread(db, established, 'limits', { title: '不審核的主題' }, unpaced);
    const review: PairFigure = await interleave(
      () => reply(db, established, reviewedRoot.id, { title: `跟帖 ${n++}` }, pacing(established, '203.0.113.10')),
      () => reply(db, established, openRoot.id, { title: `跟帖 ${n++}` }, pacing(established, '203.0.113.10')),
      1.1,
    );
    console.log(
      `reply by an established member on a board with review on vs off: p50 ${review.withP50.toFixed(2)} ms vs ${review.withoutP50.toFixed(2)} ms, ` +
        `ratio ${review.ratio.toFixed(3)} (target ≤ ${review.target}) ${review.ratio <= review.target ? 'ok' : 'MISSED'}`,
    );
    console.log(
      `reply with the duplicate check vs without: p50 ${duplicates.withP50.toFixed(2)} ms vs ${duplicates.withoutP50.toFixed(2)} ms, ` +
        `ratio ${duplicates.ratio.toFixed(3)}`,
    );
    console.log(
      `reply with every posting rule (limits, duplicate check, address kept) vs a bare one: p50 ${allRules.withP50.toFixed(2)} ms vs ` +
        `${allRules.withoutP50.toFixed(2)} ms, ratio ${allRules.ratio.toFixed(3)}`,
    );
    console.log(replyLine(figure));
    const flood = await floodBench(db, withDatabase(embedded.url, DATABASE), (m) => console.log(m));
    console.log(
      `${FLOOD.members} members posting at once: p50 ${flood.alone.p50.toFixed(1)} ms, p95 ${flood.alone.p95.toFixed(1)} ms alone; ` +
        `p50 ${flood.hammered.p50.toFixed(1)} ms, p95 ${flood.hammered.p95.toFixed(1)} ms beside one member hammering ` +
        `(${flood.hammer.refused} refused, ${flood.hammer.landed} landed, ${flood.hammer.other} other: ${statusList(flood.hammer.otherStatuses)}; ` +
        `p50 of a refusal ${flood.hammer.p50.toFixed(1)} ms); ` +
        `ratio p50 ${flood.ratioP50.toFixed(3)}, p95 ${flood.ratioP95.toFixed(3)}`,
    );
    writeFileSync(
      RESULTS_FILE,
      `${JSON.stringify({ date: new Date().toISOString(), reply: figure, allRules, duplicateCheck: duplicates, reviewOn: review, flood }, null, 2)}\n`,
    );
    console.log(`figures written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
    if (flood.serverErrors)
      throw new Error(
        `limits: the flood had ${flood.serverErrors} answers with a 5xx status, e.g. ${flood.serverErrorExamples.join(' | ')}`,
      );
  } finally {
    await db.destroy();
    await embedded.stop();
  }
}

/** The limits' figure as printed. */
const replyLine = (figure: PairFigure) =>
  `reply with the posting limits vs without: p50 ${figure.withP50.toFixed(2)} ms vs ${figure.withoutP50.toFixed(2)} ms ` +
  `(mean ${figure.withMean.toFixed(2)} vs ${figure.withoutMean.toFixed(2)}), ratio ${figure.ratio.toFixed(3)} ` +
  `(target ≤ ${figure.target}) ${figure.ratio <= figure.target ? 'ok' : 'MISSED'}, ${figure.samples} samples each, interleaved`;

/** The flood's shape: how many post at once, in how many threads, and how hard one member hammers. */
const FLOOD = {
  members: 200,
  /** Each round takes the next group of members, so nobody nears their own 6 a minute. */
  groups: 4,
  /** Measured rounds, half with the hammering member, half without, alternating. */
  rounds: 16,
  threads: 10,
  /** Requests the hammering member keeps in flight, back to back. */
  hammerConcurrency: 10,
};

export interface FloodFigure {
  members: number;
  rounds: number;
  threads: number;
  hammerConcurrency: number;
  /** The 200's follow-ups, every round of a kind together: in ms. */
  alone: { p50: number; p95: number; samples: number };
  hammered: { p50: number; p95: number; samples: number };
  /**
   * The hammering member's requests while the 200 posted: refused (429), landed (201), any other
   * answer (`other`, by status in `otherStatuses`: a status, or `no answer` for a request that got
   * none), p50 in ms.
   */
  hammer: { sent: number; refused: number; landed: number; other: number; otherStatuses: Record<string, number>; p50: number };
  ratioP50: number;
  ratioP95: number;
  /** Each round's p50 in ms, in the order run, and whether the member hammered during it. */
  perRound: { hammered: boolean; p50: number }[];
  /** Follow-ups of the 200 that did not land (any status but 201): must be none. */
  failures: string[];
  /** Answers with a 5xx status, the 200's and the hammering member's, and the first few: the bench fails on any. */
  serverErrors: number;
  serverErrorExamples: string[];
}

/** The status in one of the load generator's error lines (`POST /path: 503 body…`), or `no answer` where the request got none. */
const statusOf = (error: string) => /^\S+ \S+: (\d{3})(?: |$)/.exec(error)?.[1] ?? 'no answer';
const statusList = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ') || 'none';

/**
 * The flood: the app on its own pool as a process has it, TRUST_PROXY=loopback so each member
 * posts from an address of their own (X-Forwarded-For), every limit at its documented default
 * (RATE_LIMIT_MULTIPLIER=1). Members are trusted by hand and signed in by session rows, so
 * seeding costs no password hashing per member.
 */
async function floodBench(seedDb: Kysely<Database>, url: string, log: (m: string) => void): Promise<FloodFigure> {
  const env = { DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_MULTIPLIER: '1', TRUST_PROXY: 'loopback' };
  const appDb = connect(url);
  const cleanups: (() => Promise<unknown>)[] = [];
  const load = new LoadGenerator();
  try {
    const appUrl = await listenLocal(
      http.createServer(
        createApp({
          config: loadConfig(env),
          settings: createSettingsStore(appDb, env, { refreshMs: 0 }),
          db: appDb,
          log: createLogger('silent'),
        }),
      ),
      cleanups,
      30_000,
    );
    const passwordHash = await hashPassword('bench password 跟帖');
    const member = async (name: string, address: string) => {
      const user = await insertUser(seedDb, { name, nameKey: name, passwordHash, role: 'member' });
      if (!user) throw new Error(`bench: member ${name} exists already`);
      await seedDb.updateTable('users').set({ trust: 'trusted' }).where('id', '=', user.id).execute();
      const { token } = await openSession(seedDb, user, { address, userAgent: 'bench', device: undefined });
      return { cookie: `gentie_session=${token}`, address };
    };
    await createBoard(seedDb, { slug: 'flood', name: '洪水測試' });
    const starter = await createMember(seedDb, { username: 'flood_starter', password: 'bench password 跟帖' });
    const threads: string[] = [];
    for (let i = 0; i < FLOOD.threads; i++)
      threads.push((await createThread(seedDb, starter, 'flood', { title: `熱帖 ${i}` }, unpaced)).id);
    const groups: { cookie: string; address: string }[][] = [];
    for (let g = 0; g < FLOOD.groups; g++) {
      const group = [];
      for (let i = 0; i < FLOOD.members; i++) group.push(await member(`flood_${g}_${i}`, `10.${g}.${i >> 8}.${(i & 255) + 1}`));
      groups.push(group);
    }
    const hammerer = await member('flood_hammer', '198.51.100.7');
    log(`flood: ${FLOOD.groups} × ${FLOOD.members} members and one more signed in, ${FLOOD.threads} threads`);

    let n = 0;
    const replySpec = (who: { cookie: string; address: string }, thread: string): RequestSpec => ({
      method: 'POST',
      path: `/api/posts/${thread}/replies`,
      body: JSON.stringify({ title: `一起跟帖 ${n++}` }),
      headers: { cookie: who.cookie, 'x-forwarded-for': who.address, 'sec-fetch-site': 'same-origin' },
    });
    const round = (group: number) =>
      load.run({
        baseUrl: appUrl,
        requests: groups[group]!.map((who, i) => replySpec(who, threads[i % threads.length]!)),
        warmup: 0,
        count: FLOOD.members,
        concurrency: FLOOD.members,
        expectStatus: 201,
      });
    // The hammering member posts into the first thread (shared with a tenth of the 200), all distinct.
    const hammerSpecs = Array.from({ length: 20_000 }, () => replySpec(hammerer, threads[0]!));
    // Throttled before the measuring starts: spend their burst until the first refusal.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(appUrl + hammerSpecs[0]!.path, {
        method: 'POST',
        headers: { ...hammerSpecs[i]!.headers, 'content-type': 'application/json' },
        body: hammerSpecs[i]!.body,
      });
      const body = Buffer.from(await res.arrayBuffer()).toString('utf8', 0, 200);
      if (res.status >= 500) throw new Error(`limits: the hammering member's burst was answered ${res.status} ${body}`);
      if (res.status === 429) break;
    }

    await round(FLOOD.groups - 1); // warm-up, not measured
    const alone: number[] = [];
    const hammered: number[] = [];
    const hammer = { sent: 0, refused: 0, landed: 0, other: 0, otherStatuses: {} as Record<string, number>, latencies: [] as number[] };
    const failures: string[] = [];
    // Any 5xx, the 200's or the hammering member's: the bench fails on it (a limit must refuse, never break).
    const serverErrors: string[] = [];
    const perRound: { hammered: boolean; p50: number }[] = [];
    for (let r = 0; r < FLOOD.rounds; r++) {
      // Pairs alternate which goes first, so drift over the run hits both alike.
      const withHammer = (r + (r >> 1)) % 2 === 1;
      const group = r % FLOOD.groups;
      if (!withHammer) {
        const res = await round(group);
        alone.push(...res.latenciesMs.filter((x) => !Number.isNaN(x)));
        perRound.push({ hammered: false, p50: percentile(res.latenciesMs, 50) });
        failures.push(...res.errors);
        continue;
      }
      const job = load.start({
        baseUrl: appUrl,
        requests: hammerSpecs,
        warmup: 0,
        count: hammerSpecs.length,
        concurrency: FLOOD.hammerConcurrency,
        expectStatus: 429,
        untilMs: 60_000,
      });
      // Let the hammering reach its pace before the 200 start.
      await new Promise((r) => setTimeout(r, 200));
      const res = await round(group);
      job.stop();
      const h = await job.done;
      hammered.push(...res.latenciesMs.filter((x) => !Number.isNaN(x)));
      perRound.push({ hammered: true, p50: percentile(res.latenciesMs, 50) });
      failures.push(...res.errors);
      const sent = h.latenciesMs.filter((x) => !Number.isNaN(x));
      hammer.sent += sent.length;
      hammer.latencies.push(...sent);
      for (const error of h.errors) {
        const status = statusOf(error);
        if (status === '201') hammer.landed++;
        else {
          hammer.other++;
          hammer.otherStatuses[status] = (hammer.otherStatuses[status] ?? 0) + 1;
        }
      }
      serverErrors.push(...h.errors.filter((e) => statusOf(e).startsWith('5')));
    }
    // A request with no answer has no latency either: it is not among those sent.
    hammer.refused = hammer.sent - hammer.landed - (hammer.other - (hammer.otherStatuses['no answer'] ?? 0));
    const figure = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), samples: xs.length });
    const a = figure(alone);
    const h = figure(hammered);
    if (failures.length) log(`flood: ${failures.length} follow-ups of the 200 did not land, e.g. ${failures[0]}`);
    serverErrors.push(...failures.filter((e) => statusOf(e).startsWith('5')));
    return {
      ...FLOOD,
      alone: a,
      hammered: h,
      hammer: {
        sent: hammer.sent,
        refused: hammer.refused,
        landed: hammer.landed,
        other: hammer.other,
        otherStatuses: hammer.otherStatuses,
        p50: percentile(hammer.latencies, 50),
      },
      ratioP50: h.p50 / a.p50,
      ratioP95: h.p95 / a.p95,
      perRound,
      failures: failures.slice(0, 5),
      serverErrors: serverErrors.length,
      serverErrorExamples: serverErrors.slice(0, 5),
    };
  } finally {
    await load.close();
    for (const fn of cleanups.reverse()) await fn();
    await appDb.destroy();
  }
}
