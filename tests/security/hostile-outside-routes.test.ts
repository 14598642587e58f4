import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { io } from 'socket.io-client';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { connect } from '../../server/db/connect';
import { createLogger } from '../../server/log';
import { CLIENT_EVENT_SCHEMAS } from '../../server/realtime/realtime.events';
import { SESSION_COOKIE } from '../../server/sessions/sessions.cookies';
import { HttpClient, type Reply, type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, createThread, logInClient, type TestMember } from '../factories';
import { HAN, HTML, SQL, type Sent, inScript, problem, send } from './hostile.answers';

// What no route of hostile-inputs.test.ts sees: requests the HTTP parser refuses before any
// route, every socket event of the contract fed what no client should send, and the database
// going away under the app (pages and API say 503 in the reader's script, and every follow-up
// acknowledged meanwhile is stored).
jest.setTimeout(600_000);

let app: TestApp;
let board: { slug: string };
let member: TestMember;
let signedIn: HttpClient;
let anonymous: HttpClient;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db, { slug: 'hostile-board', name: 'hostile' });
  member = await createMember(app.db, { name: 'sweep_member' });
  signedIn = app.client();
  await logInClient(signedIn, member);
  anonymous = app.client();
});
afterAll(() => app?.close());

describe('what the HTTP parser refuses before any route', () => {
  it('answers a request line or headers past 16 KB with 431, and garbage with 400, in the reader script', async () => {
    const long = `q=${'x'.repeat(20_000)}`;
    const cases: Array<[Sent, 'zh-CN' | 'zh-TW', number]> = [
      [{ method: 'GET', path: `/search?${long}`, what: 'long query' }, 'zh-CN', 431],
      [{ method: 'GET', path: `/api/search?${long}`, what: 'long API query' }, 'zh-TW', 431],
      [{ method: 'GET', path: `/zh-hans/b/${'x'.repeat(20_000)}`, what: 'long path' }, 'zh-TW', 431],
      [{ method: 'GET', path: '/', headers: { cookie: `a=${'x'.repeat(20_000)}` }, what: 'long cookie' }, 'zh-TW', 431],
    ];
    for (const [sent, lang, status] of cases) {
      const res = await send(anonymous, sent, lang);
      expect([sent.what, res.status]).toEqual([sent.what, status]);
      expect([sent.what, problem(sent, res, lang)]).toEqual([sent.what, undefined]);
    }
    // Not HTTP at all.
    const garbage = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(app.baseUrl).port), '127.0.0.1', () =>
        socket.end('GET / HTTP/1.1\r\nAccept-Language: zh-CN\r\nBad Header\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage).toContain('无法处理这个请求');
  });
});

// ---- socket.io ------------------------------------------------------------------------------------

/** Values put in each field of each event's payload, and as the payload itself. */
const SOCKET_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 63,
  '',
  '9223372036854775808',
  '１２',
  SQL,
  HTML,
  'a\u0000b',
  'a\ud800b',
  true,
  [],
  ['1'],
  {},
  { toString: 1, valueOf: 1 },
  { __proto__: { toString: 1 } },
  'x'.repeat(5000),
];

const STACK = /\n\s+at |\.ts:\d+|node_modules/;

describe('every socket event, hostile payloads', () => {
  it('answers each with an ack in the socket script (or nothing, without an ack), never a stack trace, and stays up', async () => {
    const thread = await createThread(app.db, { board, author: member, title: 'socket thread' });
    const events = Object.keys(CLIENT_EVENT_SCHEMAS) as Array<keyof typeof CLIENT_EVENT_SCHEMAS>;
    expect(events.length).toBeGreaterThanOrEqual(4);
    const failures: string[] = [];
    for (const [n, lang] of (['zh-hans', 'zh-tw'] as const).entries()) {
      const socket = io(app.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { variant: lang } });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        for (const event of events) {
          const fields = Object.keys((CLIENT_EVENT_SCHEMAS[event] as unknown as { shape: Record<string, unknown> }).shape);
          const valid: Record<string, unknown> = {
            threadId: thread.id,
            slug: board.slug,
            board: board.slug,
            period: 'today',
            variant: lang,
          };
          const payloads: unknown[] = [...SOCKET_VALUES];
          // Each field wrong in turn (the others as they should be), half the values per script.
          for (const field of fields) {
            for (const v of SOCKET_VALUES.filter((_, i) => i % 2 === n))
              payloads.push({ ...Object.fromEntries(fields.map((f) => [f, valid[f]])), [field]: v });
          }
          // Unknown rooms: a thread or board that is not there.
          payloads.push({ threadId: '987654321', slug: 'nowhere-board', board: 'nowhere-board', period: 'today' });
          for (const payload of payloads) {
            let ack: unknown;
            try {
              ack = await socket.timeout(10_000).emitWithAck(event, payload);
            } catch (err) {
              failures.push(`${event} ${JSON.stringify(payload)?.slice(0, 60)}: ${(err as Error).message}`);
              continue;
            }
            const error = (ack as { error?: { code: unknown; message: unknown; localized: unknown } }).error;
            if (!error) continue;
            const lang2 = lang === 'zh-hans' ? 'zh-CN' : 'zh-TW';
            if (typeof error.code !== 'string' || typeof error.message !== 'string' || typeof error.localized !== 'string')
              failures.push(`${event}: ack without code/message/localized: ${JSON.stringify(ack)}`);
            else if (STACK.test(error.message) || STACK.test(error.localized))
              failures.push(`${event}: a stack trace in ${JSON.stringify(ack)}`);
            else if (error.code === 'Internal') failures.push(`${event} ${JSON.stringify(payload)?.slice(0, 60)}: Internal`);
            else if (!inScript(error.localized, lang2)) failures.push(`${event}: ${error.code} not in ${lang}: ${error.localized}`);
          }
          // Without an ack, with extra arguments, or with nothing at all: no answer owed, no crash.
          socket.emit(event, { threadId: { toString: 1 } });
          socket.emit(event);
          socket.emit(event, 1, 2, 3);
        }
      } finally {
        socket.disconnect();
      }
    }
    // A payload past the transport's limit ends that socket, not the process.
    const big = io(app.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve) => big.once('connect', () => resolve()));
    const gone = new Promise<void>((resolve) => big.once('disconnect', () => resolve()));
    big.emit('thread:join', { threadId: thread.id, pad: 'x'.repeat(2 * 1024 * 1024) });
    await gone;
    big.disconnect();
    expect(failures).toEqual([]);
    // Still serving, over HTTP and over a new socket.
    expect((await app.client().get('/healthz')).status).toBe(200);
    const after = io(app.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      expect(await after.timeout(10_000).emitWithAck('thread:join', { threadId: thread.id })).toMatchObject({ seq: expect.any(Number) });
    } finally {
      after.disconnect();
    }
  });
});

