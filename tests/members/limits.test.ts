import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { PASSWORD, createMember } from '../factories';

let app: TestApp;
beforeAll(async () => {
  // The documented limits, and X-Forwarded-For believed from loopback so each test picks addresses.
  app = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1', TRUST_PROXY: 'loopback' } });
});
afterAll(() => app.close());

let nextAddress = 1;
/** A fresh IPv4 address nobody has used in this file. */
const freshAddress = () => `10.${(nextAddress >> 16) & 255}.${(nextAddress >> 8) & 255}.${nextAddress++ & 255}`;
const from = (address: string) => ({ 'x-forwarded-for': address });

const logIn = (client: HttpClient, username: string, password: string, address: string) =>
  client.post('/api/login', { username, password }, from(address));

describe('failed logins', () => {
  it('refuses a sixth try from the same address for the same name, even with the right password', async () => {
    const member = await createMember(app.db);
    const address = freshAddress();
    for (let i = 0; i < 5; i++) expect((await logIn(app.client(), member.name, `wrong guess ${i}`, address)).status).toBe(401);
    const res = await logIn(app.client(), member.name, member.password, address);
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe('TooManyAttempts');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // From another address the owner still gets in.
    expect((await logIn(app.client(), member.name, member.password, freshAddress())).status).toBe(200);
  });

  it('counts parallel guesses too: no more than five wrong answers from one address', async () => {
    const member = await createMember(app.db);
    const address = freshAddress();
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, i) => logIn(app.client(), member.name, `parallel guess ${i}`, address)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it('refuses an address that fails on many names', async () => {
    const address = freshAddress();
    for (let i = 0; i < 30; i++) expect((await logIn(app.client(), `nobody_${i}`, 'wrong password', address)).status).toBe(401);
    const member = await createMember(app.db);
    const res = await logIn(app.client(), member.name, member.password, address);
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe('TooManyAttempts');
  });

  it('lets the owner in from a known address while others guess the name from many addresses', async () => {
    const member = await createMember(app.db, { role: 'admin' });
    const home = freshAddress();
    expect((await logIn(app.client(), member.name, member.password, home)).status).toBe(200);
    for (let i = 0; i < 40; i++) await logIn(app.client(), member.name, `guess number ${i}`, freshAddress());
    expect((await logIn(app.client(), member.name, member.password, home)).status).toBe(200);
  });

  it('lets the owner in from a new address in a browser that signed in before, even after logging out', async () => {
    const member = await createMember(app.db);
    const browser = app.client();
    expect((await logIn(browser, member.name, member.password, freshAddress())).status).toBe(200);
    expect((await browser.post('/api/logout')).status).toBe(200);
    for (let i = 0; i < 40; i++) await logIn(app.client(), member.name, `guess number ${i}`, freshAddress());
    expect((await logIn(browser, member.name, member.password, freshAddress())).status).toBe(200);
  });

  it('slows a name down for strangers instead of locking it: one try per 30 seconds after ten failures', async () => {
    const member = await createMember(app.db);
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await logIn(app.client(), member.name, `guess number ${i}`, freshAddress())).status);
    // Ten failures, then one more try is let through, then the rest wait.
    expect(statuses).toEqual([...Array(11).fill(401), 429, 429, 429]);
    const res = await logIn(app.client(), member.name, member.password, freshAddress());
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);
    // When the wait is over, the owner's right password gets in from anywhere.
    await app.db.deleteFrom('rate_limits').where('key', 'like', 'login:name-slow:%').execute();
    expect((await logIn(app.client(), member.name, member.password, freshAddress())).status).toBe(200);
  });

  it('shows the refusal on the login form', async () => {
    const member = await createMember(app.db);
    const address = freshAddress();
    for (let i = 0; i < 5; i++) await logIn(app.client(), member.name, `wrong guess ${i}`, address);
    const res = await app.client().postForm('/login', { username: member.name, password: member.password }, from(address));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.text).toContain('class="error-message"');
    expect(res.text).toContain(`value="${member.name}"`);
  });
});

