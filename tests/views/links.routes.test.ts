import type { HttpClient, TestApp } from '../helpers/app';
import { createCast, createModerator, createTestBoard, logInClient, postReply, postThread } from '../factories';
import { startTestApp } from '../helpers/app';
import type { Board } from '../../server/boards/boards.service';

// Text that looks like a link, typed by the author: it is text, never a link, whatever the page.
const CODE_TEXT = '<code>href="/t/1"</code>';
const PRE_TEXT = '<pre>action="/b/x" href="/b/x"</pre>';
const BODY = `<p>看这里 ${CODE_TEXT} 和 <a href="/t/1">一个帖子</a></p>${PRE_TEXT}`;

let app: TestApp;
let board: Board;
let admin: HttpClient;
let moderator: HttpClient;
let anonymous: HttpClient;
let authorName: string;
let rootId: string;
let replyId: string;

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db, { name: '生活' });
  const cast = await createCast(app, ['anonymous', 'admin', 'writer'] as const);
  ({ admin, anonymous } = cast.clients);
  authorName = cast.members.writer.name;
  moderator = app.client();
  await logInClient(moderator, await createModerator(app.db, board));
  const root = await postThread(cast.clients.writer, board, '软件', BODY);
  rootId = root.id;
  replyId = (await postReply(cast.clients.writer, root.id, '回复', BODY)).id;
  const gone = await postReply(cast.clients.writer, replyId, '删掉的');
  expect((await admin.request('DELETE', `/api/posts/${gone.id}`, { json: { reason: '测试' } })).status).toBe(200);
  expect((await cast.clients.writer.post(`/api/posts/${rootId}/report`, { reason: '广告' })).status).toBe(201);
});
afterAll(() => app.close());

/** Every href and action of the page's tags (text that only looks like one is not a tag). */
function links(html: string): { tag: string; url: string }[] {
  const out: { tag: string; url: string }[] = [];
  for (const [tag] of html.matchAll(/<[a-z]+\s[^>]*>/g)) {
    for (const m of tag.matchAll(/\s(?:href|action)="([^"]*)"/g)) out.push({ tag, url: m[1]! });
  }
  return out;
}

/** Links that name no page of the forum under a prefix: static files, the switch, the alternates. */
const sameUnderEveryVariant = (tag: string, url: string) =>
  url.startsWith('/static/') || url.startsWith('/variant?') || tag.includes('hreflang=') || !url.startsWith('/');

describe('a post whose text looks like a link', () => {
  it.each(['', '/zh-hans', '/zh-hant', '/zh-tw', '/zh-hk'])('keeps the text inside <code> and <pre> exactly under %s', async (prefix) => {
    const page = await anonymous.get(`${prefix}/t/${rootId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(CODE_TEXT);
    expect(page.text).toContain(PRE_TEXT);
    expect(page.text).not.toContain('"/zh-hans/t/1"</code>');
  });

  it("gives the author's own links to this site the reader's prefix, as before", async () => {
    const page = await anonymous.get(`/zh-hans/t/${rootId}`);
    expect(page.text).toMatch(/<a href="\/zh-hans\/t\/1" rel="nofollow ugc noopener" target="_blank">/);
    expect((await anonymous.get(`/t/${rootId}`)).text).toMatch(/<a href="\/t\/1" rel="nofollow ugc noopener" target="_blank">/);
  });
});

describe('links on pages under a prefix', () => {
  const pages = () => [
    '/',
    `/b/${board.slug}`,
    `/b/${board.slug}/featured`,
    `/t/${rootId}`,
    `/t/${replyId}`,
    `/u/${encodeURIComponent(authorName)}`,
    `/t/${rootId}/edit`,
    `/t/${rootId}/report`,
    `/t/${rootId}/revisions`,
    `/b/${board.slug}/reports`,
    `/b/${board.slug}/log`,
    '/log',
    '/admin/names',
    '/settings',
    '/settings/ignored',
    '/logout',
    '/t/999999999',
  ];

  it.each(['/zh-hans', '/zh-hant', '/zh-tw', '/zh-hk'])('every link and form of every page stays under %s', async (prefix) => {
    for (const [who, client] of [
      ['admin', admin],
      ['moderator', moderator],
      ['anonymous', anonymous],
    ] as const) {
      for (const path of [...pages(), '/login', '/register']) {
        const page = await client.get(`${prefix}${path}`);
        expect([200, 401, 403, 404]).toContain(page.status);
        const found = links(page.text);
        expect(found.length).toBeGreaterThan(0);
        const outside = found.filter(({ tag, url }) => !sameUnderEveryVariant(tag, url) && !url.startsWith(`${prefix}/`));
        expect({ who, path, outside }).toEqual({ who, path, outside: [] });
      }
    }
  });

  it('carries nothing of a prefix on pages asked for without one', async () => {
    for (const path of pages()) {
      const page = await admin.get(path);
      const prefixed = links(page.text).filter(({ tag, url }) => !tag.includes('hreflang=') && /^\/zh-(hans|hant|tw|hk)\b/.test(url));
      expect({ path, prefixed }).toEqual({ path, prefixed: [] });
    }
  });

  it('keeps forms working under the prefix: a refused reply comes back in the prefix, with its action under it', async () => {
    const refused = await admin.postForm(`/zh-hans/t/${rootId}/reply`, { title: '', body: '我写的' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(`action="/zh-hans/t/${rootId}/reply"`);
    expect(refused.text).toContain('<html lang="zh-Hans">');
  });

  it('sends the reader back under the prefix after a form: a reply, a lock, a thread', async () => {
    const reply = await admin.postForm(`/zh-tw/t/${rootId}/reply`, { title: '好的', body: '' });
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toMatch(new RegExp(`^/zh-tw/t/${rootId}\\?at=(\\d+)#p\\1$`));
    const thread = await admin.postForm(`/zh-hk/b/${board.slug}/threads`, { title: '新主題', body: '' });
    expect(thread.headers.get('location')).toMatch(/^\/zh-hk\/t\/\d+$/);
    const lock = await moderator.postForm(`/zh-hans/t/${rootId}/thread/lock`, {});
    expect(lock.headers.get('location')).toMatch(new RegExp(`^/zh-hans/t/${rootId}`));
    expect((await moderator.postForm(`/zh-hans/t/${rootId}/thread/unlock`, {})).status).toBe(303);
    const plain = await admin.postForm(`/t/${rootId}/reply`, { title: '無前綴', body: '' });
    expect(plain.headers.get('location')).toMatch(new RegExp(`^/t/${rootId}\\?at=(\\d+)#p\\1$`));
  });

  it('renders live lines (the catch-up) with the links under the variant the reader asked for', async () => {
    const res = await anonymous.get(`/api/threads/${rootId}/events?since=0&variant=zh-hans`);
    const html = res.json.events.map((e: { html?: string }) => e.html ?? '').join('');
    expect(html).toContain(`href="/zh-hans/t/${replyId}"`);
    expect(links(html).filter(({ url }) => url.startsWith('/') && !url.startsWith('/zh-hans/'))).toEqual([]);
    const original = await anonymous.get(`/api/threads/${rootId}/events?since=0`);
    expect(original.json.events.map((e: { html?: string }) => e.html ?? '').join('')).toContain(`href="/t/${replyId}"`);
  });
});
