import { io, type Socket } from 'socket.io-client';
import type { HotUpdateEvent } from '../../server/realtime/realtime.events';
import { type TestApp, startTestApp } from '../helpers/app';
import { sleep } from '../helpers/live';
import { createMember, createReply, createTestBoard, createThread } from '../factories';

// Live hot lists (issue 15): readers of / and of a board's page join the list they see
// (hot:join) and get hot:update when it changes, rendered in their variant, from whichever process
// wrote the change (every process hears thread events over LISTEN), at most once per
// HOT_REFRESH_SECONDS per process.
jest.setTimeout(60_000);

let app: TestApp;
let second: TestApp;
const sockets: Socket[] = [];
beforeAll(async () => {
  app = await startTestApp({ env: { HOT_REFRESH_SECONDS: '0' } });
  second = await startTestApp({ databaseOf: app, env: { HOT_REFRESH_SECONDS: '1' } });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  await second.close();
  await app.close();
});

/** A reader of a hot list on `on`: its socket, and every hot:update it got. */
async function follow(on: TestApp, request: { board?: string; period: 'today' | 'week'; variant?: string }) {
  const socket = io(on.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(socket);
  const updates: HotUpdateEvent[] = [];
  socket.on('hot:update', (e: HotUpdateEvent) => updates.push(e));
  const ack: unknown = await socket.emitWithAck('hot:join', request);
  return { socket, updates, ack };
}

/** Waits until an update satisfies `test` (15 s at most), and returns it. */
async function updateWhere(updates: HotUpdateEvent[], test: (e: HotUpdateEvent) => boolean): Promise<HotUpdateEvent> {
  const end = Date.now() + 15_000;
  for (;;) {
    const found = updates.find(test);
    if (found) return found;
    if (Date.now() > end) throw new Error(`no such update among ${updates.length}: ${JSON.stringify(updates.map((u) => u.threads))}`);
    await sleep(20);
  }
}

describe('live hot lists', () => {
  it('sends a board’s and the site’s list to their readers when it changes, in each reader’s variant', async () => {
    const board = await createTestBoard(app.db, { name: '熱門版' });
    const hans = await follow(app, { board: board.slug, period: 'today', variant: 'zh-hans' });
    expect(hans.ack).toEqual({ ok: true });
    // Joining sends the list as it is now: empty on a new board, its name in the reader's variant.
    const first = await updateWhere(hans.updates, () => true);
    expect(first).toMatchObject({ period: 'today', board: { slug: board.slug, name: '热门版' }, threads: [] });
    const site = await follow(app, { period: 'week' });

    const [starter, a, b] = await Promise.all([createMember(app.db), createMember(app.db), createMember(app.db)]);
    const root = await createThread(app.db, { board, author: starter, title: '軟體更新了' });
    await createReply(app.db, root.id, { author: a });
    await createReply(app.db, root.id, { author: b });

    const two = await updateWhere(hans.updates, (e) => e.threads[0]?.repliers === 2);
    expect(two.threads[0]).toMatchObject({ threadId: root.id, title: '软件更新了', rank: 1 });
    expect(two.html).toContain('<ol class="hot-list"');
    expect(two.html).toContain(`href="/zh-hans/t/${root.id}"`);
    expect(two.html).toContain('>软件更新了</a>');
    expect(two.html).toContain('2 人跟帖');
    const onSite = await updateWhere(site.updates, (e) => e.threads.some((t) => t.threadId === root.id && t.repliers === 2));
    expect(onSite).toMatchObject({ period: 'week', board: null });
    expect(onSite.html).toContain('[熱門版]');
    expect(onSite.html).toContain('>軟體更新了</a>');
  });

  it('reaches readers on another process, at most once per HOT_REFRESH_SECONDS there', async () => {
    const board = await createTestBoard(app.db);
    const reader = await follow(second, { board: board.slug, period: 'today' });
    await updateWhere(reader.updates, () => true);
    const starter = await createMember(app.db);
    const root = await createThread(app.db, { board, author: starter, title: '另一個進程' });
    // A burst of twelve follow-ups by twelve members, written by the first process.
    const repliers = await Promise.all(Array.from({ length: 12 }, () => createMember(app.db)));
    const began = Date.now();
    for (const m of repliers) await createReply(app.db, root.id, { author: m });
    const last = await updateWhere(reader.updates, (e) => e.threads[0]?.repliers === 12);
    expect(last.threads[0]!.threadId).toBe(root.id);
    // The join's list, then at most one a second while the burst lasted (and one after it).
    const seconds = (Date.now() - began) / 1000;
    expect(reader.updates.length).toBeLessThanOrEqual(2 + Math.ceil(seconds));
    expect(reader.updates.length).toBeLessThan(1 + repliers.length);
  });

  it('answers a join for a board that is not there with BoardNotFound', async () => {
    const { ack } = await follow(app, { board: 'no-such-board', period: 'today', variant: 'zh-tw' });
    expect(ack).toMatchObject({ error: { code: 'BoardNotFound' } });
    const { ack: bad } = await follow(app, { period: 'month' as 'today' });
    expect(bad).toMatchObject({ error: { code: 'ValidationFailed' } });
  });
});
