import type { Board } from '../../server/boards/boards.service';
import { addModerator } from '../../server/moderation/moderation.service';
import type { HttpClient, Reply, TestApp } from '../helpers/app';
import { type TestMember, createMember, createReply, createThread, logInClient, postReply, startBoardApp } from '../factories';

let app: TestApp;
let board: Board;
let writer: HttpClient;
let author: TestMember;

beforeAll(async () => {
  ({ app, board, writer, member: author } = await startBoardApp({ writer: { name: 'etag_author' } }));
});
afterAll(() => app.close());

/** A thread by the writer with a few follow-ups. */
async function thread(title = '條件請求') {
  const root = await createThread(app.db, { board, author, title });
  for (let i = 0; i < 3; i++) await createReply(app.db, root.id, { title: `跟帖${i}` });
  return root.id;
}

const tagOf = (res: Reply) => res.headers.get('etag') ?? '';

/** A GET with the tag the client was given: 304 when nothing it depends on changed. */
const again = (client: HttpClient, path: string, tag: string) => client.get(path, { 'if-none-match': tag });

async function loggedIn(name: string) {
  const client = app.client();
  const member = await createMember(app.db, { name });
  await logInClient(client, member);
  return { client, member };
}

describe('conditional GET of a thread page', () => {
  it('answers 304 with no body for an unchanged thread, without reading or rendering its tree', async () => {
    const id = await thread();
    const reader = app.client();
    const first = await reader.get(`/t/${id}`);
    expect(first.status).toBe(200);
    expect(tagOf(first)).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const vary = (first.headers.get('vary') ?? '').toLowerCase();
    for (const v of ['cookie', 'accept-encoding', 'accept-language']) expect(vary).toContain(v);

    app.caches.lines.clear();
    const second = await again(reader, `/t/${id}`, tagOf(first));
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
    expect(tagOf(second)).toBe(tagOf(first));
    expect((second.headers.get('vary') ?? '').toLowerCase()).toContain('accept-encoding');
    expect(app.caches.lines.size).toBe(0);
  });

  it('matches a tag sent strong or in a list, with Cache-Control: no-cache as fetch() sends it', async () => {
    const id = await thread();
    const reader = app.client();
    const tag = tagOf(await reader.get(`/t/${id}`));
    expect((await again(reader, `/t/${id}`, tag.slice(2))).status).toBe(304);
    expect((await again(reader, `/t/${id}`, `"other", ${tag}`)).status).toBe(304);
    expect((await again(reader, `/t/${id}`, `"other",${tag.slice(2)}`)).status).toBe(304);
    const revalidated = await reader.get(`/t/${id}`, { 'if-none-match': tag, 'cache-control': 'no-cache', pragma: 'no-cache' });
    expect(revalidated.status).toBe(304);
    // A hard reload sends no validator: the page in full.
    expect((await reader.get(`/t/${id}`, { 'cache-control': 'no-cache' })).status).toBe(200);
  });

  it('changes the tag with a new follow-up, an edit and a lock, and then sends the page in full', async () => {
    const id = await thread();
    const reader = app.client();
    let tag = tagOf(await reader.get(`/t/${id}`));

    await postReply(writer, id, '新來的跟帖');
    let res = await again(reader, `/t/${id}`, tag);
    expect(res.status).toBe(200);
    expect(res.text).toContain('新來的跟帖');
    expect(tagOf(res)).not.toBe(tag);
    tag = tagOf(res);

    expect((await writer.request('PATCH', `/api/posts/${id}`, { json: { title: '改過的標題' } })).status).toBe(200);
    res = await again(reader, `/t/${id}`, tag);
    expect(res.status).toBe(200);
    expect(res.text).toContain('改過的標題');
    tag = tagOf(res);

    const mod = app.client();
    const moderator = await createMember(app.db, { name: 'etag_mod' });
    await addModerator(app.db, board.slug, moderator.name);
    await logInClient(mod, moderator);
    expect((await mod.post(`/api/threads/${id}/lock`)).status).toBe(200);
    res = await again(reader, `/t/${id}`, tag);
    expect(res.status).toBe(200);
    expect(tagOf(res)).not.toBe(tag);
    expect((await again(reader, `/t/${id}`, tagOf(res))).status).toBe(304);
  });

  it('gives each variant its own tag: prefix, saved choice and Accept-Language', async () => {
    const id = await thread();
    const reader = app.client();
    const tags = new Set<string>();
    tags.add(tagOf(await reader.get(`/t/${id}`)));
    tags.add(tagOf(await reader.get(`/zh-hans/t/${id}`)));
    tags.add(tagOf(await reader.get(`/zh-hk/t/${id}`)));
    tags.add(tagOf(await reader.get(`/t/${id}`, { 'accept-language': 'zh-CN' })));
    expect(tags.size).toBe(4);
    // The prefixed page revalidates under its own tag.
    const hans = await reader.get(`/zh-hans/t/${id}`);
    expect((await again(reader, `/zh-hans/t/${id}`, tagOf(hans))).status).toBe(304);
    expect((await again(reader, `/zh-hant/t/${id}`, tagOf(hans))).status).toBe(200);
  });

  it('gives each member and the logged-out reader different tags, and never serves one member a 304 for another’s page', async () => {
    const id = await thread();
    const a = await loggedIn('etag_alice');
    const b = await loggedIn('etag_bob');
    const ra = await a.client.get(`/t/${id}`);
    const rb = await b.client.get(`/t/${id}`);
    const anon = await app.client().get(`/t/${id}`);
    expect(new Set([tagOf(ra), tagOf(rb), tagOf(anon)]).size).toBe(3);
    expect(ra.headers.get('cache-control')).toBe('private, no-cache');

    // Bob's browser asks with Alice's tag (a shared computer, a copied cache): Bob gets his own page.
    const asBob = await again(b.client, `/t/${id}`, tagOf(ra));
    expect(asBob.status).toBe(200);
    expect(asBob.text).toContain('etag_bob');
    expect(asBob.text).not.toContain('etag_alice');
    const loggedOut = await again(app.client(), `/t/${id}`, tagOf(ra));
    expect(loggedOut.status).toBe(200);
    expect(loggedOut.text).not.toContain('etag_alice');
    expect((await again(a.client, `/t/${id}`, tagOf(ra))).status).toBe(304);
  });

  it('changes a member’s tag with their own state: unread counts, muting the thread, a role on the board', async () => {
    const id = await thread();
    const { client, member } = await loggedIn('etag_carol');
    let tag = tagOf(await client.get(`/t/${id}`));

    // A follow-up to Carol's post in another thread: her header's count of notifications rises.
    const elsewhere = await createThread(app.db, { board, author: member, title: '別處' });
    await postReply(writer, elsewhere.id, '回覆卡羅');
    let res = await again(client, `/t/${id}`, tag);
    expect(res.status).toBe(200);
    tag = tagOf(res);

    expect((await client.post(`/api/threads/${id}/mute`)).status).toBe(200);
    res = await again(client, `/t/${id}`, tag);
    expect(res.status).toBe(200);
    tag = tagOf(res);

    await addModerator(app.db, board.slug, member.name);
    res = await again(client, `/t/${id}`, tag);
    expect(res.status).toBe(200);
    expect((await again(client, `/t/${id}`, tagOf(res))).status).toBe(304);
  });

  it('answers HEAD with the tag, and 304 to a HEAD that names it', async () => {
    const id = await thread();
    const reader = app.client();
    const head = await reader.request('HEAD', `/t/${id}`);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(tagOf(head)).toBe(tagOf(await reader.get(`/t/${id}`)));
    expect((await reader.request('HEAD', `/t/${id}`, {}, { 'if-none-match': tagOf(head) })).status).toBe(304);
  });

  it.each(['garbage', '"unterminated', 'W/', ',,, ,', 'W/"x", W/""', `"${'a'.repeat(4000)}"`, '\u00e9t\u00e9'])(
    'ignores the If-None-Match value %j: a full page, never a 500',
    async (value) => {
      const id = await thread();
      const res = await app.client().get(`/t/${id}`, { 'if-none-match': value });
      expect(res.status).toBe(200);
      expect(res.text).toContain('條件請求');
    },
  );

  it('puts no tag on an error page', async () => {
    for (const path of ['/t/999999999', '/t/abc', '/api/posts/999999999']) {
      const res = await app.client().get(path, { 'if-none-match': '*' });
      expect(res.status).toBe(404);
      expect(res.headers.get('etag')).toBeNull();
    }
  });

  it('asks the browser to forget what it kept when a member logs out', async () => {
    const { client } = await loggedIn('etag_dave');
    const res = await client.postForm('/logout', {});
    expect(res.status).toBe(303);
    expect(res.headers.get('clear-site-data')).toBe('"cache"');
  });
});

