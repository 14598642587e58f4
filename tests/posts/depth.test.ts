import { sql } from 'kysely';
import { MAX_DEPTH } from '../../server/posts/posts.refusals';
import type { HttpClient, TestApp } from '../helpers/app';
import { postThread, startBoardApp } from '../factories';

let app: TestApp;
let alice: HttpClient;
let board: { id: string; slug: string };

beforeAll(async () => {
  ({ app, board, writer: alice } = await startBoardApp({ writer: { name: 'deep_diver' } }));
});
afterAll(() => app.close());

/**
 * A thread whose last post is at `depth`, built in one statement (thousands of HTTP replies would
 * take minutes). `firstId`, when given, moves the post id sequence first: paths of big ids are
 * what fills the (thread_id, path) index entry fastest.
 */
async function chain(depth: number, firstId?: bigint): Promise<{ rootId: string; lastId: string }> {
  if (firstId !== undefined) await sql`select setval(pg_get_serial_sequence('posts', 'id'), ${String(firstId)}::bigint)`.execute(app.db);
  const rootId = (await postThread(alice, board, '樓中樓')).id;
  const last = await sql<{ id: string }>`
    with recursive chain(id, path) as (
      select id, path from posts where id = ${rootId}::bigint
      union all
      select n.id, chain.path || n.id
      from chain, lateral (select nextval(pg_get_serial_sequence('posts', 'id')) as id) n
      where cardinality(chain.path) <= ${depth}
    ),
    inserted as (
      insert into posts (id, board_id, thread_id, parent_id, path, depth, author_id, title)
      select c.path[cardinality(c.path)], r.board_id, r.id, c.path[cardinality(c.path) - 1], c.path, cardinality(c.path) - 1, r.author_id, '再跟'
      from chain c, posts r where r.id = ${rootId}::bigint and cardinality(c.path) > 1
      returning id, depth
    )
    select id from inserted order by depth desc limit 1`.execute(app.db);
  await sql`update threads set reply_count = ${depth} where thread_id = ${rootId}::bigint`.execute(app.db);
  return { rootId, lastId: last.rows[0]!.id };
}

describe('deep follow-ups', () => {
  it('takes follow-ups down to MAX_DEPTH (at least 500), even with large post ids', async () => {
    expect(MAX_DEPTH).toBeGreaterThanOrEqual(500);
    const { lastId } = await chain(MAX_DEPTH - 1, 10n ** 15n);
    const res = await alice.post(`/api/posts/${lastId}/replies`, { title: '最深一層' });
    expect(res.status).toBe(201);
    expect(res.json.post.depth).toBe(MAX_DEPTH);
  });

  it('refuses a follow-up deeper than MAX_DEPTH with 409 TooDeep, and stores nothing', async () => {
    const { lastId } = await chain(MAX_DEPTH);
    const before = await app.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await alice.post(`/api/posts/${lastId}/replies`, { title: '再深一層' });
    expect(res.status).toBe(409);
    expect(res.json.error).toEqual({
      code: 'TooDeep',
      message: expect.stringContaining(String(MAX_DEPTH)),
      localized: expect.stringContaining(String(MAX_DEPTH)),
    });
    const after = await app.db
      .selectFrom('posts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('answers a reply near depth 818, where the index entry overflows, with 409 and never 500', async () => {
    const { lastId } = await chain(810);
    const res = await alice.post(`/api/posts/${lastId}/replies`, { title: '第811層' });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('TooDeep');
  });

  it('answers the reply form at the deepest post with the refusal in the reader’s script', async () => {
    const { lastId } = await chain(MAX_DEPTH);
    const hant = await alice.postForm(`/zh-tw/t/${lastId}/reply`, { title: '再深一層' });
    expect(hant.status).toBe(409);
    expect(hant.text).toContain('跟帖最多');
    expect(hant.text).toContain('層');
    const hans = await alice.postForm(`/zh-hans/t/${lastId}/reply`, { title: '再深一层' });
    expect(hans.status).toBe(409);
    expect(hans.text).toContain('层');
    expect(hans.text).not.toMatch(/nest|deeper/i);
  });

  it('shows no reply form on the deepest post, only why', async () => {
    const { lastId } = await chain(MAX_DEPTH);
    const page = await alice.get(`/zh-hans/t/${lastId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(`action="/zh-hans/t/${lastId}/reply"`);
    expect(page.text).toContain('跟帖最多');
  });
});
