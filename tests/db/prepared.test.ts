import { sql } from 'kysely';
import { findBoardBySlug, listBoards } from '../../server/boards/boards.repository';
import { preparedQuery } from '../../server/db/prepared';
import { NO_RULES } from '../../server/policy/policy';
import { postVersion } from '../../server/posts/posts.etag';
import { findBoardThreads, findIndexReplies } from '../../server/posts/posts.lists.repository';
import { findEventsSince } from '../../server/posts/posts.events.repository';
import { findPathRange, findWindowLines } from '../../server/posts/posts.paging.repository';
import { findPost, findThreadState } from '../../server/posts/posts.repository';
import { findWindowHead } from '../../server/posts/posts.windows.repository';
import { findSession } from '../../server/sessions/sessions.repository';
import { createMember, createReply, createTestBoard, createThread } from '../factories';
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

  it('prepares the reads on every page’s path, each once per connection', async () => {
    // Their planning cost PostgreSQL more than running them (pg_stat_statements over a soak):
    // docs/performance.md, "Hot reads prepared".
    const board = await createTestBoard(test.db);
    const member = await createMember(test.db);
    const root = await createThread(test.db, { board, author: member });
    await createReply(test.db, root.id);
    const reads = async () => {
      await postVersion(test.db, root.id, null, NO_RULES);
      await postVersion(test.db, root.id, member, NO_RULES);
      await findWindowHead(test.db, root.id);
      await findPost(test.db, root.id);
      await findThreadState(test.db, root.id);
      await findBoardThreads(test.db, board.id, 1);
      await findIndexReplies(test.db, [root.id], 5);
      await findPathRange(test.db, root.id, [root.id], [String(BigInt(root.id) + 1n)], 10, true);
      await findSession(test.db, Buffer.alloc(32), 60, 'UTC');
      await findWindowLines(test.db, root.id, { from: [root.id], inclusive: true, before: [String(BigInt(root.id) + 1n)] }, 4, 500);
      await findEventsSince(test.db, root.id, 0, 201);
      await listBoards(test.db);
      await findBoardBySlug(test.db, board.slug);
    };
    await reads();
    const before = await prepared();
    await reads();
    const after = await prepared();
    // The same statements, each run again rather than prepared anew.
    expect(after.map((s) => s.name)).toEqual(before.map((s) => s.name));
    const reused = new Set(after.filter((s) => Number(s.calls) >= 2).map((s) => s.name.replace(/_[0-9a-f]{12}$/, '')));
    for (const label of [
      'post_version',
      'window_head',
      'post',
      'thread_state',
      'board_threads',
      'index_replies',
      'path_range',
      'window_lines',
      'events_since',
      'session',
      'boards',
      'board_by_slug',
    ]) {
      expect(reused).toContain(label);
    }
  });
});
