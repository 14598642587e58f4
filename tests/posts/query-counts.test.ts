// What each busy path costs the database, in statements (issue 17's soak: every statement is a
// round trip of the server's main thread and work for PostgreSQL). A figure here going up means
// a statement was added back to a path the soak sends hundreds of times a second.
import type { Board } from '../../server/boards/boards.service';
import type { HttpClient, TestApp } from '../helpers/app';
import { until } from '../helpers/wait';
import { type TestMember, memberClient, postReply, postThread, startBoardApp } from '../factories';

let app: TestApp;
let board: Board;
let writer: HttpClient;
let member: TestMember;
let root: string;
let last: string;

beforeAll(async () => {
  ({ app, board, writer, member } = await startBoardApp());
  // What this process knows of each thread's version is trusted only once its LISTEN connection is
  // up (caches.ts, ThreadStates); on a loaded machine it came up between the warm-up and the
  // counted request, which then read the version once more (6 statements, not 5).
  await until(() => app.caches.threads.listening, 'the LISTEN connection');
  root = (await postThread(writer, board, '計數', '正文')).id;
  last = root;
  for (let i = 0; i < 6; i++) last = (await postReply(writer, i % 2 ? root : last, `跟帖 ${i}`, '內容')).id;
});
afterAll(() => app.close());

/** The statements the app sends while `work` runs, and what it answered; their SQL is printed when there are more than `cap`. */
async function counted<T>(work: () => Promise<T>, cap: number): Promise<{ queries: number; answer: T }> {
  const before = app.queries();
  const answer = await work();
  const queries = app.queries() - before;
  if (queries > cap) console.log(`${queries} statements:\n${app.statements(queries).join('\n')}`);
  return { queries, answer };
}

it("a member's thread page: their role, ban, mute, ignoring and position read with the post's version, the window's post, thread and board in one statement: the session and 2 more", async () => {
  const reader = app.client();
  const { id: readerId } = await memberClient(app.db, reader);
  await reader.get(`/t/${root}`);
  // The first visit's position is recorded while its page goes out, so it may land after the
  // answer: counted in the next request on a loaded machine (4 statements, not 3, in one CI run).
  await until(
    async () =>
      (
        await app.db
          .selectFrom('thread_reads')
          .select('seen_post_id')
          .where('user_id', '=', readerId)
          .where('thread_id', '=', root)
          .executeTakeFirst()
      )?.seen_post_id === last,
    'the first visit’s position recorded',
  );
  const { queries, answer } = await counted(() => reader.get(`/t/${root}`), 3);
  expect(answer.status).toBe(200);
  expect(queries).toBeLessThanOrEqual(3);
});

it("a member's thread page after follow-ups they have not seen: the window patched (events, new lines), their position recorded: ≤ 6 statements", async () => {
  const reader = app.client();
  await memberClient(app.db, reader);
  await reader.get(`/t/${root}`);
  // Another member's follow-up (the page's window is kept: it is patched, not read again).
  last = (await postReply(writer, root, '新的跟帖', '內容')).id;
  const { queries, answer } = await counted(() => reader.get(`/t/${root}`), 6);
  expect(answer.status).toBe(200);
  // Marked as new to them, as the position read with the version says.
  expect(answer.text).toContain('新的跟帖');
  expect(answer.text).toContain('class="new-mark"');
  expect(queries).toBeLessThanOrEqual(6);
});

it("starting a thread: the member's session, the address's limits (a statement of their own, autocommitted), then the board, their role and ban, their followers, their own limits and the thread's id in one statement, and every write in one more: ≤ 4 statements", async () => {
  await postThread(writer, board, '暖身');
  const { queries, answer } = await counted(() => writer.post(`/api/boards/${board.slug}/threads`, { title: '新題', body: '內容' }), 4);
  expect(answer.status).toBe(201);
  expect(queries).toBeLessThanOrEqual(4);
  // Answered from what the transaction wrote, not read back: the post as it is read afterwards.
  const post = answer.json.post;
  expect(post).toEqual((await writer.get(`/api/posts/${post.id}`)).json.post);
});

it("editing a post: the member's session, the address's limits, then the post, its thread, board, the editor's role and ban and their own limits in one statement, and every write in one more: ≤ 4 statements", async () => {
  const { queries, answer } = await counted(
    () => writer.request('PATCH', `/api/posts/${last}`, { json: { body: `改過 ${member.name}`, reason: '長跑' } }),
    4,
  );
  expect(answer.status).toBe(200);
  expect(queries).toBeLessThanOrEqual(4);
  // Answered from what the edit wrote, not read back: the post as it is read afterwards (but its follow-ups' count).
  expect(answer.json.post.body).toContain('改過');
  expect(answer.json.post).toEqual({ ...(await writer.get(`/api/posts/${last}`)).json.post, replyCount: 0 });
});
