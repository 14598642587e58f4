import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type WorstCase, longBody, seedWorstCase } from '../../bench/attack';
import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, logInClient, postThread } from '../factories';

// Under attack: while one client asks for the costliest pages there are (every revision of a long,
// much-edited post; a board of long posts in another script; a full catch-up of a long thread in
// another script), other readers are still served, and the event loop is never held for long.
// Exact latencies belong to the bench (npm run bench); this checks the order things finish in and
// a generous bound on event-loop delay.
jest.setTimeout(120_000);

let app: TestApp;
let worst: WorstCase;

beforeAll(async () => {
  app = await startTestApp();
  const member = await createMember(app.db);
  const board = await createTestBoard(app.db);
  const client = app.client();
  await logInClient(client, member);
  const thread = async (title: string, body?: string) => (await postThread(client, board, title, body)).id;
  worst = await seedWorstCase(app.db, {
    memberId: member.id,
    boardId: board.id,
    boardSlug: board.slug,
    edited: await thread('改了一百次', longBody(0)),
    root: await thread('長帖'),
    normal: await thread('普通的帖子'),
  });
});
afterAll(() => app.close());

it('keeps serving /healthz and ordinary pages while the costliest requests run', async () => {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const attacker = app.client();
  const finished: string[] = [];
  const slow = Object.entries({ revisions: worst.revisions, board: worst.board, catchUp: worst.catchUp }).map(async ([name, path]) => {
    const res = await attacker.get(path);
    finished.push(`slow:${name}`);
    return res.status;
  });
  let pending = slow.length;
  for (const p of slow) void p.finally(() => pending--);

  // Ordinary readers keep coming while the slow requests are out.
  const reader = app.client();
  const ordinary: number[] = [];
  while (pending > 0) {
    const [health, page] = await Promise.all([reader.get('/healthz'), reader.get(worst.normal)]);
    ordinary.push(health.status, page.status);
    if (pending > 0) finished.push('ordinary');
  }
  const statuses = await Promise.all(slow);
  delay.disable();

  expect(statuses).toEqual([200, 200, 200]);
  expect(ordinary.every((s) => s === 200)).toBe(true);
  // At least one ordinary round trip (health check and a thread page) finished before the last
  // slow request did.
  expect(finished.indexOf('ordinary')).toBeGreaterThanOrEqual(0);
  expect(finished.indexOf('ordinary')).toBeLessThan(finished.length - 1);
  // The event loop was never blocked for long. ~200 ms is the target, measured by the bench
  // (57 ms in the last run); the bound here is loose because a loaded 2-core machine deschedules
  // the whole process now and then (1.9 s seen at load average 11), while a blocked loop took 20 s.
  expect(delay.max / 1e6).toBeLessThan(4000);
});
