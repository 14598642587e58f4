import { createJobRunner } from '../../server/jobs/jobs.runner';
import { createLogger } from '../../server/log';
import { ADDRESS_PURGE_JOB, purgePostAddresses } from '../../server/moderation/moderation.bans';
import { type TestApp, startTestApp } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { spawnCli } from '../helpers/processes';
import { PASSWORD, createMember, createModerator, createTestBoard, createThread, logInClient } from '../factories';

// Visible bans (the public list, the banned member's own words and time) and addresses (kept per
// post, shown to admins, only the shared-address fact to moderators, purged after the retention
// period, banned by range), through HTTP with TRUST_PROXY so X-Forwarded-For names the address.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { TRUST_PROXY: 'loopback', TZ_DISPLAY: 'America/New_York' } });
});
afterAll(() => app.close());

const from = (address: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...extra });
const UNTIL = new Date('2030-01-15T12:00:00Z'); // 07:00:00 in New York

async function bannedOnBoard() {
  const board = await createTestBoard(app.db);
  const mod = await createModerator(app.db, board);
  const member = await createMember(app.db);
  const thread = await createThread(app.db, { board });
  const modClient = app.client();
  await logInClient(modClient, mod);
  const res = await modClient.post(`/api/boards/${board.slug}/bans`, { username: member.name, days: 3, reason: '灌水' });
  expect(res.status).toBe(201);
  await app.db.updateTable('bans').set({ expires_at: UNTIL }).where('user_id', '=', member.id).execute();
  const client = app.client();
  await logInClient(client, member);
  return { board, mod, modClient, member, client, thread };
}

describe('the public list of bans', () => {
  it('is 404 until the board chooses, then lists name, time in the display zone and reason, linked from the board', async () => {
    const { board, modClient, member } = await bannedOnBoard();
    const anonymous = app.client();
    expect((await anonymous.get(`/b/${board.slug}/bans`)).status).toBe(404);
    expect((await anonymous.get(`/api/boards/${board.slug}/bans`)).status).toBe(404);
    expect((await anonymous.get(`/b/${board.slug}`)).text).not.toContain(`/b/${board.slug}/bans`);
    // A member who does not moderate the board cannot switch it.
    const other = app.client();
    await logInClient(other, await createMember(app.db));
    expect((await other.post(`/api/boards/${board.slug}/public-bans`, { on: true })).status).toBe(403);

    expect((await modClient.get(`/b/${board.slug}`)).text).toContain(`action="/b/${board.slug}/public-bans"`);
    expect((await modClient.post(`/api/boards/${board.slug}/public-bans`, { on: true })).status).toBe(200);
    const page = await anonymous.get(`/b/${board.slug}/bans`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(member.name);
    expect(page.text).toContain('2030-01-15 07:00:00');
    expect(page.text).toContain('灌水');
    const json = await anonymous.get(`/api/boards/${board.slug}/bans`);
    expect(json.json.bans).toEqual([{ name: member.name, expiresAt: UNTIL.toISOString(), reason: '灌水' }]);
    expect((await anonymous.get(`/b/${board.slug}`)).text).toContain(`/b/${board.slug}/bans`);
    // Logged like other moderation.
    const log = await app.db
      .selectFrom('moderation_log')
      .select('action')
      .where('action', 'in', ['public-bans-on', 'public-bans-off'])
      .execute();
    expect(log.map((l) => l.action)).toContain('public-bans-on');

    expect((await modClient.post(`/api/boards/${board.slug}/public-bans`, { on: false })).status).toBe(200);
    expect((await anonymous.get(`/b/${board.slug}/bans`)).status).toBe(404);
  });
});

describe('a banned member', () => {
  it('is told why and until when in their script and the display time zone on a refused post', async () => {
    const { client, thread } = await bannedOnBoard();
    const hant = await client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, { 'accept-language': 'zh-TW' });
    expect(hant.status).toBe(403);
    expect(hant.json.error.code).toBe('Banned');
    expect(hant.json.error.localized).toBe('您在本版被封禁，到 2030/01/15 07:00:00 (America/New_York) 為止。理由：灌水');
    const hans = await client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, { 'accept-language': 'zh-CN' });
    expect(hans.json.error.localized).toBe('您在本版被封禁，到 2030-01-15 07:00:00 (America/New_York) 为止。理由：灌水');
  });

  it('sees the ban on their own page and /settings; others do not', async () => {
    const { member, client, board } = await bannedOnBoard();
    const own = await client.get(`/zh-hans/u/${encodeURIComponent(member.name)}`);
    // The board's name in the reader's script too (測試版 → 测试版).
    expect(board.name).toBe('測試版');
    expect(own.text).toContain(`您在“测试版”版被禁言，到 2030-01-15 07:00:00 (America/New_York) 为止。理由：灌水`);
    const settings = await client.get('/settings');
    expect(settings.text).toContain(`您在「${board.name}」版被禁言，到 2030-01-15 07:00:00 (America/New_York) 為止。理由：灌水`);
    const other = app.client();
    await logInClient(other, await createMember(app.db));
    expect((await other.get(`/u/${encodeURIComponent(member.name)}`)).text).not.toContain('被禁言');
  });
});

