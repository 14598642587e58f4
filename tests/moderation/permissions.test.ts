import { sql } from 'kysely';
import { type HttpClient, type Reply, type TestApp, startTestApp } from '../helpers/app';
import { type TestMember, createCast, createMember, createReply, createTestBoard, createThread, logInClient } from '../factories';

// Every change, tried by every kind of actor: what is allowed succeeds and is logged; what is
// refused answers 401/403 with a message and leaves the database exactly as it was.

type Who = 'anonymous' | 'author' | 'other' | 'banned' | 'modHere' | 'modElsewhere' | 'admin';
const WHO: Who[] = ['anonymous', 'author', 'other', 'banned', 'modHere', 'modElsewhere', 'admin'];

let app: TestApp;
let boardA: { slug: string };
let boardB: { slug: string };
let members: Record<Exclude<Who, 'anonymous'>, TestMember>;
let clients: Record<Who, HttpClient>;
let bannedPost: string;

beforeAll(async () => {
  app = await startTestApp();
  ({ members, clients } = await createCast(app, WHO));
  boardA = await createTestBoard(app.db, { moderators: [members.modHere.name] });
  boardB = await createTestBoard(app.db, { moderators: [members.modElsewhere.name] });
  // The banned member wrote a post before the ban.
  const root = await createThread(app.db, { board: boardA, author: members.author, title: 'before the ban' });
  bannedPost = (await createReply(app.db, root.id, { author: members.banned, title: '被封之前的跟帖' })).id;
  const ban = await clients.modHere.post(`/api/boards/${boardA.slug}/bans`, { username: members.banned.name, days: 3, reason: '灌水' });
  expect(ban.status).toBe(201);
});
afterAll(() => app.close());

/** Everything a refused change must leave alone. */
async function snapshot() {
  const q = (text: string) =>
    sql
      .raw(text)
      .execute(app.db)
      .then((r) => r.rows);
  return {
    posts: await q('select id, title, body, bytes, revision, edited_at, deleted_at from posts order by id'),
    threads: await q('select thread_id, locked, pinned, featured, seq, reply_count from threads order by thread_id'),
    revisions: await q('select post_id, revision from post_revisions order by 1, 2'),
    log: await q('select id from moderation_log order by id'),
    bans: await q('select id, lifted_at from bans order by id'),
    reports: await q('select id, resolved_at from reports order by id'),
  };
}

