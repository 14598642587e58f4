import { createHash } from 'node:crypto';
import { connect } from '../../server/db/connect';
import { consumeToken, createToken, peekToken, pruneTokens, revokeTokens } from '../../server/tokens/tokens.service';
import { createMember } from '../factories';
import { type TestDatabase, createTestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ max: 12 });
});
afterAll(() => database.drop());

const expire = (userId: string) =>
  database.db
    .updateTable('tokens')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('user_id', '=', userId)
    .execute();

describe('single-use tokens', () => {
  it('keeps only the SHA-256 of a token, and gives it back once, with its data', async () => {
    const member = await createMember(database.db);
    const token = await database.db
      .transaction()
      .execute((tx) => createToken(tx, { userId: member.id, purpose: 'verify-email', data: { email: 'a@example.net' }, ttlSeconds: 600 }));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await database.db.selectFrom('tokens').selectAll().where('user_id', '=', member.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toEqual(createHash('sha256').update(token).digest());
    expect(JSON.stringify(rows)).not.toContain(token);

    expect(await peekToken(database.db, token, 'verify-email')).toMatchObject({ userId: member.id });
    expect(await consumeToken(database.db, token, 'reset-password')).toBeUndefined();
    const used = await consumeToken(database.db, token, 'verify-email');
    expect(used).toMatchObject({ userId: member.id, purpose: 'verify-email', data: { email: 'a@example.net' } });
    expect(used!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
    expect(await consumeToken(database.db, token, 'verify-email')).toBeUndefined();
    expect(await peekToken(database.db, token, 'verify-email')).toBeUndefined();
  });

  it('refuses an expired token, a revoked one and anything not shaped like a token', async () => {
    const member = await createMember(database.db);
    const expired = await createToken(database.db, { userId: member.id, purpose: 'reset-password', ttlSeconds: 3600 });
    await expire(member.id);
    expect(await consumeToken(database.db, expired, 'reset-password')).toBeUndefined();

    const revoked = await createToken(database.db, { userId: member.id, purpose: 'reset-password', ttlSeconds: 3600 });
    expect(await revokeTokens(database.db, member.id, 'reset-password')).toBe(1);
    expect(await consumeToken(database.db, revoked, 'reset-password')).toBeUndefined();

    for (const odd of [undefined, null, 42, ['x'], { a: 1 }, '', 'x', 'A'.repeat(44), `${'A'.repeat(42)}=`]) {
      expect(await consumeToken(database.db, odd, 'reset-password')).toBeUndefined();
    }
  });

  it('is used once when many requests race with it on separate connections', async () => {
    const member = await createMember(database.db);
    const token = await createToken(database.db, { userId: member.id, purpose: 'unsubscribe', ttlSeconds: 3600 });
    const pools = Array.from({ length: 8 }, () => connect(database.url, { max: 1 }));
    try {
      const results = await Promise.all(pools.map((db) => db.transaction().execute((tx) => consumeToken(tx, token, 'unsubscribe'))));
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
  });

  it('stays unused when the transaction that used it rolls back', async () => {
    const member = await createMember(database.db);
    const token = await createToken(database.db, { userId: member.id, purpose: 'reset-password', ttlSeconds: 3600 });
    await expect(
      database.db.transaction().execute(async (tx) => {
        expect(await consumeToken(tx, token, 'reset-password')).toBeDefined();
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await consumeToken(database.db, token, 'reset-password')).toBeDefined();
  });

  it('prunes expired tokens and only those', async () => {
    const member = await createMember(database.db);
    const live = await createToken(database.db, { userId: member.id, purpose: 'unsubscribe', ttlSeconds: 3600 });
    const old = await createMember(database.db);
    await createToken(database.db, { userId: old.id, purpose: 'unsubscribe', ttlSeconds: 3600 });
    await expire(old.id);
    expect(await pruneTokens(database.db)).toBeGreaterThanOrEqual(1);
    expect(await database.db.selectFrom('tokens').select('id').where('user_id', '=', old.id).execute()).toHaveLength(0);
    expect(await peekToken(database.db, live, 'unsubscribe')).toBeDefined();
  });
});
