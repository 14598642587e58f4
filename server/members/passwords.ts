import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { validationFailed } from '../errors';
import { createGate } from '../limits/gate';
import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
/** A password needs at least this many different characters ("        ", "abababab" have too few). */
export const PASSWORD_MIN_DISTINCT = 4;

// argon2id (the library's default algorithm) at OWASP's recommended cost: 19 MiB, 2 passes.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Hashes computed at once: one per core; more only queue up in libuv and add memory. */
export const HASHING_CONCURRENCY = availableParallelism();

// argon2 is where a login spends its time and memory: bounded here, for every caller at once,
// and never while holding a database connection (callers query before and after, not around it).
// Callers on the request path bound how many wait (members.service's accountWork).
const hashing = createGate(HASHING_CONCURRENCY);

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hashing(() => hash(password, OPTIONS));
}

// Verified against when the name is unknown, so both failures take the same time.
const decoy = hashPassword('decoy password that matches nothing');

/** Checks a password against a stored hash, or against a decoy when there is no member. */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  const target = storedHash ?? (await decoy);
  const ok = await hashing(() => verify(target, password)).catch(() => false);
  return ok && storedHash !== undefined;
}

/**
 * Refuses a password nobody should choose: too short or long, blank-ish, or one of the commonest.
 * `field` is the form's name for it (password when registering, newPassword when changing it).
 */
export function checkNewPassword(password: string, field: 'password' | 'newPassword' = 'password'): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw validationFailed(
      field,
      { kind: 'length', min: PASSWORD_MIN, max: PASSWORD_MAX },
      `A password is ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.`,
    );
  }
  if (password.trim().length < PASSWORD_MIN || new Set(password).size < PASSWORD_MIN_DISTINCT) {
    throw validationFailed(
      field,
      { kind: 'weakPassword', min: PASSWORD_MIN, distinct: PASSWORD_MIN_DISTINCT },
      `A password needs ${PASSWORD_MIN} characters besides leading and trailing spaces, and at least ${PASSWORD_MIN_DISTINCT} different characters.`,
    );
  }
  if (COMMON_PASSWORDS.has(password.trim().toLowerCase())) {
    throw validationFailed(field, { kind: 'commonPassword' }, 'This password is one of the most common ones; choose another.');
  }
}
