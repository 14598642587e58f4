import { io } from 'socket.io-client';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { until } from '../helpers/wait';
import {
  type TestMember,
  PASSWORD,
  createMember,
  createModerator,
  createTestBoard,
  logInClient,
  postReply,
  postThread,
} from '../factories';

// A member's own time zone on the pages that are theirs alone (issue 14's follow-up): 悄悄話, the
// notifications (page and API), /settings with its sessions and sign-ins, the ignored list, a held
// post's page and an address ban's refusal. A member in Asia/Taipei and one in America/New_York
// read the same instant differently there; a reader without a zone, or signed out, reads the
// site's (TZ_DISPLAY). Shared pages, kept for every reader (a thread), stay in the site's zone.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { TZ_DISPLAY: 'Europe/Berlin', TRUST_PROXY: 'loopback' } });
});
afterAll(() => app.close());

const INSTANT = new Date('2030-01-15T12:00:00Z');
const TAIPEI = '2030-01-15 20:00:00';
const NEW_YORK = '2030-01-15 07:00:00';
const SITE = '2030-01-15 13:00:00'; // Berlin

/** A date as the pages write it (as written: YYYY-MM-DD HH:MM:SS) in `timeZone`. */
const written = (date: Date, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' }).format(date);

interface Person {
  member: TestMember;
  client: HttpClient;
}

async function person(timeZone: string | null): Promise<Person> {
  const member = await createMember(app.db);
  const client = app.client();
  await logInClient(client, member);
  if (timeZone) expect((await client.request('PATCH', '/api/me/settings', { json: { timeZone } })).status).toBe(200);
  return { member, client };
}

/** Reads the page; answers which of the three renderings of INSTANT it holds. */
async function timesOn(client: HttpClient, path: string) {
  const page = await client.get(path);
  expect({ path, status: page.status }).toEqual({ path, status: 200 });
  return { path, taipei: page.text.includes(TAIPEI), newYork: page.text.includes(NEW_YORK), site: page.text.includes(SITE) };
}

describe("times on a member's own pages", () => {
  it('are in each member’s own zone, the same instant read differently; without a zone, the site’s', async () => {
    const board = await createTestBoard(app.db);
    const held = await createTestBoard(app.db);
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', held.id).execute();
    const taipei = await person('Asia/Taipei');
    const newYork = await person('America/New_York');
    const plain = await person(null);
    const people = [taipei, newYork, plain];

    // Each writes to the next, replies to the next one's thread, ignores them, and has a post held.
    const threads = [];
    for (const p of people) threads.push(await postThread(p.client, board, '主題'));
    const heldIds: string[] = [];
    for (const [i, p] of people.entries()) {
      const next = people[(i + 1) % people.length]!;
      expect((await p.client.post('/api/messages', { to: next.member.name, title: '你好', body: '內容', format: 'text' })).status).toBe(
        201,
      );
      await postReply(p.client, threads[(i + 1) % people.length]!.id, '回覆');
      expect((await p.client.post(`/api/members/${next.member.name}/ignore`)).status).toBe(200);
      const waiting = await p.client.post(`/api/boards/${held.slug}/threads`, { title: '待審', body: '內容' });
      expect(waiting.status).toBe(202);
      heldIds.push(waiting.json.heldPost.id as string);
    }
    const ids = people.map((p) => p.member.id);
    for (const table of ['messages', 'notifications', 'held_posts'] as const)
      await app.db.updateTable(table).set({ created_at: INSTANT }).execute();
    await app.db.updateTable('ignores').set({ created_at: INSTANT }).where('member_id', 'in', ids).execute();
    await app.db.updateTable('sign_ins').set({ at: INSTANT }).where('user_id', 'in', ids).execute();
    await app.db.updateTable('sessions').set({ created_at: INSTANT, last_seen_at: INSTANT }).where('user_id', 'in', ids).execute();
    const message = (await taipei.client.get('/api/messages')).json.messages[0].id as string;
    const messageNy = (await newYork.client.get('/api/messages')).json.messages[0].id as string;

    const pages = (i: number, messageId?: string) => [
      '/messages',
      '/messages?box=sent',
      `/messages/with/${encodeURIComponent(people[(i + 1) % 3]!.member.name)}`,
      ...(messageId ? [`/messages/${messageId}`] : []),
      '/notifications',
      '/settings',
      '/settings/ignored',
      `/held/${heldIds[i]}`,
    ];
    const seen = [];
    for (const path of pages(0, message)) seen.push(await timesOn(taipei.client, path));
    expect(seen).toEqual(pages(0, message).map((path) => ({ path, taipei: true, newYork: false, site: false })));
    const seenNy = [];
    for (const path of pages(1, messageNy)) seenNy.push(await timesOn(newYork.client, path));
    expect(seenNy).toEqual(pages(1, messageNy).map((path) => ({ path, taipei: false, newYork: true, site: false })));
    const seenPlain = [];
    for (const path of pages(2)) seenPlain.push(await timesOn(plain.client, path));
    expect(seenPlain).toEqual(pages(2).map((path) => ({ path, taipei: false, newYork: false, site: true })));

    // A shared page (a thread, kept for every reader) stays in the site's zone, whoever reads it.
    await app.db.updateTable('posts').set({ created_at: INSTANT }).where('id', '=', threads[0]!.id).execute();
    for (const client of [taipei.client, newYork.client, app.client()]) {
      const page = (await client.get(`/t/${threads[0]!.id}`)).text;
      expect([page.includes('13:00:00'), page.includes('20:00:00'), page.includes('07:00:00')]).toEqual([true, false, false]);
    }
  });

  it('write a ban’s end in a notification in the member’s zone, on the page and in the JSON', async () => {
    const board = await createTestBoard(app.db);
    const moderator = app.client();
    await logInClient(moderator, await createModerator(app.db, board));
    for (const zone of ['Asia/Taipei', 'America/New_York', null]) {
      const p = await person(zone);
      const ban = await moderator.post(`/api/boards/${board.slug}/bans`, { username: p.member.name, days: 3, reason: '灌水' });
      expect(ban.status).toBe(201);
      const end = written(new Date(ban.json.ban.expiresAt as string), zone ?? 'Europe/Berlin');
      const notice = (await p.client.get('/api/notifications')).json.notifications[0];
      expect([zone, notice.kind, notice.text.includes(end)]).toEqual([zone, 'banned', true]);
      expect((await p.client.get('/notifications')).text).toContain(end);
    }
  });

  it('write a ban’s end in the live notification:new in the member’s zone', async () => {
    const board = await createTestBoard(app.db);
    const moderator = app.client();
    await logInClient(moderator, await createModerator(app.db, board));
    const p = await person('Asia/Taipei');
    const cookie = [...p.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const socket = io(app.baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    try {
      const heard: { kind: string; text: string }[] = [];
      socket.on('notification:new', (e: { kind: string; text: string }) => heard.push(e));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      // Connected means in the member's room: the server checks the session before it accepts a socket.
      const ban = await moderator.post(`/api/boards/${board.slug}/bans`, { username: p.member.name, days: 3, reason: '灌水' });
      expect(ban.status).toBe(201);
      await until(() => heard.length > 0, 'the ban notice');
      const end = written(new Date(ban.json.ban.expiresAt as string), 'Asia/Taipei');
      expect(heard.map((e) => [e.kind, e.text.includes(end)])).toEqual([['banned', true]]);
    } finally {
      socket.disconnect();
    }
  });

  it('name the zone of an address ban’s end: the member’s own, or the site’s for a reader signed out', async () => {
    const admin = app.client();
    await logInClient(admin, await createMember(app.db, { role: 'admin' }));
    const banned = await admin.post('/api/admin/address-bans', { range: '203.0.113.0/24', until: INSTANT.toISOString(), reason: '廣告' });
    expect(banned.status).toBe(201);
    const from = { 'x-forwarded-for': '203.0.113.9' };
    const thread = await postThread((await person(null)).client, await createTestBoard(app.db), '主題');
    for (const [zone, end] of [
      ['Asia/Taipei', `${TAIPEI} (Asia/Taipei)`],
      ['America/New_York', `${NEW_YORK} (America/New_York)`],
      [null, `${SITE} (Europe/Berlin)`],
    ] as const) {
      const p = await person(zone);
      const refused = await p.client.post(`/api/posts/${thread.id}/replies`, { title: '跟' }, from);
      expect([refused.status, refused.json.error.code, refused.json.error.localized]).toEqual([
        403,
        'AddressBanned',
        `此網絡位址已被禁止發帖，至 ${end} 為止。`,
      ]);
    }
    const registering = await app.client().post('/api/register', { username: `tz_${Date.now() % 100000}`, password: PASSWORD }, from);
    expect(registering.json.error.localized).toBe(`此網絡位址已被禁止註冊，至 ${SITE} (Europe/Berlin) 為止。`);
  });
});
