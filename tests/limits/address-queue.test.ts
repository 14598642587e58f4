import { sql } from 'kysely';
import { type TestApp, startTestApp } from '../helpers/app';
import { countRows } from '../helpers/rows';
import { createMember, createTestBoard, createThread, logInClient } from '../factories';

// Members behind one address (a NAT, a campus, a proxy not trusted: every client of this test is
// 127.0.0.1) share the address's posting windows, but never wait for each other's writes: the
// address's count is spent in a statement of its own, not inside a transaction that keeps its row
// locked until it commits (what made every soak writer queue behind the one before, each holding a
// pooled connection: issue 17).

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1' } });
});
afterAll(() => app.close());

/** Resolves once a backend of the app waits for a row lock (the blocked follow-up). */
async function untilSomeoneWaitsForALock(): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(app.db);
    if (rows[0]!.n > 0) return;
    if (Date.now() > deadline) throw new Error('no follow-up ever waited for the locked thread');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The promise's value, or 'still waiting' when it has not settled by `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

it("a member's follow-up at an address does not wait while another member's, at the same address, waits for its thread", async () => {
  const board = await createTestBoard(app.db);
  const busy = await createThread(app.db, { board });
  const quiet = await createThread(app.db, { board });
  const [first, second] = [await createMember(app.db), await createMember(app.db)];
  const [a, b] = [app.client(), app.client()];
  await logInClient(a, first);
  await logInClient(b, second);
  const before = await countRows(app.db, 'posts');

  // The busy thread's row held by another transaction (a moderator locking it, a burst of
  // follow-ups): the first member's follow-up waits for it inside its own transaction.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const holding = app.db.transaction().execute(async (tx) => {
    await sql`select 1 from threads where thread_id = ${busy.id} for update`.execute(tx);
    await released;
  });
  try {
    const waiting = a.post(`/api/posts/${busy.id}/replies`, { title: '等鎖的跟帖' });
    await untilSomeoneWaitsForALock();
    // The second member, same address, another thread: answered while the first still waits.
    const answered = await within(
      b.post(`/api/posts/${quiet.id}/replies`, { title: '不必排隊' }).then((r) => r.status),
      15_000,
    );
    expect([200, 201]).toContain(answered);
    release();
    expect([200, 201]).toContain((await waiting).status);
  } finally {
    release();
    await holding;
  }
  expect(await countRows(app.db, 'posts')).toBe(before + 2);
  // Both follow-ups spent the address's windows, one point each.
  const row = await app.db
    .selectFrom('pace_counts')
    .select(['burst_points', 'sustained_points'])
    .where('key', '=', 'reply:address:127.0.0.1')
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ burst_points: 2, sustained_points: 2 });
});
