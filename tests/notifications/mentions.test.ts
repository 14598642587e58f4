import type { TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { createMember, createTestBoard, logInClient, memberClient, postReply, postThread } from '../factories';
import { sanitizeBody } from '../../server/text/formats';
import { convertHtml } from '../../server/text/convert';
import { kindsFor, noticesOf } from './helpers';

// @name mentions: the longest existing name at that place (Chinese has no spaces), linked to the
// member's page and never converted, not inside code or a link, at most 10 members notified per
// post, and a mention added by an edit notifies once.

let app: TestApp;
let board: { slug: string };
let writer: ReturnType<TestApp['client']>;
let writerId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  writer = app.client();
  writerId = (await memberClient(app.db, writer, { name: 'writer_1' })).id;
  for (const name of ['張三', '張三豐', '软件王', 'Lisa_W', '已註銷']) ids[name] = (await createMember(app.db, { name })).id;
  await app.db.updateTable('users').set({ deleted_at: new Date() }).where('id', '=', ids['已註銷']!).execute();
});
afterAll(() => app.close());

const encoded = (name: string) => encodeURIComponent(name);

describe('finding mentions', () => {
  it('takes the longest existing name at each @', async () => {
    const root = await postThread(writer, board, '提到');
    const a = await postReply(writer, root.id, '@張三豐你好');
    expect(await kindsFor(app.db, ids['張三豐']!, a.id)).toEqual(['mention']);
    expect(await kindsFor(app.db, ids['張三']!, a.id)).toEqual([]);
    const b = await postReply(writer, root.id, '@張三你好');
    expect(await kindsFor(app.db, ids['張三']!, b.id)).toEqual(['mention']);
    expect(await kindsFor(app.db, ids['張三豐']!, b.id)).toEqual([]);
  });

  it('finds names regardless of case and width, and links them to the member as named', async () => {
    const root = await postThread(writer, board, '大小寫');
    const post = await postReply(writer, root.id, '標題', '謝謝 @lisa_w 和 ＠ＬＩＳＡ_Ｗ。');
    expect(await kindsFor(app.db, ids['Lisa_W']!, post.id)).toEqual(['mention']);
    const api = await writer.get(`/api/posts/${post.id}`);
    expect(api.json.post.body).toBe(
      '<p>謝謝 <a href="/u/Lisa_W" class="mention">@lisa_w</a> 和 <a href="/u/Lisa_W" class="mention">＠ＬＩＳＡ_Ｗ</a>。</p>',
    );
  });

  it('is not fooled by addresses, code, existing links, deleted accounts or the author', async () => {
    const root = await postThread(writer, board, '不算提到');
    const post = await postReply(
      writer,
      root.id,
      'writer@張三',
      '<p>mail@張三豐 <code>@软件王</code> <a href="https://example.com">@Lisa_W</a> @已註銷 @writer_1</p>',
    );
    for (const name of ['張三', '張三豐', '软件王', 'Lisa_W', '已註銷']) expect(await kindsFor(app.db, ids[name]!, post.id)).toEqual([]);
    expect(await kindsFor(app.db, writerId, post.id)).toEqual([]);
    // Only the author's own name is linked (a mention of oneself is a mention, told to nobody).
    const body = (await writer.get(`/api/posts/${post.id}`)).json.post.body as string;
    expect(body.match(/class="mention"[^<]*/g)).toEqual(['class="mention">@writer_1']);
  });

  it('counts a mention in a title-only follow-up (the title is the whole message)', async () => {
    const root = await postThread(writer, board, '只有標題');
    const post = await postReply(writer, root.id, '@软件王 說得對');
    expect(post.bytes).toBe(0);
    expect(await kindsFor(app.db, ids['软件王']!, post.id)).toEqual(['mention']);
  });
});

