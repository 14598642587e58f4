import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { StatementAhead, sendStatementsAhead } from '../../server/db/ahead';
import { type TestDatabase, createTestDatabase } from '../helpers/database';

// A statement sent ahead of a transaction's BEGIN (the address's posting limits, limits/paced.ts):
// on the transaction's own connection, answered before the transaction's first statement, and
// committed on its own, so the transaction neither undoes it nor keeps its rows locked.
let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase({ max: 2 });
  await sql`create table ahead_counts (key text primary key, n int not null)`.execute(test.db);
  await sql`insert into ahead_counts values ('a', 0)`.execute(test.db);
});
afterAll(() => test.drop());

const spend = () =>
  new StatementAhead(
    sql<{ n: number; pid: number }>`update ahead_counts set n = n + 1 where key = 'a' returning n, pg_backend_pid() as pid`.compile(
      test.db,
    ),
  );
const count = async () => (await sql<{ n: number }>`select n from ahead_counts where key = 'a'`.execute(test.db)).rows[0]!.n;

it("is answered on the transaction's connection before its first statement, and is not undone by its rollback", async () => {
  const before = await count();
  const ahead = spend();
  const seen = await ahead
    .run(() =>
      test.db.transaction().execute(async (tx) => {
        const answer = await ahead.answer!;
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
        // Another connection updates the row while the transaction is open: not locked by it.
        await sql`update ahead_counts set n = n + 10 where key = 'a'`.execute(test.db);
        throw Object.assign(new Error('rolled back'), { answer, pid: rows[0]!.pid });
      }),
    )
    .catch((error: { answer: { n: number; pid: number }[]; pid: number }) => error);
  expect(seen.answer).toEqual([{ n: before + 1, pid: seen.pid }]);
  expect(await count()).toBe(before + 11);
});

it('goes with the first BEGIN only, and not at all without one', async () => {
  const before = await count();
  const ahead = spend();
  await ahead.run(async () => {
    await sql`select 1`.execute(test.db);
    expect(ahead.answer).toBeUndefined();
    await test.db.transaction().execute((tx) => sql`select 1`.execute(tx));
    await test.db.transaction().execute((tx) => sql`select 1`.execute(tx));
  });
  expect(await ahead.answer).toHaveLength(1);
  expect(await count()).toBe(before + 1);
  // The connections went back to one statement at a time: a transaction after it is plain.
  await test.db.transaction().execute(async (tx) => {
    await sql`update ahead_counts set n = n + 1 where key = 'a'`.execute(tx);
  });
  expect(await count()).toBe(before + 2);
});

it("reports the statement's failure to whoever reads its answer, and begins the transaction all the same", async () => {
  const ahead = new StatementAhead(sql`select 1 / 0`.compile(test.db));
  const inside = await ahead.run(() =>
    test.db.transaction().execute(async (tx) => {
      const failure = await ahead.answer!.then(
        () => null,
        (error: Error) => error.message,
      );
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(tx);
      return { failure, one: rows[0]!.one };
    }),
  );
  expect(inside).toEqual({ failure: 'division by zero', one: 1 });
});

/** One pooled client of its own, with every statement it writes noted (text, and whether pipelined). */
async function recordingDb() {
  const client = new pg.Client({ connectionString: test.url });
  await client.connect();
  const written: { text: string; pipelined: boolean }[] = [];
  // When each COMMIT was answered and the client released, in order with the caller's own notes.
  const events: string[] = [];
  const query = client.query.bind(client) as (config: unknown, values?: unknown) => Promise<unknown>;
  client.query = ((config: unknown, values?: unknown) => {
    const text = typeof config === 'string' ? config : String((config as { text?: string }).text);
    written.push({ text: text.trim().split(/\s+/).slice(0, 2).join(' '), pipelined: client.pipeline });
    const answer = query(config, values);
    if (text === 'commit') answer.then(() => events.push('commit answered')).catch(() => undefined);
    return answer;
  }) as typeof client.query;
  sendStatementsAhead(client as unknown as pg.PoolClient);
  const pool = { connect: async () => Object.assign(client, { release: () => events.push('released') }), end: () => client.end() };
  const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: pool }) });
  return { db, written, client, events };
}

