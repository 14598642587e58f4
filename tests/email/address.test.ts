import { createMember, logInClient } from '../factories';
import type { HttpClient } from '../helpers/app';
import { type MailApp, PUBLIC_URL, startMailApp } from './setup';
import { linkTo, recipient } from './smtp';

let mail: MailApp;
beforeAll(async () => {
  mail = await startMailApp();
});
afterAll(() => mail.close());

let counter = 0;
const address = (who = 'reader') => `${who}.${Date.now() % 100000}.${counter++}@example.net`;

async function loggedIn(): Promise<{ client: HttpClient; member: { id: string; name: string } }> {
  const member = await createMember(mail.app.db);
  const client = mail.app.client();
  await logInClient(client, member);
  return { client, member };
}

const emailRow = (id: string) =>
  mail.app.db.selectFrom('users').select(['email', 'email_verified_at', 'digest']).where('id', '=', id).executeTakeFirstOrThrow();

const mailTo = (to: string) => mail.smtp.waitFor((m) => recipient(m) === to);

describe('an email address on /settings/email', () => {
  it('is verified through the link in the email it receives, opened in any browser, once', async () => {
    const { client, member } = await loggedIn();
    const to = address();
    const sent = await client.postForm('/settings/email', { email: to });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/settings/email?notice=sent');

    // Unverified until the link is opened: the page says where the link went, the account has no address.
    const waiting = await client.get('/settings/email');
    expect(waiting.text).toContain(`驗證郵件已發到 ${to}`);
    expect(waiting.text).toContain('還沒有郵箱地址');
    expect((await emailRow(member.id)).email_verified_at).toBeNull();

    const received = await mailTo(to);
    expect(received.subject).toBe('請驗證您在跟帖論壇的郵箱地址');
    expect(received.text).toContain(member.name);
    expect(received.html).toContain('<a href="https://bbs.example.org/settings/email/verify?token=');
    expect(received.text).toContain(`${PUBLIC_URL}/settings/email/verify?token=`);
    const link = linkTo(received, '/settings/email/verify');

    // Another browser, not logged in (a phone's mail app): the token is what counts.
    const opened = await mail.app.client().get(link);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('郵箱地址已驗證');
    const row = await emailRow(member.id);
    expect(row.email).toBe(to);
    expect(row.email_verified_at).toBeInstanceOf(Date);
    expect((await client.get('/settings/email')).text).toContain(`<strong class="email-address">${to}</strong>`);

    const again = await mail.app.client().get(link);
    expect(again.status).toBe(400);
    expect(again.text).toContain('data-code="TokenInvalid"');
  });

  it('writes the email in the script of the page it was asked from, and links under its prefix', async () => {
    const { client } = await loggedIn();
    const to = address('hans');
    expect((await client.postForm('/zh-hans/settings/email', { email: to })).headers.get('location')).toBe(
      '/zh-hans/settings/email?notice=sent',
    );
    const received = await mailTo(to);
    expect(received.subject).toBe('请验证您在跟帖论坛的邮箱地址');
    expect(received.text).toContain('请打开下面的链接');
    expect(received.html).toContain('lang="zh-Hans"');
    const link = linkTo(received, '/settings/email/verify');
    expect(link).toMatch(/^\/zh-hans\/settings\/email\/verify\?token=/);
    const opened = await mail.app.client().get(link);
    expect(opened.text).toContain('邮箱地址已验证');
  });

  it('keeps the verified address while a new one waits, and only the newest link works', async () => {
    const { client, member } = await loggedIn();
    const first = address('first');
    await client.post('/api/me/email', { email: first });
    await mail.app.client().get(linkTo(await mailTo(first), '/settings/email/verify'));

    const typo = address('typo');
    const second = address('second');
    expect((await client.post('/api/me/email', { email: typo })).status).toBe(202);
    const stale = linkTo(await mailTo(typo), '/settings/email/verify');
    const res = await client.post('/api/me/email', { email: second });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ status: 'sent', email: first, pending: second, digest: false });

    expect((await mail.app.client().get(stale)).status).toBe(400);
    expect((await emailRow(member.id)).email).toBe(first);
    const verified = await mail.app
      .client()
      .post('/api/email/verify', { token: linkTo(await mailTo(second), '/settings/email/verify').split('token=')[1] });
    expect(verified.status).toBe(200);
    expect(verified.json).toEqual({ email: second });
    expect((await client.get('/api/me/email')).json).toEqual({ email: second, pending: null, digest: false });
  });

  it('answers the same when the address is in use, and refuses it only to whoever opens its link', async () => {
    const owner = await loggedIn();
    const shared = address('shared');
    await owner.client.post('/api/me/email', { email: shared });
    await mail.app.client().get(linkTo(await mailTo(shared), '/settings/email/verify'));

    const other = await loggedIn();
    const before = mail.smtp.messages.length;
    const res = await other.client.post('/api/me/email', { email: shared.toUpperCase() });
    expect(res.status).toBe(202);
    const received = await mail.smtp.waitFor((m) => mail.smtp.messages.indexOf(m) >= before && recipient(m).toLowerCase() === shared);
    const opened = await mail.app.client().get(linkTo(received, '/settings/email/verify'));
    expect(opened.status).toBe(409);
    expect(opened.text).toContain('data-code="EmailTaken"');
    expect((await emailRow(other.member.id)).email).toBeNull();
    expect((await emailRow(owner.member.id)).email).toBe(shared);
  });

  it('is removed with its digest, by form or API', async () => {
    const { client, member } = await loggedIn();
    const to = address('gone');
    await client.post('/api/me/email', { email: to });
    await mail.app.client().get(linkTo(await mailTo(to), '/settings/email/verify'));
    expect((await client.post('/api/me/email/digest', { digest: true })).json).toEqual({ email: to, pending: null, digest: true });

    const removed = await client.postForm('/settings/email/remove', {});
    expect(removed.status).toBe(303);
    expect(await emailRow(member.id)).toEqual({ email: null, email_verified_at: null, digest: false });
    expect((await client.request('DELETE', '/api/me/email')).json).toEqual({ email: null, pending: null, digest: false });
  });

  it('turns the digest on only with a verified address', async () => {
    const { client } = await loggedIn();
    const page = await client.get('/settings/email');
    expect(page.text).not.toContain('name="digest"');
    const refused = await client.postForm('/settings/email/digest', { digest: 'on' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('請先添加並驗證郵箱地址');
    expect((await client.post('/api/me/email/digest', { digest: true })).json.error.code).toBe('EmailNotVerified');
  });

  it('refuses an expired link', async () => {
    const { client, member } = await loggedIn();
    const to = address('late');
    await client.post('/api/me/email', { email: to });
    const link = linkTo(await mailTo(to), '/settings/email/verify');
    await mail.app.db
      .updateTable('tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', member.id)
      .execute();
    const res = await mail.app.client().get(link);
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-code="TokenInvalid"');
    expect((await emailRow(member.id)).email).toBeNull();
  });

  it.each([
    ['no @', { email: 'reader.example.net' }],
    ['no dot in the domain', { email: 'reader@localhost' }],
    ['two addresses', { email: 'a@example.net, b@example.net' }],
    ['a header break', { email: 'a@example.net\r\nBcc: b@example.net' }],
    ['a zero-width space', { email: 'a\u200b@example.net' }],
    ['too long', { email: `${'a'.repeat(250)}@example.net` }],
    ['a number', { email: 12 }],
    ['an object', { email: { $ne: '' } }],
    ['nothing', {}],
  ])('refuses %s with a 400 and sends nothing', async (_what, body) => {
    const { client } = await loggedIn();
    const before = mail.smtp.messages.length;
    const res = await client.post('/api/me/email', body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationFailed');
    expect(res.json.error.localized).toMatch(/\p{Script=Han}/u);
    expect(mail.smtp.messages.length).toBe(before);
  });

  it('shows a refused address again with the refusal in the reader’s script', async () => {
    const { client } = await loggedIn();
    const res = await client.postForm('/zh-hans/settings/email', { email: 'not an address' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('邮箱地址：应是一个邮箱地址');
    expect(res.text).toContain('value="not an address"');
  });

  it('needs a login for the settings, and answers odd tokens with a 400', async () => {
    const anonymous = mail.app.client();
    expect((await anonymous.get('/settings/email')).status).toBe(401);
    expect((await anonymous.get('/api/me/email')).status).toBe(401);
    expect((await anonymous.post('/api/me/email', { email: address() })).status).toBe(401);
    expect((await anonymous.request('DELETE', '/api/me/email')).status).toBe(401);
    for (const token of ['', 'x', 'A'.repeat(43), '%00', 'a'.repeat(5000)]) {
      const res = await anonymous.get(`/settings/email/verify?token=${token}`);
      expect([400]).toContain(res.status);
    }
    expect((await anonymous.get('/settings/email/verify?token=a&token=b')).status).toBe(400);
    expect((await anonymous.get('/settings/email/verify')).status).toBe(400);
    expect((await anonymous.post('/api/email/verify', { token: ['x'] })).status).toBe(400);
    expect((await anonymous.post('/api/email/verify', { token: 'x' })).json.error.code).toBe('TokenInvalid');
  });
});
