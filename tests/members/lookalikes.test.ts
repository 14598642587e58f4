import { sql } from 'kysely';
import { createMember } from '../../server/members/members.service';
import { checkName, nameSkeleton } from '../../server/members/names';
import { backfillNameSkeletons } from '../../server/members/names.service';
import { type TestApp, startTestApp } from '../helpers/app';
import { PASSWORD, createMember as createTestMember, logInClient } from '../factories';
import { countRows } from '../helpers/rows';

// Lookalike and invisible names: refused at registration (API and form); those from before the
// rule are kept and get their skeleton at start-up.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await createTestMember(app.db, { name: 'admin1' });
  await createTestMember(app.db, { name: 'mod1' });
  await createTestMember(app.db, { name: '張三' });
});
afterAll(() => app.close());

describe('registering a lookalike name', () => {
  it.each([
    ['Cyrillic а', 'аdmin1', 'admin1'],
    ['Greek ο', 'mοd1', 'mod1'],
    ['rn for m', 'rnod1', 'mod1'],
    ['simplified for traditional', '张三', '張三'],
  ])('refuses %s with 409 NameConfusable, naming the member it looks like', async (_what, name, existing) => {
    const before = await countRows(app.db, 'users');
    const res = await app.client().post('/api/register', { username: name, password: PASSWORD });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('NameConfusable');
    expect(res.json.error.message).toContain(existing);
    expect(await countRows(app.db, 'users')).toBe(before);
  });

  it('refuses it on the form too, with the form again', async () => {
    const res = await app.client().postForm('/register', { username: 'аdmin1', password: PASSWORD });
    expect(res.status).toBe(409);
    expect(res.text).toContain('admin1');
    expect(res.text).toContain('<form');
  });

  it.each([
    ['Hangul fillers', '\u3164\u3164'],
    ['jungseong fillers (blank)', '\u1160\u1160'],
    ['a filler inside a name', 'ab\u3164cd'],
  ])('refuses %s with 400', async (_what, name) => {
    const res = await app.client().post('/api/register', { username: name, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/invisible/);
  });

  it('still answers the exact same name with NameTaken', async () => {
    const res = await app.client().post('/api/register', { username: 'ADMIN1', password: PASSWORD });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('NameTaken');
  });

  it('answers NameTaken too when the name is taken and lookalikes of it exist', async () => {
    await sql`insert into users (name, name_key, password_hash, name_skeleton) values ('mοd2', 'mοd2', 'x', ${nameSkeleton('mod2')})`.execute(
      app.db,
    );
    await sql`insert into users (name, name_key, password_hash, name_skeleton) values ('mod2', 'mod2', 'x', ${nameSkeleton('mod2')})`.execute(
      app.db,
    );
    const res = await app.client().post('/api/register', { username: 'mod2', password: PASSWORD });
    expect(res.json.error.code).toBe('NameTaken');
  });

  it('lets only one of two lookalikes sent at the same moment through', async () => {
    const names = ['paypal_x', 'pаypal_x', 'раypal_x', 'paypaI_x'];
    const results = await Promise.all(names.map((username) => app.client().post('/api/register', { username, password: PASSWORD })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it('stores the skeleton of every new member', async () => {
    const member = await createMember(app.db, { username: 'Skeleton_Keeper', password: PASSWORD });
    const row = await app.db.selectFrom('users').select('name_skeleton').where('id', '=', member.id).executeTakeFirstOrThrow();
    expect(row.name_skeleton).toBe(nameSkeleton('skeleton_keeper'));
  });
});

describe('members from before the rule', () => {
  beforeAll(async () => {
    // As migration 2026_11_29_002 leaves them: no skeleton yet.
    for (const typed of ['twin', 'twіn', '李四', '李\u3164四', '\u3164\u3164']) {
      const checked = checkName(typed);
      if (!checked.ok) throw new Error(checked.reason);
      await sql`insert into users (name, name_key, password_hash) values (${checked.name}, ${checked.key}, 'x')`.execute(app.db);
    }
    expect(await backfillNameSkeletons(app.db)).toBe(5);
  });

  it('get their skeleton at start-up, once', async () => {
    const rows = await app.db.selectFrom('users').select(['name', 'name_skeleton']).where('name', 'in', ['twin', 'twіn']).execute();
    expect(rows.map((r) => r.name_skeleton)).toEqual([nameSkeleton('twin'), nameSkeleton('twin')]);
    expect(await backfillNameSkeletons(app.db)).toBe(0);
  });

  it('keep their accounts: a kept invisible name still logs in', async () => {
    await sql`update users set password_hash = (select password_hash from users where name = 'admin1') where name = ${'\u3164\u3164'.normalize('NFKC')}`.execute(
      app.db,
    );
    await logInClient(app.client(), { name: '\u3164\u3164', password: PASSWORD });
  });
});