// Without a statement ahead, a transaction's BEGIN is held back and written with its first
// statement: one round trip instead of two (docs/performance.md, "BEGIN with the first statement").
describe("a transaction's BEGIN, written with its first statement", () => {
  it('goes out with the first statement, pipelined, and the transaction holds from BEGIN on', async () => {
    const { db, written } = await recordingDb();
    try {
      const [first, second] = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (tx) => [
          (await sql<{ xid: string; at: Date }>`select txid_current()::text as xid, now() as at`.execute(tx)).rows[0]!,
          (await sql<{ xid: string; at: Date }>`select txid_current()::text as xid, now() as at`.execute(tx)).rows[0]!,
        ]);
      // One transaction around both statements: the same id and the same start time.
      expect(second).toEqual(first);
      expect(written).toEqual([
        { text: 'start transaction', pipelined: true },
        { text: 'select txid_current()::text', pipelined: true },
        { text: 'select txid_current()::text', pipelined: false },
        { text: 'commit', pipelined: false },
      ]);
      // A transaction that runs no statement writes nothing at all.
      written.length = 0;
      expect(await db.transaction().execute(async () => 7)).toBe(7);
      expect(written).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('answers statements written together at its start each with its own rows, and rolls back with them', async () => {
    const { db } = await recordingDb();
    try {
      for (let round = 0; round < 20; round++) {
        const answers = await db.transaction().execute((tx) =>
          Promise.all(
            [1, 2, 3, 4, 5].map(async (n) => {
              const rows = (await sql<{ n: number }>`select ${n}::int as n, pg_sleep(${n % 2 ? 0.002 : 0})`.execute(tx)).rows;
              // A statement after the pipelined ones, while others may still be in flight.
              const again = (await sql<{ n: number }>`select ${n * 10}::int as n`.execute(tx)).rows;
              return [rows[0]!.n, again[0]!.n];
            }),
          ),
        );
        expect(answers).toEqual([1, 2, 3, 4, 5].map((n) => [n, n * 10]));
      }
      // A failing first statement rolls the transaction back; the connection goes on as usual.
      const before = await count();
      await expect(
        db.transaction().execute(async (tx) => {
          await sql`update ahead_counts set n = n + 1 where key = 'a'`.execute(tx);
          await sql`select 1 / 0`.execute(tx);
        }),
      ).rejects.toThrow('division by zero');
      expect(await count()).toBe(before);
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });
});

// A read-only transaction (one snapshot for several reads: a thread's window, a page of a
// subtree, a search's walk) ends without waiting for its COMMIT (docs/performance.md).
describe("a read-only transaction's COMMIT", () => {
  const readOnly = <T>(db: Kysely<Record<string, never>>, work: (tx: Kysely<Record<string, never>>) => Promise<T>) =>
    db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(work);
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('is not waited for, and the client goes back to the pool only once it is answered', async () => {
    const { db, events } = await recordingDb();
    try {
      const { rows } = await readOnly(db, (tx) => sql<{ one: number }>`select 1 as one`.execute(tx));
      events.push('answered');
      expect(rows).toEqual([{ one: 1 }]);
      await until(() => events.includes('released'));
      expect(events).toEqual(['answered', 'commit answered', 'released']);
      // A transaction that may write waits for its COMMIT, and is released before it answers.
      events.length = 0;
      await db.transaction().execute((tx) => sql`select 1`.execute(tx));
      events.push('answered');
      expect(events).toEqual(['commit answered', 'released', 'answered']);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a write inside it, which then changes nothing', async () => {
    const { db, events } = await recordingDb();
    try {
      const before = await count();
      await expect(readOnly(db, (tx) => sql`update ahead_counts set n = n + 1 where key = 'a'`.execute(tx))).rejects.toThrow(
        'read-only transaction',
      );
      expect(await count()).toBe(before);
      expect(events).toContain('released');
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it("keeps a pool's clients apart: many at once through two connections, each answered with its own snapshot", async () => {
    const before = await count();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0
          ? test.db.transaction().execute(async (tx) => {
              await sql`update ahead_counts set n = n + 1 where key = 'a'`.execute(tx);
              return -1;
            })
          : test.db
              .transaction()
              .setIsolationLevel('repeatable read')
              .setAccessMode('read only')
              .execute(async (tx) => {
                const first = (await sql<{ n: number }>`select n from ahead_counts where key = 'a'`.execute(tx)).rows[0]!.n;
                const again = (await sql<{ n: number; i: number }>`select n, ${i}::int as i from ahead_counts where key = 'a'`.execute(tx))
                  .rows[0]!;
                // One snapshot: both reads agree, whatever committed between them.
                expect(again.n).toBe(first);
                return again.i;
              }),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? -1 : i)));
    expect(await count()).toBe(before + 10);
  });
});