// ---- A database that goes away ------------------------------------------------------------------------

describe('a database that is not there', () => {
  it('answers pages and the API with 503 in the reader script', async () => {
    // A second app over a database server that is not running (nothing listens on the port).
    const url = 'postgres://postgres@127.0.0.1:1/gentie_gone';
    const db = connect(url, { max: 2 });
    const handler = createApp({ config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), db, log: createLogger('silent') });
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const down = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const cases: Array<[string, string, unknown]> = [
        ['GET', '/', undefined],
        ['GET', `/b/${board.slug}`, undefined],
        ['GET', '/t/1', undefined],
        ['GET', '/api/boards', undefined],
        ['GET', '/api/posts/1', undefined],
        ['POST', '/api/login', { username: 'sweep_member', password: 'whatever it is' }],
        ['POST', '/api/posts/1/replies', { title: '跟帖' }],
      ];
      // A session cookie makes every request look its session up.
      down.cookies.set(SESSION_COOKIE, 'A'.repeat(43));
      for (const [i, [method, p, json]] of cases.entries()) {
        const lang = i % 2 ? 'zh-TW' : 'zh-CN';
        const res = await down.request(method, p, json === undefined ? {} : { json }, { 'accept-language': lang });
        const sent: Sent = { method, path: p, what: 'database down' };
        expect([p, res.status, res.text.slice(0, 300)]).toEqual([p, 503, expect.anything()]);
        expect([p, problem(sent, res, lang)]).toEqual([p, undefined]);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.destroy();
    }
  });

  it("keeps every follow-up it acknowledged while the app's connections are cut, and refuses the rest with 503", async () => {
    const thread = await createThread(app.db, { board, author: member, title: 'restart thread' });
    const killer = new pg.Client({ connectionString: app.url });
    killer.on('error', () => undefined);
    await killer.connect();
    const acked: string[] = [];
    const refused: Reply[] = [];
    try {
      const cut = async () => {
        await killer.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name = 'gentie'",
        );
      };
      for (let round = 0; round < 4; round++) {
        const replies = Array.from({ length: 6 }, (_, i) =>
          signedIn
            .request(
              'POST',
              `/api/posts/${thread.id}/replies`,
              { json: { title: `斷線中的跟帖 ${round}-${i}` } },
              { 'accept-language': round % 2 ? 'zh-TW' : 'zh-CN' },
            )
            .then((res) => {
              if (res.status === 201) acked.push(res.json.post.id);
              else refused.push(res);
            }),
        );
        await Promise.all([...replies, cut()]);
      }
      // Pages answered meanwhile are pages or a 503 in the reader's script.
      const page = await signedIn.request('GET', `/t/${thread.id}`, {}, { 'accept-language': 'zh-TW' });
      expect([200, 503]).toContain(page.status);
    } finally {
      await killer.end();
    }
    for (const res of refused) {
      expect([res.status, res.json?.error?.code]).toEqual([503, 'DatabaseUnavailable']);
      expect(HAN.test(res.json.error.localized)).toBe(true);
    }
    const stored = await app.db
      .selectFrom('posts')
      .select('id')
      .where('id', 'in', acked.length ? acked : ['0'])
      .execute();
    expect(stored.map((r) => String(r.id)).sort()).toEqual([...acked].sort());
    // And the app is whole again.
    expect((await signedIn.get('/api/me')).status).toBe(200);
  });
});
