import { type HttpClient, type Reply, type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, logInClient } from '../factories';

/**
 * The app, the people and posts, and the write endpoints with their hostile values that
 * tests/http/hostile.test.ts and hostile-queries.test.ts send (each file calls useHostileApp for
 * an app of its own).
 */

export let app: TestApp;
export let admin: HttpClient;
export let anonymous: HttpClient;
export let board: { slug: string };
export let threadId: string;
export let replyId: string;
export let banId: string;

/** Registers the app's start (an admin, a banned-then-unbanned victim, a thread and a reported follow-up) and its close. */
export function useHostileApp(): void {
  beforeAll(async () => {
    app = await startTestApp();
    admin = app.client();
    anonymous = app.client();
    const boss = await createMember(app.db, { name: 'hostile_admin', role: 'admin' });
    await logInClient(admin, boss);
    const victim = await createMember(app.db, { name: 'hostile_victim' });
    const victimClient = app.client();
    await logInClient(victimClient, victim);
    board = await createTestBoard(app.db);
    const thread = await victimClient.post(`/api/boards/${board.slug}/threads`, { title: '被測主題', body: '原文' });
    threadId = thread.json.post.id;
    replyId = (await victimClient.post(`/api/posts/${threadId}/replies`, { title: '被測跟帖' })).json.post.id;
    await admin.post(`/api/posts/${replyId}/report`, { reason: '灌水' });
    banId = (await admin.post('/api/bans', { username: 'hostile_victim', days: 1, reason: '測試' })).json.ban.id;
    await admin.request('DELETE', `/api/bans/${banId}`);
  });
  afterAll(() => app.close());
}

type Kind = 'text' | 'number' | 'nav';
interface Endpoint {
  name: string;
  method: string;
  path: () => string;
  /** A valid body: each case replaces one field with a hostile value. */
  body: () => Record<string, string | number>;
  fields: Record<string, Kind>;
  who: () => HttpClient;
  /** Also posted as a form (the HTML routes take both). */
  form?: boolean;
}

