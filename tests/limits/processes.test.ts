import { HttpClient, type Reply } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { sleep } from '../helpers/live';
import { type ServerProcess, startServerProcess } from '../helpers/processes';
import { type TestMember, createMember, logInClient } from '../factories';
import { type Act, pacedActions, smallLimits } from './paced.actions';

// Issue 14's acceptance: each posting limit (burst and sustained) per member and per address,
// across two real server processes on one database, at the real multiplier (1) with small windows
// set through the settings registry (LIMITS_* variables): the tries are split between the
// processes and the one past the window is refused on either, 429 with Retry-After and the
// message in both scripts. The burst windows last BURST_SECONDS, so the test waits one out
// (seconds, not minutes); the sustained windows last an hour.
jest.setTimeout(120_000);

/** Long enough for three tries on a loaded machine, short enough to wait out. */
const BURST_SECONDS = 20;
const ENV = {
  RATE_LIMIT_MULTIPLIER: '1',
  TRUST_PROXY: 'loopback',
  // Per member: 2 a burst, 3 an hour; per address: 3 a burst, 5 an hour.
  ...smallLimits([`2/${BURST_SECONDS}s`, '3/1h'], [`3/${BURST_SECONDS}s`, '5/1h']),
};

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
beforeAll(async () => {
  database = await createTestDatabase();
  [a, b] = await Promise.all([
    startServerProcess({ ...ENV, DATABASE_URL: database.url }),
    startServerProcess({ ...ENV, DATABASE_URL: database.url }),
  ]);
}, 120_000);
afterAll(async () => {
  for (const p of [a, b]) if (p?.child.exitCode === null) p.child.kill('SIGKILL');
  await database?.drop();
});

/** A member signed in on both processes. */
async function signedIn(): Promise<{ member: TestMember; onA: HttpClient; onB: HttpClient }> {
  const member = await createMember(database.db);
  const onA = new HttpClient(`http://127.0.0.1:${a.port}`);
  const onB = new HttpClient(`http://127.0.0.1:${b.port}`);
  await Promise.all([logInClient(onA, member), logInClient(onB, member)]);
  return { member, onA, onB };
}

/** A try that went through (200 or 201), or the answer that refused it. */
function ok(reply: Reply): void {
  if (reply.status !== 200 && reply.status !== 201) throw new Error(`expected the try to go through: ${reply.status} ${reply.text}`);
}

/** A refusal by the burst window (Retry-After within it), its message in traditional characters. */
function refusedInBurst(reply: Reply): void {
  expect(reply.status).toBe(429);
  expect(reply.json.error.code).toBe('RateLimited');
  const wait = Number(reply.headers.get('retry-after'));
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(BURST_SECONDS);
  expect(reply.json.error.localized).toMatch(/太快了，請在 \d+ 秒後再試。$/);
}

/** A refusal by the sustained window (Retry-After past the burst's, minutes), in simplified characters. */
function refusedSustained(reply: Reply): void {
  expect(reply.status).toBe(429);
  expect(reply.json.error.code).toBe('RateLimited');
  expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(60);
  expect(reply.json.error.localized).toMatch(/太快了，请在 \d+ 分钟后再试。$/);
}

/** Waits out the burst window a refusal named (its Retry-After, rounded up), and a little more. */
const waitOut = (refusal: Reply) => sleep(Number(refusal.headers.get('retry-after')) * 1000 + 300);

/** The act, each try's number, status and time written down for a failure's message. */
const traced =
  (act: Act, trace: string[]): Act =>
  async (c, member, i, headers) => {
    const reply = await act(c, member, i, headers);
    trace.push(`try ${i}: ${reply.status} at ${new Date().toISOString().slice(17, 23)}`);
    return reply;
  };

const TW = { 'accept-language': 'zh-TW' };
const CN = { 'accept-language': 'zh-CN' };

/**
 * A member's windows: 2 tries split between the processes, the third refused on both; once the
 * burst is over, one more, and the hour's window (3) refuses the next. Each from an address of
 * its own, so only the member's windows are full.
 */
async function perMember(plain: Act, address: string, trace: string[]): Promise<void> {
  const act = traced(plain, trace);
  const { member, onA, onB } = await signedIn();
  const from = { 'x-forwarded-for': address };
  ok(await act(onA, member, 1, from));
  ok(await act(onB, member, 2, from));
  const burst = await act(onA, member, 3, { ...from, ...TW });
  refusedInBurst(burst);
  // The other process has not seen that refusal: the shared counts refuse there too.
  refusedInBurst(await act(onB, member, 4, { ...from, ...TW }));
  await waitOut(burst);
  ok(await act(onB, member, 5, from));
  refusedSustained(await act(onA, member, 6, { ...from, ...CN }));
  refusedSustained(await act(onB, member, 7, { ...from, ...CN }));
}

/**
 * An address's windows, IPv6 counted by its /64: three members at three hosts of one /64 spend
 * its burst (3) between the processes, and a fourth try there is refused though its member has
 * spent one of their two; once the burst is over, two more fill the hour's window (5). A host of
 * the next /64 is another address.
 */
async function perAddress(plain: Act, prefix: string, trace: string[]): Promise<void> {
  const act = traced(plain, trace);
  const [p, q, r] = await Promise.all([signedIn(), signedIn(), signedIn()]);
  const at = (host: string) => ({ 'x-forwarded-for': `${prefix}:${host}` });
  ok(await act(p.onA, p.member, 1, at('0:0:0:1')));
  ok(await act(q.onB, q.member, 2, at('0:0:0:ffff')));
  ok(await act(r.onA, r.member, 3, at('aaaa:bbbb:cccc:7')));
  const burst = await act(p.onB, p.member, 4, { ...at('1:2:3:4'), ...TW });
  refusedInBurst(burst);
  refusedInBurst(await act(q.onA, q.member, 5, { ...at('0:0:0:1'), ...TW }));
  await waitOut(burst);
  ok(await act(q.onA, q.member, 6, at('0:0:0:2')));
  ok(await act(r.onB, r.member, 7, at('0:0:0:3')));
  refusedSustained(await act(p.onA, p.member, 8, { ...at('0:0:0:4'), ...CN }));
  refusedSustained(await act(q.onB, q.member, 9, { ...at('0:0:0:5'), ...CN }));
  // The next /64 along: its windows are unspent.
  const next = prefix.replace(/:(\w+)$/, (_, last: string) => `:${(parseInt(last, 16) + 1).toString(16)}`);
  ok(await act(p.onB, p.member, 10, { 'x-forwarded-for': `${next}:0:0:0:1` }));
}

const NAMES = ['thread', 'reply', 'edit', 'report', 'message'];

describe('posting limits across two server processes', () => {
  it('refuse the try past each window, per member and per address, whichever process it reaches', async () => {
    // Every action's two cases at once (each with members and addresses of its own), so the
    // burst windows are waited out together.
    const actions = await pacedActions(database.db);
    const failures: string[] = [];
    const run = async (label: string, scenario: (trace: string[]) => Promise<void>) => {
      const trace: string[] = [];
      try {
        await scenario(trace);
      } catch (error) {
        failures.push(`${label} (${trace.join(', ')}): ${(error as Error).message}`);
      }
    };
    await Promise.all(
      NAMES.flatMap((name, i) => [
        run(`${name} per member`, (trace) => perMember(actions[name]!, `198.51.100.${10 + i}`, trace)),
        run(`${name} per address`, (trace) => perAddress(actions[name]!, `2001:db8:${(0x10 + i).toString(16)}:2`, trace)),
      ]),
    );
    expect(failures).toEqual([]);
  });
});
