/**
 * 悄悄話 and profiles on the body formats (issue 16): text is the default everywhere (the API
 * too), so "a<b" stays "a<b"; markdown and html when asked; hostile HTML neutralised in each
 * format; the profile form edits what was written. And migrations/2026_12_05_501 on what was
 * stored before: plain text becomes `text` with its source recovered, the rest stays `html`.
 */
import { sql } from 'kysely';
import * as formats from '../../migrations/2026_12_05_501_message_profile_formats';
import { type TestApp, startTestApp } from '../helpers/app';
import { type TestDatabase, createTestDatabase } from '../helpers/database';
import { createMember, createThread, memberClient } from '../factories';

async function loggedIn() {
  const client = app.client();
  const member = await memberClient(app.db, client);
  return { client, member };
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const HOSTILE = '<p onclick="x()">hi<img src=x onerror=alert(1)><a href="javascript:alert(1)">點</a><script>alert(1)</script></p>';

const storedMessage = (id: string) =>
  app.db.selectFrom('messages').select(['body', 'bytes', 'format', 'source']).where('id', '=', id).executeTakeFirstOrThrow();

describe('悄悄話 bodies', () => {
  it('are text unless told otherwise: "a<b" stays whole, through the API and the form', async () => {
    const { client } = await loggedIn();
    const to = await createMember(app.db);
    const res = await client.post('/api/messages', { to: to.name, title: '比較', body: 'a<b 而且 c>d\n第二行' });
    expect(res.status).toBe(201);
    expect(res.json.message.body).toBe('<p>a&lt;b 而且 c&gt;d<br />第二行</p>');
    expect(res.json.message.bytes).toBe(Buffer.byteLength('a<b 而且 c>d\n第二行'));
    expect(await storedMessage(res.json.message.id)).toEqual({
      body: '<p>a&lt;b 而且 c&gt;d<br />第二行</p>',
      bytes: Buffer.byteLength('a<b 而且 c>d\n第二行'),
      format: 'text',
      source: 'a<b 而且 c>d\n第二行',
    });

    const compose = await client.get(`/messages/new?to=${encodeURIComponent(to.name)}`);
    expect(compose.text).toMatch(/<select name="format"><option value="text" selected>/);
    const sent = await client.postForm('/messages', { to: to.name, title: '表單', body: 'x<y' });
    expect(sent.status).toBe(303);
    const id = sent.headers.get('location')!.split('/').pop()!;
    expect((await storedMessage(id)).body).toBe('<p>x&lt;y</p>');
  });

  it('render markdown when asked, and neutralise hostile HTML in every format', async () => {
    const { client } = await loggedIn();
    const to = await createMember(app.db);
    const md = await client.postForm('/messages', { to: to.name, title: 'md', body: '**粗** 和\n\n- 一\n- 二', format: 'markdown' });
    expect(md.status).toBe(303);
    expect((await storedMessage(md.headers.get('location')!.split('/').pop()!)).body).toBe(
      '<p><strong>粗</strong> 和</p>\n<ul>\n<li>一</li>\n<li>二</li>\n</ul>',
    );
    for (const format of ['text', 'markdown', 'html'] as const) {
      const res = await client.post('/api/messages', { to: to.name, title: format, body: HOSTILE, format });
      expect(res.status).toBe(201);
      const body: string = res.json.message.body;
      // No tag that runs anything, no handler on a tag, no javascript: link (as text, escaped, they are harmless words).
      expect({ format, body }).not.toEqual({
        format,
        body: expect.stringMatching(/<script|<img|<[^>]*\son[a-z]+=|<a [^>]*href="javascript/),
      });
    }
    const bad = await client.post('/api/messages', { to: to.name, title: 'x', body: 'y', format: 'bbcode' });
    expect(bad.status).toBe(400);
  });
});

describe('the 悄悄話 composer', () => {
  it("is the posts' composer on every message form, its draft kept per conversation", async () => {
    const { client } = await loggedIn();
    const to = await createMember(app.db);
    const compose = await client.get('/zh-hans/messages/new');
    expect(compose.text).toMatch(
      /<form method="post" action="\/zh-hans\/messages" class="post-form message-form composer" data-words="[^"]+"/,
    );
    expect(compose.text).toContain('data-preview="/api/messages/preview" data-draft="/messages/new"');
    expect(compose.text).toContain('data-variant="zh-hans" data-prefixed=""');
    for (const part of ['class="toolbar"', 'class="byte-count"', 'name="preview"', 'class="composer-status"', 'class="format-hint"']) {
      expect({ part, has: compose.text.includes(part) }).toEqual({ part, has: true });
    }
    const sent = await client.post('/api/messages', { to: to.name, title: '第一封', body: '你好' });
    const page = await client.get(`/messages/${sent.json.message.id}`);
    const draft = `data-draft="/messages/with/${encodeURIComponent(to.name)}"`;
    expect(page.text).toContain(draft);
    // The reply's title is a suggestion: a kept draft may replace it.
    expect(page.text).toMatch(/<input name="title" required maxlength="100" value="回覆：第一封" data-suggested="">/);
    expect((await client.get(`/messages/with/${encodeURIComponent(to.name)}`)).text).toContain(draft);
  });

  it('previews without JavaScript as the message will be stored, sending nothing', async () => {
    const { client, member } = await loggedIn();
    const to = await createMember(app.db);
    const before = await app.db.selectFrom('messages').select('id').where('sender_id', '=', member.id).execute();
    const res = await client.postForm('/zh-hans/messages', {
      to: to.name,
      title: '預覽',
      body: '**粗體** 軟體 [帖](/t/1)',
      format: 'markdown',
      preview: '1',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.text).toContain('<section class="preview"');
    expect(res.text).toContain('<strong>粗体</strong> 软件 <a href="/zh-hans/t/1" rel="nofollow ugc noopener" target="_blank">帖</a>');
    // What was typed comes back in the form.
    expect(res.text).toContain('**粗體** 軟體 [帖](/t/1)</textarea>');
    expect(await app.db.selectFrom('messages').select('id').where('sender_id', '=', member.id).execute()).toEqual(before);
  });

  it('previews over the API exactly what sending stores: no mention links, quotes attributed to their real author', async () => {
    const { client } = await loggedIn();
    const to = await createMember(app.db);
    const author = await createMember(app.db);
    const { id: postId } = await createThread(app.db, { author, title: '被引用的' });
    const body = `> [管理員](/t/${postId}) 寫道：\n> 原話\n\n@${to.name} 你好 a<b`;
    const preview = await client.post('/api/messages/preview', { body, format: 'text' });
    expect(preview.status).toBe(200);
    const sent = await client.post('/api/messages', { to: to.name, title: '引用', body, format: 'text' });
    expect(preview.json).toEqual({ html: sent.json.message.body, bytes: sent.json.message.bytes });
    expect(preview.json.html).toContain(`<a href="/t/${postId}" class="quote-author">${author.name}</a> 寫道：`);
    expect(preview.json.html).not.toContain('class="mention"');
    // In a variant, and under its prefix when asked from a prefixed page.
    const prefixed = await client.post('/api/messages/preview', { body, format: 'text', variant: 'zh-hans', prefixed: true });
    expect(prefixed.json.html).toContain(`<a href="/zh-hans/t/${postId}" class="quote-author">`);
    expect((await app.client().post('/api/messages/preview', { body: 'x' })).status).toBe(401);
    const long = await client.post('/api/messages/preview', { body: 'x'.repeat(150_000) });
    expect(long.status).toBe(413);
  });
});

describe('profiles', () => {
  it('are text by default, keep what was written for the form, and take markdown', async () => {
    const { client, member } = await loggedIn();
    // (No address: a new member's profile may hold no link.)
    expect((await client.postForm('/settings/profile', { profile: '我愛 a<b\n\n第二段 & c' })).status).toBe(303);
    const row = await app.db
      .selectFrom('users')
      .select(['profile', 'profile_source', 'profile_format'])
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row.profile_format).toBe('text');
    expect(row.profile_source).toBe('我愛 a<b\n\n第二段 & c');
    expect(row.profile).toBe('<p>我愛 a&lt;b</p><p>第二段 &amp; c</p>');
    const home = await app.client().get(`/u/${encodeURIComponent(member.name)}`);
    expect(home.text).toContain('<p>我愛 a&lt;b</p>');
    // The form edits the source, with its format chosen.
    const settings = await client.get('/settings');
    expect(settings.text).toContain('我愛 a&lt;b\n\n第二段 &amp; c</textarea>');

    const patched = await client.request('PATCH', '/api/me/settings', { json: { profile: '*斜*', profileFormat: 'markdown' } });
    expect(patched.status).toBe(200);
    expect(patched.json.settings).toMatchObject({ profile: '<p><em>斜</em></p>', profileSource: '*斜*', profileFormat: 'markdown' });
    expect((await client.get('/settings')).text).toMatch(/<option value="markdown" selected>/);
  });
});

describe('the 2026_12_05_501 migration', () => {
  let target: TestDatabase;
  beforeAll(async () => {
    target = await createTestDatabase();
  });
  afterAll(() => target.drop());

  it('makes old plain-text messages and profiles text, with their source recovered, and leaves the rest html', async () => {
    const db = target.db;
    const a = await createMember(db);
    const b = await createMember(db);
    await formats.down(db);
    await sql`update users set profile = '<p>舊簡介 a &lt; b</p>' where id = ${a.id}`.execute(db);
    await sql`update users set profile = '<p><b>粗</b></p>' where id = ${b.id}`.execute(db);
    const [low, high] = BigInt(a.id) < BigInt(b.id) ? [a.id, b.id] : [b.id, a.id];
    const conversation = await sql<{
      id: string;
    }>`insert into conversations (member_low, member_high) values (${low}, ${high}) returning id`.execute(db);
    const conv = conversation.rows[0]!.id;
    await sql`insert into messages (conversation_id, sender_id, recipient_id, title, body, bytes)
      values (${conv}, ${a.id}, ${b.id}, 't1', '<p>一<br />二 &amp; 三</p>', 30),
             (${conv}, ${a.id}, ${b.id}, 't2', '<p><i>斜</i></p>', 16),
             (${conv}, ${a.id}, ${b.id}, 't3', '', 0)`.execute(db);

    await formats.up(db);

    const messages = await db.selectFrom('messages').select(['title', 'format', 'source', 'bytes']).orderBy('id').execute();
    expect(messages).toEqual([
      { title: 't1', format: 'text', source: '一\n二 & 三', bytes: Buffer.byteLength('一\n二 & 三') },
      { title: 't2', format: 'html', source: null, bytes: 16 },
      { title: 't3', format: 'text', source: '', bytes: 0 },
    ]);
    const users = await db
      .selectFrom('users')
      .select(['id', 'profile_format', 'profile_source'])
      .where('id', 'in', [a.id, b.id])
      .orderBy('id')
      .execute();
    expect(users).toEqual([
      { id: a.id, profile_format: 'text', profile_source: '舊簡介 a < b' },
      { id: b.id, profile_format: 'html', profile_source: null },
    ]);
    // A member who registers afterwards starts with a text profile.
    const c = await createMember(db);
    expect((await db.selectFrom('users').select('profile_format').where('id', '=', c.id).executeTakeFirstOrThrow()).profile_format).toBe(
      'text',
    );
  });
});
