import path from 'node:path';
import type * as Argon2 from '@node-rs/argon2';

/**
 * What the app gets for `@node-rs/argon2` inside Jest (jest.config.js maps it here): the real
 * argon2id, hashing at the lowest cost the algorithm takes instead of production's 19 MiB and two
 * passes. The suite creates and signs in thousands of members; at full cost that hashing alone is a
 * noticeable share of its CPU time, and no test is about the cost. Hashes still carry their own
 * parameters, so verify() checks those made at full cost (by the CLI and server processes that
 * tests spawn, which load the real module) as before.
 */
// A path, not the package's name, so the mapping does not send this file back to itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path on purpose
const real = require(path.join(__dirname, '..', '..', 'node_modules', '@node-rs', 'argon2')) as typeof Argon2;

const CHEAP = { memoryCost: 64, timeCost: 1 } as const;

export const { verify, verifySync, parseOptions } = real;
export const hash: typeof real.hash = (password, options, signal) => real.hash(password, { ...options, ...CHEAP }, signal);
export const hashSync: typeof real.hashSync = (password, options) => real.hashSync(password, { ...options, ...CHEAP });
export const hashRaw: typeof real.hashRaw = (password, options, signal) => real.hashRaw(password, { ...options, ...CHEAP }, signal);
export const hashRawSync: typeof real.hashRawSync = (password, options) => real.hashRawSync(password, { ...options, ...CHEAP });
