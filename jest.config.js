/** Jest runs the TypeScript sources through swc; PostgreSQL comes from tests/global-setup.mjs. */
module.exports = {
  // jest's node environment, with a cache the worker keeps across test files (tests/environment.js).
  testEnvironment: '<rootDir>/tests/environment.js',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // The real argon2id at its lowest cost (see the file): no test is about the hashing's cost.
  // jieba's segmenter, its dictionary loaded once per worker process rather than once per file (see the file).
  // opencc-js's tries and converters, likewise built once per worker process (see the file).
  moduleNameMapper: {
    '^@node-rs/argon2$': '<rootDir>/tests/helpers/argon2.ts',
    '^@node-rs/jieba$': '<rootDir>/tests/helpers/jieba.ts',
    '^opencc-js$': '<rootDir>/tests/helpers/opencc.ts',
  },
  globalSetup: '<rootDir>/tests/global-setup.mjs',
  globalTeardown: '<rootDir>/tests/global-teardown.mjs',
  maxWorkers: 2,
  testTimeout: 30000,
};
