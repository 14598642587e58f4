import type { Kysely } from 'kysely';
import { connect } from '../../server/db/connect';
import type { Database } from '../../server/db/database';
import { type ReadRequest, createReadRecorder } from '../../server/reads/reads.recorder';
import { countViews, pruneReads } from '../../server/reads/reads.repository';
import { createMember, createReply, createThread } from '../factories';
import { type TestDatabase, createTestDatabase } from '../helpers/database';

// The recorder's memory (dedupe and bounds) and the flush's arithmetic; tests/posts/reads.test.ts
// goes through HTTP.

let database: TestDatabase;
// A database that is away: every query fails at once (nothing listens on port 1).
let away: Kysely<Database>;

beforeAll(async () => {
  database = await createTestDatabase({ max: 5 });
  away = connect('postgres://nobody@127.0.0.1:1/none');
});
afterAll(async () => {
  await away.destroy();
  await database.drop();
});

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** A request as the recorder sees it: a GET from an address with a browser's user agent. */
const view = (over: Partial<ReadRequest> & { agent?: string } = {}): ReadRequest => ({
  method: over.method ?? 'GET',
  ip: over.ip ?? '203.0.113.7',
  headers: { 'user-agent': 'agent' in over ? over.agent : FIREFOX },
  member: over.member ?? null,
});

