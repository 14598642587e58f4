import { type TestApp, startTestApp } from '../helpers/app';
import { createMember } from '../factories';

let app: TestApp;
beforeAll(async () => {
  // Production's pool size: the logins must not starve it.
  app = await startTestApp({ poolMax: 10 });
});
afterAll(() => app.close());

describe('many logins at once', () => {
  it('answers 250 parallel correct logins with 200 while anonymous readers are still served', async () => {
    const member = await createMember(app.db);
    let done = false;
    const logins = Promise.all(
      Array.from({ length: 250 }, () => app.client().post('/api/login', { username: member.name, password: member.password })),
    ).finally(() => (done = true));
    // Readers keep coming while the logins run; a reader who waited for a pooled connection
    // longer than the pool's timeout would get 503.
    const readers: number[] = [];
    do {
      await new Promise((r) => setTimeout(r, 250));
      readers.push((await app.client().get('/')).status);
    } while (!done);
    const statuses = (await logins).map((r) => r.status);

    expect(readers.length).toBeGreaterThan(1);
    expect(readers.filter((s) => s !== 200)).toEqual([]);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const sessions = await app.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(Number(sessions.n)).toBe(250);
  }, 120_000);
});
