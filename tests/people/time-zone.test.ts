import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createModerator, createTestBoard, createThread, logInClient } from '../factories';

// A member's own time zone (/settings, PATCH /api/me/settings): a banned member sees their ban's
// end in it, named, on a refused action (JSON and the form page) and on their own page, in both
// scripts; a member without one sees the site's (TZ_DISPLAY); an unknown zone is refused and
// nothing changes (issue 14, "Bans, visible").

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { TZ_DISPLAY: 'America/New_York' } });
});
afterAll(() => app.close());

const UNTIL = new Date('2030-01-15T12:00:00Z'); // 04:00 in Los Angeles, 07:00 in New York
const LA_HANT = '到 2030/01/15 04:00:00 (America/Los_Angeles) 為止。理由：灌水';
const LA_HANS = '到 2030-01-15 04:00:00 (America/Los_Angeles) 为止。理由：灌水';
const NY_HANT = '到 2030/01/15 07:00:00 (America/New_York) 為止。理由：灌水';
// A page without a script asked for: the original text, times written as the site writes them.
const LA_PAGE = '到 2030-01-15 04:00:00 (America/Los_Angeles) 為止。理由：灌水';
const NY_PAGE = '到 2030-01-15 07:00:00 (America/New_York) 為止。理由：灌水';
const tw = { 'accept-language': 'zh-TW' };
const cn = { 'accept-language': 'zh-CN' };

/** A member banned from a board until UNTIL, logged in. */
async function bannedMember() {
  const board = await createTestBoard(app.db);
  const member = await createMember(app.db);
  const thread = await createThread(app.db, { board });
  const by = await createModerator(app.db, board);
  await app.db
    .insertInto('bans')
    .values({ board_id: board.id, user_id: member.id, banned_by: by.id, reason: '灌水', expires_at: UNTIL })
    .execute();
  const client = app.client();
  await logInClient(client, member);
  return { board, member, thread, client };
}

const zoneOf = async (id: string) =>
  (await app.db.selectFrom('users').select('time_zone').where('id', '=', id).executeTakeFirstOrThrow()).time_zone;

describe("a member's own time zone", () => {
  it('shows their ban’s end in it on a refused reply (JSON and form page) and on their own page, in both scripts', async () => {
    const { member, thread, client, board } = await bannedMember();
    const set = await client.request('PATCH', '/api/me/settings', { json: { timeZone: 'America/Los_Angeles' } });
    expect(set.status).toBe(200);
    expect(set.json.settings.timeZone).toBe('America/Los_Angeles');
    expect((await client.get('/api/me/settings')).json.settings.timeZone).toBe('America/Los_Angeles');

    const hant = await client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, tw);
    expect([hant.status, hant.json.error.code]).toEqual([403, 'Banned']);
    expect(hant.json.error.localized).toBe(`您在本版被封禁，${LA_HANT}`);
    const hans = await client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, cn);
    expect(hans.json.error.localized).toBe(`您在本版被封禁，${LA_HANS}`);

    const form = await client.postForm(`/t/${thread.id}/reply`, { title: '表單跟帖', body: '打好的字' });
    expect(form.status).toBe(403);
    expect(form.text).toContain(`您在本版被封禁，${LA_PAGE}`);
    expect(form.text).toContain('打好的字');
    const formHans = await client.postForm(`/zh-hans/t/${thread.id}/reply`, { title: '表单跟帖', body: '打好的字' });
    expect(formHans.text).toContain(`您在本版被封禁，${LA_HANS}`);

    const own = await client.get(`/u/${encodeURIComponent(member.name)}`);
    expect(own.text).toContain(`您在「${board.name}」版被禁言，${LA_PAGE}`);
    const ownHans = await client.get(`/zh-hans/u/${encodeURIComponent(member.name)}`);
    // The board's name (測試版) in the reader's script too.
    expect(board.name).toBe('測試版');
    expect(ownHans.text).toContain(`您在“测试版”版被禁言，${LA_HANS}`);
    const settings = await client.get('/settings');
    expect(settings.text).toContain(`您在「${board.name}」版被禁言，${LA_PAGE}`);
    expect(settings.text).toContain('<option value="America/Los_Angeles" selected');
  });

  it('is set on the /settings form, and cleared back to the site’s', async () => {
    const { member, thread, client } = await bannedMember();
    const form = await client.postForm('/settings/preferences', { timeZone: 'America/Los_Angeles' });
    expect(form.status).toBe(303);
    expect(await zoneOf(member.id)).toBe('America/Los_Angeles');
    const refused = await client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, cn);
    expect(refused.json.error.localized).toBe(`您在本版被封禁，${LA_HANS}`);

    expect((await client.postForm('/settings/preferences', { timeZone: '' })).status).toBe(303);
    expect(await zoneOf(member.id)).toBeNull();
    expect((await client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, tw)).json.error.localized).toBe(
      `您在本版被封禁，${NY_HANT}`,
    );
    // The API's null is the site's zone too; "utc" is stored as Intl names it.
    expect((await client.request('PATCH', '/api/me/settings', { json: { timeZone: 'utc' } })).json.settings.timeZone).toBe('UTC');
    expect((await client.request('PATCH', '/api/me/settings', { json: { timeZone: null } })).json.settings.timeZone).toBeNull();
  });

  it('is the site’s for a member who chose none', async () => {
    const { member, thread, client, board } = await bannedMember();
    expect((await client.get('/api/me/settings')).json.settings.timeZone).toBeNull();
    const refused = await client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, tw);
    expect(refused.json.error.localized).toBe(`您在本版被封禁，${NY_HANT}`);
    const own = await client.get(`/u/${encodeURIComponent(member.name)}`);
    expect(own.text).toContain(`您在「${board.name}」版被禁言，${NY_PAGE}`);
    expect((await client.get('/settings')).text).toContain('<option value="" selected');
  });

  it('refuses an unknown zone in the reader’s script and changes nothing', async () => {
    const { member, client } = await bannedMember();
    await client.request('PATCH', '/api/me/settings', { json: { timeZone: 'America/Los_Angeles' } });
    const hans = await client.request(
      'PATCH',
      '/api/me/settings',
      { json: { timeZone: 'Mars/Olympus', hideLastSeen: true, profile: '新簡介' } },
      cn,
    );
    expect([hans.status, hans.json.error.code]).toEqual([400, 'UnknownTimeZone']);
    expect(hans.json.error.localized).toBe('没有“Mars/Olympus”这个时区：请从列表中选一个，例如 Asia/Shanghai。');
    const form = await client.postForm('/settings/preferences', { timeZone: 'Mars/Olympus', hideLastSeen: 'on' }, tw);
    expect(form.status).toBe(400);
    expect(form.text).toContain('沒有「Mars/Olympus」這個時區：請從列表中選一個，例如 Asia/Shanghai。');
    const after = (await client.get('/api/me/settings')).json.settings;
    expect([after.timeZone, after.hideLastSeen, after.profileSource]).toEqual(['America/Los_Angeles', false, '']);
    expect(await zoneOf(member.id)).toBe('America/Los_Angeles');
  });
});