describe('conditional GET of a thread’s JSON', () => {
  it('answers 304 for an unchanged thread and changes the tag with a follow-up and the variant asked for', async () => {
    const id = await thread();
    const reader = app.client();
    const first = await reader.get(`/api/posts/${id}`);
    expect(first.status).toBe(200);
    const tag = tagOf(first);
    expect(tag).toMatch(/^W\//);
    expect((await again(reader, `/api/posts/${id}`, tag)).status).toBe(304);

    const hans = await reader.get(`/api/posts/${id}?variant=zh-hans`);
    expect(tagOf(hans)).not.toBe(tag);
    expect((await again(reader, `/api/posts/${id}?variant=zh-hans`, tag)).status).toBe(200);

    await postReply(writer, id, '又一條');
    const res = await again(reader, `/api/posts/${id}`, tag);
    expect(res.status).toBe(200);
    expect(res.json.replies.map((r: { title: string }) => r.title)).toContain('又一條');
  });

  it('keeps a member’s JSON private and theirs', async () => {
    const id = await thread();
    const res = await writer.get(`/api/posts/${id}`);
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    expect(tagOf(res)).not.toBe(tagOf(await app.client().get(`/api/posts/${id}`)));
    expect((await again(writer, `/api/posts/${id}`, tagOf(res))).status).toBe(304);
  });

  it('refuses a bad variant before anything else, whatever the If-None-Match', async () => {
    const id = await thread();
    const res = await app.client().get(`/api/posts/${id}?variant=klingon`, { 'if-none-match': '*' });
    expect(res.status).toBe(400);
    expect(res.headers.get('etag')).toBeNull();
  });
});
