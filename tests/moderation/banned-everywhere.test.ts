import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createModerator, createReply, createTestBoard, createThread, logInClient } from '../factories';
import { png, upload } from '../uploads/images';

// A banned member is told why and until when on every action the ban refuses, not only a reply:
// a new thread, an edit, a form sent without JavaScript; and, banned from the whole site, a 悄悄話
// and an upload. Each in the reader's script and the display time zone (issue 14, "Bans, visible").

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { TZ_DISPLAY: 'America/New_York' } });
});
afterAll(() => app.close());

const UNTIL = new Date('2030-01-15T12:00:00Z'); // 07:00:00 in New York
const HANT = '到 2030/01/15 07:00:00 (America/New_York) 為止。理由：灌水';
const HANS = '到 2030-01-15 07:00:00 (America/New_York) 为止。理由：灌水';
const tw = { 'accept-language': 'zh-TW' };
const cn = { 'accept-language': 'zh-CN' };

async function banned(scope: 'board' | 'site') {
  const board = await createTestBoard(app.db);
  const member = await createMember(app.db);
  const thread = await createThread(app.db, { board });
  const own = await createReply(app.db, thread.id, { author: member, title: '我的跟帖' });
  const by = await createModerator(app.db, board);
  await app.db
    .insertInto('bans')
    .values({ board_id: scope === 'board' ? board.id : null, user_id: member.id, banned_by: by.id, reason: '灌水', expires_at: UNTIL })
    .execute();
  const client = app.client();
  await logInClient(client, member);
  return { board, member, thread, own, client };
}

describe('a member banned from a board', () => {
  it('is told why and until when on a new thread, an edit and the forms, in both scripts', async () => {
    const { board, thread, own, client } = await banned('board');
    const refusals = [
      () => client.post(`/api/boards/${board.slug}/threads`, { title: '新帖' }, tw),
      () => client.request('PATCH', `/api/posts/${own.id}`, { json: { title: '改過' } }, tw),
      () => client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, tw),
    ];
    for (const send of refusals) {
      const res = await send();
      expect([res.status, res.json.error.code]).toEqual([403, 'Banned']);
      expect(res.json.error.localized).toBe(`您在本版被封禁，${HANT}`);
    }
    const hans = await client.post(`/api/boards/${board.slug}/threads`, { title: '新帖' }, cn);
    expect(hans.json.error.localized).toBe(`您在本版被封禁，${HANS}`);

    // Without JavaScript: the form comes back with the refusal above it and the text kept.
    const reply = await client.postForm(`/t/${thread.id}/reply`, { title: '表單跟帖', body: '打好的字' });
    expect(reply.status).toBe(403);
    // A page without a script asked for: the original text, times written as the site writes them.
    expect(reply.text).toContain('您在本版被封禁，到 2030-01-15 07:00:00 (America/New_York) 為止。理由：灌水');
    expect(reply.text).toContain('打好的字');
    const started = await client.postForm(`/zh-hans/b/${board.slug}/threads`, { title: '表单新帖', body: '打好的字' });
    expect(started.status).toBe(403);
    expect(started.text).toContain(`您在本版被封禁，${HANS}`);
  });
});

describe('a member banned from the whole site', () => {
  it('is told why and until when on a 悄悄話 and an upload', async () => {
    const { client } = await banned('site');
    const friend = await createMember(app.db);
    const message = await client.post('/api/messages', { to: friend.name, title: '你好', body: '在嗎' }, tw);
    expect([message.status, message.json.error.code]).toEqual([403, 'Banned']);
    expect(message.json.error.localized).toBe(`您在全站被封禁，${HANT}`);
    const picture = await upload(client, await png(), { headers: cn });
    expect([picture.status, picture.json.error.code]).toEqual([403, 'Banned']);
    expect(picture.json.error.localized).toBe(`您在全站被封禁，${HANS}`);
  });
});
