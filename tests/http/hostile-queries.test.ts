import { sql } from 'kysely';
import { countRows, snapshot } from '../helpers/rows';
import { admin, app, board, endpoints, threadId, useHostileApp } from './hostile.endpoints';

// Query strings and forms no route may take (refused with 400, nothing stored), SQL-looking text
// in every field of every write endpoint (only text), and a ban naming a post that is not there.
// The write endpoints' hostile values are hostile.test.ts.

useHostileApp();

describe('hostile query strings', () => {
  const queries = [
    ['a NUL in page', () => `/b/${board.slug}?page=%00`],
    ['a page given twice', () => `/b/${board.slug}?page=1&page=2`],
    ['an empty page', () => `/api/boards/${board.slug}/threads?page=`],
    ['percent-encoded invalid UTF-8', () => `/api/posts/${threadId}?variant=%FF`],
    ['a control in next', () => '/login?next=%2F%01'],
    ['invalid UTF-8 in next', () => '/register?next=%2F%E4%B8'],
    ['a NUL in the variant switch', () => '/variant?to=zh-tw&next=%2F%00'],
    ['a variant given twice', () => `/api/posts/${threadId}?variant=zh-tw&variant=zh-hans`],
    ['a NUL in a parameter name', () => `/t/${threadId}?a%00b=1`],
  ] as const;
  it.each(queries)('refuses %s with 400', async (_what, path) => {
    const res = await admin.get(path());
    expect(res.status).toBe(400);
  });

  it('names the cause: InvalidUtf8 for a %-escape that is not UTF-8', async () => {
    const res = await admin.get(`/api/boards/${board.slug}/threads?page=1&x=%C3%28`);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('InvalidUtf8');
  });

  it('still takes valid %-encoded UTF-8 and plain values', async () => {
    expect((await admin.get(`/api/posts/${threadId}?variant=zh-tw`)).status).toBe(200);
    expect((await admin.get(`/login?next=${encodeURIComponent('/b/生活')}`)).status).toBe(200);
  });
});

describe('forms with percent-encoded invalid UTF-8', () => {
  it('refuses the form with 400 InvalidUtf8 instead of storing U+FFFD', async () => {
    const before = await snapshot(app.db);
    const res = await admin.request(
      'POST',
      `/b/${board.slug}/threads`,
      { raw: 'title=%E4%B8%AD%FF', contentType: 'application/x-www-form-urlencoded' },
      { accept: 'application/json' },
    );
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('InvalidUtf8');
    expect(await snapshot(app.db)).toEqual(before);
    const stored = await sql<{ n: string }>`select count(*) as n from posts where title like ${'%\uFFFD%'}`.execute(app.db);
    expect(stored.rows[0]!.n).toBe('0');
  });

  it('still takes a form of valid %-encoded Chinese', async () => {
    const res = await admin.postForm(`/b/${board.slug}/threads`, { title: '中文標題', body: '內容' });
    expect(res.status).toBe(303);
  });
});

describe('SQL-looking text', () => {
  const sqlish = ["x'; drop table users;--", "' or '1'='1", '"; delete from posts; --', '\\x00', '%00'];
  it.each(sqlish)(
    'is only text: %s',
    async (text) => {
      for (const e of endpoints) {
        for (const field of Object.keys(e.fields)) {
          const res = await e.who().request(e.method, e.path(), { json: { ...e.body(), [field]: text } });
          expect(res.status).toBeLessThan(500);
        }
      }
      expect(await countRows(app.db, 'users')).toBeGreaterThanOrEqual(2);
    },
    120_000,
  );
});

describe('bans naming a post', () => {
  it('refuses a post that does not exist with 404, and bans nobody', async () => {
    const before = await snapshot(app.db);
    const res = await admin.post(`/api/boards/${board.slug}/bans`, {
      username: 'hostile_victim',
      days: 3,
      reason: '灌水',
      postId: '987654321',
    });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('PostNotFound');
    expect(await snapshot(app.db)).toEqual(before);
  });
});
