import { type TestApp, startTestApp } from '../helpers/app';
import { fillPath, listRoutes } from '../helpers/routes';
import { createMember, logInClient, postReply, postThread } from '../factories';

// Free text that is not a post (boards' names and descriptions; bans', reports', edits' and log
// entries' reasons; headings and crumbs that name a board) on every page and JSON answer, in the
// reader's script (issue 18, "Everywhere text is shown"). Every such text here is written in
// simplified with a board glossary term and a pin: 书店 is 书坊/書坊 by the board's glossary, 书铺/書舖
// by the site's, which yields to the board's where the text is the board's. An answer that shows
// one unconverted shows 书店; one converted by the site's glossary where the board's applies shows
// 书铺/書舖; one that does not resolve pins shows -{. The sweep walks every GET route the app
// registers, so a page or answer added later that shows such a text unconverted fails here too.

const PIN = '-{图书馆}-';
const WORD = `书店${PIN}`;
const BOARD_FORM = { 'zh-hans': '书坊', 'zh-hant': '書坊' } as const;
const SITE_FORM = { 'zh-hans': '书铺', 'zh-hant': '書舖' } as const;
const VARIANTS = ['zh-hans', 'zh-hant'] as const;
type V = (typeof VARIANTS)[number];

let app: TestApp;
type Client = ReturnType<TestApp['client']>;
const c = {} as Record<'admin' | 'mod' | 'writer' | 'banned', Client>;
const slug = 'bookshops';
let rootId = '';
let messageReportId = '';

beforeAll(async () => {
  app = await startTestApp();
  for (const who of ['admin', 'mod', 'writer', 'banned'] as const) {
    const m = await createMember(app.db, { name: `shown_${who}`, ...(who === 'admin' ? { role: 'admin' as const } : {}) });
    c[who] = app.client();
    await logInClient(c[who], m);
  }
  const { admin, mod, writer, banned } = c;
  expect((await admin.post('/api/admin/boards', { slug, name: `${WORD}版`, description: `${WORD}说明` })).status).toBe(201);
  expect((await admin.post(`/api/admin/boards/${slug}/moderators`, { name: 'shown_mod' })).status).toBe(200);
  expect((await admin.post('/api/admin/glossary/terms', { text: '书店', forms: SITE_FORM })).status).toBe(201);
  expect((await mod.post(`/api/boards/${slug}/glossary/terms`, { text: '书店', forms: BOARD_FORM })).status).toBe(201);
  for (const m of ['shown_writer', 'shown_banned'])
    await app.db.updateTable('users').set({ trust: 'trusted' }).where('name', '=', m).execute();

  rootId = (await postThread(writer, { slug }, '一个主题', '正文')).id;
  const reply = await postReply(banned, rootId, '一则回复', '内容');
  const edit = await mod.request('PATCH', `/api/posts/${rootId}`, { json: { body: '改过', format: 'text', reason: `${WORD}修正` } });
  expect(edit.status).toBe(200);
  expect((await writer.post(`/api/posts/${reply.id}/report`, { reason: `${WORD}举报` })).status).toBe(201);
  expect((await mod.post(`/api/boards/${slug}/public-bans`, { on: true })).status).toBe(200);
  expect((await mod.post(`/api/boards/${slug}/bans`, { username: 'shown_banned', days: 3, reason: `${WORD}禁言` })).status).toBe(201);
  expect((await admin.post('/api/admin/address-bans', { range: '198.51.100.0/24', until: '7d', reason: `${WORD}广告` })).status).toBe(201);
  const sent = await writer.post('/api/messages', { to: 'shown_banned', title: '你好', body: '内容', format: 'text' });
  expect((await banned.post(`/api/messages/${sent.json.message.id}/report`, { reason: `${WORD}骚扰` })).status).toBe(201);
  messageReportId = (await admin.get('/api/admin/message-reports')).json.reports[0].id;
}, 60_000);
afterAll(() => app?.close());

/** A page's or answer's text as a reader reads it: what a form gives back to edit (values, textareas, `source`) left out. */
function readable(body: string): string {
  return body
    .replace(/\svalue="[^"]*"/g, '')
    .replace(/<textarea[^>]*>[^<]*<\/textarea>/g, '')
    .replace(/"source":"(?:[^"\\]|\\.)*"/g, '');
}

const get = (client: Client, path: string, variant: V) =>
  path.startsWith('/api/') ? client.get(`${path}${path.includes('?') ? '&' : '?'}variant=${variant}`) : client.get(`/${variant}${path}`);

/** What a reader of `variant` finds in `body`, as the table's rows want it. */
function seen(body: string, variant: V) {
  const text = readable(body);
  return {
    unconverted: text.includes('书店'),
    pinSyntax: text.includes('-{'),
    pin: text.includes('图书馆'),
    board: text.includes(BOARD_FORM[variant]),
    site: text.includes(SITE_FORM[variant]),
  };
}

