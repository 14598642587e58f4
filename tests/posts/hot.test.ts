import { sql } from 'kysely';
import { type HotList, closeHotWeek, hotThreads } from '../../server/posts/posts.hot';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import {
  type ApiPost,
  type TestMember,
  createMember,
  createModerator,
  createReply,
  createTestBoard,
  createThread,
  logInClient,
  memberClient,
  postReply,
  postThread,
} from '../factories';

// Hot threads (十大, issue 15): today's and this week's threads by distinct members replying,
// through GET /api/hot and the pages that show them (/ and /b/:slug). The lists are kept in memory
// and told of changes by the realtime hub's LISTEN (posts.hot.ts): HOT_REFRESH_SECONDS=0 lets
// every change be recomputed on the next request, but a change is heard a moment after its
// commit, so the assertions after a write wait for it (eventually).
jest.setTimeout(90_000);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { HOT_REFRESH_SECONDS: '0' } });
});
afterAll(() => app.close());

interface HotJson {
  period: string;
  since: string;
  until: string;
  board: { slug: string; name: string } | null;
  threads: { threadId: string; title: string; repliers: number; starterReplied: boolean; heat: number; readCount: number; rank: number }[];
}

async function hot(query: Record<string, string>, client: HttpClient = app.client()): Promise<HotJson> {
  const res = await client.get(`/api/hot?${new URLSearchParams(query)}`);
  if (res.status !== 200) throw new Error(`GET /api/hot answered ${res.status} ${res.text}`);
  return res.json as HotJson;
}

/** Retries `check` until it passes (the hub hears a change a moment after its commit), up to 10 s. */
async function eventually<T>(check: () => Promise<T>): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const ids = (list: HotJson) => list.threads.map((t) => t.threadId);

/** A thread on `board` by `starter`, with one follow-up from each of `repliers` (and `times` from each). */
async function threadWith(board: { slug: string }, starter: TestMember, repliers: TestMember[], times = 1) {
  const root = await createThread(app.db, { board, author: starter, title: `主題 ${starter.name}` });
  for (const m of repliers) for (let i = 0; i < times; i++) await createReply(app.db, root.id, { author: m, title: `跟帖 ${i}` });
  return root;
}

const members = (n: number) => Promise.all(Array.from({ length: n }, () => createMember(app.db)));

