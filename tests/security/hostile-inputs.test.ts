import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { SESSION_COOKIE } from '../../server/sessions/sessions.cookies';
import type { HttpClient, Reply, TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { type RouteEntry, fillPath, listRoutes, paramNames } from '../helpers/routes';
import { createMember, createModerator, createReply, createTestBoard, createThread, logInClient, type TestMember } from '../factories';
import { HTML, SQL, type Sent, problem, send } from './hostile.answers';

// Every route the app registers (express's router stack, walked: a route added later is swept
// without editing this file) fed what no client should send: wrong JSON types in every field,
// missing fields, oversize and deeply nested bodies, NUL and control characters, lone surrogates
// and invalid UTF-8, hostile HTML, SQL-looking text, ids out of range, forged cursors, bad content
// types, duplicate and overlong query parameters, forged and expired sessions, bad headers. Each
// answer must be no 5xx, a JSON error on the API and a page elsewhere, worded in the reader's
// script (zh-CN and zh-TW asked in turn); a request refused must change nothing. What no route
// sees (the HTTP parser, the socket events, a database that goes away) is
// hostile-outside-routes.test.ts.
// Some 5,000 requests: about 30 s on a quiet machine, far more on a loaded one.
jest.setTimeout(600_000);

type Role = 'anonymous' | 'member' | 'moderator' | 'admin';
const ROLES: readonly Role[] = ['anonymous', 'member', 'moderator', 'admin'];

let app: TestApp;
let routes: RouteEntry[];
const clients = {} as Record<Role, HttpClient>;
const people = {} as Record<Exclude<Role, 'anonymous'>, TestMember>;
let victim: TestMember;
let board: { slug: string };
let expiredCookie: string;
let tables: string[];

beforeAll(async () => {
  app = await startTestApp();
  routes = listRoutes(app.handler.express);
  board = await createTestBoard(app.db, { slug: 'hostile-board', name: 'hostile' });
  people.member = await createMember(app.db, { name: 'sweep_member' });
  people.moderator = await createModerator(app.db, board, { name: 'sweep_mod' });
  people.admin = await createMember(app.db, { name: 'sweep_admin', role: 'admin' });
  victim = await createMember(app.db, { name: 'sweep_victim' });
  for (const role of ROLES) {
    clients[role] = app.client();
    if (role !== 'anonymous') await logInClient(clients[role], people[role]);
  }
  // A session that was real and has expired: its cookie is sent as is.
  const expired = app.client();
  await logInClient(expired, victim);
  expiredCookie = expired.cookies.get(SESSION_COOKIE)!;
  await sql`update sessions set expires_at = now() - interval '1 hour' where user_id = ${victim.id}`.execute(app.db);
  // Every table but those a refused request may rightly touch: attempts and their limits, reads,
  // sign-ins, jobs, and the migrations' own.
  const skip = /^(kysely_|rate_limit|limiter|pace_counts|sign_ins|login_|thread_reads|read_counts|jobs?$|job_)/;
  tables = (
    await sql<{
      t: string;
    }>`select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(
      app.db,
    )
  ).rows
    .map((r) => r.t)
    .filter((t) => !skip.test(t));
});
afterAll(() => app?.close());

/** Rows per table, in one statement. */
async function counts(): Promise<Record<string, number>> {
  const select = tables.map((t) => `(select count(*) from "${t}")::int as "${t}"`).join(', ');
  return (await sql.raw<Record<string, number>>(`select ${select}`).execute(app.db)).rows[0]!;
}

// ---- What is sent -----------------------------------------------------------------------------

/** Every field name a schema in server/ declares (read from the sources: a new field is swept too), and the usual ones. */
function fieldNames(): string[] {
  const out = new Set(
    'title body reason username password newPassword currentPassword confirm name description role slug format variant ids days until position to text term terms from target replacement value settings action postId threadId note address cidr hours uses email invite token q page limit cursor since box next scope kind decision profile period board'.split(
      ' ',
    ),
  );
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(p)) {
        const src = readFileSync(p, 'utf8');
        for (const m of src.matchAll(/\b([a-zA-Z_]\w*)\??:\s*(?:z\.|wholeNumber\b)/g)) if (!/^[A-Z_]+$/.test(m[1]!)) out.add(m[1]!);
      }
    }
  };
  walk(path.join(__dirname, '../../server'));
  return [...out];
}
const FIELDS = fieldNames();

/**
 * Values put in every field of a body at once: wrong types, and text no field may hold or that
 * means harm. The first ROUTE_FIELD_VALUES go to every route that takes a body (each reads its
 * own fields); the rest, refused or made harmless the same way everywhere, to a few routes each.
 */
const FIELD_VALUES: Array<[string, unknown]> = [
  ['number', 12345],
  ['null', null],
  ['array', ['a', 'b']],
  ['object', { a: 1, toString: 'x' }],
  ['fullwidth digits', '１２'],
  ['2^63', '9223372036854775808'],
  ['negative', -1],
  ['huge number', 1e308],
  ['boolean', true],
  ['empty', ''],
  ['NUL', 'a\u0000b'],
  ['C0', 'a\u0001\u001b[31mb'],
  ['C1', 'a\u0085\u009bb'],
  ['lone surrogate', 'a\ud800b'],
  ['html', HTML],
  ['sql', SQL],
  ['1e309', '1e309'],
];
const ROUTE_FIELD_VALUES = 3;

/** Ids out of range or not ids, as they go in a path (already %-encoded). */
const PATH_VALUES = [
  '0',
  '-1',
  '9223372036854775808',
  '1e309',
  '1abc',
  encodeURIComponent('１２'),
  // Sent to a few routes each (pick): the router decodes every path the same way.
  encodeURIComponent(SQL),
  encodeURIComponent(HTML),
  'x'.repeat(3000),
  '%C0%AF',
  '%FF',
  '%00',
  '%01',
  '%ED%A0%80',
];
/** The first of PATH_VALUES go to every route: what each route's own parsing of an id sees. */
const ROUTE_PATH_VALUES = 3;

const garbageCursor = Buffer.from('{"path":[1,"x"],"id":"9223372036854775808"}').toString('base64url');
/** Query strings any route may be given (the path's own query, if any, is replaced). */
const QUERIES = [
  `cursor=${garbageCursor}`,
  'cursor=!!!not-base64!!!',
  'since=-1&limit=1e309&page=9223372036854775808',
  'page=%EF%BC%99&limit=0&since=1abc',
  `q=${encodeURIComponent(SQL)}&to=${encodeURIComponent(HTML)}&box=${encodeURIComponent(HTML)}&variant=klingon`,
  // Sent to a few routes each (pick): the query's checks are shared.
  `cursor=${garbageCursor.slice(0, 7)}`,
  'cursor=eyJ',
  'page=1&page=2',
  'q=%FF&name=%C0%AF',
  '%C0%AF=1',
  'x=%00&y=%01',
  'next=//evil.example/&to=zh-tw',
  'a[b]=1&a[c]=2',
  `q=${'x'.repeat(8000)}`,
];
/** The first of QUERIES go to every GET route. */
const ROUTE_QUERIES = 3;

/** `n` items of `list`, a different window for each route `r`: every item reaches many routes, each route a few. */
const pick = <T>(list: readonly T[], r: number, n: number): T[] =>
  Array.from({ length: Math.min(n, list.length) }, (_, i) => list[(r * n + i) % list.length]!);

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const everyField = (value: unknown) => Object.fromEntries(FIELDS.map((f) => [f, value]));

/** Bodies for a route that takes one. */
function bodies(isApi: boolean, r: number): Array<Pick<Sent, 'body' | 'what' | 'headers'>> {
  const out: Array<Pick<Sent, 'body' | 'what' | 'headers'>> = [
    ...FIELD_VALUES.slice(0, ROUTE_FIELD_VALUES),
    ...pick(FIELD_VALUES.slice(ROUTE_FIELD_VALUES), r, 3),
  ].map(([what, v]) => ({ what: `every field ${what}`, body: { json: everyField(v) } }));
  out.push(
    { what: 'missing fields', body: { json: {} } },
    { what: 'JSON array', body: { json: [1, 2] } },
    { what: 'JSON string', body: { raw: '"x"', contentType: 'application/json' } },
    { what: 'JSON null', body: { raw: 'null', contentType: 'application/json' } },
    { what: 'broken JSON', body: { raw: '{"title": ', contentType: 'application/json' } },
    { what: 'deep JSON', body: { raw: deep(20000), contentType: 'application/json' } },
    {
      what: 'invalid UTF-8 JSON',
      body: { raw: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0xff, 0x22, 0x7d]), contentType: 'application/json' },
    },
    { what: 'text/plain', body: { raw: 'title=x', contentType: 'text/plain' } },
    { what: 'multipart without boundary', body: { raw: '--x\r\n\r\n', contentType: 'multipart/form-data' } },
    { what: 'form with %C0%AF', body: { raw: 'title=%C0%AF&body=%FF', contentType: 'application/x-www-form-urlencoded' } },
    { what: 'charset latin1', body: { raw: '{"title":"x"}', contentType: 'application/json; charset=latin1' } },
  );
  if (!isApi) {
    // The HTML routes take forms: each field as text no field may hold, duplicated, or NUL.
    for (const [what, v] of pick(
      FIELD_VALUES.filter(([, v]) => typeof v === 'string'),
      r,
      3,
    )) {
      const form = new URLSearchParams(FIELDS.map((f): [string, string] => [f, v as string])).toString();
      out.push({ what: `form, every field ${what}`, body: { raw: form, contentType: 'application/x-www-form-urlencoded' } });
    }
    out.push({
      what: 'form, duplicate keys',
      body: { raw: 'title=a&title=b&body=c&body=d&reason=e&reason=f', contentType: 'application/x-www-form-urlencoded' },
    });
  }
  return out;
}

/** Headers no request should be hurt by. */
const HEADERS: Array<[string, Record<string, string>]> = [
  ['forged session', { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` }],
  ['garbage session', { cookie: `${SESSION_COOKIE}=%FF%00;;=;${SESSION_COOKIE}=x` }],
  ['bad Accept-Language', { 'accept-language': 'zh-;q=abc,,,*;q=2,zh-TW;q=NaN' }],
  ['bad Range', { range: 'bytes=999999-0,-,abc' }],
  ['bad conditional', { 'if-none-match': '"\u00ff', 'if-modified-since': 'yesterday' }],
  ['bad cookie header', { cookie: '=;=;%%%;gentie_seen=%FF%FE;gentie_variant=<script>' }],
];
// ---- The sweep ---------------------------------------------------------------------------------

/** Valid values for a route's parameters: the fixtures of that route's turn. */
interface Fixture {
  slug: string;
  name: string;
  threadId: string;
  replyId: string;
}

let fixtures = 0;
/**
 * A board (moderated by the moderator), a member and a thread with a follow-up, for the routes'
 * parameters: made anew after a route took a request (an admin may have archived, renamed or
 * deleted the board, banned or deleted the member, locked or deleted the thread).
 */
async function freshFixture(): Promise<Fixture> {
  const n = ++fixtures;
  const b = await createTestBoard(app.db, { slug: `sweep-${n}`, name: 'sweep', moderators: [people.moderator.name] });
  const author = await createMember(app.db, { name: `sweep_author_${n}` });
  const thread = await createThread(app.db, { board: b, author, title: 'sweep thread' });
  const reply = await createReply(app.db, thread.id, { author, title: 'sweep reply' });
  return { slug: b.slug, name: author.name, threadId: thread.id, replyId: reply.id };
}

function validParam(name: string, f: Fixture): string {
  switch (name) {
    case 'slug':
      return f.slug;
    case 'name':
      return f.name;
    case 'id':
      return f.threadId;
    case 'postId':
      return f.replyId;
    case 'revision':
      return '1';
    case 'change':
      return 'feature';
    case 'action':
      return 'purge';
    case 'file':
      return 'abc.png';
    case 'size':
      return '48';
    default:
      return '1';
  }
}

/**
 * Every request the sweep sends to route number `r`. What each route reads for itself (its
 * parameters, its query, its body's fields, its session) is sent to every route; what the shared
 * middleware refuses the same way everywhere (encodings, body parsing, headers) goes to a few
 * routes each, a different few per route, so that the whole stays quick.
 */
function casesFor(route: RouteEntry, r: number, f: Fixture): Sent[] {
  const params = paramNames(route.path);
  const isApi = route.path.startsWith('/api/');
  const base = fillPath(route.path, (n) => validParam(n, f));
  const out: Sent[] = [];
  for (const name of params) {
    for (const v of [...PATH_VALUES.slice(0, ROUTE_PATH_VALUES), ...pick(PATH_VALUES.slice(ROUTE_PATH_VALUES), r, 2)]) {
      out.push({
        method: route.method,
        path: fillPath(route.path, (n) => (n === name ? v : validParam(n, f))),
        what: `:${name}=${v.slice(0, 20)}`,
      });
    }
  }
  if (route.method === 'GET') {
    for (const q of [...QUERIES.slice(0, ROUTE_QUERIES), ...pick(QUERIES.slice(ROUTE_QUERIES), r, 2)])
      out.push({ method: route.method, path: `${base}?${q}`, what: `?${q.slice(0, 40)}` });
    out.push(
      ...pick<Sent>(
        [
          { method: 'GET', path: base, body: { raw: 'x'.repeat(1000), contentType: 'text/plain' }, what: 'GET with a body' },
          { method: 'HEAD', path: `${base}?page=%FF`, what: 'HEAD, bad query' },
        ],
        r,
        1,
      ),
    );
  } else {
    const all = bodies(isApi, r);
    const own = all.filter((b) => b.what.startsWith('every field') || b.what.startsWith('form, every field'));
    for (const b of [
      ...own,
      ...pick(
        all.filter((b) => !own.includes(b)),
        r,
        2,
      ),
    ])
      out.push({ method: route.method, path: base, ...b });
    out.push({ method: route.method, path: `${base}?${pick(QUERIES, r, 1)[0]}`, body: { json: {} }, what: 'bad query' });
    if (r % 8 === 0)
      out.push({
        method: route.method,
        path: base,
        body: { raw: JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }), contentType: 'application/json' },
        what: '2 MB body',
      });
  }
  for (const [what, headers] of pick(HEADERS, r, 1)) out.push({ method: route.method, path: base, headers, what });
  out.push({ method: route.method, path: base, headers: { cookie: `${SESSION_COOKIE}=${expiredCookie}` }, what: 'expired session' });
  // The same path under a variant prefix (pages only: the API has none).
  if (!isApi && r % 3 === 0) out.push({ method: route.method, path: `/zh-tw${base}?page=%C0%AF`, what: 'zh-tw prefix, bad query' });
  return out;
}