describe('the read recorder', () => {
  it('keeps one view per reader and post, telling readers apart by member, or address and browser', () => {
    const reads = createReadRecorder(away);
    reads.record('1', view());
    reads.record('1', view());
    expect(reads.stats().pending).toBe(1);
    reads.record('2', view());
    reads.record('1', view({ ip: '203.0.113.8' }));
    reads.record('1', view({ agent: SAFARI }));
    reads.record('1', view({ member: { id: '42' } }));
    // The member is one reader wherever they read from.
    reads.record('1', view({ member: { id: '42' }, ip: '198.51.100.1', agent: SAFARI }));
    expect(reads.stats()).toEqual({ pending: 5, seen: 5, dropped: 0 });
  });

  it('records no bots, headless browsers, requests without a user agent, HEAD, or ids that are not ids', () => {
    const reads = createReadRecorder(away);
    reads.record('1', view({ agent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }));
    reads.record(
      '1',
      view({ agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36' }),
    );
    reads.record('1', view({ agent: 'curl/8.5.0' }));
    reads.record('1', view({ agent: undefined }));
    reads.record('1', view({ agent: '' }));
    reads.record('1', view({ method: 'HEAD' }));
    reads.record('abc', view());
    reads.record('0', view());
    expect(reads.stats().pending).toBe(0);
  });

  it('holds at most maxPending views and maxSeen remembered ones, dropping what does not fit', () => {
    const reads = createReadRecorder(away, { maxPending: 3, maxSeen: 10 });
    for (let post = 1; post <= 5; post++) reads.record(String(post), view());
    expect(reads.stats()).toEqual({ pending: 3, seen: 3, dropped: 2 });
    // A dropped view was not remembered: the same reader is recorded once there is room.
    const roomy = createReadRecorder(away, { maxPending: 100, maxSeen: 10 });
    for (let post = 1; post <= 25; post++) roomy.record(String(post), view());
    expect(roomy.stats()).toMatchObject({ pending: 25, seen: 10 });
  });

  it('keeps the views of a failed flush for the next one, within the bound', async () => {
    const reads = createReadRecorder(away, { maxPending: 3 });
    reads.record('1', view());
    reads.record('2', view());
    await expect(reads.flush()).rejects.toThrow();
    expect(reads.stats().pending).toBe(2);
    // Views recorded while a flush is failing join the kept ones; past the bound the newest go,
    // and are forgotten, so their readers are recorded again once there is room.
    const flushing = reads.flush();
    reads.record('3', view());
    reads.record('4', view());
    await expect(flushing).rejects.toThrow();
    expect(reads.stats()).toEqual({ pending: 3, seen: 3, dropped: 1 });
    reads.record('4', view());
    expect(reads.stats().dropped).toBe(2);
  });

  it('counts what it kept once the database is back, and never runs two flushes at once', async () => {
    const thread = await createThread(database.db);
    const reads = createReadRecorder(database.db);
    reads.record(thread.id, view());
    reads.record(thread.id, view({ ip: '203.0.113.9' }));
    const [first, second] = await Promise.all([reads.flush(), reads.flush()]);
    expect(first + second).toBe(2);
    expect(reads.stats().pending).toBe(0);
    expect(await readCount(thread.threadId)).toBe(2);
  });
});

describe('a flush', () => {
  it("tells this process each thread's count once committed, before any NOTIFY comes back", async () => {
    const thread = await createThread(database.db);
    const told: [string, number][] = [];
    const reads = createReadRecorder(database.db, { counted: (threadId, count) => told.push([threadId, count]) });
    reads.record(thread.id, view({ ip: '203.0.113.20' }));
    reads.record(thread.id, view({ ip: '203.0.113.21' }));
    expect(await reads.flush()).toBe(2);
    expect(told).toEqual([[thread.id, 2]]);
  });
});

describe('counting a batch (countViews)', () => {
  const reader = (n: number) => Buffer.alloc(16, n);
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));

  it('counts a reader once an hour per thread, whichever of its posts they read', async () => {
    const thread = await createThread(database.db);
    const reply = await createReply(database.db, thread.id);
    const views = (minutes: number, postId = thread.id) => [{ postId, memberId: null, reader: reader(1), readAt: at(minutes) }];
    // Each thread's count now comes back with the number counted (the flush tells this process's caches).
    expect(await countViews(database.db, [...views(0), ...views(1, reply.id)])).toEqual({
      counted: 1,
      counts: [{ threadId: thread.id, readCount: 1 }],
    });
    expect((await countViews(database.db, views(59, reply.id))).counted).toBe(0);
    expect((await countViews(database.db, views(61))).counted).toBe(1);
    // Another reader of the same thread counts on their own.
    expect((await countViews(database.db, [{ postId: reply.id, memberId: null, reader: reader(2), readAt: at(62) }])).counted).toBe(1);
    expect(await readCount(thread.id)).toBe(3);
  });

  it("does not count the thread starter's own views, nor views of posts that are not there", async () => {
    const starter = await createMember(database.db);
    const thread = await createThread(database.db, { author: starter });
    const reply = await createReply(database.db, thread.id, { author: await createMember(database.db) });
    const counted = await countViews(database.db, [
      { postId: reply.id, memberId: starter.id, reader: reader(3), readAt: at(0) },
      { postId: '999999999', memberId: null, reader: reader(4), readAt: at(0) },
    ]);
    expect(counted).toEqual({ counted: 0, counts: [] });
    expect(await readCount(thread.id)).toBe(0);
  });

  it('forgets readers after two hours (the hourly prune)', async () => {
    const thread = await createThread(database.db);
    const recent = new Date(Date.now() - 30 * 60_000);
    const old = new Date(Date.now() - 3 * 3_600_000);
    await countViews(database.db, [
      { postId: thread.id, memberId: null, reader: reader(5), readAt: recent },
      { postId: thread.id, memberId: null, reader: reader(6), readAt: old },
    ]);
    expect(await pruneReads(database.db)).toBeGreaterThanOrEqual(1);
    const left = await database.db.selectFrom('thread_views').select('reader').where('thread_id', '=', thread.id).execute();
    expect(left.map((r) => r.reader)).toEqual([reader(5)]);
  });
});

async function readCount(threadId: string): Promise<number> {
  const row = await database.db.selectFrom('threads').select('read_count').where('thread_id', '=', threadId).executeTakeFirstOrThrow();
  return Number(row.read_count);
}