describe('ranking', () => {
  it('ranks by distinct members replying: one member bumping their own thread 50 times does not outrank 5 members', async () => {
    const board = await createTestBoard(app.db);
    const bumper = app.client();
    await memberClient(app.db, bumper);
    // The bump, as its author would do it: fifty follow-ups through the API.
    const bumped = await postThread(bumper, board, '頂我的帖子');
    for (let i = 0; i < 50; i++) await postReply(bumper, bumped.id, `頂 ${i}`);
    const [a, b, c, d, e, starter] = await members(6);
    const five = await threadWith(board, starter!, [a!, b!, c!, d!, e!]);
    // Two members, one of them replying twenty times: two.
    const two = await threadWith(board, (await members(1))[0]!, [a!], 20);
    await createReply(app.db, two.id, { author: b! });

    const list = await eventually(async () => {
      const l = await hot({ board: board.slug });
      expect(ids(l)).toEqual([five.id, two.id, bumped.id]);
      return l;
    });
    const [first, second, third] = list.threads;
    expect(first).toMatchObject({ repliers: 5, starterReplied: false, heat: 5, rank: 1 });
    expect(second).toMatchObject({ repliers: 2, heat: 2 });
    // Fifty follow-ups by the starter: a quarter.
    expect(third).toMatchObject({ repliers: 0, starterReplied: true, heat: 0.25 });
  });

  it('orders threads of equal heat by their reads', async () => {
    const board = await createTestBoard(app.db);
    const [s1, s2, r] = await members(3);
    const quiet = await threadWith(board, s1!, [r!]);
    const read = await threadWith(board, s2!, [r!]);
    // Three readers (anonymous: an address and a browser each) read the second thread.
    for (const agent of ['Mozilla/5.0 (X11; Linux) A', 'Mozilla/5.0 (X11; Linux) B', 'Mozilla/5.0 (X11; Linux) C']) {
      expect((await app.client().get(`/t/${read.id}`, { 'user-agent': agent })).status).toBe(200);
    }
    await app.reads.flush();
    await eventually(async () => {
      const l = await hot({ board: board.slug });
      expect(ids(l)).toEqual([read.id, quiet.id]);
      expect(l.threads[0]!.readCount).toBe(3);
    });
  });

  it('leaves out locked threads and deleted roots, and does not count deleted follow-ups', async () => {
    const board = await createTestBoard(app.db);
    const moderator = await createModerator(app.db, board);
    const mod = app.client();
    await logInClient(mod, moderator);
    const [s1, s2, s3, a, b, c] = await members(6);
    const locked = await threadWith(board, s1!, [a!, b!, c!]);
    const deleted = await threadWith(board, s2!, [a!, b!]);
    const thinned = await threadWith(board, s3!, [a!]);
    const second = await createReply(app.db, thinned.id, { author: b!, title: '會被刪的跟帖' });
    // Two threads of two members and no reads: the later follow-up first.
    await eventually(async () => expect(ids(await hot({ board: board.slug }))).toEqual([locked.id, thinned.id, deleted.id]));

    expect((await mod.post(`/api/threads/${locked.id}/lock`)).status).toBe(200);
    expect((await mod.request('DELETE', `/api/posts/${deleted.id}`, { json: { reason: '違規' } })).status).toBe(200);
    expect((await mod.request('DELETE', `/api/posts/${second.id}`, { json: { reason: '違規' } })).status).toBe(200);
    await eventually(async () => {
      const l = await hot({ board: board.slug });
      expect(ids(l)).toEqual([thinned.id]);
      expect(l.threads[0]!.repliers).toBe(1);
    });

    // Unlocked and restored, they count again.
    expect((await mod.post(`/api/threads/${locked.id}/unlock`)).status).toBe(200);
    expect((await mod.post(`/api/posts/${second.id}/restore`)).status).toBe(200);
    await eventually(async () => {
      const l = await hot({ board: board.slug });
      expect(ids(l)).toEqual([locked.id, thinned.id]);
      expect(l.threads[1]!.repliers).toBe(2);
    });
  });

  it('never counts a follow-up held for review', async () => {
    const board = await createTestBoard(app.db);
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', board.id).execute();
    const [starter, trusted, later] = await members(3);
    await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', 'in', [starter!.id, trusted!.id, later!.id]).execute();
    const root = await threadWith(board, starter!, [trusted!]);
    await eventually(async () => expect((await hot({ board: board.slug })).threads[0]).toMatchObject({ threadId: root.id, repliers: 1 }));
    // A new member's follow-ups wait for a moderator: 202, and the list does not move.
    const newcomer = app.client();
    await memberClient(app.db, newcomer);
    for (let i = 0; i < 3; i++) expect((await newcomer.post(`/api/posts/${root.id}/replies`, { title: `新人 ${i}` })).status).toBe(202);
    // A follow-up that does count, after them: once it shows, the held ones would have too.
    await createReply(app.db, root.id, { author: later! });
    await eventually(async () => expect((await hot({ board: board.slug })).threads[0]).toMatchObject({ threadId: root.id, repliers: 2 }));
  });

  it('leaves out the threads of members the reader ignores', async () => {
    const board = await createTestBoard(app.db);
    const [s1, s2, a, b] = await members(4);
    const ignoredThread = await threadWith(board, s1!, [a!, b!]);
    const other = await threadWith(board, s2!, [a!]);
    const reader = app.client();
    await memberClient(app.db, reader);
    expect((await reader.post(`/api/members/${encodeURIComponent(s1!.name)}/ignore`)).status).toBe(200);
    await eventually(async () => expect(ids(await hot({ board: board.slug }))).toEqual([ignoredThread.id, other.id]));
    expect(ids(await hot({ board: board.slug }, reader))).toEqual([other.id]);
    const page = await reader.get(`/b/${board.slug}`);
    expect(page.text).not.toContain(`class="hot-thread" data-thread="${ignoredThread.id}"`);
    expect(page.text).toContain(`class="hot-thread" data-thread="${other.id}"`);
    // The site-wide list on / names each thread's board after its title, apart from it.
    await eventually(async () => expect((await reader.get('/')).text).toMatch(/<\/a> <a href="\/b\/[^"]+" class="hot-board">\[/));
    expect((await reader.get('/')).text).not.toMatch(/<\/a><a [^>]*class="hot-board"/);
    // The browser module leaves the ignored member's threads out of live updates too.
    expect(page.text).toContain(`data-ignored="${JSON.stringify([s1!.name]).replace(/"/g, '&quot;')}"`);
  });

  it('refuses a period it does not know and a board that is not there, in the reader’s script', async () => {
    const bad = await app.client().get('/api/hot?period=month&variant=zh-hans');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('ValidationFailed');
    const missing = await app.client().get('/api/hot?board=no-such-board');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('BoardNotFound');
    const page = await app.client().get('/zh-tw/?hot=month');
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});

describe('pages, in both scripts', () => {
  let board: { slug: string; name: string };
  let thread: ApiPost;
  beforeAll(async () => {
    board = await createTestBoard(app.db, { name: '軟體版' });
    const writer = app.client();
    await memberClient(app.db, writer);
    thread = await postThread(writer, board, '開發這個問題的討論');
    const [a, b] = await members(2);
    await createReply(app.db, thread.id, { author: a! });
    await createReply(app.db, thread.id, { author: b! });
    await eventually(async () => expect(ids(await hot({ board: board.slug }))).toEqual([thread.id]));
  });

  it('shows the board’s hot threads on its page, titles converted, with a switch to the week that needs no JavaScript', async () => {
    const hans = await app.client().get(`/zh-hans/b/${board.slug}`);
    expect(hans.status).toBe(200);
    expect(hans.text).toContain('十大热门');
    expect(hans.text).toMatch(/<section class="hot"[^>]*data-period="today"/);
    expect(hans.text).toContain('开发这个问题的讨论');
    expect(hans.text).toContain('2 人跟帖');
    expect(hans.text).toContain(`href="/zh-hans/b/${board.slug}?hot=week"`);
    const week = await app.client().get(`/zh-tw/b/${board.slug}?hot=week`);
    expect(week.text).toContain('十大熱門');
    expect(week.text).toMatch(/<strong aria-current="true">本週<\/strong>/);
    expect(week.text).toMatch(/<section class="hot"[^>]*data-period="week"/);
    expect(week.text).toContain(`href="/zh-tw/t/${thread.id}"`);
    expect(week.text).toContain(`href="/zh-tw/b/${board.slug}"`);
  });

  it('shows the site’s hot threads on / with their boards', async () => {
    const hant = await app.client().get('/zh-hant/');
    expect(hant.text).toContain('十大熱門話題');
    expect(hant.text).toContain(`data-thread="${thread.id}"`);
    // The boards' names in the reader's variant too, as titles are (軟體, Taiwan's word, reads 軟件 in zh-hant).
    expect(hant.text).toContain('[軟件版]');
    expect((await app.client().get('/zh-tw/')).text).toContain('[軟體版]');
    const hans = await app.client().get('/zh-hans?hot=week');
    expect(hans.text).toContain('十大热门话题');
    expect(hans.text).toMatch(/<strong aria-current="true">本周<\/strong>/);
    expect(hans.text).toContain('开发这个问题的讨论');
  });

  it('gives the site’s list today as an Atom feed, in the variant of its prefix, linked from /', async () => {
    const today = await hot({});
    const feed = await app.client().get('/zh-tw/hot/feed.xml');
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    // Its entries are the list's threads, in the list's order.
    const entries = [...feed.text.matchAll(/<entry>\s*<id>[^<]*\/t\/(\d+)<\/id>/g)].map((m) => m[1]);
    expect(entries).toEqual(today.threads.map((t) => t.threadId));
    expect(entries).toContain(thread.id);
    const home = await app.client().get('/zh-tw/');
    expect(home.text).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(home.text).toContain('/zh-tw/hot/feed.xml');
  });

  it('answers GET /api/hot in the variant asked for', async () => {
    const list = await hot({ board: board.slug, variant: 'zh-hans', period: 'week' });
    expect(list.period).toBe('week');
    expect(list.board).toEqual({ slug: board.slug, name: '软件版' });
    expect(list.threads[0]).toMatchObject({ threadId: thread.id, title: '开发这个问题的讨论', repliers: 2, rank: 1 });
    const site = await hot({});
    expect(site.board).toBeNull();
    expect(ids(site)).toContain(thread.id);
  });
});

describe('today and this week, in TZ_DISPLAY', () => {
  /** An Etc/GMT zone (whole hours, no daylight saving) where it is now `hour` o'clock, and its offset. */
  function zoneAt(hour: number): { zone: string; offset: number } {
    let offset = (hour - new Date().getUTCHours() + 24) % 24;
    if (offset > 14) offset -= 24;
    return { zone: offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`, offset };
  }

  it('counts a follow-up in the day and week it was written in where the site displays times', async () => {
    // Noon where the first app is; six in the evening where the second is.
    const noon = zoneAt(12);
    const other = zoneAt(18);
    const board = await createTestBoard(app.db);
    const [s1, s2, s3, r] = await members(4);
    const threads = [await threadWith(board, s1!, [r!]), await threadWith(board, s2!, [r!]), await threadWith(board, s3!, [r!])];
    // The follow-ups moved: a minute after midnight at noon's zone, a minute before it, a minute before its Monday.
    const bounds = async (zone: string) => {
      const { rows } = await sql<{ today: Date; week: Date }>`
        select date_trunc('day', now() at time zone ${zone}) at time zone ${zone} as today,
          date_trunc('week', now() at time zone ${zone}) at time zone ${zone} as week`.execute(app.db);
      return rows[0]!;
    };
    const b = await bounds(noon.zone);
    const at = [new Date(b.today.getTime() + 60_000), new Date(b.today.getTime() - 60_000), new Date(b.week.getTime() - 60_000)];
    for (const [i, t] of threads.entries()) {
      await app.db
        .updateTable('posts')
        .set({ created_at: at[i]! })
        .where('thread_id', '=', t.id)
        .where('parent_id', 'is not', null)
        .execute();
    }
    // Apps started now, after the moves (their lists are computed on first use).
    const [first, second] = [
      await startTestApp({ databaseOf: app, env: { TZ_DISPLAY: noon.zone } }),
      await startTestApp({ databaseOf: app, env: { TZ_DISPLAY: other.zone } }),
    ];
    try {
      const expected = async (zone: string, period: 'today' | 'week') => {
        const z = await bounds(zone);
        const since = period === 'today' ? z.today : z.week;
        return threads.filter((_, i) => at[i]!.getTime() >= since.getTime()).map((t) => t.id);
      };
      const answers: Record<string, string[]> = {};
      for (const [which, zone] of [
        [first, noon.zone],
        [second, other.zone],
      ] as const) {
        for (const period of ['today', 'week'] as const) {
          const list = await hot({ board: board.slug, period }, which.client());
          const z = await bounds(zone);
          expect(new Date(list.since)).toEqual(period === 'today' ? z.today : z.week);
          expect(ids(list).sort()).toEqual((await expected(zone, period)).sort());
          answers[`${zone} ${period}`] = ids(list);
        }
      }
      // Where it is noon, the follow-up written a minute after midnight is today's; the one a minute before is not.
      expect(answers[`${noon.zone} today`]).toEqual([threads[0]!.id]);
      expect(answers[`${noon.zone} week`]).not.toContain(threads[2]!.id);
      // Where it is six in the evening, midnight was six hours earlier: the two days differ.
      expect(answers[`${other.zone} today`]).not.toEqual(answers[`${noon.zone} today`]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe("this week's ended days, summed up by the hot:close job", () => {
  /** An Etc/GMT zone where today is not Monday (there is always one: the zones span 26 hours). */
  async function notMonday(): Promise<{ zone: string; today: Date; week: Date }> {
    for (let offset = -12; offset <= 14; offset++) {
      const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
      const { rows } = await sql<{ today: Date; week: Date }>`
        select date_trunc('day', now() at time zone ${zone}) at time zone ${zone} as today,
          date_trunc('week', now() at time zone ${zone}) at time zone ${zone} as week`.execute(app.db);
      if (rows[0]!.today.getTime() > rows[0]!.week.getTime()) return { zone, ...rows[0]! };
    }
    throw new Error('no zone where today is not Monday');
  }

  it('gives the same week as reading every follow-up: a member replying on two days counts once, the starter a quarter', async () => {
    const { zone, today, week } = await notMonday();
    const board = await createTestBoard(app.db);
    const [s1, s2, s3, r1, r2, r3] = await members(6);
    // Moves follow-ups to an earlier day of this week (a minute before today), or to last week.
    const move = (ids: string[], at: Date) => app.db.updateTable('posts').set({ created_at: at }).where('id', 'in', ids).execute();
    const earlier = new Date(today.getTime() - 60_000);
    const lastWeek = new Date(week.getTime() - 60_000);

    // Two days: r1 and the starter on an earlier day; r1 again, r2, and the starter bumping, today.
    const both = await createThread(app.db, { board, author: s1!, title: '兩天的主題' });
    const before = [
      await createReply(app.db, both.id, { author: r1!, title: '前天' }),
      await createReply(app.db, both.id, { author: s1!, title: '頂' }),
    ];
    await move(
      before.map((p) => p.id),
      earlier,
    );
    await createReply(app.db, both.id, { author: r1!, title: '今天又來' });
    await createReply(app.db, both.id, { author: r2!, title: '今天' });
    for (let i = 0; i < 5; i++) await createReply(app.db, both.id, { author: s1!, title: `頂 ${i}` });
    // Earlier only: three members, one of whose follow-ups will be deleted.
    const earlierOnly = await createThread(app.db, { board, author: s2!, title: '前幾天的主題' });
    const old = [];
    for (const m of [r1!, r2!, r3!]) old.push(await createReply(app.db, earlierOnly.id, { author: m, title: '前幾天' }));
    await move(
      old.map((p) => p.id),
      earlier,
    );
    // Last week only: not in this week's list.
    const stale = await createThread(app.db, { board, author: s3!, title: '上週的主題' });
    await move([(await createReply(app.db, stale.id, { author: r1!, title: '上週' })).id], lastWeek);

    const week_ = () => hotThreads(app.db, { board: board.slug, period: 'week', timeZone: zone });
    const shape = (l: HotList) => l.threads.map((t) => [t.threadId, t.repliers, t.starterReplied, t.heat, t.lastReplyAt.toISOString()]);
    const live = await week_();
    expect(shape(live).map((t) => t.slice(0, 4))).toEqual([
      [earlierOnly.id, 3, false, 3],
      [both.id, 2, true, 2.25],
    ]);

    const closing = await closeHotWeek(app.db, zone);
    expect(closing).toMatchObject({ closed: true, since: week, until: today });
    const closedRow = await sql<{ until: Date }>`select until from hot_closed where since = ${week}`.execute(app.db);
    expect(closedRow.rows[0]!.until).toEqual(today);
    // The earlier days now come from the summary: the same list, to the last follow-up's time.
    expect(shape(await week_())).toEqual(shape(live));
    // Today's list never reads the summary.
    expect((await hotThreads(app.db, { board: board.slug, period: 'today', timeZone: zone })).threads.map((t) => t.threadId)).toEqual([
      both.id,
    ]);
    // Summed up already for today and within the hour: the job does nothing.
    expect(await closeHotWeek(app.db, zone)).toEqual({ closed: false, reason: 'fresh' });

    // A follow-up of an earlier day deleted: still counted until the next summing up (within the
    // hour), then not.
    await app.db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', old[2]!.id).execute();
    expect(shape(await week_())[0]!.slice(0, 2)).toEqual([earlierOnly.id, 3]);
    await sql`update hot_closed set computed_at = now() - interval '2 hours'`.execute(app.db);
    expect(await closeHotWeek(app.db, zone)).toMatchObject({ closed: true });
    expect(shape(await week_()).map((t) => t.slice(0, 4))).toEqual([
      [both.id, 2, true, 2.25],
      [earlierOnly.id, 2, false, 2],
    ]);

    // A summary of another week (the day turned to a new week) is not used, and the job replaces it.
    await sql`update hot_closed set since = since - interval '7 days'`.execute(app.db);
    expect(shape(await week_()).map((t) => t.slice(0, 4))).toEqual([
      [both.id, 2, true, 2.25],
      [earlierOnly.id, 2, false, 2],
    ]);
    expect(await closeHotWeek(app.db, zone)).toMatchObject({ closed: true });
    expect((await sql<{ n: string }>`select count(*) as n from hot_closed`.execute(app.db)).rows[0]!.n).toBe('1');
  });
});
