import { type TestApp, startTestApp } from '../helpers/app';
import { PASSWORD, createMember, logInClient } from '../factories';
import { pruneExpired } from '../../server/members/members.service';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const signedIn = async (member: { name: string; password: string }, userAgent = 'jest') => {
  const client = app.client();
  const res = await client.post('/api/login', { username: member.name, password: member.password }, { 'user-agent': userAgent });
  expect(res.status).toBe(200);
  return client;
};

describe('passwords', () => {
  it.each([
    ['eight spaces', '        '],
    ['spaces around a short word', '   abc    '],
    ['one character repeated', 'aaaaaaaaaaaa'],
    ['a common password', 'password123'],
    ['a common password in another case', 'QWERTYUIOP'],
    ['a common Chinese password', 'woaini1314'],
    ['digits in a row', '123456789'],
  ])('refuses %s on registration', async (_what, password) => {
    const res = await app.client().post('/api/register', { username: `pw_${Math.random().toString(36).slice(2, 8)}`, password });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationFailed');
  });

  it('changes the password: the old one stops working and every other session ends', async () => {
    const member = await createMember(app.db);
    const here = await signedIn(member);
    const elsewhere = await signedIn(member);
    const res = await here.post('/api/me/password', { currentPassword: member.password, newPassword: 'a new passphrase 跟帖' });
    expect(res.status).toBe(200);
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await app.client().post('/api/login', { username: member.name, password: member.password })).status).toBe(401);
    expect((await app.client().post('/api/login', { username: member.name, password: 'a new passphrase 跟帖' })).status).toBe(200);
  });

  it('refuses a password change with a wrong current password or a weak new one, changing nothing', async () => {
    const member = await createMember(app.db);
    const here = await signedIn(member);
    const elsewhere = await signedIn(member);
    const wrong = await here.post('/api/me/password', { currentPassword: 'not my password', newPassword: 'a new passphrase 跟帖' });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('InvalidCredentials');
    const weak = await here.post('/api/me/password', { currentPassword: member.password, newPassword: '        ' });
    expect(weak.status).toBe(400);
    expect((await elsewhere.get('/api/me')).status).toBe(200);
    expect((await app.client().post('/api/login', { username: member.name, password: member.password })).status).toBe(200);
    expect((await app.client().post('/api/me/password', { currentPassword: member.password, newPassword: 'whatever 12345' })).status).toBe(
      401,
    );
  });

  it('changes the password through the form, without JavaScript', async () => {
    const member = await createMember(app.db);
    const here = await signedIn(member);
    const refused = await here.postForm('/account/password', { currentPassword: 'not my password', newPassword: 'a new passphrase 跟帖' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('class="error-message"');
    const res = await here.postForm('/account/password', { currentPassword: member.password, newPassword: 'a new passphrase 跟帖' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/settings?saved=password');
    expect((await app.client().post('/api/login', { username: member.name, password: 'a new passphrase 跟帖' })).status).toBe(200);
  });
});

describe('sessions', () => {
  it('lists a member’s sessions with where and when they were opened, marking this one', async () => {
    const member = await createMember(app.db);
    const phone = await signedIn(member, 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1');
    await signedIn(member, 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36');
    const res = await phone.get('/api/me/sessions');
    expect(res.status).toBe(200);
    expect(res.json.sessions).toHaveLength(2);
    const current = res.json.sessions.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({ address: '127.0.0.1', userAgent: expect.stringContaining('iPhone') });
    expect(new Date(current.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(new Date(current.lastSeenAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(res.json.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    // Nobody else's sessions, and never a token.
    expect(res.text).not.toContain(phone.cookies.get('gentie_session')!);
  });

  it('revokes one session, and only one of one’s own', async () => {
    const member = await createMember(app.db);
    const here = await signedIn(member);
    const elsewhere = await signedIn(member);
    const other = await createMember(app.db);
    const stranger = await signedIn(other);
    const { sessions } = (await here.get('/api/me/sessions')).json;
    const target = sessions.find((s: { current: boolean }) => !s.current);
    expect((await stranger.request('DELETE', `/api/me/sessions/${target.id}`)).status).toBe(404);
    expect((await elsewhere.get('/api/me')).status).toBe(200);
    expect((await here.request('DELETE', `/api/me/sessions/${target.id}`)).status).toBe(200);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await here.request('DELETE', '/api/me/sessions/abc')).status).toBe(404);
  });

  it('signs out everywhere', async () => {
    const member = await createMember(app.db);
    const here = await signedIn(member);
    const elsewhere = await signedIn(member);
    const other = await createMember(app.db);
    const bystander = await signedIn(other);
    const res = await here.post('/api/logout/all');
    expect(res.status).toBe(200);
    expect((await here.get('/api/me')).status).toBe(401);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await bystander.get('/api/me')).status).toBe(200);
  });

  it('shows sessions and sign-ins on /settings in both scripts (/account leads there), and its forms work without JavaScript', async () => {
    const member = await createMember(app.db);
    const here = await signedIn(member);
    const elsewhere = await signedIn(member);
    const moved = await here.get('/zh-hant/account');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/zh-hant/settings');
    const page = await here.get('/zh-hant/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('登錄設備');
    expect(page.text).toContain('127.0.0.1');
    expect(page.text).toContain('action="/zh-hant/logout/all"');
    const simplified = await here.get('/zh-hans/settings');
    expect(simplified.text).toContain('登录设备');

    const { sessions } = (await here.get('/api/me/sessions')).json;
    const target = sessions.find((s: { current: boolean }) => !s.current);
    expect(page.text).toContain(`action="/zh-hant/settings/sessions/${target.id}/revoke"`);
    // The old form address still works.
    const revoked = await here.postForm(`/account/sessions/${target.id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect((await elsewhere.get('/api/me')).status).toBe(401);

    const all = await here.postForm('/logout/all', {});
    expect(all.status).toBe(303);
    expect((await here.get('/api/me')).status).toBe(401);
    expect((await app.client().get('/settings')).status).toBe(401);
  });
});

describe('sign-ins', () => {
  it('records each sign-in with address and browser, lists them, and keeps them 90 days', async () => {
    const member = await createMember(app.db);
    const client = app.client();
    await logInClient(client, member);
    const res = await client.get('/api/me/sign-ins');
    expect(res.status).toBe(200);
    expect(res.json.signIns).toEqual([{ address: '127.0.0.1', userAgent: expect.any(String), at: expect.any(String) }]);

    await app.db
      .updateTable('sign_ins')
      .set({ at: new Date(Date.now() - 91 * 86400_000) })
      .where('user_id', '=', member.id)
      .execute();
    await pruneExpired(app.db);
    expect((await client.get('/api/me/sign-ins')).json.signIns).toEqual([]);
  });

  it('records a registration as a sign-in', async () => {
    const client = app.client();
    await client.post('/api/register', { username: 'signin_reg', password: PASSWORD });
    expect((await client.get('/api/me/sign-ins')).json.signIns).toHaveLength(1);
  });
});
