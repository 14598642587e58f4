/** Jest runs the TypeScript sources through swc; PostgreSQL comes from tests/global-setup.mjs. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // The real argon2id at its lowest cost (see the file): no test is about the hashing's cost.
  moduleNameMapper: { '^@node-rs/argon2$': '<rootDir>/tests/helpers/argon2.ts' },
  globalSetup: '<rootDir>/tests/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/global-teardown.mjs',
  maxWorkers: 2,
  testTimeout: 30000,
};
