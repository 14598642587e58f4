import { io, type Socket } from 'socket.io-client';
import { HttpClient } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { until } from '../helpers/wait';
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
  // Two real processes booting on a loaded machine once took more than the minute the test itself needs at most.
}, 120_000);
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

/** What a page heard: its member's events (notification:new, unread:changed) and the ids of the follow-ups it was sent live. */
interface Page {
  heard: Heard[];
  followUps: string[];
  socket: Socket;
}

/** A member's (or, without a client, an anonymous reader's) open page on a process: a socket with the session cookie. */
async function openPage(process: ServerProcess, client: HttpClient | null, variant: string): Promise<Page> {
  const cookie = client ? [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  const socket = io(url(process), {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { variant },
    extraHeaders: cookie ? { cookie } : {},
  });
  sockets.push(socket);
  const page: Page = { heard: [], followUps: [], socket };
  socket.on('notification:new', (e: Heard) => page.heard.push(e));
  socket.on('unread:changed', (e: Pick<Heard, 'unread'>) =>
    page.heard.push({ id: '', kind: 'unread:changed', text: '', url: '', createdAt: '', ...e }),
  );
  socket.on('post:new', (e: { post: { id: string } }) => page.followUps.push(e.post.id));
  // Connected means in the member's room: the server checks the session before it accepts a socket.
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return page;
}

/** The page's last unread:changed, once one says that no notification is unread. */
const readAll = (page: Page) =>
  until(
    () => page.heard.findLast((e) => e.kind === 'unread:changed' && e.unread.notifications === 0),
    'unread:changed with no unread notification',
  );

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
    // bystander and an anonymous reader are on B too, reading the thread.
    const starterOnB = new HttpClient(url(b));
    await logInClient(starterOnB, starterMember);
    const starterPage = await openPage(b, starterOnB, 'zh-tw');
    const starterHans = await openPage(b, starterOnB, 'zh-hans');
    const bystanderOnB = await openPage(b, bystander, 'zh-hant');
    const anonymousOnB = await openPage(b, null, 'zh-hant');
    for (const page of [bystanderOnB, anonymousOnB])
      await page.socket.emitWithAck('thread:join', { threadId: root.id, variant: 'zh-hant' });

    const reply = await postReply(replier, root.id, '回答软件问题');
    await until(() => starterPage.heard.length > 0, 'the notification on the zh-tw page');
    expect(starterPage.heard).toEqual([
      {
        id: expect.stringMatching(/^\d+$/),
        kind: 'reply',
        text: '回覆者 回覆了您的帖子：回答軟體問題',
        url: `/t/${root.id}?at=${reply.id}#p${reply.id}`,
        createdAt: expect.any(String),
        unread: { messages: 0, notifications: 1 },
      },
    ]);
    await until(() => starterHans.heard.length > 0, 'the notification on the zh-hans page');
    expect(starterHans.heard.map((e) => [e.id, e.text])).toEqual([[starterPage.heard[0]!.id, '回覆者 回复了您的帖子：回答软件问题']]);
    // The bystander and the anonymous reader: nothing, by the time the next follow-up (which
    // notifies nobody on B) reaches them.
    const next = await postReply(starter, reply.id, '谢谢');
    for (const page of [bystanderOnB, anonymousOnB]) await until(() => page.followUps.includes(next.id), 'the next follow-up');
    expect(bystanderOnB.heard).toEqual([]);
    expect(anonymousOnB.heard).toEqual([]);

    // Read on process A: both of the starter's pages on B show no unread notification now.
    expect((await starter.post('/api/notifications/read', {})).status).toBe(200);
    for (const page of [starterPage, starterHans]) {
      expect((await readAll(page)).unread).toEqual({ messages: 0, notifications: 0 });
      expect(page.heard.filter((e) => e.kind === 'unread:changed')).toHaveLength(1);
    }
    expect(bystanderOnB.heard).toEqual([]);
  });
});
