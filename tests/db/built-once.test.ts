import { type Kysely, sql } from 'kysely';
import type { Database } from '../../server/db/database';
import { builtOnce, preparedQuery } from '../../server/db/prepared';
import { createReply, createThread } from '../factories';
import { type TestDatabase, createTestDatabase } from '../helpers/database';

// Statements kysely builds once per shape and sends with each run's values (db/prepared.ts
// builtOnce): what is sent equals kysely's own build for those values, in every place a value can
// reach a statement, and a value that would steer the building is refused.
let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

const postsOf = builtOnce((db: Kysely<Database>, v: { thread: string; after: string[]; limit: number }, bodies: boolean) =>
  db
    .selectFrom('posts')
    .select(['id', bodies ? sql<string>`body`.as('body') : sql<string>`''`.as('body')])
    .where('thread_id', '=', v.thread)
    .where('path', '>', sql<string[]>`${v.after}::bigint[]`)
    .orderBy('path')
    .limit(v.limit),
);

describe('statements built once', () => {
  it('sends the text kysely builds, with each run’s own values, per shape', async () => {
    const root = await createThread(test.db, { body: 'root' });
    const a = await createReply(test.db, root.id, { body: 'a' });
    const b = await createReply(test.db, root.id, { body: 'b' });

    const run = (after: string[], limit: number, bodies: boolean) =>
      preparedQuery(test.db, 'built_once_probe', postsOf(test.db, { thread: root.id, after, limit }, bodies));
    expect(await run([root.id], 10, true)).toEqual([
      { id: a.id, body: expect.stringContaining('a') },
      { id: b.id, body: expect.stringContaining('b') },
    ]);
    // Other values, the same text: every value is its own run's.
    expect(await run([root.id, a.id], 1, true)).toEqual([{ id: b.id, body: expect.stringContaining('b') }]);
    expect(await run([root.id], 1, false)).toEqual([{ id: a.id, body: '' }]);

    const built = (thread: string, after: string[], limit: number, bodies: boolean) =>
      test.db
        .selectFrom('posts')
        .select(['id', bodies ? sql<string>`body`.as('body') : sql<string>`''`.as('body')])
        .where('thread_id', '=', thread)
        .where('path', '>', sql<string[]>`${after}::bigint[]`)
        .orderBy('path')
        .limit(limit)
        .compile();
    for (const [after, limit, bodies] of [
      [['1'], 5, true],
      [['2', '3'], 7, false],
    ] as const) {
      const mine = postsOf(test.db, { thread: '9', after: [...after], limit }, bodies);
      const theirs = built('9', [...after], limit, bodies);
      expect(mine.sql).toBe(theirs.sql);
      expect(mine.parameters).toEqual(theirs.parameters);
    }
  });

  it('keeps a statement’s own constants among its parameters', () => {
    const q = builtOnce((db: Kysely<Database>, v: { id: string }) =>
      db.selectFrom('posts').select('id').where('id', '=', v.id).where('depth', '<', 40).limit(3),
    );
    expect(q(test.db, { id: '5' }).parameters).toEqual(['5', 40, 3]);
    expect(q(test.db, { id: '6' }).parameters).toEqual(['6', 40, 3]);
  });

  it('shows each run to the db’s plugins, as kysely’s own statements are', async () => {
    const seen: string[] = [];
    const watched = test.db.withPlugin({
      transformQuery: ({ node }) => (seen.push(node.kind), node),
      transformResult: async ({ result }) => result,
    });
    const q = builtOnce((db: Kysely<Database>, v: { id: string }) => db.selectFrom('posts').select('id').where('id', '=', v.id));
    await watched.executeQuery(q(watched, { id: '1' }));
    await watched.executeQuery(q(watched, { id: '2' }));
    expect(seen).toEqual(['SelectQueryNode', 'SelectQueryNode']);
  });

  it('refuses a value that never reaches the statement as a parameter', () => {
    const q = builtOnce((db: Kysely<Database>, v: { id: string; depth: number }) =>
      // The depth decides what is built instead of being sent: frozen into the text, it is refused.
      db
        .selectFrom('posts')
        .select('id')
        .where('id', '=', v.id)
        .$if(Boolean(v.depth), (qb) => qb.where('depth', '=', 0)),
    );
    expect(() => q(test.db, { id: '1', depth: 0 })).toThrow(/depth not a parameter/);
  });

  it('refuses a value the statement reads but a run leaves out, never sending it as null', () => {
    type Values = { id: string; author?: string };
    const q = builtOnce((db: Kysely<Database>, v: Values, byAuthor: boolean) =>
      db
        .selectFrom('posts')
        .select('id')
        .where('id', '=', v.id)
        .$if(byAuthor, (qb) => qb.where('author_id', '=', v.author!)),
    );
    // Left out at the first build of the shape: it would be a constant for every later run.
    expect(() => q(test.db, { id: '1' }, true)).toThrow(/did not give/);
    // Given then, left out later: refused at that run.
    expect(q(test.db, { id: '1', author: '2' }, true).parameters).toEqual(['1', '2']);
    expect(() => q(test.db, { id: '1' }, true)).toThrow(/no value for author/);
    expect(q(test.db, { id: '1' }, false).parameters).toEqual(['1']);
  });

  it('catches under the tests a value that steers the building while still being sent', () => {
    const q = builtOnce((db: Kysely<Database>, v: { ids: string[] }) =>
      // `in` with an array makes one parameter per element: the text depends on the value.
      db.selectFrom('posts').select('id').where('id', 'in', v.ids),
    );
    expect(() => q(test.db, { ids: ['1', '2'] })).toThrow(/steers the statement/);
  });
});
