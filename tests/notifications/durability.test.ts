import pg from 'pg';
import { sql } from 'kysely';
import type { HttpClient, TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { createTestBoard, memberClient, postThread } from '../factories';
import { sleep } from '../helpers/live';
import { MEMBER_EVENTS_CHANNEL } from '../../server/events/member-events';

// Notifications are written by the reply's own transaction (docs/notifications.md): a reply that
// commits has its notifications and their announcements, one that fails has neither, and replies
// written at the same instant each notify. Nothing is written "after commit", so nothing can be lost
// between the two.

let app: TestApp;
let board: { slug: string };
let starter: HttpClient;
let starterId: string;
let listener: pg.Client;
const heard: { m: string; k: string; i: string }[] = [];

beforeAll(async () => {
  app = await startTestApp({ poolMax: 30 });
  board = await createTestBoard(app.db);
  starter = app.client();
  starterId = (await memberClient(app.db, starter)).id;
  listener = new pg.Client({ connectionString: app.url });
  await listener.connect();
  listener.on('notification', (n) => heard.push(JSON.parse(n.payload!)));
  await listener.query(`listen ${MEMBER_EVENTS_CHANNEL}`);
  // Fault injection: a check run when the transaction commits, after every statement of the reply
  // (the post, its thread event, its notifications) has run, failing for one title.
  await sql`
    create function fail_marked_reply() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from posts where id = new.post_id and title = '提交時失敗') then
        raise exception 'injected failure at commit';
      end if;
      return null;
    end $$`.execute(app.db);
  await sql`
    create constraint trigger fail_marked_reply after insert on notifications
    deferrable initially deferred for each row execute function fail_marked_reply()`.execute(app.db);
});
afterAll(async () => {
  await listener.end();
  await app.close();
});

const count = async (table: 'posts' | 'notifications' | 'thread_events') =>
  Number(
    (
      await app.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('notifications written in the reply’s transaction', () => {
  it('commit with the reply, and are announced once it has committed', async () => {
    const root = await postThread(starter, board, '持久');
    const replier = app.client();
    await memberClient(app.db, replier);
    const res = await replier.post(`/api/posts/${root.id}/replies`, { title: '成功的回覆' });
    expect(res.status).toBe(201);
    const rows = await app.db.selectFrom('notifications').selectAll().where('post_id', '=', res.json.post.id).execute();
    expect(rows.map((r) => [String(r.member_id), r.kind])).toEqual([[starterId, 'reply']]);
    for (let i = 0; i < 50 && !heard.some((h) => h.i === String(rows[0]!.id)); i++) await sleep(20);
    expect(heard).toContainEqual({ m: starterId, k: 'notification', i: String(rows[0]!.id) });
  });

  it('roll back with it when the transaction fails after the notifications were written: no post, no notification, no announcement', async () => {
    const root = await postThread(starter, board, '失敗');
    const replier = app.client();
    await memberClient(app.db, replier);
    const before = { posts: await count('posts'), notifications: await count('notifications'), events: await count('thread_events') };
    const heardBefore = heard.length;
    const res = await replier.post(`/api/posts/${root.id}/replies`, { title: '提交時失敗' });
    expect(res.status).toBe(500);
    expect({ posts: await count('posts'), notifications: await count('notifications'), events: await count('thread_events') }).toEqual(
      before,
    );
    const thread = await app.db.selectFrom('threads').select('reply_count').where('thread_id', '=', root.id).executeTakeFirstOrThrow();
    expect(thread.reply_count).toBe(0);
    // A later reply's announcement arrives, and nothing came for the one that failed.
    const ok = await replier.post(`/api/posts/${root.id}/replies`, { title: '之後成功' });
    const [okRow] = await app.db.selectFrom('notifications').select('id').where('post_id', '=', ok.json.post.id).execute();
    for (let i = 0; i < 50 && !heard.some((h) => h.i === String(okRow!.id)); i++) await sleep(20);
    expect(heard.slice(heardBefore).map((h) => h.i)).toEqual([String(okRow!.id)]);
  });

  it('each notify when many replies are written at once', async () => {
    const root = await postThread(starter, board, '同時回覆');
    const repliers: HttpClient[] = [];
    for (let i = 0; i < 20; i++) {
      repliers.push(app.client());
      await memberClient(app.db, repliers[i]!);
    }
    const results = await Promise.all(repliers.map((r, i) => r.post(`/api/posts/${root.id}/replies`, { title: `同時${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const ids = results.map((r) => r.json.post.id as string);
    const rows = await app.db
      .selectFrom('notifications')
      .select(['id', 'post_id', 'kind'])
      .where('member_id', '=', starterId)
      .where('post_id', 'in', ids)
      .execute();
    expect(rows.map((r) => String(r.post_id)).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['reply']));
    for (let i = 0; i < 100 && rows.some((r) => !heard.some((h) => h.i === String(r.id))); i++) await sleep(20);
    for (const r of rows) expect(heard.filter((h) => h.i === String(r.id))).toHaveLength(1);
  });
});