/** Logs the roles' clients back in when a route (logout, sign out everywhere) ended their session. */
async function keepSignedIn(): Promise<void> {
  await Promise.all(
    (['member', 'moderator', 'admin'] as const).map(async (role) => {
      const me = await clients[role].get('/api/me');
      if (me.status !== 200) await logInClient(clients[role], people[role]);
    }),
  );
}

describe('every route, every role, hostile input', () => {
  it('answers no 5xx, in the reader script, as JSON on the API and pages elsewhere, and a refusal changes nothing', async () => {
    expect(routes.length).toBeGreaterThan(200);
    const failures = new Map<string, string>();
    let sentCount = 0;
    let fixture = await freshFixture();
    for (const [r, route] of routes.entries()) {
      const cases = casesFor(route, r, fixture);
      const before = await counts();
      const answers: number[] = [];
      // Each case goes to one role in turn (every role gets every kind of case across routes),
      // and every role gets the case of every field wrong at once.
      const jobs: Array<[Role, Sent, 'zh-CN' | 'zh-TW']> = cases.map((c, i) => [
        ROLES[(i + r) % ROLES.length]!,
        c,
        (i + r) % 2 ? 'zh-TW' : 'zh-CN',
      ]);
      for (const role of ROLES)
        if (route.method !== 'GET')
          jobs.push([
            role,
            { method: route.method, path: cases.at(-1)!.path, body: { json: everyField(12) }, what: 'every field 12' },
            'zh-TW',
          ]);
      for (let i = 0; i < jobs.length; i += 6) {
        await Promise.all(
          jobs.slice(i, i + 6).map(async ([role, sent, lang]) => {
            let res: Reply;
            try {
              res = await send(clients[role], sent, lang);
            } catch (err) {
              failures.set(`${route.method} ${route.path} [${sent.what}] as ${role}`, `no answer: ${(err as Error).message}`);
              return;
            }
            sentCount++;
            answers.push(res.status);
            const wrong = problem(sent, res, lang);
            if (wrong) failures.set(`${route.method} ${route.path} [${sent.what}] as ${role}`, wrong);
          }),
        );
      }
      if (answers.every((s) => s >= 400)) {
        // Every table as it was, sessions included (a session ends by its row going): the roles'
        // clients are still signed in.
        const after = await counts();
        const changed = Object.keys(before).filter((t) => before[t] !== after[t]);
        if (changed.length)
          failures.set(
            `${route.method} ${route.path}: refused, yet changed`,
            changed.map((t) => `${t} ${before[t]}→${after[t]}`).join(', '),
          );
      } else {
        if (route.method !== 'GET') fixture = await freshFixture();
        await keepSignedIn();
      }
    }
    // Every route was sent its cases (a route that answered none would leave this short).
    expect(sentCount).toBeGreaterThan(routes.length * 10);
    expect(Object.fromEntries(failures)).toEqual({});
  });
});
