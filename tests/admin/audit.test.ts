import { CLI_ACTOR, recordAudit } from '../../server/audit/audit';
import { type TestApp, startTestApp } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { createMember, logInClient } from '../factories';

// The admins' audit log: every change an admin makes, with before and after, read by admins only
// on /admin/audit and /api/admin/audit. Address bans are the first changes it records.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

interface Line {
  actorName: string;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
}

describe('the audit log', () => {
  it('records an address ban and its lifting with before and after, for admins only', async () => {
    const boss = await createMember(app.db, { name: 'audit_admin', role: 'admin' });
    const admin = app.client();
    await logInClient(admin, boss);
    expect((await admin.post('/api/admin/address-bans', { range: '203.0.113.0/24', until: '2031-01-01', reason: '廣告機' })).status).toBe(
      201,
    );
    expect((await admin.post('/api/admin/address-bans/unban', { range: '203.0.113.7/24' })).json.lifted).toBe(1);
    // A refused change leaves no line.
    expect((await admin.post('/api/admin/address-bans', { range: 'not-a-range', until: '1d', reason: 'x' })).status).toBe(400);

    const log = await admin.get('/api/admin/audit?subject=address:203.0.113.0/24');
    expect(log.status).toBe(200);
    const lines = log.json.lines as Line[];
    expect(lines.map((l) => [l.action, l.actorName])).toEqual([
      ['address.unban', 'audit_admin'],
      ['address.ban', 'audit_admin'],
    ]);
    const banned = { range: '203.0.113.0/24', until: '2031-01-01T00:00:00.000Z', reason: '廣告機' };
    expect(lines[1]).toMatchObject({ before: null, after: banned });
    expect(lines[0]).toMatchObject({ before: banned, after: null });

    const page = await admin.get('/zh-hans/admin/audit');
    expect(page.status).toBe(200);
    expect(page.text).toContain('管理日志');
    expect(page.text).toContain('address.unban');
    expect(page.text).toContain('廣告機');

    const member = app.client();
    await logInClient(member, await createMember(app.db));
    expect((await member.get('/api/admin/audit')).status).toBe(403);
    expect((await member.get('/admin/audit')).status).toBe(403);
    expect((await app.client().get('/api/admin/audit')).status).toBe(401);
    expect((await admin.get('/api/admin/audit?before=1%27%20or%201=1')).status).toBe(400);
  });

  it('pages newest first with a cursor', async () => {
    const boss = await createMember(app.db, { name: 'audit_pager', role: 'admin' });
    for (let i = 0; i < 53; i++) {
      await recordAudit(app.db, boss, { subject: 'setting:pager', action: 'setting.set', before: { n: i }, after: { n: i + 1 } });
    }
    const admin = app.client();
    await logInClient(admin, boss);
    const first = await admin.get('/api/admin/audit?subject=setting:pager');
    expect(first.json.lines).toHaveLength(50);
    expect((first.json.lines as Line[])[0]!.after).toEqual({ n: 53 });
    const rest = await admin.get(`/api/admin/audit?subject=setting:pager&before=${first.json.older}`);
    expect((rest.json.lines as Line[]).map((l) => l.after)).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }]);
    expect(rest.json.older).toBeNull();
    const page = await admin.get(`/admin/audit?subject=setting:pager`);
    expect(page.text).toContain(`before=${first.json.older}`);
  });

  it('records changes made at the CLI as made by the CLI', async () => {
    const env = { DATABASE_URL: app.url };
    expect((await runCli(['address:ban', '192.0.2.128/25', '--until', '7d', '--reason', '洗版'], env)).code).toBe(0);
    expect((await runCli(['address:unban', '192.0.2.128/25'], env)).code).toBe(0);
    const rows = await app.db
      .selectFrom('admin_audit')
      .select(['actor_id', 'actor_name', 'action'])
      .where('subject', '=', 'address:192.0.2.128/25')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { actor_id: null, actor_name: CLI_ACTOR.name, action: 'address.ban' },
      { actor_id: null, actor_name: CLI_ACTOR.name, action: 'address.unban' },
    ]);
  });
});
