import { createHash } from 'node:crypto';
import { type TestApp, startTestApp } from '../helpers/app';
import { PASSWORD, createMember } from '../factories';
import { countRows } from '../helpers/rows';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('registering', () => {
  it('creates the member, logs them in with an HttpOnly SameSite=Lax cookie and answers 201', async () => {
    const client = app.client();
    const res = await client.post('/api/register', { username: '霧蒙蒙雨霏霏', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.json.member).toMatchObject({ name: '霧蒙蒙雨霏霏', role: 'member' });
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^gentie_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await client.get('/api/me')).json.member.name).toBe('霧蒙蒙雨霏霏');
  });

  it('stores an argon2id hash and only the hash of the session token', async () => {
    const client = app.client();
    await client.post('/api/register', { username: 'Hash_check', password: PASSWORD });
    const user = await app.db.selectFrom('users').selectAll().where('name', '=', 'Hash_check').executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const token = client.cookies.get('gentie_session')!;
    const sessions = await app.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.token_hash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(sessions[0]!.token_hash.toString('utf8')).not.toContain(token);
  });

  it('refuses a name taken in another case or width, changing nothing', async () => {
    await createMember(app.db, { name: 'Lisland_2013' });
    const before = await countRows(app.db, 'users');
    for (const username of ['lisland_2013', 'LISLAND_2013', 'Ｌｉｓｌａｎｄ_2013']) {
      const res = await app.client().post('/api/register', { username, password: PASSWORD });
      expect(res.status).toBe(409);
      expect(res.json.error).toEqual({ code: 'NameTaken', message: expect.stringContaining('taken'), localized: expect.any(String) });
    }
    expect(await countRows(app.db, 'users')).toBe(before);
  });

  it.each([
    ['a bidi override in the name', { username: 'ad\u202emin', password: PASSWORD }, /text-direction/],
    ['a zero-width space in the name', { username: 'ab\u200bcd', password: PASSWORD }, /zero-width/],
    ['a one-letter name', { username: 'a', password: PASSWORD }, /2 to 24/],
    ['a short password', { username: 'shortpw', password: 'short' }, /8 to 256/],
    ['a number as name', { username: 12345, password: PASSWORD }, /username/],
    ['no password', { username: 'nopassword' }, /password/],
    ['an array body', [1, 2], /expected object/i],
  ])('refuses %s with a 400 and creates nobody', async (_what, body, message) => {
    const before = await countRows(app.db, 'users');
    const res = await app.client().post('/api/register', body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationFailed');
    expect(res.json.error.message).toMatch(message);
    expect(await countRows(app.db, 'users')).toBe(before);
  });

  it('registers through the HTML form and redirects to the page asked for', async () => {
    const client = app.client();
    const res = await client.postForm('/register', { username: 'Form_user', password: PASSWORD, next: '/b/x' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/b/x');
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('shows the form again with the reason when the form is refused, and never redirects off-site', async () => {
    const res = await app.client().postForm('/register', { username: 'x', password: PASSWORD, next: '//evil.example' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('用戶名：應有 2 到 24 個字符。');
    expect(res.text).toContain('value="/"');
  });
});

describe('logging in and out', () => {
  it('logs in with the right password, in any case of the name', async () => {
    const member = await createMember(app.db, { name: 'CaseName' });
    const client = app.client();
    const res = await client.post('/api/login', { username: 'casename', password: member.password });
    expect(res.status).toBe(200);
    expect(res.json.member.name).toBe('CaseName');
  });

  it('gives the same answer for a wrong password and an unknown name', async () => {
    const member = await createMember(app.db);
    const wrong = await app.client().post('/api/login', { username: member.name, password: 'not the password' });
    const unknown = await app.client().post('/api/login', { username: 'nobody_here', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
    expect(wrong.json.error.code).toBe('InvalidCredentials');
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('logs out: the old token stops working at once', async () => {
    const member = await createMember(app.db);
    const client = app.client();
    await client.post('/api/login', { username: member.name, password: member.password });
    const token = client.cookies.get('gentie_session')!;
    expect((await client.post('/api/logout')).status).toBe(200);
    const replay = app.client();
    replay.cookies.set('gentie_session', token);
    const res = await replay.get('/api/me');
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('NotLoggedIn');
  });

  it('honours session expiry', async () => {
    const member = await createMember(app.db);
    const client = app.client();
    await client.post('/api/login', { username: member.name, password: member.password });
    await app.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', member.id)
      .execute();
    const res = await client.get('/api/me');
    expect(res.status).toBe(401);
    expect(res.json.error).toEqual({
      code: 'SessionExpired',
      message: 'Your session has expired: log in again.',
      localized: '登錄已過期，請重新登錄。',
    });
  });

  it('logs in and out through the HTML forms', async () => {
    const member = await createMember(app.db);
    const client = app.client();
    const login = await client.postForm('/login', { username: member.name, password: member.password, next: '/' });
    expect(login.status).toBe(303);
    const home = await client.get('/');
    expect(home.text).toContain(member.name);
    const logout = await client.postForm('/logout', {});
    expect(logout.status).toBe(303);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('answers a wrong password on the form with the form and a 401', async () => {
    const res = await app.client().postForm('/login', { username: 'nobody_here', password: 'whatever123' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('<p class="error-message" role="alert" data-code="InvalidCredentials">用戶名或密碼錯誤。</p>');
    expect(res.text).toContain('value="nobody_here"');
  });
});
