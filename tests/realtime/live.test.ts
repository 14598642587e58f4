import type { HttpClient, TestApp } from '../helpers/app';
import { readersOf } from '../helpers/live';
import { until } from '../helpers/wait';
import { postReply, postThread, startBoardApp } from '../factories';

let app: TestApp;
let writer: HttpClient;
let board: { slug: string };
const reader = readersOf(() => app.baseUrl);

beforeAll(async () => {
  ({ app, board, writer } = await startBoardApp({ writer: { name: '寫手' } }));
});
afterAll(() => app.close());

const thread = async (title = '直播帖') => (await postThread(writer, board, title)).id;
const replyTo = (id: string, title: string, body?: string) => postReply(writer, id, title, body);

describe('live threads', () => {
  it('delivers new, edited and deleted posts in order, rendered in the reader’s variant', async () => {
    const root = await thread();
    const r = reader();
    const ack = await r.join(root, 'zh-hant');
    expect(ack).toEqual({ seq: 1, readers: 1, more: false });

    const a = await replyTo(root, '头发都白了');
    // An event carries its post as it is when delivered (a reader late to a post:new gets the post
    // as edited since): the edit waits for the new post's delivery, so the first event shows it unedited.
    await r.waitFor(1);
    await writer.request('PATCH', `/api/posts/${a.id}`, { json: { title: '头发全白了' } });
    // Likewise the delete waits for the edit's delivery, or the edit's event may show the tombstone.
    await r.waitFor(2);
    await writer.request('DELETE', `/api/posts/${a.id}`);
    const events = await r.waitFor(3);
    expect(events.map((e) => [e.name, e.seq])).toEqual([
      ['post:new', 2],
      ['post:edit', 3],
      ['post:delete', 4],
    ]);
    expect(events[0]!.html).toContain('>頭髮都白了</a>');
    expect(events[0]!.html).toContain(`id="p${a.id}"`);
    expect(events[0]!.html).toContain('href="/zh-hant/t/');
    expect(events[0]!.post).toMatchObject({ id: a.id, parentId: root, title: '頭髮都白了' });
    expect(events[1]!.html).toContain('頭髮全白了');
    expect(events[2]!.html).toContain('此帖已被作者刪除');
    expect(events[2]!.post).toMatchObject({ deleted: true, title: '' });
  });

  it('renders each variant for its own readers, and the original for readers of the original', async () => {
    const root = await thread();
    const [hans, tw, orig] = [reader(), reader(), reader()];
    await hans.join(root, 'zh-hans');
    await tw.join(root, 'zh-tw');
    await orig.join(root);
    await replyTo(root, '軟體更新了');
    expect((await hans.waitFor(1))[0]!.html).toContain('>软件更新了<');
    expect((await tw.waitFor(1))[0]!.html).toContain('>軟體更新了<');
    expect((await orig.waitFor(1))[0]!.html).toContain('>軟體更新了<');
  });

  it('sends readers only the events of their thread', async () => {
    const [one, two] = [await thread('一'), await thread('二')];
    const r1 = reader();
    const r2 = reader();
    await r1.join(one);
    await r2.join(two);
    await replyTo(one, 'only for one');
    await r1.waitFor(1);
    // The next event r2 hears is its own thread's.
    await replyTo(two, 'only for two');
    expect((await r2.waitFor(1)).map((e) => e.post!.title)).toEqual(['only for two']);
    expect(r1.events).toHaveLength(1);
  });

  it('gives a reader who comes back with since exactly what was missed, before the ack', async () => {
    const root = await thread();
    const first = reader();
    const { seq } = await first.join(root);
    await replyTo(root, 'seen');
    const [seen] = await first.waitFor(1);
    first.close();
    const missed = [await replyTo(root, 'missed 1'), await replyTo(root, 'missed 2'), await replyTo(root, 'missed 3')];

    const back = reader();
    const ack = await back.join(root, undefined, seen!.seq);
    // The catch-up came before the ack, exactly once each, in order.
    expect(back.events.map((e) => [e.seq, e.post!.id])).toEqual(missed.map((p, i) => [seq + 2 + i, p.id]));
    expect(ack.seq).toBe(seq + 4);
    await replyTo(root, 'live again');
    expect((await back.waitFor(4))[3]!.seq).toBe(seq + 5);

    const http = await app.client().get(`/api/threads/${root}/events?since=${seen!.seq}&variant=zh-hant`);
    expect(http.json.seq).toBe(seq + 5);
    expect(http.json.events.map((e: { seq: number }) => e.seq)).toEqual([seq + 2, seq + 3, seq + 4, seq + 5]);
    expect((await app.client().get(`/api/threads/${root}/events?since=x`)).status).toBe(400);
    expect((await app.client().get('/api/threads/999999/events?since=0')).status).toBe(404);
  });

  it('counts the readers following a thread', async () => {
    const root = await thread();
    const a = reader();
    const b = reader();
    await a.join(root);
    expect((await b.join(root)).readers).toBe(2);
    // The count goes out when it settles: waited for, not slept on (a loaded machine is slower).
    await until(() => a.counts.at(-1) === 2, 'a count of 2');
    b.close();
    await until(() => a.counts.at(-1) === 1, 'a count of 1');
  });

  it('refuses a bad join with an error, not a crash', async () => {
    const r = reader();
    await r.connected();
    expect(await r.socket.emitWithAck('thread:join', { threadId: 'x' })).toMatchObject({ error: { code: 'ValidationFailed' } });
    expect(await r.socket.emitWithAck('thread:join', { threadId: '99999999' })).toMatchObject({ error: { code: 'PostNotFound' } });
    expect(await r.socket.emitWithAck('thread:join', { threadId: '1', variant: 'zh-xx' })).toMatchObject({
      error: { code: 'ValidationFailed' },
    });
  });

  it('gives a board reader each new follow-up once, after the thread’s own readers left', async () => {
    const root = await thread('舊帖');
    const passer = reader();
    await passer.join(root);
    await replyTo(root, 'while read');
    await passer.waitFor(1);
    // Left once the server says so (a socket's close reaches the server in its own time).
    await passer.socket.emitWithAck('thread:leave', { threadId: root });
    passer.close();
    const watcher = reader();
    await watcher.connected();
    await watcher.socket.emitWithAck('board:join', { slug: board.slug });
    await replyTo(root, 'one');
    await replyTo(root, 'two');
    // Once each: nothing more by the time the next one arrives.
    await replyTo(root, 'three');
    await watcher.waitFor(3);
    expect(watcher.events.map((e) => e.post!.title)).toEqual(['one', 'two', 'three']);
  });

  it('tells a board’s readers about new threads and new follow-ups', async () => {
    const r = reader();
    await r.connected();
    expect(await r.socket.emitWithAck('board:join', { slug: board.slug, variant: 'zh-hans' })).toEqual({ ok: true });
    const root = await thread('新主題');
    await replyTo(root, '新跟帖');
    const events = await r.waitFor(2);
    expect(events.map((e) => [e.name, e.post!.id === root])).toEqual([
      ['board:activity', true],
      ['board:activity', false],
    ]);
    expect(events[0]!.html).toContain('新主题');
  });
});
