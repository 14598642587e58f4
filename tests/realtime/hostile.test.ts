import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { io } from 'socket.io-client';
import type { Database } from '../../server/db/database';
import { CATCH_UP_BYTES, CATCH_UP_PAGE, loadEvents } from '../../server/realtime/realtime.render';
import type { HttpClient, TestApp } from '../helpers/app';
import { readersOf } from '../helpers/live';
import { until } from '../helpers/wait';
import { postThread, startBoardApp } from '../factories';

// What a hostile client can send over socket.io, and what a reader far behind costs: the server
// stays up, answers every payload with an error ack, refuses sockets opened by other sites, and
// catches readers up a bounded page at a time.

let app: TestApp;
let writer: HttpClient;
let board: { slug: string };
const reader = readersOf(() => app.baseUrl);

beforeAll(async () => {
  ({ app, board, writer } = await startBoardApp());
});
afterAll(() => app.close());

const thread = async (title = '主題') => (await postThread(writer, board, title)).id;

/** Every kind of wrong value a client can put where an id, a variant, a seq or a slug belongs. */
const HOSTILE: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' 1',
  '01',
  '1; drop table posts',
  "1' or '1'='1",
  'x'.repeat(5000),
  true,
  [],
  ['1'],
  [{ toString: 1 }],
  {},
  { toString: 1 },
  { valueOf: 1 },
  { toString: 1, valueOf: 1 },
  { toJSON: 1 },
  { __proto__: { toString: 1 } },
  { constructor: { prototype: 1 } },
  { length: 1, 0: '1' },
];

