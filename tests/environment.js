/**
 * The tests' environment: jest's node environment (each test file gets its own globals and its
 * own modules, as before) with one thing that outlives a file, `__gentieWorkerCache`, a Map the
 * worker process keeps from one test file to the next. Only what is pure and costly to build goes
 * in it: jieba's segmenter with its dictionary loaded (tests/helpers/jieba.ts), which the app
 * would otherwise load again in every file that converts or indexes a post.
 *
 * With GENTIE_TEST_HANDLES=<file>, each file's start appends to that file what keeps the worker
 * process alive at that moment (timers, sockets, child processes…, counted by kind): a kind that
 * grows from one file to the next in the same worker was left open by the file before, which is
 * what makes jest force a worker to exit at the end.
 */
const { appendFileSync } = require('node:fs');
const { TestEnvironment } = require('jest-environment-node');

const workerCache = new Map();

module.exports = class GentieTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__gentieWorkerCache = workerCache;
    const log = process.env.GENTIE_TEST_HANDLES;
    if (log) {
      const kinds = {};
      for (const kind of process.getActiveResourcesInfo()) kinds[kind] = (kinds[kind] ?? 0) + 1;
      appendFileSync(log, `${process.pid} ${context.testPath} ${JSON.stringify(kinds)}\n`);
    }
  }
};
