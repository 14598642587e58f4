import { sql } from 'kysely';
import pg from 'pg';
import { THREAD_EVENTS_CHANNEL, parseAnnouncement, recordAuthorChange, recordThreadEvent } from '../../server/events/thread-events';
import { THREAD_EVENT_KINDS } from '../../server/db/thread-events.kinds';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { until } from '../helpers/wait';
import { createMember, createReply, createThread } from '../factories';

let database: TestDatabase;
let listener: pg.Client;
const heard: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  listener.on('notification', (n) => heard.push(n.payload ?? ''));
  await listener.query(`listen ${THREAD_EVENTS_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await database.drop();
});
beforeEach(() => {
  heard.length = 0;
});

async function newThread() {
  const post = await createThread(database.db, { title: '事件' });
  return { threadId: post.id, boardId: post.boardId };
}

const eventsOf = (threadId: string) =>
  database.db.selectFrom('thread_events').select(['seq', 'kind', 'post_id']).where('thread_id', '=', threadId).orderBy('seq').execute();
const seqOf = async (threadId: string) =>
  (await database.db.selectFrom('threads').select('seq').where('thread_id', '=', threadId).executeTakeFirstOrThrow()).seq;

/** The announcements heard, once there are `n`. */
async function heardAtLeast(n: number): Promise<string[]> {
  await until(() => heard.length >= n, `${n} announcements`);
  return heard;
}

/**
 * Announces a marker on the channel (committed at once, on a connection of its own) and waits
 * until it is heard: whatever was announced before it has been heard by then. Returns what came
 * before the marker.
 */
async function heardBeforeMarker(): Promise<string[]> {
  const marker = `marker ${Math.random()}`;
  await sql`select pg_notify(${THREAD_EVENTS_CHANNEL}, ${marker})`.execute(database.db);
  await until(() => heard.includes(marker), 'the marker');
  return heard.slice(0, heard.indexOf(marker));
}

describe('recordThreadEvent', () => {
  it('numbers a thread’s events, logs them and announces each when its transaction commits', async () => {
    const { threadId, boardId } = await newThread();
    expect(await heardAtLeast(1)).toHaveLength(1);
    expect(parseAnnouncement(heard[0]!)).toEqual({ threadId, boardId, seq: 1, kind: 'post:new', postId: threadId });
    heard.length = 0;

    let taken = 0;
    await database.db.transaction().execute(async (tx) => {
      taken = await recordThreadEvent(tx, { threadId, boardId, kind: 'thread:lock', postId: threadId });
      // Nothing is announced before the commit: readers would look for a row they cannot see yet.
      expect(await heardBeforeMarker()).toEqual([]);
      heard.length = 0;
    });
    expect(taken).toBe(2);
    expect((await heardAtLeast(1)).map(parseAnnouncement)).toEqual([{ threadId, boardId, seq: 2, kind: 'thread:lock', postId: threadId }]);
    expect(await eventsOf(threadId)).toEqual([
      { seq: '1', kind: 'post:new', post_id: threadId },
      { seq: '2', kind: 'thread:lock', post_id: threadId },
    ]);
    expect(await seqOf(threadId)).toBe('2');
  });

  it('leaves no row, no seq taken and no announcement when the transaction rolls back', async () => {
    const { threadId, boardId } = await newThread();
    await heardAtLeast(1);
    heard.length = 0;
    await expect(
      database.db.transaction().execute(async (tx) => {
        await recordThreadEvent(tx, { threadId, boardId, kind: 'post:edit', postId: threadId });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await heardBeforeMarker()).toEqual([]);
    expect((await eventsOf(threadId)).map((e) => e.seq)).toEqual(['1']);
    expect(await seqOf(threadId)).toBe('1');
  });
});

describe('recordAuthorChange', () => {
  it('announces each of an author’s posts in every thread, numbered after each thread’s last event, in post order, as one by one would', async () => {
    const author = await createMember(database.db);
    const other = await createMember(database.db);
    // Two threads the author started, a third they replied in; one post of theirs deleted; other
    // members' posts between theirs, so each thread's seqs do not start from the author's.
    const a = await createThread(database.db, { author, title: '甲' });
    const b = await createThread(database.db, { author: other, title: '乙' });
    const aReply = await createReply(database.db, a.id, { author: other });
    const bMine = await createReply(database.db, b.id, { author });
    const aMine = await createReply(database.db, aReply.id, { author });
    const c = await createThread(database.db, { author, title: '丙' });
    await database.db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', aMine.id).execute();
    const before = new Map<string, number>();
    for (const t of [a.id, b.id, c.id]) before.set(t, Number(await seqOf(t)));
    await heardBeforeMarker();
    heard.length = 0;

    let announced = 0;
    await database.db.transaction().execute(async (tx) => {
      announced = await recordAuthorChange(tx, author.id);
    });
    expect(announced).toBe(4);
    const mine = [a, bMine, aMine, c];
    const expected = [
      { threadId: a.id, boardId: a.boardId, seq: before.get(a.id)! + 1, kind: 'post:edit', postId: a.id },
      { threadId: b.id, boardId: b.boardId, seq: before.get(b.id)! + 1, kind: 'post:edit', postId: bMine.id },
      { threadId: a.id, boardId: a.boardId, seq: before.get(a.id)! + 2, kind: 'post:delete', postId: aMine.id },
      { threadId: c.id, boardId: c.boardId, seq: before.get(c.id)! + 1, kind: 'post:edit', postId: c.id },
    ];
    expect(mine.map((p) => p.id)).toEqual([...mine.map((p) => p.id)].sort((x, y) => Number(x) - Number(y)));
    expect((await heardBeforeMarker()).map(parseAnnouncement)).toEqual(expected);
    for (const t of [a.id, b.id, c.id]) {
      const logged = expected.filter((e) => e.threadId === t);
      expect((await eventsOf(t)).slice(-logged.length)).toEqual(
        logged.map((e) => ({ seq: String(e.seq), kind: e.kind, post_id: e.postId })),
      );
      expect(Number(await seqOf(t))).toBe(before.get(t)! + logged.length);
    }
    // A member who wrote nothing: nothing announced.
    const silent = await createMember(database.db);
    heard.length = 0;
    expect(await database.db.transaction().execute((tx) => recordAuthorChange(tx, silent.id))).toBe(0);
    expect(await heardBeforeMarker()).toEqual([]);
  });

  it('writes the events of a prolific author in a fixed number of statements, whatever their number', async () => {
    const author = await createMember(database.db);
    const root = await createThread(database.db, { author });
    for (let i = 0; i < 40; i++) await createReply(database.db, root.id, { author });
    const statements: string[] = [];
    await database.db
      .withPlugin({
        transformQuery: (args) => {
          statements.push(args.node.kind);
          return args.node;
        },
        transformResult: async (args) => args.result,
      })
      .transaction()
      .execute((tx) => recordAuthorChange(tx, author.id));
    // The read, the threads locked, their seqs moved, the rows and their NOTIFYs: one by one it was 83.
    expect(statements).toEqual(['SelectQueryNode', 'RawNode', 'RawNode', 'RawNode']);
    expect((await eventsOf(root.id)).filter((e) => e.kind === 'post:edit')).toHaveLength(41);
  });
});

describe('parseAnnouncement', () => {
  it('reads every kind back', () => {
    for (const kind of THREAD_EVENT_KINDS) {
      expect(parseAnnouncement(JSON.stringify({ t: '12', b: '3', s: 4, k: kind }))).toEqual({ threadId: '12', boardId: '3', seq: 4, kind });
      expect(parseAnnouncement(JSON.stringify({ t: '12', b: '3', s: 4, k: kind, p: '15' }))).toEqual({
        threadId: '12',
        boardId: '3',
        seq: 4,
        kind,
        postId: '15',
      });
    }
  });

  it('leaves out a post id that is not one (the rest is still the announcement)', () => {
    for (const p of ['', 'x', '-1', 15, null, '1e3']) {
      expect(parseAnnouncement(JSON.stringify({ t: '12', b: '3', s: 4, k: 'post:edit', p }))).toEqual({
        threadId: '12',
        boardId: '3',
        seq: 4,
        kind: 'post:edit',
      });
    }
  });

  it('ignores whatever is not an announcement', () => {
    for (const payload of [
      '',
      'null',
      '[]',
      'x',
      '{}',
      '{"t":"12","b":"3","s":4}',
      '{"t":"12","b":"3","s":4,"k":"post:burn"}',
      '{"t":"0","b":"3","s":4,"k":"post:new"}',
      '{"t":"12","b":"3","s":"4","k":"post:new"}',
    ]) {
      expect(parseAnnouncement(payload)).toBeUndefined();
    }
  });
});
