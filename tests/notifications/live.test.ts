import { io, type Socket } from 'socket.io-client';
import { HttpClient } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { sleep } from '../helpers/live';
import { type ServerProcess, startServerProcess } from '../helpers/processes';
import { createMember, createTestBoard, logInClient, postReply, postThread } from '../factories';

// notification:new reaches the notified member's open page on whichever process holds it (the
// change's transaction announces it through PostgreSQL), worded in the page's script, with the
// header's counts; nobody else's sockets get it.
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
  id: string;
  kind: string;
  text: string;
  url: string;
  createdAt: string;
  unread: { messages: number; notifications: number };
}

/** A member's open page on a process: a socket with their session cookie, recording notification:new. */
async function openPage(process: ServerProcess, client: HttpClient | null, variant: string): Promise<Heard[]> {
  const heard: Heard[] = [];
  const cookie = client ? [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  const socket = io(url(process), {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { variant },
    extraHeaders: cookie ? { cookie } : {},
  });
  sockets.push(socket);
  socket.on('notification:new', (e: Heard) => heard.push(e));
  socket.on('unread:changed', (e: Pick<Heard, 'unread'>) =>
    heard.push({ id: '', kind: 'unread:changed', text: '', url: '', createdAt: '', ...e }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  // The member's room is joined once the session is checked, just after connecting.
  await sleep(300);
  return heard;
}

describe('live notifications across two processes', () => {
  it('reach only the notified member, on the other process, in the page’s script, with the counts', async () => {
    const board = await createTestBoard(database.db);
    const starterMember = await createMember(database.db);
    const bystanderMember = await createMember(database.db);
    const replierMember = await createMember(database.db, { name: '回覆者' });
    const starter = new HttpClient(url(a));
    const bystander = new HttpClient(url(b));
    const replier = new HttpClient(url(a));
    await logInClient(starter, starterMember);
    await logInClient(bystander, bystanderMember);
    await logInClient(replier, replierMember);
    const root = await postThread(starter, board, '软件讨论');

    // The starter has two pages open on B, one in Taiwan traditional and one in simplified; a
    // bystander and an anonymous reader are on B too.
    const starterOnB = new HttpClient(url(b));
    await logInClient(starterOnB, starterMember);
    const starterPage = await openPage(b, starterOnB, 'zh-tw');
    const starterHans = await openPage(b, starterOnB, 'zh-hans');
    const bystanderOnB = await openPage(b, bystander, 'zh-hant');
    const anonymousOnB = await openPage(b, null, 'zh-hant');

    const reply = await postReply(replier, root.id, '回答软件问题');
    for (let i = 0; i < 100 && starterPage.length === 0; i++) await sleep(50);
    expect(starterPage).toHaveLength(1);
    expect(starterPage[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      kind: 'reply',
      text: '回覆者 回覆了您的帖子：回答軟體問題',
      url: `/t/${root.id}?at=${reply.id}#p${reply.id}`,
      createdAt: expect.any(String),
      unread: { messages: 0, notifications: 1 },
    });
    for (let i = 0; i < 100 && starterHans.length === 0; i++) await sleep(50);
    expect(starterHans.map((e) => [e.id, e.text])).toEqual([[starterPage[0]!.id, '回覆者 回复了您的帖子：回答软件问题']]);
    await sleep(500);
    expect(bystanderOnB).toEqual([]);
    expect(anonymousOnB).toEqual([]);

    // Read on process A: both of the starter's pages on B show no unread notification now.
    expect((await starter.post('/api/notifications/read', {})).status).toBe(200);
    for (let i = 0; i < 100 && starterHans.length < 2; i++) await sleep(50);
    expect(starterPage.at(-1)).toMatchObject({ kind: 'unread:changed', unread: { messages: 0, notifications: 0 } });
    expect(starterHans.at(-1)).toMatchObject({ kind: 'unread:changed', unread: { messages: 0, notifications: 0 } });
    expect(bystanderOnB).toEqual([]);
  });
});
