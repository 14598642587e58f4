import { type TestApp, startTestApp } from '../helpers/app';
import { createCast, createModerator, createTestBoard, logInClient, postReply, postThread } from '../factories';

// An archived board is read-only (README "Archived boards"): nobody posts, replies, edits, locks,
// pins, features, slows or approves there, through the JSON API or the forms; only an admin may
// delete, restore or hide an old version (a takedown without reopening the board). Reading,
// reports and rejecting held posts stay open. Each refusal is a 409 in the reader's script and
// changes nothing.

jest.setTimeout(120_000);

let app: TestApp;
let cast: Awaited<ReturnType<typeof createCast<'admin' | 'member' | 'other'>>>;
beforeAll(async () => {
  app = await startTestApp();
  cast = await createCast(app, ['admin', 'member', 'other'] as const);
});
afterAll(() => app.close());

/** What a refused change must leave as it was: the thread's seq and every log. */
async function snapshot(threadId: string) {
  const [thread, log, revisions, posts] = await Promise.all([
    app.db.selectFrom('threads').selectAll().where('thread_id', '=', threadId).executeTakeFirstOrThrow(),
    app.db
      .selectFrom('moderation_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    app.db
      .selectFrom('post_revisions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    app.db.selectFrom('posts').select(['id', 'title', 'deleted_at']).where('thread_id', '=', threadId).orderBy('id').execute(),
  ]);
  return { thread, log: log.n, revisions: revisions.n, posts };
}

it('refuses every change but an admin’s takedown, over the API and the forms, in the reader’s script', async () => {
  const board = await createTestBoard(app.db, { slug: 'attic', name: '閣樓' });
  const moderator = await createModerator(app.db, board);
  const mod = app.client();
  await logInClient(mod, moderator);
  const { member, other, admin } = cast.clients;
  const root = await postThread(member, board, '舊帖', '內容');
  const reply = await postReply(other, root.id, '舊跟帖', '內容');
  const gone = await postReply(other, root.id, '刪掉的跟帖', '內容');
  expect((await mod.request('DELETE', `/api/posts/${gone.id}`, { json: { reason: '離題' } })).status).toBe(200);
  expect((await member.request('PATCH', `/api/posts/${root.id}`, { json: { title: '舊帖（改）' } })).status).toBe(200);
  // A post waiting for review when the board is archived.
  await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', board.id).execute();
  const waiting = (await other.post(`/api/posts/${root.id}/replies`, { title: '等審核' })).json.heldPost.id as string;
  const another = (await other.post(`/api/posts/${root.id}/replies`, { title: '也在等' })).json.heldPost.id as string;
  const tagged = await mod.get(`/t/${root.id}`);
  expect(tagged.text).toContain(`/t/${root.id}/thread/lock`);

  expect((await admin.post('/api/admin/boards/attic/archive', {})).status).toBe(200);
  const before = await snapshot(root.id);

  const refusals: [string, () => ReturnType<typeof member.get>][] = [
    ['thread', () => member.post('/api/boards/attic/threads', { title: '新帖' })],
    ['reply', () => member.post(`/api/posts/${reply.id}/replies`, { title: '再跟' })],
    ['own edit', () => other.request('PATCH', `/api/posts/${reply.id}`, { json: { title: '改' } })],
    ['own delete', () => other.request('DELETE', `/api/posts/${reply.id}`, { json: {} })],
    ['moderator edit', () => mod.request('PATCH', `/api/posts/${reply.id}`, { json: { title: '改', reason: '整理' } })],
    ['moderator delete', () => mod.request('DELETE', `/api/posts/${reply.id}`, { json: { reason: '整理' } })],
    ['moderator restore', () => mod.post(`/api/posts/${gone.id}/restore`, {})],
    ['moderator hides a version', () => mod.post(`/api/posts/${root.id}/revisions/0/hide`, { reason: '整理' })],
    ['slow mode', () => mod.post(`/api/threads/${root.id}/slow-mode`, { seconds: 60 })],
    ['approve', () => mod.post(`/api/held/${waiting}/approve`, {})],
    ['admin edit', () => admin.request('PATCH', `/api/posts/${reply.id}`, { json: { title: '改', reason: '整理' } })],
  ];
  for (const change of ['lock', 'pin', 'feature'] as const) {
    refusals.push([`moderator ${change}`, () => mod.post(`/api/threads/${root.id}/${change}`, {})]);
    refusals.push([`admin ${change}`, () => admin.post(`/api/threads/${root.id}/${change}`, {})]);
  }
  for (const [what, sent] of refusals) {
    const res = await sent();
    expect([what, res.status, res.json?.error?.code]).toEqual([what, 409, 'BoardArchived']);
  }
  const localized = await member.post(`/api/posts/${reply.id}/replies`, { title: '再跟' }, { 'accept-language': 'zh-CN' });
  expect(localized.json.error.localized).toBe('版面“attic”已封存，只能阅读，不能发帖、跟帖或修改。');

  // The forms (no JavaScript): the same refusal as a page in the reader's script.
  const pages: [string, () => ReturnType<typeof member.get>][] = [
    ['reply form', () => member.postForm(`/zh-hans/t/${reply.id}/reply`, { title: '再跟', body: '' })],
    ['thread form', () => member.postForm('/zh-hans/b/attic/threads', { title: '新帖', body: '' })],
    ['edit page', () => other.get(`/zh-hans/t/${reply.id}/edit`)],
    ['edit form', () => other.postForm(`/zh-hans/t/${reply.id}/edit`, { title: '改', body: '內容' })],
    ['delete form', () => mod.postForm(`/zh-hans/t/${reply.id}/delete`, { reason: '整理' })],
    ['restore form', () => mod.postForm(`/zh-hans/t/${gone.id}/restore`, {})],
    ['lock form', () => mod.postForm(`/zh-hans/t/${root.id}/thread/lock`, {})],
    ['slow-mode form', () => mod.postForm(`/zh-hans/t/${root.id}/thread/slow-mode`, { seconds: '60' })],
    ['approve form', () => mod.postForm(`/zh-hans/held/${waiting}/approve`, {})],
  ];
  for (const [what, sent] of pages) {
    const res = await sent();
    expect([what, res.status, /已封存.只能阅读/.test(res.text)]).toEqual([what, 409, true]);
  }
  expect(await snapshot(root.id)).toEqual(before);

  // The thread page offers none of it: no lock, delete or edit for the moderator; delete for an admin.
  const modPage = await mod.get(`/t/${root.id}`, { 'if-none-match': tagged.headers.get('etag')! });
  expect(modPage.status).toBe(200); // archiving changed the page: no 304 with the old buttons
  for (const part of [`/t/${root.id}/thread/lock`, `/t/${root.id}/delete`, `/t/${root.id}/edit`]) {
    expect([part, modPage.text.includes(part)]).toEqual([part, false]);
  }
  const adminPage = await admin.get(`/t/${root.id}`);
  expect(adminPage.text).toContain(`/t/${root.id}/delete`);
  expect((await mod.get(`/t/${gone.id}`)).text).not.toContain(`/t/${gone.id}/restore`);
  expect((await admin.get(`/t/${gone.id}`)).text).toContain(`/t/${gone.id}/restore`);
  expect(adminPage.text).not.toContain(`/t/${root.id}/thread/lock`);
  const versions = await mod.get(`/t/${root.id}/revisions`);
  expect(versions.status).toBe(200);
  expect(versions.text).not.toContain('/revisions/0/hide');

  // Still open: reading, reports (and dismissing them), rejecting a held post, an admin's takedown.
  expect((await app.client().get(`/zh-hans/t/${root.id}`)).status).toBe(200);
  expect((await member.post(`/api/posts/${reply.id}/report`, { reason: '廣告' })).status).toBe(201);
  expect((await mod.post(`/api/posts/${reply.id}/reports/dismiss`, { reason: '不是廣告' })).status).toBe(200);
  expect((await mod.post(`/api/held/${another}/reject`, { reason: '本版已封存' })).status).toBe(200);
  const takedown = await admin.request('DELETE', `/api/posts/${reply.id}`, { json: { reason: '違法內容' } });
  expect([takedown.status, takedown.json.post.deleted]).toEqual([200, true]);
  expect((await admin.post(`/api/posts/${root.id}/revisions/0/hide`, { reason: '違法內容' })).status).toBe(200);
  expect((await admin.post(`/api/posts/${reply.id}/restore`, {})).status).toBe(200);
  const logged = await app.db
    .selectFrom('moderation_log')
    .select('action')
    .where('board_id', '=', board.id)
    .where('actor_id', '=', cast.members.admin.id)
    .orderBy('id')
    .execute();
  expect(logged.map((l) => l.action)).toEqual(['delete', 'hide-revision', 'restore']);

  // Unarchived, the board takes changes again.
  expect((await admin.post('/api/admin/boards/attic/unarchive', {})).status).toBe(200);
  expect((await mod.post(`/api/held/${waiting}/approve`, {})).status).toBe(200);
  expect((await mod.post(`/api/threads/${root.id}/lock`, {})).status).toBe(200);
});
