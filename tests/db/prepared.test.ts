import { sql } from 'kysely';
import { preparedQuery } from '../../server/db/prepared';
import { type TestDatabase, createTestDatabase } from '../helpers/database';

// Statements marked by preparedQuery are prepared once per connection and reused; every other
// statement is sent as before. One connection (max 1), so pg_prepared_statements shows its own.
let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase({ max: 1 });
});
afterAll(() => test.drop());

const prepared = async () =>
  (
    await sql<{
      name: string;
      calls: string;
    }>`select name, generic_plans + custom_plans as calls from pg_prepared_statements order by name`.execute(test.db)
  ).rows;

describe('statements prepared per connection', () => {
  it('prepares a marked statement once, runs it with its parameters, and leaves other statements alone', async () => {
    const one = (n: number, optional: boolean) =>
      preparedQuery(
        test.db,
        'probe',
        sql<{
          n: number;
          doubled: number | null;
        }>`select ${n}::int as n, ${optional ? sql`${n}::int * 2` : sql`null`}::int as doubled`.compile(test.db),
      );
    expect(await one(1, false)).toEqual([{ n: 1, doubled: null }]);
    expect(await one(2, false)).toEqual([{ n: 2, doubled: null }]);
    await sql`select 1`.execute(test.db);
    const once = await prepared();
    expect(once).toHaveLength(1);
    expect(once[0]!.name).toMatch(/^probe_[0-9a-f]{12}$/);
    expect(Number(once[0]!.calls)).toBe(2);
    // The statement with its optional part is another text: prepared apart, under the same label.
    expect(await one(3, true)).toEqual([{ n: 3, doubled: 6 }]);
    const both = await prepared();
    expect(both.map((s) => s.name.slice(0, 6))).toEqual(['probe_', 'probe_']);
    expect(new Set(both.map((s) => s.name)).size).toBe(2);
  });

  it('runs inside a transaction on the transaction’s connection', async () => {
    const seen = await test.db.transaction().execute(async (tx) => {
      await sql`create temporary table probe_rows (n int) on commit drop`.execute(tx);
      await sql`insert into probe_rows values (7)`.execute(tx);
      return preparedQuery(tx, 'probe_tx', sql<{ n: number }>`select n from probe_rows`.compile(tx));
    });
    expect(seen).toEqual([{ n: 7 }]);
  });
});
