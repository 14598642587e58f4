import type { TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { createReply, createTestBoard, memberClient, postReply, postThread } from '../factories';

// Thread pages of 20 lines a window: a follow-up's link (a notification's url) must open the
// window that holds it, not the first one.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { THREAD_WINDOW_LINES: '20' } });
});
afterAll(() => app.close());

describe('a notification for a follow-up beyond the first window', () => {
  it('links to the window that holds the follow-up', async () => {
    const board = await createTestBoard(app.db);
    const owner = app.client();
    await memberClient(app.db, owner);
    const other = app.client();
    await memberClient(app.db, other, { name: '遲來者' });
    const root = await postThread(owner, board, '一個長帖');
    for (let i = 0; i < 24; i++) await createReply(app.db, root.id, { title: `早${i}` });
    // A follow-up to the root comes last in display order: in the second window.
    const reply = await postReply(other, root.id, '後來的回覆');

    const plain = await owner.get(`/t/${root.id}`);
    expect(plain.text).not.toContain(`id="p${reply.id}"`);
    const [notice] = (await owner.get('/api/notifications')).json.notifications;
    expect(notice.url).toBe(`/t/${root.id}?at=${reply.id}#p${reply.id}`);
    const page = await owner.get(notice.url.split('#')[0]);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`id="p${reply.id}"`);
  });
});
