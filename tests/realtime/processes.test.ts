import { HttpClient } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { Reader, sleep } from '../helpers/live';
import { type ServerProcess, startServerProcess } from '../helpers/processes';
import { createMember, createTestBoard, logInClient } from '../factories';

// Two app processes on one PostgreSQL, as behind a load balancer: a follow-up written through one
// reaches readers on the other; when a process dies, its readers move to the other and miss nothing.
jest.setTimeout(60_000);

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
const readers: Reader[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  [a, b] = await Promise.all([startServerProcess({ DATABASE_URL: database.url }), startServerProcess({ DATABASE_URL: database.url })]);
});
afterAll(async () => {
  for (const r of readers) r.close();
  for (const p of [a, b]) p?.child.kill('SIGKILL');
  await database.drop();
});

const url = (p: ServerProcess) => `http://127.0.0.1:${p.port}`;

describe('several processes on one database', () => {
  it('deliver across processes, count readers across them, and lose nothing when one dies', async () => {
    const board = await createTestBoard(database.db);
    const writer = new HttpClient(url(a));
    await logInClient(writer, await createMember(database.db));
    const root = (await writer.post(`/api/boards/${board.slug}/threads`, { title: '跨進程' })).json.post.id as string;
    const reply = async (title: string) => (await writer.post(`/api/posts/${root}/replies`, { title })).json.post.id as string;

    const onB = new Reader(url(b));
    const onA = new Reader(url(a));
    readers.push(onB, onA);
    await onB.join(root, 'zh-hans');
    await onA.join(root);

    const first = await reply('寫在 A');
    const [got] = await onB.waitFor(1);
    expect(got).toMatchObject({ name: 'post:new', seq: 2 });
    expect(got!.post!.id).toBe(first);
    expect(got!.html).toContain('写在 A');

    // Each reader sees both: the count travels between processes through PostgreSQL.
    for (let i = 0; i < 50 && (onA.counts.at(-1) !== 2 || onB.counts.at(-1) !== 2); i++) await sleep(100);
    expect([onA.counts.at(-1), onB.counts.at(-1)]).toEqual([2, 2]);

    // B dies with its reader connected; replies keep coming through A meanwhile.
    b.child.kill('SIGKILL');
    await b.exited;
    const missed = [await reply('B 死後 1'), await reply('B 死後 2')];

    // The reader reconnects, to A, with the last seq it has.
    const moved = new Reader(url(a));
    readers.push(moved);
    await moved.join(root, 'zh-hans', onB.events.at(-1)!.seq);
    expect(moved.events.map((e) => [e.seq, e.post!.id])).toEqual([[3, missed[0]], [4, missed[1]]]);
    const after = await reply('之後');
    const all = await moved.waitFor(3);
    expect(all.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(all[2]!.post!.id).toBe(after);
    // And A's own reader had every event exactly once.
    expect((await onA.waitFor(4)).map((e) => e.seq)).toEqual([2, 3, 4, 5]);
  });
});
