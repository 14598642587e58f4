/**
 * The tests' environment: jest's node environment (each test file gets its own globals and its
 * own modules, as before) with one thing that outlives a file, `__gentieWorkerCache`, a Map the
 * worker process keeps from one test file to the next. Only what is pure and costly to build goes
 * in it: jieba's segmenter with its dictionary loaded (tests/helpers/jieba.ts), which the app
 * would otherwise load again in every file that converts or indexes a post, and opencc-js with the
 * tries and converters it builds (tests/helpers/opencc.ts), loaded here, in the worker's own realm
 * rather than in one file's sandbox, which would keep that file's globals alive.
 *
 * With GENTIE_TEST_HANDLES=<file>, each file's start appends to that file what keeps the worker
 * process alive at that moment (timers, sockets, child processes…, counted by kind): a kind that
 * grows from one file to the next in the same worker was left open by the file before, which is
 * what makes jest force a worker to exit at the end. Each file's end (after its afterAll) appends
 * the same; the moments a worker was told to end and exited; and when jest has to end a worker
 * (SIGTERM, half a second after it was told to exit), what was keeping it alive, each named (a
 * socket's addresses, a timer's callback).
 */
const { appendFileSync } = require('node:fs');
const { TestEnvironment } = require('jest-environment-node');

const workerCache = new Map();
workerCache.set('opencc-js', require('opencc-js'));

// A worker that jest tells to end (its last file done) ends by running out of work, then node's
// teardown of the process: with a worker's heap and native modules (jieba, sharp) that teardown
// alone took more than the half second jest waits on this loaded machine, so jest killed the
// worker and said "A worker process has failed to exit gracefully", though nothing was left
// open. Once nothing is left to run (no file left a handle: this event comes only then, and a
// 'beforeExit' listener that schedules more work is left to it), the worker exits at once, as
// process.exit does, without that teardown.
process.on('beforeExit', (code) =>
  process.nextTick(() => {
    if (!process.getActiveResourcesInfo().some((kind) => kind === 'Timeout' || kind === 'Immediate')) process.exit(code);
  }),
);

const log = process.env.GENTIE_TEST_HANDLES;
let lastFile;
const started = Date.now();
/** A line of what this worker did when (ms since it started, and the clock's ms) and what it held then. */
function stamp(what) {
  appendFileSync(log, `${process.pid} +${Date.now() - started} ms (${Date.now()}) ${what} ${kinds()}\n`);
}
// jest tells a worker to end by taking its 'message' listener off (jest-worker's processChild,
// exitProcess), and waits half a second from when it sent the word for the process to be gone.
// With the moment the worker read it and the moment of its 'exit' event, a forced exit tells a
// worker that was slow to end by itself from one that node (or the machine) was slow to take down.
if (log) {
  const removeListener = process.removeListener;
  process.removeListener = function (event, listener) {
    if (event === 'message') stamp('told to end');
    return removeListener.call(this, event, listener);
  };
  process.on('exit', () => stamp('exit'));
}
// jest's way of ending a worker that did not exit within half a second of being told to.
if (log)
  process.once('SIGTERM', () => {
    const alive = process._getActiveHandles().map(named).join('; ');
    appendFileSync(log, `${process.pid} forced to exit after ${lastFile}: ${kinds()} ${alive}\n`);
    process.exit(143);
  });
function kinds() {
  const counted = {};
  for (const kind of process.getActiveResourcesInfo()) counted[kind] = (counted[kind] ?? 0) + 1;
  return JSON.stringify(counted);
}
function named(handle) {
  const kind = handle?.constructor?.name ?? typeof handle;
  if (kind === 'Socket' && handle.remotePort) return `Socket ${handle.localPort}→${handle.remoteAddress}:${handle.remotePort}`;
  if (kind === 'Socket') return `Socket fd ${handle._handle?.fd}`;
  if (kind === 'Server') return `Server ${JSON.stringify(handle.address?.())}`;
  if (kind === 'ChildProcess') return `ChildProcess ${handle.pid} ${handle.spawnargs?.join(' ').slice(0, 120)}`;
  if (kind === 'Timeout') return `Timeout ${handle._idleTimeout} ms ${String(handle._onTimeout).replace(/\s+/g, ' ').slice(0, 160)}`;
  return kind;
}

module.exports = class GentieTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__gentieWorkerCache = workerCache;
    this.testPath = context.testPath;
    if (log) appendFileSync(log, `${process.pid} ${context.testPath} ${kinds()}\n`);
  }

  async teardown() {
    if (log) {
      appendFileSync(log, `${process.pid} end ${this.testPath} ${kinds()}\n`);
      lastFile = this.testPath;
    }
    await super.teardown();
  }
};