// Every route that shows such a text, by whom, and whose glossary it is shown by: 'board' (the
// board's texts only), 'site' (texts of no board only), 'both'.
const TABLE: [path: string, who: keyof typeof c | 'anyone', by: 'board' | 'site' | 'both'][] = [
  ['/', 'anyone', 'board'],
  [`/b/${slug}`, 'anyone', 'board'],
  [`/t/:root`, 'anyone', 'board'],
  [`/t/:root/latest`, 'anyone', 'board'],
  [`/t/:root/revisions`, 'anyone', 'board'],
  [`/b/${slug}/bans`, 'anyone', 'board'],
  [`/search?q=${encodeURIComponent('正文')}&board=${slug}`, 'anyone', 'board'],
  [`/b/${slug}/reports`, 'mod', 'board'],
  [`/b/${slug}/log`, 'mod', 'board'],
  [`/b/${slug}/queue`, 'mod', 'board'],
  [`/b/${slug}/members/shown_banned`, 'mod', 'board'],
  ['/log', 'admin', 'both'],
  ['/admin/boards', 'admin', 'board'],
  ['/admin/members/shown_banned', 'admin', 'board'],
  ['/admin/members/shown_writer', 'admin', 'board'],
  ['/admin/inbox', 'admin', 'both'],
  ['/admin/address-bans', 'admin', 'site'],
  ['/admin/message-reports/:report', 'admin', 'site'],
  ['/u/shown_banned', 'banned', 'board'],
  ['/settings', 'banned', 'board'],
  ['/notifications', 'banned', 'board'],
  [`/api/boards/${slug}/bans`, 'anyone', 'board'],
  [`/api/boards/${slug}/reports`, 'mod', 'board'],
  [`/api/boards/${slug}/log`, 'mod', 'board'],
  ['/api/moderation/log', 'admin', 'both'],
  ['/api/admin/members/shown_banned', 'admin', 'board'],
  ['/api/admin/members/shown_writer', 'admin', 'board'],
  ['/api/admin/inbox', 'admin', 'both'],
  ['/api/notifications', 'banned', 'board'],
];

const filled = (path: string) => path.replace(':root', rootId).replace(':report', messageReportId);

describe('free text on pages and in answers, by the right glossary, pins resolved', () => {
  it.each(VARIANTS)('reads so in %s on every route of the table', async (variant) => {
    const failures: unknown[] = [];
    for (const [path, who, by] of TABLE) {
      const res = await get(who === 'anyone' ? app.client() : c[who], filled(path), variant);
      const got = { status: res.status, ...seen(res.text, variant) };
      // A zh-hans reader reads these simplified texts as written (as a post of their script), pins resolved.
      const want =
        variant === 'zh-hans'
          ? { status: 200, unconverted: true, pinSyntax: false, pin: true, board: false, site: false }
          : { status: 200, unconverted: false, pinSyntax: false, pin: true, board: by !== 'site', site: by !== 'board' };
      if (JSON.stringify(got) !== JSON.stringify(want)) failures.push({ path, variant, got, want });
    }
    if (process.env.SHOW_FAILURES) console.log(failures.map((f) => JSON.stringify(f)).join('\n'));
    expect(failures).toEqual([]);
  });

  it('quotes a ban’s reason in its refusal (JSON and page) by the board’s glossary', async () => {
    for (const variant of VARIANTS) {
      const api = await c.banned.post(`/api/posts/${rootId}/replies?variant=${variant}`, { title: '再来', body: '内容' });
      expect([api.status, api.json.error.code]).toEqual([403, 'Banned']);
      const tw = variant === 'zh-hant';
      expect(seen(JSON.stringify(api.json), variant)).toEqual({ unconverted: !tw, pinSyntax: false, pin: true, board: tw, site: false });
      const page = await c.banned.postForm(`/${variant}/t/${rootId}/reply`, { title: '再来', body: '内容' });
      expect(page.status).toBe(403);
      expect(seen(page.text, variant)).toMatchObject({ unconverted: !tw, pinSyntax: false, board: tw, site: false });
    }
  });
});

describe("the admins' audit log", () => {
  // A record of what was given (so not in the sweep below): what somebody wrote reads as written,
  // in its own script whatever the reader's, but with its pins resolved, never their syntax.
  it('shows what was written as written, its pins resolved, to a reader of either script', async () => {
    for (const variant of VARIANTS) {
      const res = await c.admin.get(`/${variant}/admin/audit`);
      expect(res.status).toBe(200);
      const line = (subject: string) => res.text.split('<tr').find((row) => row.includes(`>${subject}</a>`)) ?? '';
      const asWritten = { unconverted: true, pinSyntax: false, pin: true, board: false, site: false };
      expect(seen(line(`board:${slug}`), variant)).toEqual(asWritten);
      expect(seen(line('address:198.51.100.0/24'), variant)).toEqual(asWritten);
    }
  });
});

// Routes whose answers show what a member or moderator wrote to edit or export it, as written; and
// the admins' audit log, a record of what was done with what was given.
const AS_WRITTEN = [/glossary/, /\/edit$/, /export|download|backup|\.txt$|\.json$/, /\/audit$/];

describe('every GET route the app registers', () => {
  it('shows no free text unconverted or with its pin syntax, to an admin or a banned member, in either script', async () => {
    const values: Record<string, string> = { slug, id: rootId, name: 'shown_banned', threadId: rootId, postId: rootId };
    const routes = listRoutes(app.handler.express)
      .filter((r) => r.method === 'GET' && !AS_WRITTEN.some((re) => re.test(r.path)))
      .map((r) => fillPath(r.path, (n) => values[n] ?? (n === 'id' ? rootId : messageReportId)));
    expect(routes.length).toBeGreaterThan(50);
    const failures: unknown[] = [];
    for (const path of routes) {
      if (/^\/(zh-|static|avatars|uploads)/.test(path) || path.includes('*')) continue;
      for (const who of ['admin', 'banned'] as const) {
        for (const variant of VARIANTS) {
          const res = await get(c[who], path, variant);
          if (!/text|json|xml/.test(res.headers.get('content-type') ?? '')) continue;
          const s = seen(res.text, variant);
          if ((variant === 'zh-hant' && s.unconverted) || s.pinSyntax) failures.push({ path, who, variant, status: res.status, ...s });
        }
      }
    }
    if (process.env.SHOW_FAILURES) console.log(failures.map((f) => JSON.stringify(f)).join('\n'));
    expect(failures).toEqual([]);
  }, 120_000);
});
