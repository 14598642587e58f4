import type { HttpClient, TestApp } from '../helpers/app';
import { postReply, postThread, startBoardApp } from '../factories';

// INDEX_TREE_LINES: how many follow-up lines a board index shows under each thread (50 unless
// set); the rest are behind the thread's link, where the whole tree is.

let app: TestApp;
let writer: HttpClient;
let board: { slug: string };

beforeAll(async () => {
  ({ app, board, writer } = await startBoardApp({ app: { env: { INDEX_TREE_LINES: '3' } } }));
});
afterAll(() => app.close());

it('shows the first INDEX_TREE_LINES follow-ups of each thread, in display order', async () => {
  const root = await postThread(writer, board, '五條跟帖的主題');
  const first = await postReply(writer, root.id, '第一條');
  await postReply(writer, first.id, '第一條的回覆');
  await postReply(writer, root.id, '第二條');
  await postReply(writer, root.id, '第三條');
  await postReply(writer, root.id, '第四條');

  const page = (await app.client().get(`/b/${board.slug}`)).text;
  for (const shown of ['第一條', '第一條的回覆', '第二條']) expect(page).toContain(shown);
  for (const hidden of ['第三條', '第四條']) expect(page).not.toContain(hidden);

  // In display order: the first follow-up's own reply comes before the second follow-up.
  expect(page.indexOf('第一條的回覆')).toBeLessThan(page.indexOf('第二條'));
  const api = (await app.client().get(`/api/boards/${board.slug}/threads`)).json;
  expect(api.threads.find((t: { post: { id: string } }) => t.post.id === root.id).post.replyCount).toBe(5);

  // The thread's own page has them all.
  const whole = (await app.client().get(`/t/${root.id}`)).text;
  for (const title of ['第一條', '第一條的回覆', '第二條', '第三條', '第四條']) expect(whole).toContain(title);
});
