import type { HttpClient, TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { type ApiPost, createModerator, createReply, logInClient, postReply, postThread, startBoardApp } from '../factories';
import type { Board } from '../../server/boards/boards.service';

// A board page keeps each thread's follow-up tree at the thread's seq (posts/posts.index.cache.ts):
// a warm board page reads no follow-up lines, however long its threads grow, and a change to a
// thread on any process shows on the next page of every process.

let a: TestApp;
let b: TestApp;
let board: Board;
let writerA: HttpClient;
let writerB: HttpClient;
let modA: HttpClient;
let modB: HttpClient;

beforeAll(async () => {
  let member;
  ({ app: a, board, writer: writerA, member } = await startBoardApp());
  b = await startTestApp({ databaseOf: a });
  writerB = b.client();
  await logInClient(writerB, member);
  const moderator = await createModerator(a.db, board);
  modA = a.client();
  modB = b.client();
  await logInClient(modA, moderator);
  await logInClient(modB, moderator);
});
afterAll(async () => {
  await b.close();
  await a.close();
});

const page = async (client: HttpClient, path = `/b/${board.slug}`) => {
  const res = await client.get(path);
  expect(res.status).toBe(200);
  return res.text;
};

/** The statements app `a` sends for one board page of an anonymous reader. */
async function statements(): Promise<number> {
  const before = a.queries();
  await page(a.client());
  return a.queries() - before;
}

it('a warm board page reads no follow-up lines: its statements stay the same as its threads grow, and it shows what a cold one does', async () => {
  const root = await postThread(writerA, board, '會長大的主題');
  let last = root.id;
  for (let i = 0; i < 3; i++) last = (await postReply(writerA, i % 2 ? root.id : last, `小跟帖 ${i}`)).id;
  await page(a.client());
  const small = await statements();

  // Cold (nothing kept), the page also reads its threads' lines: one statement more.
  a.caches.lines.clear();
  expect(await statements()).toBe(small + 1);

  // The thread grows past the page's 50 lines (through the service: no process is told).
  for (let i = 0; i < 80; i++) last = (await createReply(a.db, i % 3 ? last : root.id, { title: `長跟帖 ${i}` })).id;
  const first = await page(a.client());
  expect(first).toContain('長跟帖 0');
  expect(await statements()).toBe(small);

  // What a warm page shows is what a page rendered from scratch shows.
  const warm = await page(a.client());
  a.caches.lines.clear();
  expect(await page(a.client())).toBe(warm);
});

describe('a change to a thread on another process shows on the next board page', () => {
  let root: ApiPost;
  let reply: ApiPost;

  beforeAll(async () => {
    root = await postThread(writerA, board, '兩個進程的主題');
    reply = await postReply(writerA, root.id, '原來的跟帖');
    // Both flavours of the tree kept on process a: a reader's and a moderator's.
    expect(await page(a.client())).toContain('原來的跟帖');
    expect(await page(modA)).toContain('原來的跟帖');
  });

  it('a reply', async () => {
    await postReply(writerB, reply.id, '另一進程的跟帖');
    expect(await page(a.client())).toContain('另一進程的跟帖');
  });

  it('an edit', async () => {
    expect((await writerB.request('PATCH', `/api/posts/${reply.id}`, { json: { title: '改過的跟帖', reason: '改題' } })).status).toBe(200);
    const shown = await page(a.client());
    expect(shown).toContain('改過的跟帖');
    expect(shown).not.toContain('原來的跟帖');
  });

  it('a deletion and a restoration, each as its reader sees it', async () => {
    expect((await writerB.request('DELETE', `/api/posts/${reply.id}`, { json: {} })).status).toBe(200);
    // A reader gets the tombstone; the moderator the title struck through (their own kept tree).
    expect(await page(a.client())).not.toContain('改過的跟帖');
    expect(await page(modA)).toContain('<del class="title">改過的跟帖</del>');
    expect((await modB.post(`/api/posts/${reply.id}/restore`)).status).toBe(200);
    expect(await page(a.client())).toContain(`class="title">改過的跟帖</a>`);
  });

  it('a lock', async () => {
    expect((await modB.post(`/api/threads/${root.id}/lock`)).status).toBe(200);
    const shown = await page(a.client());
    const entry = shown.slice(shown.indexOf(`id="p${root.id}"`));
    expect(entry.slice(0, entry.indexOf('</li>'))).toContain('locked-mark');
  });
});

it('keeps each variant apart: its titles, and its links under its prefix', async () => {
  const root = await postThread(writerA, board, '变体的主题');
  const reply = await postReply(writerA, root.id, '这个国家的说法');
  // Readers whose browsers ask for a script get it with no prefix in the address.
  const inScript = async (language: string) => (await a.client().get(`/b/${board.slug}`, { 'accept-language': language })).text;
  expect(await inScript('zh-TW')).toContain('這個國家的說法');
  expect(await inScript('zh-CN')).toContain('这个国家的说法');
  expect(await inScript('zh-TW')).toContain('這個國家的說法');
  expect(await page(a.client(), `/zh-tw/b/${board.slug}`)).toContain(`href="/zh-tw/t/${reply.id}"`);
  expect(await inScript('zh-TW')).toContain(`href="/t/${reply.id}"`);
});
