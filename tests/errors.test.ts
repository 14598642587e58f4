import { AppError, notFound } from '../server/errors';

// An expected refusal is answered, never logged with its stack, so it is built without one (the
// most of what building it cost); a 5xx keeps its stack for the log.
describe('AppError', () => {
  it('builds a refusal (4xx) without a stack trace, and a 5xx with one', () => {
    const limit = Error.stackTraceLimit;
    const refusal = new AppError(429, 'RateLimited', 'Too many replies too quickly. Wait and try again.', {
      params: { paced: 'reply', wait: 3 },
      retryAfter: 3,
    });
    expect(refusal.stack).not.toMatch(/\n\s+at /);
    expect(notFound('PostNotFound', 'There is no post 1.', { params: { id: '1' } }).stack).not.toMatch(/\n\s+at /);
    const unavailable = new AppError(503, 'DatabaseUnavailable', 'The database cannot be reached.');
    expect(unavailable.stack).toMatch(/\n\s+at /);
    // What it is and says are the same either way; other errors keep their stacks.
    expect([refusal.name, refusal.status, refusal.code, refusal.message, refusal.retryAfter]).toEqual([
      'AppError',
      429,
      'RateLimited',
      'Too many replies too quickly. Wait and try again.',
      3,
    ]);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('plain').stack).toMatch(/\n\s+at /);
  });
});
