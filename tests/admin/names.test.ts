import { sql } from 'kysely';
import { checkName } from '../../server/members/names';
import { backfillNameSkeletons } from '../../server/members/names.service';
import { type TestApp, startTestApp } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { PASSWORD, createMember as createTestMember, logInClient } from '../factories';

// Members kept from before lookalike and invisible names were refused: listed for admins only,
// on /admin/names, in JSON and by `gentie users:confusable`.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // As migration 2026_11_29_002 leaves them: stored as the old code stored them, no skeleton yet.
  for (const typed of ['twin', 'twіn', '李四', '李\u3164四', '\u3164\u3164']) {
    const checked = checkName(typed);
    if (!checked.ok) throw new Error(checked.reason);
    await sql`insert into users (name, name_key, password_hash) values (${checked.name}, ${checked.key}, 'x')`.execute(app.db);
  }
  await backfillNameSkeletons(app.db);
});
afterAll(() => app.close());

describe('lookalike names kept from before the rule', () => {
  it('are listed for admins on /admin/names and in JSON', async () => {
    const boss = await createTestMember(app.db, { name: 'names_admin', role: 'admin' });
    const admin = app.client();
    await logInClient(admin, boss);
    const json = await admin.get('/api/admin/names');
    expect(json.status).toBe(200);
    const groups = (json.json.lookalikes as { name: string }[][]).map((g) => g.map((m) => m.name).sort());
    expect(groups).toContainEqual(['twin', 'twіn'].sort());
    const kept = ['\u3164\u3164', '李\u3164四'].map((n) => n.normalize('NFKC'));
    expect(json.json.invisible.map((m: { name: string }) => m.name).sort()).toEqual(kept.sort());
    const page = await admin.get('/zh-hans/admin/names');
    expect(page.status).toBe(200);
    expect(page.text).toContain('相似的用户名');
    expect(page.text).toContain('tw[U+0456]n');
  });

  it('are not shown to anyone else', async () => {
    const member = app.client();
    await logInClient(member, await createTestMember(app.db));
    expect((await member.get('/api/admin/names')).status).toBe(403);
    expect((await app.client().get('/api/admin/names')).status).toBe(401);
    expect((await member.get('/admin/names')).status).toBe(403);
  });

  it('are listed by `gentie users:confusable`, and user:create refuses a lookalike', async () => {
    const env = { DATABASE_URL: app.url };
    await sql`insert into users (name, name_key, password_hash) values ('twin2', 'twin2', 'x')`.execute(app.db);
    const list = await runCli(['users:confusable'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('name skeletons computed for 1 members');
    expect(list.stdout).toContain('look alike: "twin"');
    expect(list.stdout).toContain('U+0456');
    expect(list.stdout).toMatch(/invisible characters: "\u1160\u1160" \(U\+1160 U\+1160;/);
    const create = await runCli(['user:create', 't\u051din'], env, `${PASSWORD}\n`);
    expect(create.code).toBe(1);
    expect(create.stderr).toContain('looks too much like the member twin');
  });
});
