import { createMember, logInClient } from '../factories';
import { countRows } from '../helpers/rows';
import { type MailApp, startMailApp } from './setup';
import { linkTo, recipient } from './smtp';

let mail: MailApp;
beforeAll(async () => {
  mail = await startMailApp();
});
afterAll(() => mail.close());

let counter = 0;
const NEW_PASSWORD = 'a brand new passphrase 跟帖';

/** A member whose address is verified (set directly: verification has its own tests). */
async function memberWithEmail(options: { variant?: 'zh-hans' } = {}) {
  const member = await createMember(mail.app.db);
  const email = `reset.${Date.now() % 100000}.${counter++}@example.net`;
  await mail.app.db
    .updateTable('users')
    .set({ email, email_verified_at: new Date(), mail_variant: options.variant ?? null })
    .where('id', '=', member.id)
    .execute();
  return { ...member, email };
}

const login = (name: string, password: string) => mail.app.client().post('/api/login', { username: name, password });

describe('forgot password', () => {
  it("names the site as its admin set it (site.name, live), in the member's script", async () => {
    const admin = mail.app.client();
    await logInClient(admin, await createMember(mail.app.db, { role: 'admin' }));
    const siteName = (value: string | null) => admin.request('PUT', '/api/admin/settings', { json: { settings: { 'site.name': value } } });
    expect((await siteName('水木社區')).status).toBe(200);
    try {
      const hant = await memberWithEmail();
      await mail.app.client().post('/api/password/forgot', { login: hant.name });
      expect((await mail.smtp.waitFor((m) => recipient(m) === hant.email)).subject).toBe('重設您在水木社區的密碼');
      const hans = await memberWithEmail({ variant: 'zh-hans' });
      await mail.app.client().post('/api/password/forgot', { login: hans.name });
      expect((await mail.smtp.waitFor((m) => recipient(m) === hans.email)).subject).toBe('重设您在水木社区的密码');
    } finally {
      expect((await siteName(null)).status).toBe(200);
    }
  });

  it('resets the password through the emailed link: the old one stops working, every session ends, the link works once', async () => {
    const member = await memberWithEmail();
    const session = mail.app.client();
    await logInClient(session, member);

    const page = await mail.app.client().get('/login');
    expect(page.text).toContain('href="/password/forgot"');
    const asked = await mail.app.client().postForm('/password/forgot', { login: member.name });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('重設密碼的鏈接已經發出');

    const received = await mail.smtp.waitFor((m) => recipient(m) === member.email);
    expect(received.subject).toBe('重設您在跟帖論壇的密碼');
    expect(received.text).toContain('60 分鐘內有效');
    const link = linkTo(received, '/password/reset');

    const browser = mail.app.client();
    const form = await browser.get(link);
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="password"');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;

    // A weak password is refused without spending the link.
    const weak = await browser.postForm('/password/reset', { token, password: 'password123' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('這是最常見的密碼之一');

    const done = await browser.postForm('/password/reset', { token, password: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(done.text).toContain('密碼已重設');

    expect((await login(member.name, member.password)).status).toBe(401);
    expect((await login(member.name, NEW_PASSWORD)).status).toBe(200);
    expect((await session.get('/api/me')).status).toBe(401);

    const reused = await browser.postForm('/password/reset', { token, password: 'yet another passphrase' });
    expect(reused.status).toBe(400);
    expect(reused.text).toContain('data-code="TokenInvalid"');
    expect((await browser.get(link)).status).toBe(400);
    expect((await login(member.name, NEW_PASSWORD)).status).toBe(200);
  });

  it('finds the member by verified address too (any case), over the API, and writes in their script', async () => {
    const member = await memberWithEmail({ variant: 'zh-hans' });
    const res = await mail.app.client().post('/api/password/forgot', { login: member.email.toUpperCase() });
    expect(res.status).toBe(202);
    const received = await mail.smtp.waitFor((m) => recipient(m) === member.email);
    expect(received.subject).toBe('重设您在跟帖论坛的密码');
    const link = linkTo(received, '/password/reset');
    expect(link).toMatch(/^\/zh-hans\/password\/reset\?token=/);
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    const reset = await mail.app.client().post('/api/password/reset', { token, password: NEW_PASSWORD });
    expect(reset.status).toBe(200);
    expect((await login(member.name, NEW_PASSWORD)).status).toBe(200);
  });

  it('answers an unknown name, an unknown address and an unverified one exactly as a real one, and sends nothing for them', async () => {
    const unverified = await createMember(mail.app.db);
    await mail.app.db.updateTable('users').set({ email: 'unverified@example.net' }).where('id', '=', unverified.id).execute();
    const known = await memberWithEmail();
    const before = mail.smtp.messages.length;
    const answers = [];
    for (const login of ['nobody_here_4711', 'nobody@example.net', unverified.name, known.name]) {
      const page = await mail.app.client().postForm('/password/forgot', { login });
      const api = await mail.app.client().post('/api/password/forgot', { login });
      answers.push({ page: [page.status, page.text.replace(/<input[^>]*>/g, '')], api: [api.status, api.json] });
    }
    for (const a of answers) expect(a).toEqual(answers[answers.length - 1]);
    // The known member's two emails arrive, and nothing else by the time the next member's does
    // (asked for after all of them).
    await mail.smtp.waitFor(() => mail.smtp.messages.filter((x) => recipient(x) === known.email).length === 2);
    const next = await memberWithEmail();
    await mail.app.client().post('/api/password/forgot', { login: next.name });
    await mail.smtp.waitFor((x) => recipient(x) === next.email);
    expect(mail.smtp.messages.slice(before).map(recipient)).toEqual([known.email, known.email, next.email]);
  });

  it('answers before the email is sent, so a real member’s answer takes no longer than a stranger’s', async () => {
    const known = await memberWithEmail();
    const time = async (login: string) => {
      const start = performance.now();
      expect((await mail.app.client().post('/api/password/forgot', { login })).status).toBe(202);
      return performance.now() - start;
    };
    // A mail server that takes 1.5 s per message: the answer must not wait for it.
    mail.smtp.delayMs = 1500;
    try {
      const real = await time(known.name);
      const unknown = await time(`ghost_${Date.now() % 1000}`);
      expect(real).toBeLessThan(750);
      expect(Math.abs(real - unknown)).toBeLessThan(250);
      await mail.smtp.waitFor((m) => recipient(m) === known.email);
    } finally {
      mail.smtp.delayMs = 0;
    }
  });

  it('only the newest link works, and an expired one is refused', async () => {
    const member = await memberWithEmail();
    await mail.app.client().post('/api/password/forgot', { login: member.name });
    const first = linkTo(await mail.smtp.waitFor((m) => recipient(m) === member.email), '/password/reset');
    await mail.app.client().post('/api/password/forgot', { login: member.name });
    const second = linkTo(
      await mail.smtp.waitFor((m) => recipient(m) === member.email && linkTo(m, '/password/reset') !== first),
      '/password/reset',
    );
    expect((await mail.app.client().get(first)).status).toBe(400);
    expect((await mail.app.client().get(second)).status).toBe(200);

    await mail.app.db
      .updateTable('tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', member.id)
      .execute();
    const token = new URLSearchParams(second.split('?')[1]).get('token')!;
    const res = await mail.app.client().post('/api/password/reset', { token, password: NEW_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('TokenInvalid');
    expect(res.json.error.localized).toContain('重設密碼的鏈接無效');
    expect((await login(member.name, member.password)).status).toBe(200);
  });

  it('uses a link once even when three requests race with it', async () => {
    const member = await memberWithEmail();
    await mail.app.client().post('/api/password/forgot', { login: member.name });
    const link = linkTo(await mail.smtp.waitFor((m) => recipient(m) === member.email), '/password/reset');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    const results = await Promise.all(
      ['first racing passphrase', 'second racing passphrase', 'third racing passphrase'].map((password) =>
        mail.app.client().post('/api/password/reset', { token, password }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });

  it.each([
    ['no login', '/api/password/forgot', {}],
    ['an empty login', '/api/password/forgot', { login: '' }],
    ['a list for a login', '/api/password/forgot', { login: ['a'] }],
    ['a login of 400 characters', '/api/password/forgot', { login: 'x'.repeat(400) }],
    ['nothing to reset with', '/api/password/reset', {}],
    ['a number for a password', '/api/password/reset', { token: 'x', password: 5 }],
    ['an object for a token', '/api/password/reset', { token: { a: 1 }, password: NEW_PASSWORD }],
    ['a token of the right shape that was never made', '/api/password/reset', { token: 'x'.repeat(43), password: NEW_PASSWORD }],
    ['a malformed token', '/api/password/reset', { token: 'short', password: NEW_PASSWORD }],
  ])('answers %s with a 400 and writes no token', async (_what, path, body) => {
    const tokens = await countRows(mail.app.db, 'tokens');
    const res = await mail.app.client().post(path, body);
    expect(res.status).toBe(400);
    expect(res.json.error.localized).toMatch(/\p{Script=Han}/u);
    expect(await countRows(mail.app.db, 'tokens')).toBe(tokens);
  });

  it('answers a bad link page with a 400 in the reader’s script', async () => {
    const res = await mail.app.client().get('/zh-hans/password/reset?token=nope');
    expect(res.status).toBe(400);
    expect(res.text).toContain('这个重设密码的链接无效');
    expect((await mail.app.client().get('/password/reset')).status).toBe(400);
  });
});

describe('forgot password limits', () => {
  let limited: MailApp;
  beforeAll(async () => {
    limited = await startMailApp({ RATE_LIMIT_MULTIPLIER: '1' });
  });
  afterAll(() => limited.close());

  it('limits requests per name (whether or not it exists), with the refusal in the reader’s script', async () => {
    const client = limited.app.client();
    for (let i = 0; i < 3; i++) expect((await client.post('/api/password/forgot', { login: 'Someone_9' })).status).toBe(202);
    const refused = await client.post('/api/password/forgot', { login: ' someone_9 ' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.json.error.localized).toBe('這個用戶名或郵箱申請重設密碼的次數太多，請稍後再試。');
    const page = await client.postForm('/zh-hans/password/forgot', { login: 'someone_9' });
    expect(page.status).toBe(429);
    expect(page.text).toContain('这个用户名或邮箱申请重设密码的次数太多');
    expect(page.text).toContain('value="someone_9"');
  });

  it('limits requests per address, whatever the name', async () => {
    const client = limited.app.client();
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await client.post('/api/password/forgot', { login: `name_${i}` })).status);
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(7);
    expect(statuses[statuses.length - 1]).toBe(429);
  });
});
