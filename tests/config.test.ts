import path from 'node:path';
import { ConfigError, loadConfig } from '../server/config';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 3000,
      host: undefined,
      databaseUrl: undefined,
      dataDir: path.resolve('./data'),
      logLevel: 'info',
      displayTimeZone: 'Asia/Shanghai',
      editWindowMinutes: undefined,
      publicUrl: undefined,
      trustProxy: undefined,
      rateLimitMultiplier: 1,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u:p@db.example:5432/gentie',
      DATA_DIR: '/var/lib/gentie-data',
      LOG_LEVEL: 'debug',
      TZ_DISPLAY: 'America/Los_Angeles',
      EDIT_WINDOW_MINUTES: '30',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://u:p@db.example:5432/gentie',
      dataDir: '/var/lib/gentie-data',
      logLevel: 'debug',
      displayTimeZone: 'America/Los_Angeles',
      editWindowMinutes: 30,
    });
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
    ['EDIT_WINDOW_MINUTES', 'soon', /^EDIT_WINDOW_MINUTES must be a whole number of minutes/],
  ])('refuses %s=%s with one line naming the variable and why', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
