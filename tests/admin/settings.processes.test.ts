import { HttpClient } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { type ServerProcess, startServerProcess } from '../helpers/processes';
import { until } from '../helpers/wait';
import { PASSWORD, createMember, logInClient } from '../factories';

// Two app processes on one PostgreSQL: a setting an admin changes through one applies on the
// other without a restart (the NOTIFY the change sends; the minute's re-read is only a safety net).
jest.setTimeout(150_000);

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  const env = { DATABASE_URL: database.url };
  [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
});
afterAll(async () => {
  for (const p of [a, b]) p?.child.kill('SIGKILL');
  await database.drop();
});

const url = (p: ServerProcess) => `http://127.0.0.1:${p.port}`;

/** Waits (up to 15 s: a loaded machine is slow, far less than the re-read's minute) until `check` holds. */
const eventually = (check: () => Promise<boolean>): Promise<boolean> => until(check, 'the change to show', 15_000, 100);

describe('a setting changed on one process', () => {
  it('applies on the other without a restart', async () => {
    const admin = new HttpClient(url(a));
    await logInClient(admin, await createMember(database.db, { name: 'procs_admin', role: 'admin' }));
    const onB = new HttpClient(url(b));
    expect((await onB.get('/')).text).toMatch(/<title>[^<]* - 跟帖論壇<\/title>/);

    const changed = await admin.request('PUT', '/api/admin/settings', {
      json: { settings: { 'site.name': '雙進程論壇', 'registration.mode': 'closed' } },
    });
    expect(changed.status).toBe(200);
    expect(await eventually(async () => /<title>[^<]* - 雙進程論壇<\/title>/.test((await onB.get('/')).text))).toBe(true);
    const refused = await onB.post('/api/register', { username: 'too_late', password: PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('RegistrationRefused');

    expect((await admin.request('PUT', '/api/admin/settings', { json: { settings: { 'registration.mode': null } } })).status).toBe(200);
    expect(
      await eventually(async () => (await onB.post('/api/register', { username: 'in_time', password: PASSWORD })).status === 201),
    ).toBe(true);
  });
});
