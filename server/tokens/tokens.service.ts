import { createHash, randomBytes } from 'node:crypto';
import type { Db, TokenPurpose } from '../db/database';
import * as repo from './tokens.repository';

/**
 * Single-use, expiring tokens: the one mechanism behind every link that acts for a member without
 * a session (verify an email address, reset a password, unsubscribe from the digest; later an
 * admin's one-time link). A token is 32 random bytes (base64url, 43 characters); only its SHA-256
 * is stored, so the table alone lets nobody act. Using a token is one UPDATE that marks it used
 * only if it is unused and unexpired: it works once, even under concurrent requests.
 */

/** A live token as its user gets it back. */
export interface UsedToken {
  id: string;
  userId: string;
  purpose: TokenPurpose;
  /** What create was given. */
  data: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
}

/** What a new token is for. */
export interface NewToken {
  userId: string;
  purpose: TokenPurpose;
  /** What the token carries beyond its member and purpose (the address to verify…); stored as JSON. */
  data?: Record<string, unknown>;
  /** How long it works, in seconds. */
  ttlSeconds: number;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hash = (token: string) => createHash('sha256').update(token).digest();

/** True when `token` has the shape create makes; anything else is never looked up. */
export const isTokenShaped = (token: unknown): token is string => typeof token === 'string' && TOKEN.test(token);

const toUsed = (row: NonNullable<Awaited<ReturnType<typeof repo.findLiveToken>>>): UsedToken => ({
  id: row.id,
  userId: row.user_id,
  purpose: row.purpose,
  data: row.data,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

/**
 * Creates a token in the caller's transaction (or on the pool) and returns it: the only time it
 * exists in clear. Put it in a link; it is not kept anywhere.
 */
export async function createToken(db: Db, token: NewToken): Promise<string> {
  const value = randomBytes(32).toString('base64url');
  await repo.insertToken(db, {
    tokenHash: hash(value),
    userId: token.userId,
    purpose: token.purpose,
    data: token.data ?? {},
    ttlSeconds: token.ttlSeconds,
  });
  return value;
}

/**
 * Uses a token: returns it and marks it used when it has this purpose and is unused and unexpired;
 * undefined otherwise (unknown, malformed, used, expired, other purpose: one answer). Run it in the
 * transaction that does what the token allows, so a rolled-back change leaves the token unused.
 */
export async function consumeToken(db: Db, token: unknown, purpose: TokenPurpose): Promise<UsedToken | undefined> {
  if (!isTokenShaped(token)) return undefined;
  const row = await repo.useToken(db, hash(token), purpose);
  return row && toUsed(row);
}

/** The token if consumeToken would accept it now, without using it (to show a form before acting). */
export async function peekToken(db: Db, token: unknown, purpose: TokenPurpose): Promise<UsedToken | undefined> {
  if (!isTokenShaped(token)) return undefined;
  const row = await repo.findLiveToken(db, hash(token), purpose);
  return row && toUsed(row);
}

/** The member's newest live token of a purpose, or undefined. */
export async function newestLiveToken(db: Db, userId: string, purpose: TokenPurpose): Promise<UsedToken | undefined> {
  const row = await repo.findNewestLiveToken(db, userId, purpose);
  return row && toUsed(row);
}

/** Makes every live token of the member with this purpose unusable (a newer one replaces them, or what they were for is done). */
export function revokeTokens(db: Db, userId: string, purpose: TokenPurpose): Promise<number> {
  return repo.useMemberTokens(db, userId, purpose);
}

/** Deletes expired tokens (a job on the job runner, hourly). */
export function pruneTokens(db: Db): Promise<number> {
  return repo.deleteExpiredTokens(db);
}
