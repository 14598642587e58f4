import path from 'node:path';
import { CACHE_BYTES, cacheStats, createCaches } from '../server/caches';
import { ConfigError, loadConfig } from '../server/config';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 3000,
      host: undefined,
      databaseUrl: undefined,
      databasePoolSize: 20,
      dataDir: path.resolve('./data'),
      logLevel: 'info',
      displayTimeZone: 'Asia/Shanghai',
      indexTreeLines: 50,
      readFlushMs: 30_000,
      warmUp: { seconds: 15, threads: 50 },
      threadDepthCap: 12,
      threadWindowLines: 500,
      publicUrl: undefined,
      trustProxy: undefined,
      rateLimitMultiplier: 1,
      mail: undefined,
      cacheBytes: {},
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u:p@db.example:5432/gentie',
      DATABASE_POOL_SIZE: '40',
      DATA_DIR: '/var/lib/gentie-data',
      LOG_LEVEL: 'debug',
      TZ_DISPLAY: 'America/Los_Angeles',
      INDEX_TREE_LINES: '0',
      READ_FLUSH_MS: '500',
      WARM_UP_SECONDS: '0',
      WARM_UP_THREADS: '200',
      PUBLIC_URL: 'https://BBS.example.org/',
      TRUST_PROXY: 'loopback, 10.0.0.0/8,::1',
      RATE_LIMIT_MULTIPLIER: '2.5',
      CACHE_LINES_BYTES: '268435456',
      CACHE_CONVERSIONS_BYTES: '1048576',
      CACHE_DIFFS_BYTES: '8388608',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://u:p@db.example:5432/gentie',
      databasePoolSize: 40,
      dataDir: '/var/lib/gentie-data',
      logLevel: 'debug',
      displayTimeZone: 'America/Los_Angeles',
      indexTreeLines: 0,
      readFlushMs: 500,
      warmUp: { seconds: 0, threads: 200 },
      trustProxy: ['loopback', '10.0.0.0/8', '::1'],
      rateLimitMultiplier: 2.5,
      cacheBytes: { lines: 268435456, conversions: 1048576, diffs: 8388608 },
    });
    expect(config.publicUrl?.origin).toBe('https://bbs.example.org');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it.each([
    ['PORT', 'abc', /^PORT must be a whole number \(got "abc"\)$/],
    ['PORT', '70000', /^PORT must be at most 65535/],
    ['PORT', '-1', /^PORT must be a whole number/],
    ['DATABASE_URL', 'mysql://x', /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ['LOG_LEVEL', 'loud', /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ['TZ_DISPLAY', 'Mars/Olympus', /^TZ_DISPLAY must be an IANA time zone/],
    ['INDEX_TREE_LINES', '1001', /^INDEX_TREE_LINES must be a whole number of lines, 0 to 1000/],
    ['INDEX_TREE_LINES', '-5', /^INDEX_TREE_LINES must be a whole number of lines/],
    ['DATABASE_POOL_SIZE', '1', /^DATABASE_POOL_SIZE must be a whole number of connections, 2 to 200/],
    ['DATABASE_POOL_SIZE', 'many', /^DATABASE_POOL_SIZE must be a whole number of connections, 2 to 200/],
    ['READ_FLUSH_MS', '5', /^READ_FLUSH_MS must be a whole number of milliseconds, 10 to 60000/],
    ['READ_FLUSH_MS', '120000', /^READ_FLUSH_MS must be a whole number of milliseconds, 10 to 60000/],
    ['WARM_UP_SECONDS', '301', /^WARM_UP_SECONDS must be a whole number of seconds, 0 to 300/],
    ['WARM_UP_THREADS', 'all', /^WARM_UP_THREADS must be a whole number of threads, 0 to 1000/],
    ['PUBLIC_URL', 'bbs.example.org', /^PUBLIC_URL must be the site origin/],
    ['PUBLIC_URL', 'https://bbs.example.org/forum', /^PUBLIC_URL must be the site origin/],
    ['PUBLIC_URL', 'ftp://bbs.example.org', /^PUBLIC_URL must be the site origin/],
    ['TRUST_PROXY', 'true', /^TRUST_PROXY must be `loopback` or a comma list/],
    ['TRUST_PROXY', '10.0.0.0/8, everyone', /^TRUST_PROXY must be `loopback` or a comma list/],
    ['TRUST_PROXY', '999.1.1.1', /^TRUST_PROXY must be `loopback` or a comma list/],
    ['RATE_LIMIT_MULTIPLIER', '0', /^RATE_LIMIT_MULTIPLIER must be a positive number/],
    ['RATE_LIMIT_MULTIPLIER', 'lots', /^RATE_LIMIT_MULTIPLIER must be a positive number/],
    ['CACHE_LINES_BYTES', '64MB', /^CACHE_LINES_BYTES must be a whole number of bytes, 1048576 to 17179869184 \(got "64MB"\)$/],
    ['CACHE_CONVERSIONS_BYTES', '1000', /^CACHE_CONVERSIONS_BYTES must be a whole number of bytes, 1048576 to/],
    ['CACHE_DIFFS_BYTES', '99999999999999', /^CACHE_DIFFS_BYTES must be a whole number of bytes, 1048576 to/],
  ])('refuses %s=%s with one line naming the variable and why', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('bounds the caches it hands to createCaches by the bytes set, the others by their defaults', () => {
    const { cacheBytes } = loadConfig({ CACHE_LINES_BYTES: '2097152' });
    const stats = cacheStats(createCaches(cacheBytes));
    expect(stats.lines.maxBytes).toBe(2097152);
    expect(stats.conversions.maxBytes).toBe(CACHE_BYTES.conversions);
    expect(stats.diffs.maxBytes).toBe(CACHE_BYTES.diffs);
  });
});
