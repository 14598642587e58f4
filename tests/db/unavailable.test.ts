import vm from 'node:vm';
import { isDatabaseUnavailable } from '../../server/errors';

// What says "the database is not there" (a 503, not a 500), whatever realm the error was made in.

describe('isDatabaseUnavailable', () => {
  it('knows a refused connection made in another realm (node core errors under a vm context, as in jest)', () => {
    const foreign = vm.runInNewContext("Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })") as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(isDatabaseUnavailable(foreign)).toBe(true);
  });

  it('knows an AggregateError of refusals (a host name with several addresses), and not one with another error among them', () => {
    const refused = (address: string) => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(new AggregateError([refused('::1:5432'), refused('127.0.0.1:5432')]))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([refused('::1:5432'), new TypeError('x')]))).toBe(false);
  });

  it('takes SQLSTATE classes 08 and 57P01-03, and the causes of wrapped errors; not query errors or non-errors', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: Object.assign(new Error('inner'), { code: '08006' }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable({ message: 'Connection terminated unexpectedly' })).toBe(true);
  });
});
