import { io, type Socket } from 'socket.io-client';
import type { MemberFeeds } from '../../server/realtime/realtime.members';
import { type TestApp, startTestApp } from '../helpers/app';
import { until } from '../helpers/wait';
import { createMember, createTestBoard, logInClient, postReply, postThread } from '../factories';

// A member's live events reach their pages in the order they were announced, even when reading
// one back takes longer than the next: otherwise a notification:new carrying the counts from
// before a newer unread:changed lands last, and the page's header keeps a stale count.

let app: TestApp;
let socket: Socket | undefined;
// The first notification read back for a page waits until the test lets it go.
let release!: () => void;
const gate = new Promise<void>((resolve) => (release = resolve));
let reading!: () => void;
const firstRead = new Promise<void>((resolve) => (reading = resolve));

const slowFirstNotification = (feeds: MemberFeeds): MemberFeeds => {
  const notification = feeds.notification!;
  let first = true;
  return {
    ...feeds,
    notification: async (db, memberId, id, v) => {
      if (first) {
        first = false;
        reading();
        await gate;
      }
      return notification(db, memberId, id, v);
    },
  };
};

beforeAll(async () => {
  app = await startTestApp({ memberFeeds: slowFirstNotification });
});
afterAll(async () => {
  release();
  socket?.disconnect();
  await app.close();
});

it('keeps a member’s events in the order announced: a notification read back slowly is not overtaken by the counts after it', async () => {
  const board = await createTestBoard(app.db);
  const [starterMember, replierMember] = [await createMember(app.db), await createMember(app.db)];
  const [starter, replier] = [app.client(), app.client()];
  await logInClient(starter, starterMember);
  await logInClient(replier, replierMember);
  const root = await postThread(starter, board, '問個問題');

  const cookie = [...starter.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  socket = io(app.baseUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { variant: 'zh-hant' },
    extraHeaders: { cookie },
  });
  const heard: { event: string; notifications: number }[] = [];
  socket.on('notification:new', (e: { unread: { notifications: number } }) =>
    heard.push({ event: 'notification:new', notifications: e.unread.notifications }),
  );
  socket.on('unread:changed', (e: { unread: { notifications: number } }) =>
    heard.push({ event: 'unread:changed', notifications: e.unread.notifications }),
  );
  await new Promise<void>((resolve, reject) => {
    socket!.once('connect', () => resolve());
    socket!.once('connect_error', reject);
  });

  // The reply's notification is being read back for the page (and held there) ...
  await postReply(replier, root.id, '回答');
  await firstRead;
  // ... when the starter reads it on another page: the counts change to none unread.
  expect((await starter.post('/api/notifications/read', {})).status).toBe(200);
  // Nothing signals that the hub heard the second event: give it a moment to overtake, as it did.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  release();
  await until(() => heard.length === 2, 'both events on the page');
  expect(heard).toEqual([
    { event: 'notification:new', notifications: 1 },
    { event: 'unread:changed', notifications: 0 },
  ]);
});