const logCount = async (action: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from moderation_log where action = ${action}`.execute(app.db)).rows[0]!.n);

/** A fresh thread by the author in board A; the target of most changes. */
async function freshThread(): Promise<string> {
  return (await createThread(app.db, { board: boardA, author: members.author, title: '目標主題', body: '<p>原文</p>' })).id;
}

interface Case {
  /** Creates what the change needs and returns the change itself, as a request by `who`. */
  setup: (who: Who) => Promise<() => Promise<Reply>>;
  /** Who may do it. */
  allowed: Who[];
  /** The moderation-log action an allowed change writes (report writes a report instead). */
  logs?: string;
}

const target = async (who: Who) => (who === 'banned' ? bannedPost : await freshThread());
const threadChange = (change: 'lock' | 'unlock' | 'pin' | 'unpin' | 'feature' | 'unfeature'): Case => ({
  allowed: ['modHere', 'admin'],
  logs: change,
  setup: async (who) => {
    const id = await freshThread();
    if (change.startsWith('un')) await clients.admin.post(`/api/threads/${id}/${change.slice(2)}`);
    return () => clients[who].post(`/api/threads/${id}/${change}`);
  },
});

const cases: Record<string, Case> = {
  edit: {
    allowed: ['author', 'modHere', 'admin'],
    logs: 'edit',
    setup: async (who) => {
      const id = await target(who);
      return () => clients[who].request('PATCH', `/api/posts/${id}`, { json: { body: `改於 ${who}` } });
    },
  },
  delete: {
    allowed: ['author', 'modHere', 'admin'],
    logs: 'delete',
    setup: async (who) => {
      const id = await target(who);
      return () => clients[who].request('DELETE', `/api/posts/${id}`, { json: { reason: '違規' } });
    },
  },
  restore: {
    allowed: ['modHere', 'admin'],
    logs: 'restore',
    setup: async (who) => {
      const id = await freshThread();
      await clients.modHere.request('DELETE', `/api/posts/${id}`, { json: { reason: '先刪' } });
      return () => clients[who].post(`/api/posts/${id}/restore`);
    },
  },
  lock: threadChange('lock'),
  unlock: threadChange('unlock'),
  pin: threadChange('pin'),
  unpin: threadChange('unpin'),
  feature: threadChange('feature'),
  unfeature: threadChange('unfeature'),
  ban: {
    allowed: ['modHere', 'admin'],
    logs: 'ban',
    setup: async (who) => {
      const victim = await createMember(app.db);
      return () => clients[who].post(`/api/boards/${boardA.slug}/bans`, { username: victim.name, days: 1, reason: 'spam' });
    },
  },
  siteBan: {
    allowed: ['admin'],
    logs: 'site-ban',
    setup: async (who) => {
      const victim = await createMember(app.db);
      return () => clients[who].post('/api/bans', { username: victim.name, days: 1, reason: 'spam' });
    },
  },
  report: {
    allowed: ['author', 'other', 'banned', 'modHere', 'modElsewhere', 'admin'],
    setup: async (who) => {
      const id = await freshThread();
      return () => clients[who].post(`/api/posts/${id}/report`, { reason: '廣告' });
    },
  },
  dismiss: {
    allowed: ['modHere', 'admin'],
    logs: 'dismiss-reports',
    setup: async (who) => {
      const id = await freshThread();
      await clients.other.post(`/api/posts/${id}/report`, { reason: '廣告' });
      return () => clients[who].post(`/api/posts/${id}/reports/dismiss`, {});
    },
  },
};

describe.each(Object.entries(cases))('%s', (_name, c) => {
  it.each(WHO)('by %s', async (who) => {
    const change = await c.setup(who);
    const before = await snapshot();
    const logsBefore = c.logs ? await logCount(c.logs) : 0;
    const res = await change();
    if (c.allowed.includes(who)) {
      expect([200, 201]).toContain(res.status);
      if (c.logs) expect(await logCount(c.logs)).toBe(logsBefore + 1);
      else expect((await snapshot()).reports.length).toBe(before.reports.length + 1);
    } else {
      expect(res.status).toBe(who === 'anonymous' ? 401 : 403);
      expect(res.json.error.code).toMatch(who === 'anonymous' ? /^NotLoggedIn$/ : /^(NotAllowed|Banned)$/);
      expect(res.json.error.message.length).toBeGreaterThan(10);
      expect(await snapshot()).toEqual(before);
    }
  });
});

describe('reading moderation pages', () => {
  it.each(WHO)('the report queue and the log by %s', async (who) => {
    const allowed = who === 'modHere' || who === 'admin';
    for (const path of [
      `/api/boards/${boardA.slug}/reports`,
      `/api/boards/${boardA.slug}/log`,
      `/b/${boardA.slug}/reports`,
      `/b/${boardA.slug}/log`,
    ]) {
      const res = await clients[who].get(path);
      expect(res.status).toBe(allowed ? 200 : who === 'anonymous' ? 401 : 403);
    }
  });
});

describe('the whole site’s log', () => {
  it.each(WHO)('is for admins only: %s', async (who) => {
    const res = await clients[who].get('/api/moderation/log');
    expect(res.status).toBe(who === 'admin' ? 200 : who === 'anonymous' ? 401 : 403);
    if (who === 'admin') {
      expect(res.json.entries.length).toBeGreaterThan(0);
      expect(new Set(res.json.entries.map((e: { board: string | null }) => e.board)).size).toBeGreaterThanOrEqual(1);
      expect((await clients.admin.get('/log')).text).toContain(boardA.slug);
    }
  });
});

describe('bans', () => {
  it('tell the banned member why and until when, on posting and editing, on that board only', async () => {
    const root = await freshThread();
    const res = await clients.banned.post(`/api/posts/${root}/replies`, { title: '還想發' });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('Banned');
    // Until when in the stable English message; why in the reader's words (`localized`).
    expect(res.json.error.message).toMatch(/^You are banned from this board until \d{4}-\d\d-\d\dT[^:]*:\d\d:\d\d\.\d{3}Z\.$/);
    expect(res.json.error.localized).toContain('理由：灌水');
    const elsewhere = await clients.banned.post(`/api/boards/${boardB.slug}/threads`, { title: '別的版' });
    expect(elsewhere.status).toBe(201);
  });

  it('site bans hold on every board, and lifting one lets the member post again', async () => {
    const victim = await createMember(app.db);
    const client = app.client();
    await logInClient(client, victim);
    const ban = await clients.admin.post('/api/bans', { username: victim.name, days: 2, reason: '全站灌水' });
    for (const slug of [boardA.slug, boardB.slug]) {
      const res = await client.post(`/api/boards/${slug}/threads`, { title: 'x' });
      expect(res.status).toBe(403);
      expect(res.json.error.message).toMatch(/^You are banned from the whole site until /);
      expect(res.json.error.localized).toContain('理由：全站灌水');
    }
    expect((await clients.modHere.request('DELETE', `/api/bans/${ban.json.ban.id}`)).status).toBe(403);
    expect((await clients.admin.request('DELETE', `/api/bans/${ban.json.ban.id}`)).status).toBe(200);
    expect((await client.post(`/api/boards/${boardA.slug}/threads`, { title: 'x' })).status).toBe(201);
  });

  it('moderators cannot ban moderators or admins, and nobody bans themselves', async () => {
    expect(
      (await clients.modHere.post(`/api/boards/${boardA.slug}/bans`, { username: members.admin.name, days: 1, reason: 'x' })).status,
    ).toBe(403);
    expect(
      (await clients.modHere.post(`/api/boards/${boardA.slug}/bans`, { username: members.modHere.name, days: 1, reason: 'x' })).status,
    ).toBe(403);
    expect((await clients.admin.post('/api/bans', { username: members.admin.name, days: 1, reason: 'x' })).status).toBe(403);
  });

  it('refuse a ban without a reason or with a bad length', async () => {
    const victim = await createMember(app.db);
    for (const body of [
      { username: victim.name, days: 1, reason: '' },
      { username: victim.name, days: 0, reason: 'x' },
      { username: victim.name, days: 'ever', reason: 'x' },
    ]) {
      const res = await clients.modHere.post(`/api/boards/${boardA.slug}/bans`, body);
      expect(res.status).toBe(400);
    }
  });
});