describe('socket payloads', () => {
  it('answers every malformed thread:join, thread:leave and board:join with an error ack, and stays up', async () => {
    const root = await thread();
    const r = reader();
    await r.connected();
    const payloads: Array<[string, unknown]> = [];
    for (const bad of HOSTILE) {
      payloads.push(['thread:join', bad]);
      payloads.push(['thread:join', { threadId: bad }]);
      payloads.push(['thread:join', { threadId: root, variant: bad }]);
      if (bad !== 0) payloads.push(['thread:join', { threadId: root, since: bad }]);
      payloads.push(['thread:leave', bad]);
      payloads.push(['thread:leave', { threadId: bad }]);
      payloads.push(['board:join', bad]);
      payloads.push(['board:join', { slug: bad }]);
      payloads.push(['board:join', { slug: board.slug, variant: bad }]);
    }
    for (const [event, payload] of payloads) {
      // undefined fields vanish in JSON; where that leaves a valid payload, skip it.
      if (payload === undefined || (typeof payload === 'object' && payload !== null && Object.values(payload).includes(undefined)))
        continue;
      const ack = await r.socket.timeout(5000).emitWithAck(event, payload);
      expect([event, payload, ack]).toEqual([
        event,
        payload,
        {
          error: {
            code: expect.stringMatching(/^(ValidationFailed|PostNotFound|BoardNotFound)$/),
            message: expect.any(String),
            localized: expect.any(String),
          },
        },
      ]);
    }
    // Without an ack, with extra arguments, or with no payload at all: no answer expected, no crash.
    r.socket.emit('thread:join', { threadId: { toString: 1 } });
    r.socket.emit('thread:leave', { threadId: { toString: 1 } });
    r.socket.emit('thread:leave');
    r.socket.emit('board:join', { slug: { toString: 1 } });
    expect(await r.socket.timeout(5000).emitWithAck('thread:join', { threadId: { toString: 1 } }, 'extra')).toMatchObject({
      error: { code: 'ValidationFailed' },
    });
    // Still serving, over HTTP and over the same socket.
    expect((await app.client().get('/healthz')).status).toBe(200);
    expect(await r.socket.timeout(5000).emitWithAck('thread:join', { threadId: root })).toMatchObject({ seq: 1 });
    expect(await r.socket.timeout(5000).emitWithAck('thread:leave', { threadId: root })).toEqual({ ok: true });
  });

  it('refuses a NUL or other control character in any text of a payload (PostgreSQL would refuse it with an error)', async () => {
    const r = reader();
    await r.connected();
    for (const [event, payload] of [
      ['board:join', { slug: 'a\u0000b' }],
      ['hot:join', { board: 'a\u0000b', period: 'today' }],
      ['board:join', { slug: board.slug, variant: 'zh-hans', ['x\u0001']: 1 }],
    ] as const) {
      expect(await r.socket.timeout(5000).emitWithAck(event, payload)).toMatchObject({
        error: { code: 'ValidationFailed', localized: expect.stringMatching(/\p{Script=Han}/u) },
      });
    }
  });

  it('answers events outside the contract with an error ack', async () => {
    const r = reader();
    await r.connected();
    expect(await r.socket.timeout(5000).emitWithAck('post:new', { threadId: '1' })).toMatchObject({ error: { code: 'UnknownEvent' } });
    expect(await r.socket.timeout(5000).emitWithAck('constructor', {})).toMatchObject({ error: { code: 'UnknownEvent' } });
    expect(await r.socket.timeout(5000).emitWithAck('__proto__', {})).toMatchObject({ error: { code: 'UnknownEvent' } });
    expect(await r.socket.timeout(5000).emitWithAck('hasOwnProperty', {})).toMatchObject({ error: { code: 'UnknownEvent' } });
    // socket.io's parser lets a number name an event too.
    const numbered = r.socket as unknown as { timeout(ms: number): { emitWithAck(event: unknown, ...args: unknown[]): Promise<unknown> } };
    expect(await numbered.timeout(5000).emitWithAck(42, {})).toMatchObject({ error: { code: 'UnknownEvent' } });
    expect(await numbered.timeout(5000).emitWithAck(0)).toMatchObject({ error: { code: 'UnknownEvent' } });
    (r.socket as unknown as { emit(event: unknown): void }).emit(7);
    expect((await app.client().get('/healthz')).status).toBe(200);
  });

  it("words each refusal in the socket's script: the page's variant, the event's, else Accept-Language", async () => {
    const open = (options: Parameters<typeof io>[1]) => {
      const socket = io(app.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
      opened.push(socket);
      return socket;
    };
    const opened: ReturnType<typeof io>[] = [];
    try {
      const hans = open({ auth: { variant: 'zh-hans' } });
      expect(await hans.timeout(5000).emitWithAck('thread:join', { threadId: '987654321' })).toEqual({
        error: { code: 'PostNotFound', message: expect.any(String), localized: expect.stringContaining('没有') },
      });
      expect(await hans.timeout(5000).emitWithAck('board:join', { slug: 'nowhere' })).toMatchObject({
        error: { code: 'BoardNotFound', localized: expect.stringContaining('nowhere') },
      });
      expect(await hans.timeout(5000).emitWithAck('thread:join', { threadId: 'x' })).toMatchObject({
        error: { code: 'ValidationFailed', localized: expect.stringMatching(/threadId/) },
      });
      expect(await hans.timeout(5000).emitWithAck('post:new', {})).toMatchObject({
        error: { code: 'UnknownEvent', localized: '服务器不接受“post:new”这个事件。' },
      });
      // The variant an event names wins over the page's.
      const asked = await hans.timeout(5000).emitWithAck('thread:join', { threadId: '987654321', variant: 'zh-hant' });
      expect(asked.error.localized).toContain('沒有');
      // No variant in the handshake: Accept-Language says which script.
      const tw = open({ extraHeaders: { 'Accept-Language': 'zh-TW,zh;q=0.9' } });
      const refused = await tw.timeout(5000).emitWithAck('thread:join', { threadId: '987654321' });
      expect(refused.error.localized).toContain('沒有');
      expect(refused.error.message).toMatch(/^There is no thread/);
    } finally {
      for (const socket of opened) socket.disconnect();
    }
  });

  it('gives one socket a few handlers at a time and a steady allowance: a flood is refused, others are served', async () => {
    const flooder = reader();
    await flooder.connected();
    const acks = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        flooder.socket.timeout(10_000).emitWithAck('thread:join', { threadId: String(900_000_000 + i) }),
      ),
    );
    const codes = acks.map((a) => (a as { error: { code: string } }).error.code);
    expect(codes.filter((c) => c === 'RateLimited').length).toBeGreaterThan(250);
    expect(new Set(codes)).toEqual(new Set(['PostNotFound', 'RateLimited']));
    // Everyone else is served meanwhile; the flooder too, once it slows down.
    expect((await app.client().get('/healthz')).status).toBe(200);
    const other = reader();
    expect(await other.join(await thread())).toMatchObject({ seq: 1 });
    // Asking at a slow pace, it is served again (its allowance refills with time).
    const code = async () =>
      ((await flooder.socket.timeout(5000).emitWithAck('thread:join', { threadId: '900000000' })) as { error: { code: string } }).error
        .code;
    await until(async () => (await code()) === 'PostNotFound', 'the flooder served again', 15_000, 250);
  });

  it('drops a socket that keeps sending what is refused', async () => {
    const r = reader();
    await r.connected();
    const gone = new Promise<string>((resolve) => r.socket.once('disconnect', (reason) => resolve(reason)));
    for (let i = 0; i < 1100; i++) r.socket.emit('thread:join', { threadId: 'not an id' });
    expect(await gone).toBe('io server disconnect');
  });

  it('drops a client whose packet is larger than the limit, and keeps serving others', async () => {
    const big = reader();
    await big.connected();
    const gone = new Promise<string>((resolve) => big.socket.once('disconnect', (reason) => resolve(reason)));
    big.socket.emit('thread:join', { threadId: '1'.repeat(200_000) });
    expect(await gone).toBeTruthy();
    const other = reader();
    expect(await other.join(await thread())).toMatchObject({ seq: 1, readers: 1 });
  });
});

