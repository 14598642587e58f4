import { type TestApp, startTestApp } from '../helpers/app';
import { createMember, memberClient } from '../factories';
import { countRows } from '../helpers/rows';

// Following and ignoring at the real limit (RATE_LIMIT_MULTIPLIER=1): 120 changes an hour per
// member, then a refusal in the reader's script that writes nothing.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { RATE_LIMIT_MULTIPLIER: '1' } });
});
afterAll(() => app.close());

it('refuses the 121st follow or ignore change in an hour, and changes nothing', async () => {
  const client = app.client();
  await memberClient(app.db, client, { name: 'busy_follower' });
  const target = await createMember(app.db);
  const path = `/api/members/${encodeURIComponent(target.name)}`;
  for (let i = 0; i < 60; i++) {
    expect((await client.post(`${path}/follow`, {})).status).toBe(200);
    expect((await client.request('DELETE', `${path}/follow`)).status).toBe(200);
  }
  const follows = await countRows(app.db, 'follows');
  const refused = await client.post(`${path}/ignore`, {});
  expect(refused.status).toBe(429);
  expect(refused.json.error).toMatchObject({ code: 'RateLimited', localized: expect.stringContaining('關注或忽略') });
  expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  const page = await client.postForm(`/zh-hans/u/${encodeURIComponent(target.name)}/follow`, {});
  expect(page.status).toBe(429);
  expect(page.text).toContain('关注或忽略的人太多');
  expect(await countRows(app.db, 'follows')).toBe(follows);
  expect(await countRows(app.db, 'ignores')).toBe(0);
});
