import { sql } from 'kysely';
import type { HttpClient, Reply, TestApp } from '../helpers/app';
import { snapshot } from '../helpers/rows';
import { type TestMember, createCast, createModerator, createReply, createTestBoard, createThread, logInClient } from '../factories';
import { startTestApp } from '../helpers/app';

// Private by construction: another member, a moderator, an admin and a reader who is not logged
// in try every message URL and API call, page and JSON, GET, POST and DELETE, with every message
// id in the database (and forged ones). Every answer is the same 404 as for a message that does
// not exist, and nothing changes.

type Who = 'anonymous' | 'outsider' | 'moderator' | 'admin';

let app: TestApp;
let alice: TestMember;
let bob: TestMember;
let clients: Record<Who | 'alice' | 'bob', HttpClient>;
/** The members behind the clients (none for the reader who is not logged in). */
let members: Partial<Record<Who, TestMember>>;

const TABLES = ['conversations', 'messages', 'message_reports', 'message_report_reads', 'notifications', 'bans', 'moderation_log'] as const;

beforeAll(async () => {
  app = await startTestApp();
  const cast = await createCast(app, ['alice', 'bob', 'outsider', 'admin', 'anonymous'] as const);
  ({ alice, bob } = cast.members);
  const board = await createTestBoard(app.db);
  const moderator = await createModerator(app.db, board);
  const modClient = app.client();
  await logInClient(modClient, moderator);
  clients = { ...cast.clients, moderator: modClient };
  members = { outsider: cast.members.outsider, admin: cast.members.admin, moderator };

  // Every kind of message: both ways, quoting a post, read, reported, deleted on one side, and
  // deleted on both sides but kept for its report.
  const root = await createThread(app.db, { board, author: alice, title: '公開的主題' });
  const reply = await createReply(app.db, root.id, { author: bob, title: '公開的跟帖' });
  const send = async (from: HttpClient, to: TestMember, title: string, extra: object = {}) => {
    const res = await from.post('/api/messages', { to: to.name, title, body: `<p>${title}的內容</p>`, format: 'html', ...extra });
    expect(res.status).toBe(201);
    return res.json.message.id as string;
  };
  await send(clients.alice, bob, '甲致乙');
  await send(clients.bob, alice, '乙致甲', { postId: reply.id });
  const read = await send(clients.alice, bob, '已讀的');
  expect((await clients.bob.post(`/api/messages/${read}/read`, { read: true })).status).toBe(200);
  const reported = await send(clients.alice, bob, '被舉報的');
  expect((await clients.bob.post(`/api/messages/${reported}/report`, { reason: '騷擾' })).status).toBe(201);
  const oneSide = await send(clients.bob, alice, '一方刪除的');
  expect((await clients.bob.request('DELETE', `/api/messages/${oneSide}`)).status).toBe(200);
  const bothSides = await send(clients.alice, bob, '雙方刪除的');
  expect((await clients.bob.post(`/api/messages/${bothSides}/report`, { reason: '又騷擾' })).status).toBe(201);
  expect((await clients.alice.request('DELETE', `/api/messages/${bothSides}`)).status).toBe(200);
  expect((await clients.bob.request('DELETE', `/api/messages/${bothSides}`)).status).toBe(200);
  // Messages between the moderator and the admin too: each is an outsider to the other's pairs.
  await send(clients.admin, moderator, '管理員致版主');
});
afterAll(() => app.close());

