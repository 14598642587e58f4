import { sql } from 'kysely';
import { StatementAhead } from '../../server/db/ahead';
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