describe('registration', () => {
  const register = (username: string, address: string) =>
    app.client().post('/api/register', { username, password: PASSWORD }, from(address));

  it('accepts five accounts an hour from one address, then refuses with 429 and creates nothing', async () => {
    const address = freshAddress();
    for (let i = 0; i < 5; i++) expect((await register(`reg_${nextAddress}_${i}`, address)).status).toBe(201);
    const res = await register(`reg_${nextAddress}_x`, address);
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe('RateLimited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await app.db.selectFrom('users').select('id').where('name', '=', `reg_${nextAddress}_x`).executeTakeFirst()).toBeUndefined();
    // Another address is not affected.
    expect((await register(`reg_${nextAddress}_y`, freshAddress())).status).toBe(201);
  });

  it('does not count a name already taken', async () => {
    const taken = await createMember(app.db);
    const address = freshAddress();
    for (let i = 0; i < 6; i++) expect((await register(taken.name, address)).status).toBe(409);
    expect((await register(`free_${nextAddress}`, address)).status).toBe(201);
  });

  it('counts IPv6 addresses by their /64', async () => {
    for (let i = 1; i <= 5; i++) expect((await register(`v6_a${i}`, `2001:db8:7:1::${i}`)).status).toBe(201);
    expect((await register('v6_a6', '2001:db8:7:1:ffff::9')).status).toBe(429);
    expect((await register('v6_b1', '2001:db8:7:2::1')).status).toBe(201);
  });

  it('answers 200 accounts from one address in a burst with 429s, not 200 accounts', async () => {
    const address = freshAddress();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => register(`burst_${nextAddress}_${i}`, address)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
  });

  it('shows the refusal on the register form', async () => {
    const address = freshAddress();
    for (let i = 0; i < 5; i++) await register(`form_${nextAddress}_${i}`, address);
    const res = await app.client().postForm('/register', { username: `form_${nextAddress}_z`, password: PASSWORD }, from(address));
    expect(res.status).toBe(429);
    expect(res.text).toContain('class="error-message"');
  });
});

describe('login and registration limits as settings', () => {
  it('follow LIMITS_LOGIN_* and LIMITS_REGISTER_ADDRESS, and word the slowed pace from its setting in both scripts', async () => {
    const tuned = await startTestApp({
      env: {
        RATE_LIMIT_MULTIPLIER: '1',
        TRUST_PROXY: 'loopback',
        LIMITS_LOGIN_NAME_ADDRESS: '2/15m',
        LIMITS_LOGIN_ADDRESS: '4/15m',
        LIMITS_LOGIN_NAME: '3/15m',
        LIMITS_LOGIN_NAME_SLOW: '2/1m',
        LIMITS_REGISTER_ADDRESS: '1/1h',
      },
    });
    const tryLogIn = (username: string, password: string, address: string, language = 'zh-TW') =>
      tuned.client().post('/api/login', { username, password }, { ...from(address), 'accept-language': language });
    try {
      // One name from one address: 2 tries.
      const member = await createMember(tuned.db);
      const address = freshAddress();
      expect((await tryLogIn(member.name, 'wrong one', address)).status).toBe(401);
      expect((await tryLogIn(member.name, 'wrong two', address)).status).toBe(401);
      const refused = await tryLogIn(member.name, member.password, address);
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe('TooManyAttempts');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(14 * 60);

      // One address, any names: 4 tries.
      const crowded = freshAddress();
      for (let i = 0; i < 4; i++) expect((await tryLogIn(`nobody_set_${i}`, 'wrong', crowded)).status).toBe(401);
      expect((await tryLogIn('nobody_set_4', 'wrong', crowded)).status).toBe(429);

      // One name from strangers: 3 tries, then slowed to 2 a minute, said in the reader's script.
      const target = await createMember(tuned.db);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await tryLogIn(target.name, `guess ${i}`, freshAddress())).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const slowed = await tryLogIn(target.name, 'guess 5', freshAddress());
      expect(slowed.status).toBe(429);
      expect(Number(slowed.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(slowed.json.error.message).toBe(
        'Too many failed logins for this name: 2 tries every 60 seconds from a new address. Wait and try again.',
      );
      expect(slowed.json.error.localized).toBe('這個用戶名登錄失敗的次數太多：從新的地址每 60 秒只能試 2 次，請稍後再試。');
      const hans = await tryLogIn(target.name, 'guess 6', freshAddress(), 'zh-CN');
      expect(hans.json.error.localized).toBe('这个用户名登录失败的次数太多：从新的地址每 60 秒只能试 2 次，请稍后再试。');

      // Registrations from one address: 1 an hour.
      const home = freshAddress();
      const register = (username: string) => tuned.client().post('/api/register', { username, password: PASSWORD }, from(home));
      expect((await register(`set_reg_${nextAddress}_a`)).status).toBe(201);
      expect((await register(`set_reg_${nextAddress}_b`)).status).toBe(429);
    } finally {
      await tuned.close();
    }
  });

  it('keep the documented words of the default slowed pace', async () => {
    const member = await createMember(app.db);
    for (let i = 0; i < 11; i++) await logIn(app.client(), member.name, `guess number ${i}`, freshAddress());
    const res = await app.client().post('/api/login', { username: member.name, password: 'x'.repeat(12) }, from(freshAddress()));
    expect(res.status).toBe(429);
    expect(res.json.error.message).toBe(
      'Too many failed logins for this name: one try every 30 seconds from a new address. Wait and try again.',
    );
    expect(res.json.error.localized).toBe('這個用戶名登錄失敗的次數太多：從新的地址每 30 秒只能試一次，請稍後再試。');
  });
});