/** Every call that names a message, as pages and the API take them. */
const CALLS: [string, (c: HttpClient, id: string) => Promise<Reply>][] = [
  ['GET page', (c, id) => c.get(`/messages/${id}`)],
  ['GET page (zh-hans)', (c, id) => c.get(`/zh-hans/messages/${id}`)],
  ['POST read form', (c, id) => c.postForm(`/messages/${id}/read`, { read: '1' })],
  ['POST unread form', (c, id) => c.postForm(`/messages/${id}/read`, { read: '0' })],
  ['POST delete form', (c, id) => c.postForm(`/messages/${id}/delete`, {})],
  ['POST report form', (c, id) => c.postForm(`/messages/${id}/report`, { reason: '看看' })],
  ['GET api', (c, id) => c.get(`/api/messages/${id}`)],
  ['GET api (variant)', (c, id) => c.get(`/api/messages/${id}?variant=zh-hans`)],
  ['POST api read', (c, id) => c.post(`/api/messages/${id}/read`, { read: true })],
  ['POST api unread', (c, id) => c.post(`/api/messages/${id}/read`, { read: false })],
  ['DELETE api', (c, id) => c.request('DELETE', `/api/messages/${id}`)],
  ['POST api report', (c, id) => c.post(`/api/messages/${id}/report`, { reason: '看看' })],
];

const FORGED = ['999999999', '0', '-1', 'abc', '1e3', '99999999999999999999', '%E4%BD%A0'];

async function allMessageIds(): Promise<string[]> {
  const rows = await sql<{ id: string }>`select id::text from messages order by id`.execute(app.db);
  return rows.rows.map((r) => r.id);
}

/** Ids of the messages `member` is not a party to (every id, for a reader who is not logged in). */
async function notTheirs(member: TestMember | undefined): Promise<string[]> {
  const all = await app.db.selectFrom('messages').select(['id', 'sender_id', 'recipient_id']).orderBy('id').execute();
  return all.filter((m) => !member || (m.sender_id !== member.id && m.recipient_id !== member.id)).map((m) => m.id);
}

describe('every message URL and API call, with every id, by anyone not a party', () => {
  const who: Who[] = ['outsider', 'moderator', 'admin', 'anonymous'];

  it.each(who)('%s gets the same 404 as for a missing message, and nothing changes', async (w) => {
    const client = clients[w];
    const ids = await notTheirs(members[w]);
    expect(ids.length).toBeGreaterThanOrEqual(w === 'anonymous' ? 7 : 6);
    const before = await snapshot(app.db, TABLES);
    for (const [name, call] of CALLS) {
      // The answer for an id no message ever had: every other answer must be this one.
      const missing = await call(client, '999999999');
      expect([name, missing.status]).toEqual([name, 404]);
      if (name.includes('api')) expect(missing.json.error.code).toBe('MessageNotFound');
      for (const id of [...ids, ...FORGED]) {
        const res = await call(client, id);
        expect([name, id, res.status]).toEqual([name, id, 404]);
        if (name.includes('api')) expect([name, id, res.json]).toEqual([name, id, missing.json]);
        else expect([name, id, res.text.includes('data-code="MessageNotFound"')]).toEqual([name, id, true]);
        expect(res.headers.get('location')).toBeNull();
      }
    }
    expect(await snapshot(app.db, TABLES)).toEqual(before);
  });

  it('shows no one else’s messages in boxes, conversations or counts', async () => {
    const titles = ['甲致乙', '乙致甲', '已讀的', '被舉報的', '一方刪除的'];
    for (const w of ['outsider', 'moderator', 'admin'] as const) {
      const c = clients[w];
      const pages = [
        (await c.get('/api/messages')).text,
        (await c.get('/api/messages?box=sent')).text,
        (await c.get('/messages')).text,
        (await c.get('/messages?box=sent')).text,
        (await c.get(`/messages/with/${encodeURIComponent(alice.name)}`)).text,
        (await c.get(`/messages/with/${encodeURIComponent(bob.name)}`)).text,
      ];
      for (const text of pages) for (const title of titles) expect([w, text.includes(title)]).toEqual([w, false]);
    }
  });

  it('leaves the parties’ own messages as they were', async () => {
    // Bob still has every message sent to him that he did not delete, unread ones unread.
    const inbox = (await clients.bob.get('/api/messages')).json;
    expect(inbox.messages.map((m: { title: string }) => m.title)).toEqual(['被舉報的', '已讀的', '甲致乙']);
    expect(inbox.unread.messages).toBe(2);
    expect(await allMessageIds()).toHaveLength(7);
  });
});
