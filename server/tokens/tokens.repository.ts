import { sql } from 'kysely';
import type { Db, TokenPurpose } from '../db/database';

// Single-use tokens: SQL only.

/** Stores a token's hash with its purpose, member, data and expiry; returns its id. */
export async function insertToken(
  db: Db,
  token: { tokenHash: Buffer; userId: string; purpose: TokenPurpose; data: Record<string, unknown>; ttlSeconds: number },
): Promise<string> {
  const row = await db
    .insertInto('tokens')
    .values({
      token_hash: token.tokenHash,
      user_id: token.userId,
      purpose: token.purpose,
      data: JSON.stringify(token.data),
      expires_at: sql<Date>`now() + make_interval(secs => ${token.ttlSeconds})`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Marks the token used if it has this purpose, is unused and unexpired, and returns it; undefined
 * otherwise. One UPDATE: of two requests racing with the same token, the second waits for the
 * first's row lock, then sees used_at set and matches nothing.
 */
export function useToken(db: Db, tokenHash: Buffer, purpose: TokenPurpose) {
  return db
    .updateTable('tokens')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['id', 'user_id', 'purpose', 'data', 'created_at', 'expires_at'])
    .executeTakeFirst();
}

/** The token if it has this purpose and is unused and unexpired, without using it. */
export function findLiveToken(db: Db, tokenHash: Buffer, purpose: TokenPurpose) {
  return db
    .selectFrom('tokens')
    .select(['id', 'user_id', 'purpose', 'data', 'created_at', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** The member's newest live token of a purpose (to show what is pending), or undefined. */
export function findNewestLiveToken(db: Db, userId: string, purpose: TokenPurpose) {
  return db
    .selectFrom('tokens')
    .select(['id', 'user_id', 'purpose', 'data', 'created_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Marks every live token of the member with this purpose used; the number marked. */
export async function useMemberTokens(db: Db, userId: string, purpose: TokenPurpose): Promise<number> {
  const result = await db
    .updateTable('tokens')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes tokens that have expired; the number deleted. */
export async function deleteExpiredTokens(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('tokens')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
