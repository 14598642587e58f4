import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createModerator, createTestBoard, createThread, logInClient } from '../factories';

// A post held for review is invisible everywhere until a moderator approves it (issue 14): not in
// feeds (site, board, thread, member), hot lists, the member's page, the board's counts, search,
// nor does it notify anyone it mentions. The author sees it; approval makes it show everywhere.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('a held post', () => {
  it('is in no feed, hot list, member page, count or notification until it is approved', async () => {
    const board = await createTestBoard(app.db);
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', board.id).execute();
    const mod = app.client();
    await logInClient(mod, await createModerator(app.db, board));
    const starter = await createMember(app.db);
    await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', '=', starter.id).execute();
    const root = await createThread(app.db, { board, author: starter, title: '熱門主題' });
    const mentioned = await createMember(app.db);
    const author = await createMember(app.db);
    const client = app.client();
    await logInClient(client, author);

    const reply = await client.post(`/api/posts/${root.id}/replies`, { title: '待審跟帖鸕鶿', body: `問問 @${mentioned.name} 鸕鶿` });
    const thread = await client.post(`/api/boards/${board.slug}/threads`, { title: '待審主題鵜鶘', body: '鵜鶘' });
    expect([reply.status, thread.status]).toEqual([202, 202]);

    const member = `/u/${encodeURIComponent(author.name)}`;
    const places = [
      '/feed.xml',
      `/b/${board.slug}/feed.xml`,
      `/t/${root.id}/feed.xml`,
      `${member}/feed.xml`,
      '/hot/feed.xml',
      '/',
      '/api/hot',
      `/b/${board.slug}`,
      `/api/boards/${board.slug}/threads`,
      `/t/${root.id}`,
      `/api/posts/${root.id}`,
      member,
      `/api/search?q=${encodeURIComponent('鸕鶿')}`,
      `/api/search?q=${encodeURIComponent('鵜鶘')}`,
    ];
    const shows = async (path: string) => {
      const res = await app.client().get(path);
      if (res.status !== 200) return `${path}: ${res.status}`;
      return res.text.includes('鸕鶿') || res.text.includes('鵜鶘') ? `${path}: shown` : null;
    };
    for (const path of places) expect(await shows(path)).toBeNull();
    const threads = (await app.client().get(`/api/boards/${board.slug}/threads`)).json;
    expect(threads.total).toBe(1);
    expect(threads.threads[0].replyCount).toBe(0);
    expect(await app.db.selectFrom('notifications').select('kind').where('member_id', 'in', [mentioned.id, starter.id]).execute()).toEqual(
      [],
    );

    expect((await mod.post(`/api/held/${reply.json.heldPost.id}/approve`)).status).toBe(200);
    expect((await mod.post(`/api/held/${thread.json.heldPost.id}/approve`)).status).toBe(200);
    // Then it shows: the follow-up in its thread's feed and page, the thread in the board's, the
    // site's and its author's (feeds of new threads).
    const shown = async (path: string, word: string) => [path, (await app.client().get(path)).text.includes(word)];
    for (const path of [`/t/${root.id}/feed.xml`, `/t/${root.id}`]) expect(await shown(path, '鸕鶿')).toEqual([path, true]);
    for (const path of [`/b/${board.slug}/feed.xml`, `/b/${board.slug}`, '/feed.xml', `${member}/feed.xml`])
      expect(await shown(path, '鵜鶘')).toEqual([path, true]);
    const kinds = await app.db
      .selectFrom('notifications')
      .select(['member_id', 'kind'])
      .where('member_id', 'in', [mentioned.id, starter.id])
      .execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual(['mention', 'reply']);
  });
});