describe('socket handshakes', () => {
  const open = (origin?: string) =>
    new Promise<'connected' | 'refused'>((resolve) => {
      const socket = io(app.baseUrl, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        extraHeaders: origin === undefined ? {} : { origin },
      });
      socket.once('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.once('connect_error', () => resolve('refused'));
    });

  it('refuses a socket opened by a page on another site, and accepts the site’s own and non-browser clients', async () => {
    expect(await open('https://evil.example')).toBe('refused');
    expect(await open('null')).toBe('refused');
    expect(await open(app.baseUrl.replace('http:', 'https:'))).toBe('refused');
    expect(await open(app.baseUrl)).toBe('connected');
    expect(await open()).toBe('connected');
  });

  it('refuses long-polling handshakes from another site too', async () => {
    const res = await fetch(`${app.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    const own = await fetch(`${app.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: app.baseUrl } });
    expect(own.status).toBe(200);
  });
});

describe('catch-up', () => {
  /** A thread whose event log holds `n` events (one post, edited n - 1 times). */
  async function threadWithEvents(n: number): Promise<string> {
    const root = await thread('很長的事件記錄');
    await sql`insert into thread_events (thread_id, seq, kind, post_id) select ${root}, s, 'post:edit', ${root} from generate_series(2, ${n}) s`.execute(
      app.db,
    );
    await sql`update threads set seq = ${n} where thread_id = ${root}`.execute(app.db);
    return root;
  }

  /** loadEvents on a connection that counts its queries. */
  async function countingQueries<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<{ result: T; queries: number }> {
    let queries = 0;
    const counted = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: app.url, max: 1 }) }),
      log: () => void queries++,
    });
    try {
      return { result: await fn(counted), queries };
    } finally {
      await counted.destroy();
    }
  }

  it('reads a page of events in two queries, whatever their number', async () => {
    const root = await threadWithEvents(2001);
    const first = await countingQueries((db) => loadEvents(db, root, 0));
    expect(first.queries).toBe(2);
    expect(first.result.events).toHaveLength(CATCH_UP_PAGE);
    expect(first.result.more).toBe(true);
    const last = await countingQueries((db) => loadEvents(db, root, 2001 - 5));
    expect(last.result.events.map((e) => e.seq)).toEqual([1997, 1998, 1999, 2000, 2001]);
    expect(last.result.more).toBe(false);
  });

  it('bounds a page of long posts by bytes, and reads each post once', async () => {
    const long = `<p>${'很長的帖子，'.repeat(5000)}</p>`;
    const root = (await writer.post(`/api/boards/${board.slug}/threads`, { title: '長帖', body: long })).json.post.id as string;
    await sql`insert into thread_events (thread_id, seq, kind, post_id) select ${root}, s, 'post:edit', ${root} from generate_series(2, 300) s`.execute(
      app.db,
    );
    await sql`update threads set seq = 300 where thread_id = ${root}`.execute(app.db);
    const { result, queries } = await countingQueries((db) => loadEvents(db, root, 0));
    expect(queries).toBe(2);
    const bytes = Buffer.byteLength(long);
    expect(result.events.length).toBe(Math.floor(CATCH_UP_BYTES / bytes));
    expect(result.more).toBe(true);
    // A post longer than a page still moves the reader on, one event at a time.
    const res = await app.client().get(`/api/threads/${root}/events?since=0&variant=zh-hans`);
    expect(res.json.events.length).toBe(result.events.length);
    expect(res.text.length).toBeLessThan(3 * CATCH_UP_BYTES);
  });

  it('pages the HTTP catch-up: every event once, in order, each page bounded', async () => {
    const root = await threadWithEvents(2001);
    const seen: number[] = [];
    for (let since = 0, more = true; more;) {
      const res = await app.client().get(`/api/threads/${root}/events?since=${since}&variant=zh-tw`);
      expect(res.status).toBe(200);
      expect(res.json.seq).toBe(2001);
      expect(res.json.events.length).toBeLessThanOrEqual(CATCH_UP_PAGE);
      seen.push(...res.json.events.map((e: { seq: number }) => e.seq));
      more = res.json.more;
      since = seen.at(-1)!;
    }
    expect(seen).toEqual(Array.from({ length: 2001 }, (_, i) => i + 1));
    expect((await app.client().get(`/api/threads/${root}/events?since=99999999999999999999`)).status).toBe(400);
    expect((await app.client().get(`/api/threads/${root}/events?since=-1`)).status).toBe(400);
    expect((await app.client().get(`/api/threads/${root}/events?since=1&since=2`)).status).toBe(400);
  });

  it('pages the socket catch-up: the ack says more, and joining again from the last seq brings the rest', async () => {
    const root = await threadWithEvents(450);
    const r = reader();
    let ack = await r.join(root, 'zh-hans', 0);
    expect(ack).toMatchObject({ seq: 450, more: true });
    expect(r.events).toHaveLength(CATCH_UP_PAGE);
    while ((ack as { more?: boolean }).more) ack = await r.join(root, 'zh-hans', r.events.at(-1)!.seq);
    expect(r.events.map((e) => e.seq)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
  });
});
