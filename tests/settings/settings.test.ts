import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../server/config';
import {
  SETTINGS,
  type SettingName,
  createSettingsStore,
  envName,
  formatDefault,
  formatRate,
  loadSettings,
  parseRate,
} from '../../server/settings/settings';
import { createTestDatabase } from '../helpers/database';

describe('the settings registry', () => {
  it('names each setting’s environment variable from its name', () => {
    expect(envName('limits.reply.newMember.burst')).toBe('LIMITS_REPLY_NEW_MEMBER_BURST');
    expect(envName('limits.newMemberHours')).toBe('LIMITS_NEW_MEMBER_HOURS');
  });

  it('gives the defaults when nothing is set', () => {
    const settings = loadSettings({});
    expect(settings.get('limits.reply.member.burst')).toEqual({ points: 6, seconds: 60 });
    expect(settings.get('limits.reply.member.sustained')).toEqual({ points: 60, seconds: 3600 });
    expect(settings.get('limits.message.member.sustained')).toEqual({ points: 30, seconds: 3600 });
    expect(settings.get('limits.message.newMember.sustained')).toEqual({ points: 5, seconds: 3600 });
    expect(settings.get('limits.conversation.member')).toEqual({ points: 10, seconds: 86_400 });
    expect(settings.get('limits.relation.member')).toEqual({ points: 120, seconds: 3600 });
    expect(settings.get('limits.newMemberHours')).toBe(24);
    // The hardening issue's login and registration limits, as they were when hard-coded.
    expect(settings.get('limits.login.nameAddress')).toEqual({ points: 5, seconds: 900 });
    expect(settings.get('limits.login.address')).toEqual({ points: 30, seconds: 900 });
    expect(settings.get('limits.login.name')).toEqual({ points: 10, seconds: 900 });
    expect(settings.get('limits.login.nameSlow')).toEqual({ points: 1, seconds: 30 });
    expect(settings.get('limits.register.address')).toEqual({ points: 5, seconds: 3600 });
    for (const definition of Object.values(SETTINGS)) expect(definition.description).not.toBe('');
  });

  it('reads values from the environment; empty counts as unset', () => {
    const settings = loadSettings({ LIMITS_REPLY_MEMBER_BURST: '10/2m', LIMITS_NEW_MEMBER_HOURS: '72', LIMITS_EDIT_MEMBER_BURST: '' });
    expect(settings.get('limits.reply.member.burst')).toEqual({ points: 10, seconds: 120 });
    expect(settings.get('limits.newMemberHours')).toBe(72);
    expect(settings.get('limits.edit.member.burst')).toEqual({ points: 10, seconds: 60 });
  });

  it.each([
    ['LIMITS_REPLY_MEMBER_BURST', 'lots', /^LIMITS_REPLY_MEMBER_BURST must be a count per window such as 6\/1m .*\(got "lots"\)$/],
    ['LIMITS_REPLY_MEMBER_BURST', '6/1w', /^LIMITS_REPLY_MEMBER_BURST must be a count per window/],
    ['LIMITS_REPLY_MEMBER_BURST', '0/1m', /^LIMITS_REPLY_MEMBER_BURST must be a count per window/],
    ['LIMITS_THREAD_ADDRESS_SUSTAINED', '5/8d', /^LIMITS_THREAD_ADDRESS_SUSTAINED must be a count per window such as 60\/1d/],
    ['LIMITS_NEW_MEMBER_HOURS', '-1', /^LIMITS_NEW_MEMBER_HOURS must be a whole number of hours, 0 to 8760 \(got "-1"\)$/],
    ['LIMITS_NEW_MEMBER_HOURS', '9000', /^LIMITS_NEW_MEMBER_HOURS must be a whole number of hours/],
  ])('refuses %s=%s with one clear line', (name, value, message) => {
    expect(() => loadSettings({ [name]: value })).toThrow(ConfigError);
    expect(() => loadSettings({ [name]: value })).toThrow(message);
  });

  it('writes and reads rates the same way', () => {
    for (const text of ['6/1m', '60/1h', '5/30s', '10/1d', '3/90s']) expect(formatRate(parseRate(text)!)).toBe(text);
    expect(parseRate('6/60s')).toEqual({ points: 6, seconds: 60 });
  });
});

describe('the settings store', () => {
  it('takes the environment over the database, and the default over a stored value it refuses', async () => {
    const database = await createTestDatabase();
    try {
      await database.db
        .insertInto('site_settings')
        .values([
          { name: 'limits.newMemberHours', value: '12' },
          { name: 'hot.refreshSeconds', value: '99999' },
          { name: 'site.name', value: '庫裡的名' },
          { name: 'gone.setting', value: '1' },
        ])
        .execute();
      const store = createSettingsStore(database.db, { SITE_NAME: '環境的名' }, { refreshMs: 0 });
      // Before it reads the table: the environment's and the defaults.
      expect(store.get('limits.newMemberHours')).toBe(24);
      await store.refresh();
      expect(store.get('limits.newMemberHours')).toBe(12);
      expect(store.get('hot.refreshSeconds')).toBe(5);
      expect(store.get('site.name')).toBe('環境的名');
      expect(store.list().find((s) => s.name === 'site.name')).toMatchObject({ source: 'env', stored: '庫裡的名', value: '環境的名' });
      expect(store.list().find((s) => s.name === 'limits.newMemberHours')).toMatchObject({ source: 'database', value: '12' });
      let changes = 0;
      store.onChange(() => changes++);
      await database.db.deleteFrom('site_settings').where('name', '=', 'limits.newMemberHours').execute();
      await store.refresh();
      expect(store.get('limits.newMemberHours')).toBe(24);
      expect(changes).toBe(1);
      await store.refresh();
      expect(changes).toBe(1);
    } finally {
      await database.drop();
    }
  });
});

describe('the README', () => {
  it('lists every setting with its default', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const [name, definition] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
      expect(readme).toContain(`| \`${envName(name)}\` | \`${formatDefault(definition)}\` |`);
    }
  });
});