describe('post addresses', () => {
  it('are kept with each post; admins see them, moderators only who shared one, others nothing', async () => {
    const board = await createTestBoard(app.db);
    const mod = await createModerator(app.db, board);
    const admin = await createMember(app.db, { role: 'admin' });
    const [alice, bob, carol] = [await createMember(app.db), await createMember(app.db), await createMember(app.db)];
    const clients = await Promise.all(
      [alice, bob, carol, mod, admin].map(async (m) => {
        const c = app.client();
        await logInClient(c, m);
        return c;
      }),
    );
    const [a, b, c, modClient, adminClient] = clients as [
      (typeof clients)[0],
      (typeof clients)[0],
      (typeof clients)[0],
      (typeof clients)[0],
      (typeof clients)[0],
    ];
    const started = await a.post(`/api/boards/${board.slug}/threads`, { title: '主題' }, from('203.0.113.9'));
    expect(started.status).toBe(201);
    const replied = await b.post(`/api/posts/${started.json.post.id}/replies`, { title: '跟' }, from('203.0.113.9'));
    expect(replied.status).toBe(201);
    expect((await c.post(`/api/posts/${started.json.post.id}/replies`, { title: '跟' }, from('2001:db8::7'))).status).toBe(201);

    const rows = await app.db
      .selectFrom('post_addresses')
      .select(['post_id', 'address'])
      .where('post_id', 'in', [started.json.post.id, replied.json.post.id])
      .orderBy('post_id')
      .execute();
    expect(rows.map((r) => r.address)).toEqual(['203.0.113.9', '203.0.113.9']);

    const seen = await adminClient.get(`/api/admin/members/${encodeURIComponent(alice.name)}/addresses`);
    expect(seen.status).toBe(200);
    expect(seen.json.addresses).toEqual([{ postId: started.json.post.id, address: '203.0.113.9', at: expect.any(String) }]);
    expect((await adminClient.get(`/admin/members/${encodeURIComponent(alice.name)}/addresses`)).text).toContain('203.0.113.9');
    expect((await modClient.get(`/api/admin/members/${encodeURIComponent(alice.name)}/addresses`)).status).toBe(403);
    expect((await a.get(`/api/admin/members/${encodeURIComponent(alice.name)}/addresses`)).status).toBe(403);
    expect((await app.client().get(`/api/admin/members/${encodeURIComponent(alice.name)}/addresses`)).status).toBe(401);

    const info = await modClient.get(`/api/boards/${board.slug}/members/${encodeURIComponent(alice.name)}`);
    expect(info.status).toBe(200);
    expect(info.json.sharesAddressWith).toEqual([bob.name]);
    expect(JSON.stringify(info.json)).not.toContain('203.0.113');
    const infoPage = await modClient.get(`/b/${board.slug}/members/${encodeURIComponent(alice.name)}`);
    expect(infoPage.text).toContain(bob.name);
    expect(infoPage.text).not.toContain(carol.name);
    expect(infoPage.text).not.toContain('203.0.113');
    expect((await modClient.get(`/api/boards/${board.slug}/members/${encodeURIComponent(carol.name)}`)).json.sharesAddressWith).toEqual([]);
    expect((await b.get(`/api/boards/${board.slug}/members/${encodeURIComponent(alice.name)}`)).status).toBe(403);
    expect((await app.client().get(`/b/${board.slug}/members/${encodeURIComponent(alice.name)}`)).status).toBe(401);
  });

  it('are purged after the retention period by the addresses:purge job', async () => {
    const thread = await createThread(app.db);
    const fresh = await createThread(app.db);
    await app.db
      .insertInto('post_addresses')
      .values([
        { post_id: thread.id, address: '192.0.2.1', at: new Date(Date.now() - 91 * 86400_000) },
        { post_id: fresh.id, address: '192.0.2.2', at: new Date(Date.now() - 89 * 86400_000) },
      ])
      .execute();
    const runner = createJobRunner(app.db, createLogger('silent'), { firstAttemptMs: 1 });
    runner.every(ADDRESS_PURGE_JOB, 3_600_000, () => purgePostAddresses(app.db, 90));
    try {
      for (let i = 0; i < 100; i++) {
        const job = await app.db.selectFrom('jobs').select('last_finished_at').where('name', '=', ADDRESS_PURGE_JOB).executeTakeFirst();
        if (job?.last_finished_at) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await runner.close();
    }
    const left = await app.db.selectFrom('post_addresses').select('post_id').where('post_id', 'in', [thread.id, fresh.id]).execute();
    expect(left.map((r) => r.post_id)).toEqual([fresh.id]);
  });
});

describe('address bans', () => {
  it('refuse registering and posting from a banned IPv4 or IPv6 range, in the reader script, until they expire', async () => {
    const admin = await createMember(app.db, { role: 'admin' });
    const adminClient = app.client();
    await logInClient(adminClient, admin);
    const member = await createMember(app.db);
    const client = app.client();
    await logInClient(client, member);
    const thread = await createThread(app.db);
    const reply = (address: string, lang = 'zh-TW') =>
      client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, from(address, { 'accept-language': lang }));

    expect((await client.post('/api/admin/address-bans', { range: '198.51.100.0/24', until: '1h', reason: '廣告' })).status).toBe(403);
    const soon = new Date(Date.now() + 2500);
    const v4 = await adminClient.post('/api/admin/address-bans', { range: '198.51.100.0/24', until: soon.toISOString(), reason: '廣告' });
    expect(v4.status).toBe(201);
    const v6 = await adminClient.post('/api/admin/address-bans', { range: '2001:db8:abcd::/48', until: '1h', reason: '廣告' });
    expect(v6.status).toBe(201);
    expect((await adminClient.post('/api/admin/address-bans', { range: '300.1.2.3/8', until: '1h', reason: 'x' })).status).toBe(400);

    const refused = await reply('198.51.100.77');
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('AddressBanned');
    expect(refused.json.error.localized).toMatch(/^此網絡位址已被禁止發帖，至 \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \([A-Za-z_/]+\) 為止。$/);
    expect((await reply('198.51.100.78', 'zh-CN')).json.error.localized).toMatch(/^此网络位址已被禁止发帖/);
    const registering = await app
      .client()
      .post(
        '/api/register',
        { username: `reg_${Date.now() % 100000}`, password: PASSWORD },
        from('198.51.100.5', { 'accept-language': 'zh-TW' }),
      );
    expect(registering.status).toBe(403);
    expect(registering.json.error.localized).toMatch(/^此網絡位址已被禁止註冊/);
    expect((await reply('2001:db8:abcd:12::5')).status).toBe(403);
    expect((await reply('2001:db8:abce::5')).status).toBe(201);
    expect((await reply('198.51.101.1')).status).toBe(201);
    expect((await adminClient.get('/admin/address-bans')).text).toContain('2001:db8:abcd::/48');

    // The IPv4 ban ends by itself; the IPv6 one is lifted.
    await new Promise((r) => setTimeout(r, Math.max(0, soon.getTime() - Date.now() + 100)));
    expect((await reply('198.51.100.77')).status).toBe(201);
    expect((await adminClient.post('/api/admin/address-bans/unban', { range: '2001:db8:abcd::/48' })).json.lifted).toBe(1);
    expect((await reply('2001:db8:abcd:12::5')).status).toBe(201);
    expect((await adminClient.get('/api/admin/address-bans')).json.bans).toEqual([]);
    const logged = await app.db
      .selectFrom('moderation_log')
      .select(['action', 'reason'])
      .where('action', 'in', ['address-ban', 'address-unban'])
      .where('actor_id', '=', admin.id)
      .orderBy('id')
      .execute();
    expect(logged.map((l) => l.action)).toEqual(['address-ban', 'address-ban', 'address-unban']);
    expect(logged[1]!.reason).toContain('2001:db8:abcd::/48');
  });
});

