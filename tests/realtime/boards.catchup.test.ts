import { sql } from 'kysely';
import type { HttpClient, TestApp } from '../helpers/app';
import { adminQuery } from '../helpers/database';
import { readersOf } from '../helpers/live';
import { until } from '../helpers/wait';
import { postReply, postThread, startBoardApp } from '../factories';

// A board index's readers when this process's LISTEN connection drops: what is written on the
// board while the link is down reaches them once it is back, exactly once, as thread readers'
// events already do.
jest.setTimeout(60_000);

let app: TestApp;
let writer: HttpClient;
let board: { slug: string };
const reader = readersOf(() => app.baseUrl);

beforeAll(async () => {
  ({ app, board, writer } = await startBoardApp({ writer: { name: '版面寫手' } }));
});
afterAll(() => app.close());

const newThread = async (title: string) => (await postThread(writer, board, title)).id;
const replyTo = async (id: string, title: string) => (await postReply(writer, id, title)).id;

// Only this test file's app listens on this database (other files have databases of their own).
const listeners = async () =>
  Number(
    (
      await sql<{
        n: string;
      }>`select count(*) as n from pg_stat_activity where application_name = 'gentie-listener' and datname = current_database()`.execute(
        app.db,
      )
    ).rows[0]!.n,
  );

/**
 * Cuts the app's LISTEN connection and keeps it from coming back while `meanwhile` runs: the
 * database refuses new connections (the app's pool keeps the ones it has), then it is let back.
 */
async function withListenerDown(meanwhile: () => Promise<void>): Promise<void> {
  await adminQuery(`alter database ${app.name} allow_connections false`);
  try {
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'gentie-listener' and datname = current_database()`.execute(
      app.db,
    );
    await until(async () => (await listeners()) === 0, 'the listener to go');
    await meanwhile();
  } finally {
    await adminQuery(`alter database ${app.name} allow_connections true`);
  }
  await until(async () => (await listeners()) === 1, 'the listener to come back');
}

describe('board readers after the LISTEN connection drops', () => {
  it('get what was written on the board meanwhile once it is back, each post once', async () => {
    const root = await newThread('斷線前的主題');
    const r = reader();
    await r.connected();
    expect(await r.socket.emitWithAck('board:join', { slug: board.slug, variant: 'zh-hans' })).toEqual({ ok: true });
    // Sent live just before the drop: the catch-up's window reaches back over it, and must not
    // send it again.
    const before = await replyTo(root, '斷線前');
    await r.waitFor(1);

    const missed: string[] = [];
    await withListenerDown(async () => {
      missed.push(await replyTo(root, '斷線時的跟帖'));
      missed.push(await newThread('斷線時的主題'));
    });

    const events = await r.waitFor(3);
    expect(events.map((e) => [e.name, e.post!.id])).toEqual([
      ['board:activity', before],
      ['board:activity', missed[0]],
      ['board:activity', missed[1]],
    ]);
    expect(events[2]!.html).toContain('断线时的主题');
    expect(events[1]).toMatchObject({ threadId: root, kind: 'post:new', boardSlug: board.slug });

    // And live again, still once each.
    const after = await replyTo(root, '重連後');
    const next = await replyTo(root, '再一條');
    await r.waitFor(5);
    expect(r.events.map((e) => e.post!.id)).toEqual([before, ...missed, after, next]);
  });

  it('send a follow-up to the thread’s readers and the board’s once each, when both missed it', async () => {
    const root = await newThread('兩種讀者');
    const onBoard = reader();
    await onBoard.connected();
    await onBoard.socket.emitWithAck('board:join', { slug: board.slug });
    const onThread = reader();
    const { seq } = await onThread.join(root);

    let missed = '';
    await withListenerDown(async () => {
      missed = await replyTo(root, '都錯過了');
    });

    const [boardEvent] = await onBoard.waitFor(1);
    const [threadEvent] = await onThread.waitFor(1);
    // Once each: the next follow-up is the next thing each hears.
    const next = await replyTo(root, '下一條');
    await onBoard.waitFor(2);
    await onThread.waitFor(2);
    expect(onBoard.events.map((e) => [e.name, e.post!.id])).toEqual([
      ['board:activity', missed],
      ['board:activity', next],
    ]);
    expect(onThread.events.map((e) => [e.name, e.seq, e.post!.id])).toEqual([
      ['post:new', seq + 1, missed],
      ['post:new', seq + 2, next],
    ]);
    expect(boardEvent!.seq).toBe(threadEvent!.seq);
  });
});
