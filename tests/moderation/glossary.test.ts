import http from 'node:http';
import type { Board } from '../../server/boards/boards.service';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { until } from '../helpers/wait';
import { type TestMember, createMember, createModerator, createTestBoard, logInClient, memberClient, postThread } from '../factories';

// Glossaries over HTTP (server/moderation/moderation.glossary*.ts): a board's moderators and the
// site's admins edit them; they apply to the board's posts (site: every post) in every converted
// view, with the right precedence; every edit changes what readers get at once (conversion cache,
// rendered windows, warm pages, ETags), on this process and on another one on the same database
// (NOTIFY); history and revert; import and export; readers' flags; who may do what; bad input.
jest.setTimeout(90_000);

let a: TestApp;
let b: TestApp;
let board: Board;
let other: Board;
let writer: HttpClient;
let moderator: HttpClient;
let otherModerator: HttpClient;
let member: HttpClient;
let admin: HttpClient;
let mod: TestMember;

beforeAll(async () => {
  a = await startTestApp();
  b = await startTestApp({ databaseOf: a });
  board = await createTestBoard(a.db);
  other = await createTestBoard(a.db);
  writer = a.client();
  await memberClient(a.db, writer);
  moderator = a.client();
  mod = await createModerator(a.db, board);
  await logInClient(moderator, mod);
  otherModerator = a.client();
  await logInClient(otherModerator, await createModerator(a.db, other));
  member = a.client();
  await memberClient(a.db, member);
  admin = a.client();
  await logInClient(admin, await createMember(a.db, { role: 'admin' }));
  await until(() => a.caches.threads.listening && b.caches.threads.listening, 'both apps listening');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** An anonymous browser's GET of a page (no session: the warm page path), the body decoded. */
function anonymous(
  app: TestApp,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; etag?: string; html: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${app.baseUrl}${path}`, { headers: { 'user-agent': 'Mozilla/5.0 Chrome/131', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, html: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

/** Waits (up to 15 s: a loaded machine is slow) until `check` holds. */
const eventually = (check: () => Promise<boolean>): Promise<boolean> => until(check, 'the change to show', 15_000, 100);

const addTerm = (client: HttpClient, slug: string | null, term: { text: string; forms?: Record<string, string> }) =>
  client.post(slug ? `/api/boards/${slug}/glossary/terms` : '/api/admin/glossary/terms', term);

describe('a board glossary', () => {
  let threadId: string;
  let otherThreadId: string;
  beforeAll(async () => {
    threadId = (await postThread(writer, board, '姜余的新书', '<p>我们的软件很好，见 https://example.com/软件</p>')).id;
    otherThreadId = (await postThread(writer, other, '姜余的新书', '<p>我们的软件很好</p>')).id;
  });

  it('applies to its board only, at once, on every process, warm pages and ETags included', async () => {
    // Readers of Taiwan's script before: the dictionaries' 姜餘 (a made-up name) and 軟體. Kept warm on both processes.
    const first = await anonymous(a, `/zh-tw/t/${threadId}`);
    expect(first.html).toContain('姜餘的新書');
    expect((await anonymous(a, `/zh-tw/t/${threadId}`)).etag).toBe(first.etag);
    expect((await anonymous(b, `/zh-tw/t/${threadId}`)).html).toContain('姜餘的新書');
    expect(a.caches.pages.size).toBeGreaterThan(0);

    expect((await addTerm(moderator, board.slug, { text: '姜余' })).status).toBe(201);
    const added = await addTerm(moderator, board.slug, { text: '软件', forms: { 'zh-tw': '軟件' } });
    expect(added.status).toBe(201);
    expect(added.json.glossary).toMatchObject({ scope: board.slug, version: 2 });

    // This process: the warm page and the ETag changed, the title and body follow the glossary.
    const after = await anonymous(a, `/zh-tw/t/${threadId}`);
    expect(after.etag).not.toBe(first.etag);
    expect(after.html).toContain('姜余的新書');
    expect(after.html).toContain('我們的軟件很好');
    // Never inside the URL.
    expect(after.html).not.toContain('example.com/軟件');
    expect((await anonymous(a, `/zh-tw/t/${threadId}`, { 'if-none-match': first.etag! })).status).toBe(200);
    // The JSON too.
    const api = await a.client().get(`/api/posts/${threadId}?variant=zh-tw`);
    expect(api.json.post.title).toBe('姜余的新書');
    // The other process hears it.
    expect(await eventually(async () => (await anonymous(b, `/zh-tw/t/${threadId}`)).html.includes('姜余的新書'))).toBe(true);
    // Another board's post is not touched.
    expect((await anonymous(a, `/zh-tw/t/${otherThreadId}`)).html).toContain('姜餘的新書');
    // Lists show converted titles too.
    expect((await anonymous(a, `/zh-tw/b/${board.slug}`)).html).toContain('姜余的新書');
  });

  it('comes before the site glossary', async () => {
    expect((await addTerm(admin, null, { text: '新书', forms: { 'zh-tw': '新著' } })).status).toBe(201);
    expect(await eventually(async () => (await anonymous(a, `/zh-tw/t/${otherThreadId}`)).html.includes('姜餘的新著'))).toBe(true);
    expect((await addTerm(moderator, board.slug, { text: '新书', forms: { 'zh-tw': '新作' } })).status).toBe(201);
    expect((await anonymous(a, `/zh-tw/t/${threadId}`)).html).toContain('姜余的新作');
    expect((await anonymous(a, `/zh-tw/t/${otherThreadId}`)).html).toContain('姜餘的新著');
    expect((await admin.post('/api/admin/glossary/terms/remove', { text: '新书' })).status).toBe(200);
  });

  it('keeps a history, and a past state can be restored', async () => {
    const history = await moderator.get(`/api/boards/${board.slug}/glossary/history`);
    expect(history.status).toBe(200);
    const lines = history.json.history as { id: string; version: number; action: string; terms: unknown[]; by: string }[];
    expect(lines.map((l) => l.action)).toEqual(['add', 'add', 'add']);
    expect(lines[0]!.by).toBe(mod.name);
    const firstState = lines.find((l) => l.version === 1)!;
    const reverted = await moderator.post(`/api/boards/${board.slug}/glossary/revert`, { id: firstState.id });
    expect(reverted.status).toBe(200);
    expect(reverted.json.glossary.terms).toEqual([{ text: '姜余', forms: {} }]);
    expect((await anonymous(a, `/zh-tw/t/${threadId}`)).html).toContain('我們的軟體很好');
    expect((await moderator.post(`/api/boards/${board.slug}/glossary/revert`, { id: '999999' })).status).toBe(404);
    // The site glossary's changes are in the admins' audit log.
    const audit = await a.db.selectFrom('admin_audit').select(['action', 'subject']).where('subject', '=', 'glossary:site').execute();
    expect(audit.map((r) => r.action)).toEqual(['glossary.add', 'glossary.remove']);
  });

  it('exports and imports its file, text and JSON, round trip', async () => {
    const text = await moderator.get(`/api/boards/${board.slug}/glossary/export`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.text).toContain('姜余');
    const file = '# ours\n芯片 = zh-tw:晶片; zh-hant:晶片\n姜余\n';
    const imported = await moderator.post(`/api/boards/${board.slug}/glossary/import`, { file, mode: 'replace' });
    expect(imported.status).toBe(200);
    const json = await moderator.get(`/api/boards/${board.slug}/glossary/export?format=json`);
    expect(json.json.terms).toEqual([
      { text: '芯片', forms: { 'zh-tw': '晶片', 'zh-hant': '晶片' } },
      { text: '姜余', forms: {} },
    ]);
    // The JSON back in: the same terms.
    const back = await moderator.post(`/api/boards/${board.slug}/glossary/import`, { terms: json.json.terms, mode: 'replace' });
    expect(back.json.glossary.terms).toEqual(json.json.terms);
    const bad = await moderator.post(`/api/boards/${board.slug}/glossary/import`, { file: '好\n芯片 = zh-tw晶片' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('GlossaryFileInvalid');
  });

  it('refuses bad terms with a clear 400', async () => {
    for (const [term, field] of [
      [{ text: '  ' }, 'text'],
      [{ text: '字'.repeat(40) }, 'text'],
      [{ text: '芯\u0007片' }, 'text'],
      [{ text: '芯片', forms: { 'zh-xx': '晶片' } }, 'forms'],
      [{ text: '芯片', forms: { 'zh-tw': '晶'.repeat(40) } }, 'forms'],
    ] as const) {
      const res = await addTerm(moderator, board.slug, term);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('ValidationFailed');
      expect(res.json.error.message).toMatch(new RegExp(`^${field}:`));
      expect(res.json.error.localized).toMatch(/\p{Script=Han}/u);
    }
    expect((await moderator.post(`/api/boards/${board.slug}/glossary/terms/remove`, { text: '沒有的詞' })).status).toBe(404);
  });

  it('is edited by its moderators and the admins only', async () => {
    expect((await addTerm(member, board.slug, { text: '甲' })).status).toBe(403);
    expect((await addTerm(otherModerator, board.slug, { text: '甲' })).status).toBe(403);
    expect((await addTerm(a.client(), board.slug, { text: '甲' })).status).toBe(401);
    expect((await member.get(`/api/boards/${board.slug}/glossary`)).status).toBe(403);
    expect((await addTerm(moderator, null, { text: '甲' })).status).toBe(403);
    expect((await addTerm(admin, board.slug, { text: '甲' })).status).toBe(201);
    expect((await admin.post(`/api/boards/${board.slug}/glossary/terms/remove`, { text: '甲' })).status).toBe(200);
  });

  it('has pages that work without JavaScript', async () => {
    const page = await moderator.get(`/b/${board.slug}/glossary`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('詞彙表');
    const posted = await moderator.request('POST', `/b/${board.slug}/glossary/terms`, {
      form: { text: '网络', 'forms[zh-tw]': '網絡', 'forms[zh-hant]': '' },
    });
    expect(posted.status).toBe(303);
    expect((await moderator.get(`/api/boards/${board.slug}/glossary`)).json.glossary.terms).toContainEqual({
      text: '网络',
      forms: { 'zh-tw': '網絡' },
    });
    expect((await moderator.request('POST', `/b/${board.slug}/glossary/remove`, { form: { text: '网络' } })).status).toBe(303);
    expect((await admin.get('/admin/glossary')).status).toBe(200);
    expect((await member.get(`/b/${board.slug}/glossary`)).status).toBe(403);
  });
});

describe('flags of a wrong conversion', () => {
  it('land in the board queue, where moderators accept or dismiss them', async () => {
    const post = await postThread(writer, board, '他的头发很长');
    const form = await member.get(`/zh-tw/t/${post.id}/conversion-flag`);
    expect(form.status).toBe(200);
    const flagged = await member.post(`/api/posts/${post.id}/conversion-flag`, { wrong: '很長', fixed: '超長', variant: 'zh-tw' });
    expect(flagged.status).toBe(201);
    const dismissMe = await member.request('POST', `/t/${post.id}/conversion-flag`, {
      form: { wrong: '他', fixed: '她', variant: 'zh-tw' },
    });
    expect(dismissMe.status).toBe(201);
    expect((await member.post(`/api/posts/${post.id}/conversion-flag`, { wrong: '', fixed: 'x', variant: 'zh-tw' })).status).toBe(400);
    expect((await a.client().post(`/api/posts/${post.id}/conversion-flag`, { wrong: 'a', fixed: 'b', variant: 'zh-tw' })).status).toBe(401);

    expect((await member.get(`/api/boards/${board.slug}/glossary/flags`)).status).toBe(403);
    const queue = await moderator.get(`/api/boards/${board.slug}/glossary/flags`);
    const flags = queue.json.flags as { id: string; wrong: string }[];
    expect(flags.map((f) => f.wrong)).toEqual(['很長', '他']);
    expect((await otherModerator.post(`/api/boards/${board.slug}/glossary/flags/${flags[0]!.id}/accept`, {})).status).toBe(403);

    const accepted = await moderator.post(`/api/boards/${board.slug}/glossary/flags/${flags[0]!.id}/accept`, {
      text: '很长',
      forms: { 'zh-tw': '超長' },
    });
    expect(accepted.status).toBe(200);
    expect((await anonymous(a, `/zh-tw/t/${post.id}`)).html).toContain('他的頭髮超長');
    expect((await moderator.request('POST', `/b/${board.slug}/glossary/flags/${flags[1]!.id}/dismiss`, { form: {} })).status).toBe(303);
    expect((await moderator.get(`/api/boards/${board.slug}/glossary/flags`)).json.flags).toEqual([]);
    expect((await moderator.post(`/api/boards/${board.slug}/glossary/flags/${flags[1]!.id}/dismiss`, {})).status).toBe(404);
  });
});