describe('the CLI', () => {
  it('sets a board public-bans switch and bans, lists and lifts address ranges', async () => {
    const env = { DATABASE_URL: app.url };
    const board = await createTestBoard(app.db);
    const on = await runCli(['board:set', board.slug, '--public-bans', 'on'], env);
    expect(on.stderr).toBe('');
    expect(on.stdout).toContain(`/b/${board.slug}: public bans on`);
    expect((await app.client().get(`/b/${board.slug}/bans`)).status).toBe(200);
    expect((await runCli(['board:set', board.slug, '--public-bans', 'maybe'], env)).code).toBe(2);
    expect((await runCli(['board:set', 'no-such-board', '--public-bans', 'off'], env)).code).toBe(1);

    const ban = await spawnCli(['address:ban', '192.0.2.0/24', '--until', '7d', '--reason', '廣告機'], env);
    expect(ban.code).toBe(0);
    expect(ban.stdout).toMatch(/banned 192\.0\.2\.0\/24 until \d{4}-/);
    expect((await runCli(['address:ban', 'nonsense', '--until', '7d', '--reason', 'x'], env)).code).toBe(2);
    expect((await runCli(['address:ban', '192.0.2.0/24', '--until', 'later', '--reason', 'x'], env)).code).toBe(2);
    const list = await runCli(['address:bans'], env);
    expect(list.stdout).toMatch(/192\.0\.2\.0\/24\tuntil .*\t廣告機/);
    const lift = await runCli(['address:unban', '192.0.2.0/24'], env);
    expect(lift.stdout).toContain('lifted 1 ban(s) on 192.0.2.0/24');
    expect((await runCli(['address:bans'], env)).stdout).toContain('0 address bans in force');
  });
});
