import { sql } from 'kysely';
import { type Socket, io } from 'socket.io-client';
import { MEMBER_EVENTS_CHANNEL } from '../../server/events/member-events';
import { HttpClient } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { type ServerProcess, startServerProcess } from '../helpers/processes';
import { until } from '../helpers/wait';
import { createMember, logInClient } from '../factories';

// A 悄悄話 written through one app process reaches the addressee's open pages on the other one
// (PostgreSQL NOTIFY with ids only; the receiving process reads the message with the party
// check), with the unread counts, and nobody else's sockets.
jest.setTimeout(60_000);

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
const sockets: Socket[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  [a, b] = await Promise.all([startServerProcess({ DATABASE_URL: database.url }), startServerProcess({ DATABASE_URL: database.url })]);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const p of [a, b]) p?.child.kill('SIGKILL');
  await database.drop();
});

const url = (p: ServerProcess) => `http://127.0.0.1:${p.port}`;

interface Heard {
  name: string;
  payload: { id: string; from: { name: string }; title: string; url: string; createdAt: string; unread: { messages: number } };
}

/** A page's socket in a member's session (its cookie), recording the member events it hears. */
async function memberSocket(p: ServerProcess, client: HttpClient, variant = 'original'): Promise<{ heard: Heard[] }> {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const socket = io(url(p), {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie },
    auth: { variant },
  });
  sockets.push(socket);
  const heard: Heard[] = [];
  for (const name of ['message:new', 'notification:new', 'unread:changed'])
    socket.on(name, (payload: Heard['payload']) => heard.push({ name, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { heard };
}

async function loggedIn(p: ServerProcess) {
  const member = await createMember(database.db);
  const client = new HttpClient(url(p));
  await logInClient(client, member);
  return { member, client };
}

describe('live 悄悄話 across processes', () => {
  it('reaches the recipient’s sockets on the other process with the unread count, and no one else’s', async () => {
    const alice = await loggedIn(a);
    const bob = await loggedIn(b);
    const carol = await loggedIn(b);
    const bobHans = await memberSocket(b, bob.client, 'zh-hans');
    const bobOnA = await memberSocket(a, bob.client);
    const carolOnB = await memberSocket(b, carol.client);
    const aliceOnB = await memberSocket(b, alice.client);
    // A reader who is not logged in, on the same process.
    const anonymous = io(url(b), { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(anonymous);
    const anonymousHeard: unknown[] = [];
    anonymous.on('message:new', (e) => anonymousHeard.push(e));

    const sent = await alice.client.post('/api/messages', {
      to: bob.member.name,
      title: '軟體更新了',
      body: '<p>秘密</p>',
      format: 'html',
    });
    expect(sent.status).toBe(201);
    const id = sent.json.message.id as string;

    await until(() => bobHans.heard.length === 1 && bobOnA.heard.length === 1, "Bob's two pages");
    expect(bobHans.heard[0]).toEqual({
      name: 'message:new',
      payload: {
        id,
        from: { name: alice.member.name },
        title: '软件更新了',
        createdAt: sent.json.message.createdAt,
        url: `/messages/${id}`,
        unread: { messages: 1, notifications: 0 },
      },
    });
    expect(bobOnA.heard[0]!.payload.title).toBe('軟體更新了');
    // The body never travels; nobody else hears of it.
    expect(JSON.stringify(bobHans.heard)).not.toContain('秘密');
    // Carol and Alice hear the message each is sent next, and only that one.
    const toCarol = (await bob.client.post('/api/messages', { to: carol.member.name, title: '給 Carol' })).json.message.id as string;
    const toAlice = (await bob.client.post('/api/messages', { to: alice.member.name, title: '給 Alice' })).json.message.id as string;
    await until(() => carolOnB.heard.length > 0 && aliceOnB.heard.length > 0, 'the messages to Carol and to Alice');
    expect(carolOnB.heard.map((h) => h.payload.id)).toEqual([toCarol]);
    expect(aliceOnB.heard.map((h) => h.payload.id)).toEqual([toAlice]);
    expect(anonymousHeard).toEqual([]);

    // The second message: the count after it.
    await alice.client.post('/api/messages', { to: bob.member.name, title: '第二條' });
    await until(() => bobHans.heard.length === 2, 'the second message');
    expect(bobHans.heard[1]!.payload.unread.messages).toBe(2);
  });

  it('sends nothing for an announcement that names a member and a message not addressed to them', async () => {
    const alice = await loggedIn(a);
    const bob = await loggedIn(b);
    const bobOnB = await memberSocket(b, bob.client);
    // An announcement naming Bob and someone else's message (any LISTENer could send one).
    const other = await loggedIn(a);
    const theirs = await alice.client.post('/api/messages', { to: other.member.name, title: '不是給 Bob 的' });
    const forged = JSON.stringify({ m: bob.member.id, k: 'message', i: theirs.json.message.id });
    await sql`select pg_notify(${MEMBER_EVENTS_CHANNEL}, ${forged})`.execute(database.db);
    // A real one after it arrives alone: the forged one was heard, and dropped by the party check.
    const real = await alice.client.post('/api/messages', { to: bob.member.name, title: '給 Bob 的' });
    await until(() => bobOnB.heard.length > 0, 'the real message');
    // And so does the next.
    const next = await alice.client.post('/api/messages', { to: bob.member.name, title: '再給 Bob 的' });
    await until(() => bobOnB.heard.length > 1, 'the next message');
    expect(bobOnB.heard.map((h) => h.payload.id)).toEqual([real.json.message.id, next.json.message.id]);
  });

  it('tells every open page of the member the new counts when one of them reads or deletes', async () => {
    const alice = await loggedIn(a);
    const bob = await loggedIn(b);
    const tabOnA = await memberSocket(a, bob.client);
    const tabOnB = await memberSocket(b, bob.client);
    const first = (await alice.client.post('/api/messages', { to: bob.member.name, title: '一' })).json.message.id as string;
    const second = (await alice.client.post('/api/messages', { to: bob.member.name, title: '二' })).json.message.id as string;
    await until(() => tabOnA.heard.length === 2 && tabOnB.heard.length === 2, 'two messages on each tab');
    const changes = (tab: { heard: Heard[] }) => tab.heard.filter((h) => h.name === 'unread:changed').map((h) => h.payload.unread.messages);

    // Bob reads the first on process B: both tabs show 1 unread.
    expect((await bob.client.post(`/api/messages/${first}/read`, { read: true })).status).toBe(200);
    await until(() => changes(tabOnA).length === 1 && changes(tabOnB).length === 1, 'a count on each tab');
    expect([changes(tabOnA), changes(tabOnB)]).toEqual([[1], [1]]);
    // Deleting the unread second one: 0 everywhere. Deleting one already read changes no count.
    expect((await bob.client.request('DELETE', `/api/messages/${second}`)).status).toBe(200);
    await until(() => changes(tabOnA).length === 2 && changes(tabOnB).length === 2, 'a second count on each tab');
    expect([changes(tabOnA), changes(tabOnB)]).toEqual([
      [1, 0],
      [1, 0],
    ]);
    expect((await bob.client.request('DELETE', `/api/messages/${first}`)).status).toBe(200);
    // No count by the time the next message arrives.
    const third = (await alice.client.post('/api/messages', { to: bob.member.name, title: '三' })).json.message.id as string;
    await until(() => tabOnA.heard.some((h) => h.name === 'message:new' && h.payload.id === third), 'the third message');
    expect(changes(tabOnA)).toEqual([1, 0]);
  });
});
