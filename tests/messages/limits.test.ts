import type { HttpClient, TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { countRows } from '../helpers/rows';
import { type TestMember, createMember, logInClient } from '../factories';
import { NEW_MEMBER_HOURS, isNewMember } from '../../server/limits/new-member';
import { defaultSettings } from '../../server/settings/settings';

// The messaging limits at their real values (RATE_LIMIT_MULTIPLIER=1): messages an hour, fewer for
// a new member, and conversations started a day; each refusal a 429 in the reader's script. The
// burst and address windows are widened here (tests/limits/paced.test.ts tests those): these
// tests send an hour's worth at once.

const settings = defaultSettings();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    env: {
      RATE_LIMIT_MULTIPLIER: '1',
      LIMITS_MESSAGE_MEMBER_BURST: '100/1m',
      LIMITS_MESSAGE_NEW_MEMBER_BURST: '100/1m',
      LIMITS_MESSAGE_ADDRESS_BURST: '1000/1m',
      LIMITS_MESSAGE_ADDRESS_SUSTAINED: '1000/1h',
      // New by age alone here (tests/limits/trust.test.ts tests the count of posts): an account
      // three days old without posts is an older member for these tests.
      LIMITS_NEW_MEMBER_POSTS: '0',
    },
  });
});
afterAll(() => app.close());

/** A member logged in; `daysOld` moves their account's creation back. */
async function sender(daysOld = 0): Promise<{ member: TestMember; client: HttpClient }> {
  const member = await createMember(app.db);
  if (daysOld) {
    await app.db
      .updateTable('users')
      .set({ created_at: new Date(Date.now() - daysOld * 86400_000) })
      .where('id', '=', member.id)
      .execute();
  }
  const client = app.client();
  await logInClient(client, member);
  return { member, client };
}

const send = (client: HttpClient, to: string, title = '你好') =>
  client.post('/api/messages', { to, title }, { 'accept-language': 'zh-TW' });

describe('isNewMember', () => {
  it('is the one definition of a new member: an account less than a day old', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    expect(NEW_MEMBER_HOURS).toBe(24);
    expect(isNewMember(new Date('2026-12-02T00:00:00Z'), now)).toBe(true);
    expect(isNewMember(new Date('2026-12-01T12:00:01Z'), now)).toBe(true);
    expect(isNewMember(new Date('2026-12-01T12:00:00Z'), now)).toBe(false);
    expect(isNewMember(new Date('2025-01-01T00:00:00Z'), now)).toBe(false);
  });
});

describe('messaging limits', () => {
  it('lets a new member send 5 messages an hour, then refuses with Retry-After', async () => {
    const { client } = await sender();
    const to = await createMember(app.db);
    for (let i = 0; i < settings.get('limits.message.newMember.sustained').points; i++)
      expect((await send(client, to.name)).status).toBe(201);
    const before = await countRows(app.db, 'messages');
    const refused = await send(client, to.name);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('RateLimited');
    expect(refused.json.error.localized).toMatch(/^發悄悄話太快了，請在 \d+ 分鐘後再試。$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await countRows(app.db, 'messages')).toBe(before);
    // The form says it in the page's script, with the text kept.
    const form = await client.postForm('/zh-hans/messages', { to: to.name, title: '再来一条', body: '留着' });
    expect(form.status).toBe(429);
    expect(form.text).toMatch(/发悄悄话太快了，请在 \d+ 分钟后再试。/);
    expect(form.text).toContain('留着');
  });

  it('lets an older member send 30 an hour (the sustained window)', async () => {
    const { client } = await sender(3);
    const to = await createMember(app.db);
    for (let i = 0; i < settings.get('limits.message.member.sustained').points; i++)
      expect((await send(client, to.name, `第 ${i} 條`)).status).toBe(201);
    const refused = await send(client, to.name);
    expect(refused.status).toBe(429);
    expect(refused.json.error.localized).toMatch(/^發悄悄話太快了，請在 \d+ 分鐘後再試。$/);
  });

  it('counts conversations started in a day, not messages in existing ones', async () => {
    const { member, client } = await sender(3);
    const first = await createMember(app.db);
    for (let i = 0; i < settings.get('limits.conversation.member').points; i++) {
      const to = i === 0 ? first : await createMember(app.db);
      expect((await send(client, to.name)).status).toBe(201);
    }
    const stranger = await createMember(app.db);
    const refused = await send(client, stranger.name);
    expect(refused.status).toBe(429);
    expect(refused.json.error.localized).toBe('今天您和太多新的用戶開始了悄悄話，請明天再試。');
    // An existing conversation goes on; and the stranger may still start one with them.
    expect((await send(client, first.name, '繼續')).status).toBe(201);
    const strangerClient = app.client();
    await logInClient(strangerClient, stranger);
    expect((await send(strangerClient, member.name, '我先說')).status).toBe(201);
  });
});
