import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { createMember, createModerator, createTestBoard, logInClient } from '../factories';
import { countRows } from '../helpers/rows';

// Bans between moderators: a moderator of one board cannot ban the moderator of another from
// their board (nor any moderator, nor an admin); only admins ban moderators.

let app: TestApp;
let modA: HttpClient;
let admin: HttpClient;
let boardA: { slug: string };
const names = { modA: 'mod_of_a', modB: 'mod_of_b', plain: 'plain_member', boss: 'site_admin' };

beforeAll(async () => {
  app = await startTestApp();
  boardA = await createTestBoard(app.db);
  const a = await createModerator(app.db, boardA, { name: names.modA });
  await createModerator(app.db, await createTestBoard(app.db), { name: names.modB });
  await createMember(app.db, { name: names.plain });
  const boss = await createMember(app.db, { name: names.boss, role: 'admin' });
  modA = app.client();
  admin = app.client();
  await logInClient(modA, a);
  await logInClient(admin, boss);
});
afterAll(() => app.close());

describe('bans of moderators', () => {
  it('refuses a moderator banning the moderator of another board from their own board', async () => {
    const before = await countRows(app.db, 'bans');
    const res = await modA.post(`/api/boards/${boardA.slug}/bans`, { username: names.modB, days: 3, reason: '搗亂' });
    expect(res.status).toBe(403);
    expect(res.json.error).toEqual({ code: 'NotAllowed', message: 'Only an admin can ban a moderator.', localized: expect.any(String) });
    expect(await countRows(app.db, 'bans')).toBe(before);
  });

  it('refuses the same through the report queue form', async () => {
    const before = await countRows(app.db, 'bans');
    const res = await modA.postForm(`/b/${boardA.slug}/bans`, { username: names.modB, days: '3', reason: '搗亂' });
    expect(res.status).toBe(403);
    expect(await countRows(app.db, 'bans')).toBe(before);
  });

  it('refuses a moderator banning an admin', async () => {
    const res = await modA.post(`/api/boards/${boardA.slug}/bans`, { username: names.boss, days: 3, reason: '搗亂' });
    expect(res.status).toBe(403);
  });

  it('lets a moderator ban an ordinary member from their board', async () => {
    const res = await modA.post(`/api/boards/${boardA.slug}/bans`, { username: names.plain, days: 3, reason: '灌水' });
    expect(res.status).toBe(201);
  });

  it('lets an admin ban a moderator from a board', async () => {
    const res = await admin.post(`/api/boards/${boardA.slug}/bans`, { username: names.modB, days: 3, reason: '搗亂' });
    expect(res.status).toBe(201);
  });

  it('refuses a reason that reorders or hides text (as titles do)', async () => {
    const res = await modA.post(`/api/boards/${boardA.slug}/bans`, { username: names.plain, days: 3, reason: '灌水\u202e水灌' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationFailed');
  });
});
