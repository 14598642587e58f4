import { openSession } from '../../server/members/members.service';
import { logOut, memberForToken, newToken } from '../../server/sessions/sessions.service';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember } from '../factories';

// The session token alone finds its member; only the token's hash is stored.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const from = { address: '127.0.0.1', userAgent: 'jest', device: undefined };

describe('session tokens', () => {
  it('finds the member of an open session, and nobody once it is logged out', async () => {
    const member = await createMember(app.db, { name: `s_${Math.random().toString(36).slice(2, 6)}` });
    const { token } = await openSession(app.db, member, from);
    expect(await memberForToken(app.db, token)).toEqual({
      id: member.id,
      name: member.name,
      role: 'member',
      joinedAt: expect.any(Date),
      trust: 'auto',
      timeZone: null,
    });
    await logOut(app.db, token);
    expect(await memberForToken(app.db, token)).toBeNull();
  });

  it('finds nobody for an unknown or malformed token', async () => {
    expect(await memberForToken(app.db, newToken())).toBeNull();
    expect(await memberForToken(app.db, 'not a token')).toBeNull();
  });

  it('stores the token’s hash, never the token', async () => {
    const member = await createMember(app.db, { name: `h_${Math.random().toString(36).slice(2, 6)}` });
    const { token } = await openSession(app.db, member, from);
    const rows = await app.db.selectFrom('sessions').select('token_hash').where('user_id', '=', member.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash.toString('base64url')).not.toBe(token);
    expect(rows[0]!.token_hash.includes(Buffer.from(token))).toBe(false);
  });
});