export const endpoints: Endpoint[] = [
  {
    name: 'register (API)',
    method: 'POST',
    path: () => '/api/register',
    body: () => ({ username: 'fresh_one', password: 'long enough password' }),
    fields: { username: 'text', password: 'text' },
    who: () => anonymous,
  },
  {
    name: 'login (API)',
    method: 'POST',
    path: () => '/api/login',
    body: () => ({ username: 'hostile_victim', password: 'wrong password here' }),
    fields: { username: 'text', password: 'text' },
    who: () => anonymous,
  },
  { name: 'logout (API)', method: 'POST', path: () => '/api/logout', body: () => ({ x: '' }), fields: { x: 'nav' }, who: () => anonymous },
  {
    name: 'new thread (API)',
    method: 'POST',
    path: () => `/api/boards/${board.slug}/threads`,
    body: () => ({ title: '標題', body: '內容' }),
    fields: { title: 'text', body: 'text' },
    who: () => admin,
  },
  {
    name: 'reply (API)',
    method: 'POST',
    path: () => `/api/posts/${threadId}/replies`,
    body: () => ({ title: '標題', body: '內容' }),
    fields: { title: 'text', body: 'text' },
    who: () => admin,
  },
  {
    name: 'edit (API)',
    method: 'PATCH',
    path: () => `/api/posts/${replyId}`,
    body: () => ({ title: '新標題', body: '新內容', reason: '改錯字' }),
    fields: { title: 'text', body: 'text', reason: 'text' },
    who: () => admin,
  },
  {
    name: 'delete (API)',
    method: 'DELETE',
    path: () => `/api/posts/${replyId}`,
    body: () => ({ reason: '違規' }),
    fields: { reason: 'text' },
    who: () => admin,
  },
  {
    name: 'restore (API)',
    method: 'POST',
    path: () => `/api/posts/${replyId}/restore`,
    body: () => ({ x: '' }),
    fields: { x: 'nav' },
    who: () => admin,
  },
  {
    name: 'lock (API)',
    method: 'POST',
    path: () => `/api/threads/${threadId}/lock`,
    body: () => ({ x: '' }),
    fields: { x: 'nav' },
    who: () => admin,
  },
  {
    name: 'report (API)',
    method: 'POST',
    path: () => `/api/posts/${threadId}/report`,
    body: () => ({ reason: '廣告' }),
    fields: { reason: 'text' },
    who: () => admin,
  },
  {
    name: 'dismiss (API)',
    method: 'POST',
    path: () => `/api/posts/${replyId}/reports/dismiss`,
    body: () => ({ reason: '沒問題' }),
    fields: { reason: 'text' },
    who: () => admin,
  },
  {
    name: 'board ban (API)',
    method: 'POST',
    path: () => `/api/boards/${board.slug}/bans`,
    body: () => ({ username: 'hostile_victim', days: 3, reason: '灌水', postId: replyId }),
    fields: { username: 'text', days: 'number', reason: 'text', postId: 'text' },
    who: () => admin,
  },
  {
    name: 'site ban (API)',
    method: 'POST',
    path: () => '/api/bans',
    body: () => ({ username: 'hostile_victim', days: 3, reason: '灌水' }),
    fields: { username: 'text', days: 'number', reason: 'text' },
    who: () => admin,
  },
  {
    name: 'lift ban (API)',
    method: 'DELETE',
    path: () => `/api/bans/${banId}`,
    body: () => ({ x: '' }),
    fields: { x: 'nav' },
    who: () => admin,
  },
  {
    name: 'register (form)',
    method: 'POST',
    path: () => '/register',
    body: () => ({ username: 'fresh_two', password: 'long enough password', next: '/' }),
    fields: { username: 'text', password: 'text', next: 'nav' },
    who: () => anonymous,
    form: true,
  },
  {
    name: 'login (form)',
    method: 'POST',
    path: () => '/login',
    body: () => ({ username: 'hostile_victim', password: 'wrong password here', next: '/' }),
    fields: { username: 'text', password: 'text', next: 'nav' },
    who: () => anonymous,
    form: true,
  },
  {
    name: 'logout (form)',
    method: 'POST',
    path: () => '/logout',
    body: () => ({ x: '' }),
    fields: { x: 'nav' },
    who: () => anonymous,
    form: true,
  },
  {
    name: 'new thread (form)',
    method: 'POST',
    path: () => `/b/${board.slug}/threads`,
    body: () => ({ title: '標題', body: '內容' }),
    fields: { title: 'text', body: 'text' },
    who: () => admin,
    form: true,
  },
  {
    name: 'reply (form)',
    method: 'POST',
    path: () => `/t/${threadId}/reply`,
    body: () => ({ title: '標題', body: '內容' }),
    fields: { title: 'text', body: 'text' },
    who: () => admin,
    form: true,
  },
  {
    name: 'edit (form)',
    method: 'POST',
    path: () => `/t/${replyId}/edit`,
    body: () => ({ title: '新標題', body: '新內容', reason: '改錯字' }),
    fields: { title: 'text', body: 'text', reason: 'text' },
    who: () => admin,
    form: true,
  },
  {
    name: 'delete (form)',
    method: 'POST',
    path: () => `/t/${replyId}/delete`,
    body: () => ({ reason: '違規', back: '/' }),
    fields: { reason: 'text', back: 'nav' },
    who: () => admin,
    form: true,
  },
  {
    name: 'restore (form)',
    method: 'POST',
    path: () => `/t/${replyId}/restore`,
    body: () => ({ x: '' }),
    fields: { x: 'nav' },
    who: () => admin,
    form: true,
  },
  {
    name: 'lock (form)',
    method: 'POST',
    path: () => `/t/${threadId}/thread/lock`,
    body: () => ({ x: '' }),
    fields: { x: 'nav' },
    who: () => admin,
    form: true,
  },
  {
    name: 'report (form)',
    method: 'POST',
    path: () => `/t/${threadId}/report`,
    body: () => ({ reason: '廣告' }),
    fields: { reason: 'text' },
    who: () => admin,
    form: true,
  },
  {
    name: 'dismiss (form)',
    method: 'POST',
    path: () => `/b/${board.slug}/reports/${replyId}/dismiss`,
    body: () => ({ x: '' }),
    fields: { x: 'nav' },
    who: () => admin,
    form: true,
  },
  {
    name: 'board ban (form)',
    method: 'POST',
    path: () => `/b/${board.slug}/bans`,
    body: () => ({ username: 'hostile_victim', days: 3, reason: '灌水', postId: replyId }),
    fields: { username: 'text', days: 'number', reason: 'text', postId: 'text' },
    who: () => admin,
    form: true,
  },
];

