import { AppError } from '../../server/errors';
import { addressKey, createLimiter, pruneRateLimits } from '../../server/limits/limiter';
import { SETTINGS } from '../../server/settings/settings';
import { type TestDatabase, createTestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as AppError,
  );

describe('the rate limiter', () => {
  it('multiplies every limit by RATE_LIMIT_MULTIPLIER and refuses past it with 429 and a wait', async () => {
    const limiter = createLimiter(database.db, { rateLimitMultiplier: 2 });
    const points = SETTINGS['limits.register.address'].default.points * 2;
    for (let i = 0; i < points; i++) await limiter.consume('register:address', 'multiplied');
    const error = await refusal(limiter.consume('register:address', 'multiplied'));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 429, code: 'RateLimited' });
    expect(error!.retryAfter).toBeGreaterThan(3590);
    expect(error!.retryAfter).toBeLessThanOrEqual(3600);
    // Another key, another action: untouched.
    await limiter.consume('register:address', 'someone else');
    await limiter.consume('login:address', 'multiplied');
  });

  it('shares its counts between limiters (processes) through PostgreSQL, and gives points back', async () => {
    const a = createLimiter(database.db, { rateLimitMultiplier: 1 });
    const b = createLimiter(database.db, { rateLimitMultiplier: 1 });
    for (let i = 0; i < 5; i++) await (i % 2 ? a : b).consume('login:name-address', 'shared');
    expect(await refusal(b.consume('login:name-address', 'shared'))).toMatchObject({ code: 'TooManyAttempts' });
    await a.reward('login:name-address', 'shared');
    await a.reward('login:name-address', 'shared');
    await b.consume('login:name-address', 'shared');
  });

  it('keeps very long keys within the table’s key column', async () => {
    const limiter = createLimiter(database.db, { rateLimitMultiplier: 1 });
    await limiter.consume('login:name', 'x'.repeat(1000));
  });

  it('prunes counts whose window ended over an hour ago', async () => {
    await database.db
      .insertInto('rate_limits')
      .values({ key: 'old', points: 1, expire: Date.now() - 2 * 3600_000 })
      .execute();
    const hoursAgo = (hours: number) => Date.now() - hours * 3600_000;
    // A paced count goes once both its windows ended over an hour ago.
    await database.db
      .insertInto('pace_counts')
      .values([
        {
          key: 'both-old',
          burst_points: 1,
          burst_expire: hoursAgo(3),
          burst_cap: 6,
          sustained_points: 1,
          sustained_expire: hoursAgo(2),
          sustained_cap: 60,
        },
        {
          key: 'sustained-on',
          burst_points: 1,
          burst_expire: hoursAgo(3),
          burst_cap: 6,
          sustained_points: 1,
          sustained_expire: hoursAgo(0.5),
          sustained_cap: 60,
        },
      ])
      .execute();
    await pruneRateLimits(database.db);
    expect(await database.db.selectFrom('rate_limits').select('key').where('key', '=', 'old').executeTakeFirst()).toBeUndefined();
    expect(await database.db.selectFrom('rate_limits').select('key').where('key', 'like', 'register:address:%').execute()).not.toEqual([]);
    expect(await database.db.selectFrom('pace_counts').select('key').execute()).toEqual([{ key: 'sustained-on' }]);
  });
});

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
  ])('keys %s as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});
