import { spawn } from 'node:child_process';
import path from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../server/config';
import { createMember, logInClient } from '../factories';
import { type TestApp, startTestApp } from '../helpers/app';
import { ROOT } from '../helpers/processes';
import { SMTP_PASSWORD, startSmtp } from './smtp';

describe('without SMTP_URL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { PUBLIC_URL: 'https://bbs.example.org' } });
  });
  afterAll(() => app.close());

  it('shows nothing about email: no "forgot password?" on the login page', async () => {
    const page = await app.client().get('/login');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('/password/forgot');
    expect(page.text).not.toMatch(/郵箱|忘記密碼/);
  });

  it.each([
    ['GET', '/settings/email'],
    ['POST', '/settings/email'],
    ['POST', '/settings/email/remove'],
    ['POST', '/settings/email/digest'],
    ['GET', '/settings/email/verify?token=x'],
    ['GET', '/password/forgot'],
    ['POST', '/password/forgot'],
    ['GET', '/email/unsubscribe?token=x'],
    ['POST', '/email/unsubscribe?token=x'],
    ['GET', '/api/me/email'],
    ['POST', '/api/me/email'],
    ['DELETE', '/api/me/email'],
    ['POST', '/api/me/email/digest'],
    ['POST', '/api/email/verify'],
    ['POST', '/api/password/forgot'],
    // /password/reset stays: an admin's reset link (tests/admin/console.test.ts) needs no email.
  ])('answers %s %s with 404, logged in or not', async (method, url) => {
    const member = await createMember(app.db);
    const client = app.client();
    await logInClient(client, member);
    for (const c of [client, app.client()]) {
      const body = url.startsWith('/api/')
        ? { json: { email: 'a@example.net', login: 'x', token: 'x', password: 'x' } }
        : { form: { email: 'a@example.net' } };
      const res = await c.request(method, url, method === 'GET' ? {} : body);
      expect(res.status).toBe(404);
    }
  });
});

describe('the email configuration', () => {
  it('is off unless SMTP_URL is set', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://bbs.example.org', MAIL_FROM: 'a@b.org' }).mail).toBeUndefined();
  });

  it('reads SMTP_URL and MAIL_FROM, defaulting From to noreply at PUBLIC_URL’s host', () => {
    const config = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.org:465', PUBLIC_URL: 'https://BBS.example.org/' });
    expect(config.mail).toEqual({
      smtpUrl: 'smtps://u:p@mail.example.org:465',
      from: 'Gentie <noreply@bbs.example.org>',
      publicUrl: new URL('https://bbs.example.org'),
    });
    expect(
      loadConfig({ SMTP_URL: 'smtp://mail.example.org', PUBLIC_URL: 'https://bbs.example.org', MAIL_FROM: '跟帖論壇 <bbs@example.org>' })
        .mail?.from,
    ).toBe('跟帖論壇 <bbs@example.org>');
  });

  it.each([
    [{ SMTP_URL: 'smtp://u:p@mail.example.org' }, /^SMTP_URL needs PUBLIC_URL/],
    [{ SMTP_URL: 'mail.example.org:25', PUBLIC_URL: 'https://bbs.example.org' }, /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    [{ SMTP_URL: 'https://u:hunter2@mail.example.org', PUBLIC_URL: 'https://bbs.example.org' }, /^SMTP_URL must be an smtp/],
    [{ SMTP_URL: 'smtp://', PUBLIC_URL: 'https://bbs.example.org' }, /^SMTP_URL must be an smtp/],
    [{ SMTP_URL: 'smtp://x.org', PUBLIC_URL: 'https://bbs.example.org', MAIL_FROM: 'nobody' }, /^MAIL_FROM must be an address/],
    [{ SMTP_URL: 'smtp://x.org', PUBLIC_URL: 'https://bbs.example.org', MAIL_FROM: 'a@b.org\r\nBcc: c@d.org' }, /^MAIL_FROM must be/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats SMTP_URL’s value (it holds a password) in its refusal', () => {
    let message = '';
    try {
      loadConfig({ SMTP_URL: 'https://user:hunter2-secret@mail.example.org', PUBLIC_URL: 'https://bbs.example.org' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^SMTP_URL must be/);
    expect(message).not.toContain('hunter2');
  });

  it.each([
    [{ SMTP_URL: 'smtp://u:hunter2-secret@mail.example.org' }, /^gentie: configuration error: SMTP_URL needs PUBLIC_URL/],
    [
      { SMTP_URL: 'ftp://u:hunter2-secret@mail.example.org', PUBLIC_URL: 'https://bbs.example.org' },
      /^gentie: configuration error: SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL.*\(its value is not shown: it may hold a password\)$/,
    ],
  ])('stops the server at start-up with exit 1 and one line (%o)', async (env, line) => {
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'server', 'main.js')], { env: { PATH: process.env.PATH!, ...env } });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr.trim()).toMatch(line);
    expect(out.stderr).not.toContain('hunter2');
  });
});

describe('an SMTP server that refuses', () => {
  it('answers a verification request with 503 in the reader’s script, logs no password, and leaves no usable link', async () => {
    const smtp = await startSmtp();
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const wrong = 'wrong-password-5521';
    const app = await startTestApp({
      env: { SMTP_URL: smtp.url.replace(SMTP_PASSWORD, wrong), PUBLIC_URL: 'https://bbs.example.org' },
      log,
    });
    try {
      const member = await createMember(app.db);
      const client = app.client();
      await logInClient(client, member);
      const res = await client.post('/api/me/email', { email: 'someone@example.net' }, { 'accept-language': 'zh-CN' });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('MailUnavailable');
      expect(res.json.error.localized).toBe('邮件暂时发不出去，请稍后再试。');
      expect((await client.get('/api/me/email')).json).toEqual({ email: null, pending: null, digest: false });
      expect(lines.some((l) => l.includes('mail: sending failed'))).toBe(true);
      expect(lines.join('\n')).not.toContain(wrong);
      expect(smtp.messages).toHaveLength(0);
    } finally {
      await app.close();
      await smtp.close();
    }
  });

  it('answers a forgot-password request as usual while the email behind it cannot be sent', async () => {
    const smtp = await startSmtp();
    await smtp.close();
    const app = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://bbs.example.org' } });
    try {
      const member = await createMember(app.db);
      await app.db
        .updateTable('users')
        .set({ email: 'down@example.net', email_verified_at: new Date() })
        .where('id', '=', member.id)
        .execute();
      const res = await app.client().post('/api/password/forgot', { login: member.name });
      expect(res.status).toBe(202);
      expect(res.json).toEqual({ ok: true });
    } finally {
      await app.close();
    }
  });
});
