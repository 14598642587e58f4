import { type TestApp, startTestApp } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { spawnCli } from '../helpers/processes';
import { PASSWORD, createMember, logInClient } from '../factories';

// Registration modes and invites (issue 17): an invite-only site takes a registration only with
// a usable invite link (unexpired, unrevoked, not used up), a closed one takes none; admins issue,
// list and revoke invites (page, API, CLI), each audited; the refusals are in the reader's script.

let app: TestApp;
let admin: ReturnType<TestApp['client']>;
beforeAll(async () => {
  app = await startTestApp();
  admin = app.client();
  await logInClient(admin, await createMember(app.db, { name: 'invite_admin', role: 'admin' }));
});
afterAll(() => app.close());

const mode = async (value: string | null) =>
  expect((await admin.request('PUT', '/api/admin/settings', { json: { settings: { 'registration.mode': value } } })).status).toBe(200);

let n = 0;
const register = (invite?: string, query = '') =>
  app.client().post(`/api/register${query}`, { username: `invited_${++n}`, password: PASSWORD, ...(invite !== undefined && { invite }) });

const tokenOf = (link: string) => new URL(link, 'http://x').searchParams.get('invite')!;

const auditOf = async (subject: string) => (await admin.get(`/api/admin/audit?subject=${subject}`)).json.lines as { action: string }[];