const HUGE = 'x'.repeat(300_000);

/** Values as JSON may send them. `nav` fields (next=, back=) fall back to "/" when not text, so only text values are hostile there. */
const jsonValues: Record<Kind, [string, unknown][]> = {
  text: [
    ['NUL', 'a\u0000b'],
    ['a bell (C0 control)', 'a\u0007b'],
    ['an escape (C0 control)', '\u001b[31m'],
    ['an object', { toString: 1 }],
    ['an array', ['a', 'b']],
    ['a number', 42],
    ['null', null],
    ['a huge string', HUGE],
  ],
  number: [
    ['NUL', '3\u0000'],
    ['an object', { toString: 1 }],
    ['an array', ['3']],
    ['a boolean', true],
    ['empty text', ''],
    ['a fraction', 1.5],
    ['a negative number', -3],
    ['a huge string', HUGE],
  ],
  nav: [
    ['NUL', '/\u0000'],
    ['a C0 control', '/a\u0001b'],
  ],
};

/** Values as a form sends them: raw `key=value` text (already %-encoded). */
const formValues: Record<Kind, [string, string][]> = {
  text: [
    ['NUL', '%00'],
    ['a C0 control', 'a%07b'],
    ['percent-encoded invalid UTF-8', 'a%FFb'],
    ['a truncated UTF-8 sequence', '%E4%B8'],
    ['an encoded surrogate', '%ED%A0%80'],
    ['the field twice (an array)', 'a&{key}=b'],
    ['a huge string', HUGE],
  ],
  number: [
    ['NUL', '3%00'],
    ['percent-encoded invalid UTF-8', '%FF'],
    ['the field twice (an array)', '3&{key}=4'],
    ['not a number', 'abc'],
    ['empty', ''],
  ],
  nav: [
    ['NUL', '%2F%00'],
    ['percent-encoded invalid UTF-8', '%2F%C0%AF'],
  ],
};

interface Case {
  endpoint: Endpoint;
  field: string;
  what: string;
  send: (client: HttpClient) => Promise<Reply>;
}

export const cases: Case[] = [];
for (const endpoint of endpoints) {
  for (const [field, kind] of Object.entries(endpoint.fields)) {
    for (const [what, value] of jsonValues[kind]) {
      cases.push({
        endpoint,
        field,
        what: `${what} (JSON)`,
        send: (c) => c.request(endpoint.method, endpoint.path(), { json: { ...endpoint.body(), [field]: value } }),
      });
    }
    if (!endpoint.form) continue;
    for (const [what, value] of formValues[kind]) {
      cases.push({
        endpoint,
        field,
        what: `${what} (form)`,
        send: (c) => {
          const rest = Object.entries(endpoint.body())
            .filter(([k]) => k !== field)
            .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
          const raw = [...rest, `${field}=${value.replaceAll('{key}', field)}`].join('&');
          return c.request(endpoint.method, endpoint.path(), { raw, contentType: 'application/x-www-form-urlencoded' });
        },
      });
    }
  }
}