describe('showing mentions', () => {
  it('links the name to the member page under the reader’s prefix and never converts it', async () => {
    const root = await postThread(writer, board, '轉換', '@软件王 说的软件很好');
    const page = await app.client().get(`/zh-tw/t/${root.id}`);
    expect(page.text).toContain(`<a href="/zh-tw/u/${encoded('软件王')}" class="mention">@软件王</a>`);
    // The rest of the body is converted (软件 → 軟體 for Taiwan), the name is not.
    expect(page.text).toContain('說的軟體很好');
    const api = await app.client().get(`/api/posts/${root.id}?variant=zh-hant`);
    expect(api.json.post.body).toContain('>@软件王</a>');
  });

  it('keeps the stored form through sanitizing again (posts:resanitize changes nothing)', () => {
    const stored = `<p><a href="/u/${encoded('软件王')}" class="mention">@软件王</a> 好</p>`;
    expect(sanitizeBody(stored)).toBe(stored);
    // A hand-made "mention" to another site loses its class; conversion leaves a mention's text alone.
    expect(sanitizeBody('<a class="mention" href="https://evil.example/">@x</a>')).not.toContain('class="mention"');
    expect(convertHtml(stored, 'zh-hans', 'zh-tw')).toContain('>@软件王</a>');
  });

  it('edits a mention as the @name typed', async () => {
    const root = await postThread(writer, board, '編輯表單');
    const post = await postReply(writer, root.id, '標題', '你好 @張三');
    const form = await writer.get(`/t/${post.id}/edit`);
    expect(form.text).toContain('你好 @張三</textarea>');
  });
});

describe('the cap and edits', () => {
  it('notifies at most 10 members per post, links the rest, and tells the author', async () => {
    const many: { id: string; name: string }[] = [];
    for (let i = 0; i < 12; i++) many.push(await createMember(app.db, { name: `many_${i}` }));
    const body = many.map((m) => `@${m.name}`).join(' ');
    const root = await postThread(writer, board, '點名');
    const res = await writer.post(`/api/posts/${root.id}/replies`, { title: '點名', body });
    expect(res.status).toBe(201);
    expect(res.json.unnotifiedMentions).toEqual(['many_10', 'many_11']);
    for (const [i, m] of many.entries()) expect(await kindsFor(app.db, m.id, res.json.post.id)).toEqual(i < 10 ? ['mention'] : []);
    expect(res.json.post.body.match(/class="mention"/g)).toHaveLength(12);

    // The form says so on the page it comes back to.
    const form = await writer.postForm(`/zh-hans/t/${root.id}/reply`, { title: '再點名', body });
    expect(form.status).toBe(303);
    const location = form.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/zh-hans/t/${root.id}\\?unnotified=2&at=(\\d+)#p\\1$`));
    expect((await writer.get(location.replace(/#.*/, ''))).text).toContain('有 2 位被提到的用户没有收到通知：每个帖子最多通知 10 位。');
  });

  it('notifies a mention added by an edit once, however often the post is edited', async () => {
    const root = await postThread(writer, board, '後來提到');
    const post = await postReply(writer, root.id, '標題', '還沒提到誰');
    const edit = (body: string) => writer.request('PATCH', `/api/posts/${post.id}`, { json: { body } });
    expect((await edit('現在提到 @張三豐')).status).toBe(200);
    expect(await kindsFor(app.db, ids['張三豐']!, post.id)).toEqual(['mention']);
    expect((await edit('改一下，仍然提到 @張三豐')).status).toBe(200);
    expect((await edit('刪掉')).status).toBe(200);
    expect((await edit('又提到 @張三豐')).status).toBe(200);
    expect(await kindsFor(app.db, ids['張三豐']!, post.id)).toEqual(['mention']);
    // The body is scanned again: the last version links the name.
    expect((await writer.get(`/api/posts/${post.id}`)).json.post.body).toContain('class="mention">@張三豐</a>');
  });

  it('does not tell the author of the post replied to twice when the reply mentions them too', async () => {
    const other = app.client();
    await logInClient(other, { name: '張三', password: 'correct horse battery' });
    const root = await postThread(other, board, '樓主');
    const reply = await postReply(writer, root.id, `@張三 回覆你`);
    expect(await kindsFor(app.db, ids['張三']!, reply.id)).toEqual(['reply']);
    // An edit that mentions them again tells them nothing new.
    await writer.request('PATCH', `/api/posts/${reply.id}`, { json: { body: '@張三 再說一次' } });
    expect((await noticesOf(app.db, ids['張三']!)).filter((n) => n.post_id === reply.id)).toHaveLength(1);
  });
});