describe('registration', () => {
  afterEach(() => mode(null));

  it('while invite-only, needs a usable invite; a single-use one works once', async () => {
    await mode('invite');
    const without = await register(undefined, '?variant=zh-hans');
    expect(without.status).toBe(403);
    expect(without.json.error).toMatchObject({ code: 'RegistrationRefused' });
    expect(without.json.error.localized).toContain('只接受邀请注册');
    expect((await register('x'.repeat(43))).json.error.localized).toContain('邀請鏈接無效');

    const made = await admin.post('/api/admin/invites', { expires: '7d', singleUse: true });
    expect(made.status).toBe(201);
    expect(made.json.invite).toMatchObject({ maxUses: 1, uses: 0, state: 'live', createdBy: 'invite_admin' });
    // No PUBLIC_URL here: the path alone, never the Host the request came with.
    expect(made.json).toMatchObject({ absolute: false });
    expect(made.json.link).toMatch(/^\/register\?invite=[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(made.json.link);
    expect((await register(token)).status).toBe(201);
    const again = await register(token);
    expect(again.status).toBe(403);
    expect(again.json.error.localized).toContain('已用完');
    const listed = (await admin.get('/api/admin/invites')).json.invites as { id: string; state: string; uses: number }[];
    expect(listed.find((i) => i.id === made.json.invite.id)).toMatchObject({ state: 'used', uses: 1 });
  });

  it('takes an invite for any number until it expires or is revoked, each audited', async () => {
    await mode('invite');
    const made = await admin.post('/api/admin/invites', { expires: '12h' });
    const token = tokenOf(made.json.link);
    expect((await register(token)).status).toBe(201);
    expect((await register(token)).status).toBe(201);
    // A name already taken gives its use back: the account's transaction rolled back.
    const taken = await app.client().post('/api/register', { username: `invited_${n}`, password: PASSWORD, invite: token });
    expect(taken.status).toBe(409);
    expect((await app.db.selectFrom('invites').select('uses').where('id', '=', made.json.invite.id).executeTakeFirstOrThrow()).uses).toBe(
      2,
    );

    await app.db
      .updateTable('invites')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', made.json.invite.id)
      .execute();
    expect((await register(token)).status).toBe(403);
    await app.db
      .updateTable('invites')
      .set({ expires_at: new Date(Date.now() + 3_600_000) })
      .where('id', '=', made.json.invite.id)
      .execute();
    expect((await register(token)).status).toBe(201);

    const revoked = await admin.post(`/api/admin/invites/${made.json.invite.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.json.invite.state).toBe('revoked');
    expect((await register(token)).status).toBe(403);
    expect((await auditOf(`invite:${made.json.invite.id}`)).map((l) => l.action)).toEqual(['invite.revoke', 'invite.create']);
    expect((await admin.post('/api/admin/invites/999999/revoke')).status).toBe(404);
    expect((await admin.post('/api/admin/invites', { expires: '2y' })).status).toBe(400);
  });

  it('shows the register link as the mode allows: plain when open, saying an invite is needed, none when closed', async () => {
    const header = (html: string) => html.slice(html.indexOf('<header'), html.indexOf('</header>'));
    const open = await app.client().get('/login');
    expect(header(open.text)).toContain('>註冊</a>');
    expect(open.text).toContain('還沒有賬號？');
    await mode('invite');
    const invite = await app.client().get('/zh-hans/login');
    expect(header(invite.text)).toContain('>注册（需邀请）</a>');
    expect(invite.text).toContain('本站凭邀请注册：请向管理员索取邀请链接。');
    expect(invite.text).not.toContain('还没有账号？');
    await mode('closed');
    for (const path of ['/login', '/', '/zh-hans/']) {
      const page = await app.client().get(path);
      expect(page.text).not.toMatch(/href="[^"]*\/register/);
    }
    expect((await app.client().get('/login')).text).not.toContain('還沒有賬號？');
  });

  it('shows the invite-only and closed register pages without a form, and the form with an invite', async () => {
    await mode('invite');
    const page = await app.client().get('/register');
    expect(page.status).toBe(403);
    expect(page.text).toContain('只接受邀請註冊');
    expect(page.text).not.toContain('name="password"');

    const made = await admin.postForm('/admin/invites', { expires: '1d', singleUse: '1' });
    expect(made.status).toBe(201);
    const token = /\/register\?invite=([A-Za-z0-9_-]{43})"/.exec(made.text)![1]!;
    expect(made.text).toContain('服務器沒有設置 PUBLIC_URL');
    const form = await app.client().get(`/zh-hans/register?invite=${token}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`name="invite" value="${token}"`);
    const visitor = app.client();
    const done = await visitor.postForm('/register', { username: 'form_invited', password: PASSWORD, invite: token, next: '/' });
    expect(done.status).toBe(303);
    expect((await visitor.get('/api/me')).json.member.name).toBe('form_invited');

    await mode('closed');
    const closed = await app.client().get('/zh-hans/register');
    expect(closed.status).toBe(403);
    expect(closed.text).toContain('本站暂停注册新账号');
    const refused = await register(token, '?variant=zh-hans');
    expect(refused.status).toBe(403);
    expect(refused.json.error.localized).toBe('本站暂停注册新账号。');
    const formRefused = await app.client().postForm('/register', { username: 'closed_one', password: PASSWORD, next: '/' });
    expect(formRefused.status).toBe(403);
    expect(formRefused.text).toContain('本站暫停註冊新賬號');
    expect(await app.db.selectFrom('users').select('id').where('name', '=', 'closed_one').executeTakeFirst()).toBeUndefined();
  });

  it('lets only admins issue, list and revoke invites', async () => {
    const member = app.client();
    await logInClient(member, await createMember(app.db));
    const made = await admin.post('/api/admin/invites', {});
    for (const [client, status] of [
      [member, 403],
      [app.client(), 401],
    ] as const) {
      expect((await client.get('/api/admin/invites')).status).toBe(status);
      expect((await client.post('/api/admin/invites', {})).status).toBe(status);
      expect((await client.post(`/api/admin/invites/${made.json.invite.id}/revoke`)).status).toBe(status);
      expect((await client.get('/admin/invites')).status).toBe(status);
      expect((await client.postForm('/admin/invites', { expires: '1d' })).status).toBe(status);
    }
    expect((await admin.get('/api/admin/invites')).json.invites[0]).toMatchObject({ id: made.json.invite.id, state: 'live' });
    expect((await admin.get('/admin/invites')).text).toContain(`id="invite-${made.json.invite.id}"`);
  });
});

describe('the CLI', () => {
  it('lists, sets and unsets settings and issues, lists and revokes invites, audited as the CLI', async () => {
    const env = { DATABASE_URL: app.url };
    const set = await runCli(['settings:set', 'registration.mode', 'invite'], env);
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toContain('registration.mode is now "invite"');
    // This app hears the change (NOTIFY) and applies it without a restart.
    for (let i = 0; i < 50 && app.settings.get('registration.mode') !== 'invite'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(app.settings.get('registration.mode')).toBe('invite');
    const list = await spawnCli(['settings:list'], env);
    expect(list.stdout).toMatch(/registration\.mode\t"invite"\t\(database; default open\)/);
    const bad = await runCli(['settings:set', 'limits.newMemberHours', 'soon'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('limits.newMemberHours: must be a whole number of hours, 0 to 8760');
    expect((await runCli(['settings:set', 'no.such', '1'], env)).code).toBe(2);

    const made = await runCli(['invite:create', '--expires', '3d', '--single-use', 'yes'], env);
    expect(made.code).toBe(0);
    const token = /\/register\?invite=([A-Za-z0-9_-]{43})/.exec(made.stdout)![1]!;
    const id = /invite (\d+),/.exec(made.stdout)![1]!;
    expect((await register(token)).status).toBe(201);
    expect((await runCli(['invites'], env)).stdout).toMatch(new RegExp(`^${id}\\tused\\t`, 'm'));
    expect((await runCli(['invite:revoke', id], env)).code).toBe(0);
    expect((await runCli(['settings:unset', 'registration.mode'], env)).code).toBe(0);

    const lines = (await admin.get('/api/admin/audit')).json.lines as { actorName: string; action: string; subject: string }[];
    const cli = lines.filter((l) => l.actorName === 'CLI').map((l) => [l.action, l.subject]);
    expect(cli.slice(0, 4)).toEqual([
      ['setting.unset', 'setting:registration.mode'],
      ['invite.revoke', `invite:${id}`],
      ['invite.create', `invite:${id}`],
      ['setting.set', 'setting:registration.mode'],
    ]);
  }, 120_000);
});
