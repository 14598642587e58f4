import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/database';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { snapshot } from '../helpers/rows';
import { PASSWORD, type TestMember, createMember, createTestBoard, memberClient, postReply, postThread } from '../factories';
import { PROFILE_MAX_BYTES } from '../../server/people/settings.service';

let app: TestApp;
let board: { slug: string };

beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
});
afterAll(() => app.close());

async function newMember(name?: string): Promise<{ client: HttpClient; member: TestMember }> {
  const client = app.client();
  const member = await memberClient(app.db, client, name ? { name } : {});
  // The first request of a session marks the member seen today; done here so snapshots stay still.
  await client.get('/api/me');
  return { client, member };
}

/** A 悄悄話 written straight into the tables (the messages feature is another part of the issue). */
async function message(
  db: Kysely<Database>,
  from: TestMember,
  to: TestMember,
  title: string,
  deleted: { bySender?: boolean; byRecipient?: boolean } = {},
) {
  const [low, high] = BigInt(from.id) < BigInt(to.id) ? [from.id, to.id] : [to.id, from.id];
  const conversation = await db
    .insertInto('conversations')
    .values({ member_low: low, member_high: high })
    .onConflict((oc) => oc.columns(['member_low', 'member_high']).doUpdateSet({ last_message_at: new Date() }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return db
    .insertInto('messages')
    .values({
      conversation_id: conversation.id,
      sender_id: from.id,
      recipient_id: to.id,
      title,
      body: `<p>${title}的內容</p>`,
      sender_deleted_at: deleted.bySender ? new Date() : null,
      recipient_deleted_at: deleted.byRecipient ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

const PEOPLE_TABLES = ['users', 'sessions', 'follows', 'ignores', 'posts'] as const;

describe('/settings', () => {
  it('has every section, in both scripts, with links under the reader’s prefix; /account leads here', async () => {
    const { client } = await newMember();
    const page = await client.get('/zh-hans/settings');
    expect(page.status).toBe(200);
    for (const words of ['个人简介', '通知与隐私', '已忽略的用户', '修改密码', '登录设备', '下载我的资料', '删除账号', '版务通知']) {
      expect(page.text).toContain(words);
    }
    for (const action of ['/settings/profile', '/settings/preferences', '/settings/password', '/settings/delete']) {
      expect(page.text).toContain(`action="/zh-hans${action}"`);
    }
    expect(page.text).toContain('href="/zh-hans/settings/ignored"');
    expect(page.text).toContain('href="/zh-hans/settings/export"');
    const traditional = await client.get('/zh-hant/settings');
    expect(traditional.text).toContain('通知與隱私');
    expect((await client.get('/account?saved=password')).headers.get('location')).toBe('/settings?saved=password');
    expect((await app.client().get('/settings')).status).toBe(401);
    expect((await app.client().get('/settings/ignored')).status).toBe(401);
  });

  it('saves notification preferences and "hide last seen" from the form; moderation notices stay on', async () => {
    const { client, member } = await newMember();
    const res = await client.postForm('/settings/preferences', {
      'notify-reply': 'on',
      'notify-followed-thread': 'on',
      hideLastSeen: 'on',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/settings?saved=preferences');
    const row = await app.db
      .selectFrom('users')
      .select(['notify_prefs', 'hide_last_seen'])
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    // Quotes (引用) not ticked: off too.
    expect(row).toEqual({ notify_prefs: { 'thread-reply': false, mention: false, quote: false }, hide_last_seen: true });
    const page = await client.get('/settings?saved=preferences');
    expect(page.text).toContain('設置已保存。');
    expect(page.text).toContain('name="notify-reply" value="on" checked');
    expect(page.text).toMatch(/name="notify-mention" value="on">/);
    expect(page.text).toContain('name="hideLastSeen" value="on" checked');
    expect((await client.get('/api/me/settings')).json.settings).toEqual({
      profile: '',
      profileSource: '',
      profileFormat: 'text',
      hideLastSeen: true,
      timeZone: null,
      notify: { reply: true, 'thread-reply': false, mention: false, quote: false, 'followed-thread': true },
    });
    // The API changes one kind and leaves the rest; a moderation kind is not a setting.
    const patched = await client.request('PATCH', '/api/me/settings', { json: { notify: { mention: true } } });
    expect(patched.json.settings.notify).toEqual({
      reply: true,
      'thread-reply': false,
      mention: true,
      quote: false,
      'followed-thread': true,
    });
    const moderation = await client.request('PATCH', '/api/me/settings', { json: { notify: { banned: false } } });
    expect(moderation.status).toBe(400);
    expect(moderation.json.error.code).toBe('ValidationFailed');
  });

  it('refuses wrong types and unknown fields with 400, changing nothing', async () => {
    const { client } = await newMember();
    const before = await snapshot(app.db, PEOPLE_TABLES);
    for (const json of [
      { hideLastSeen: 'yes' },
      { profile: 42 },
      { profile: ['a'] },
      { notify: { reply: 'off' } },
      { notify: 'all' },
      { role: 'admin' },
    ]) {
      const res = await client.request('PATCH', '/api/me/settings', { json });
      expect({ json, status: res.status, code: res.json?.error?.code }).toEqual({ json, status: 400, code: 'ValidationFailed' });
    }
    expect((await client.postForm('/settings/preferences', { hideLastSeen: 'maybe' })).status).toBe(400);
    expect((await client.post('/api/me/delete', { password: 12345678 })).status).toBe(400);
    expect(
      (await client.request('PATCH', '/api/me/settings', { raw: 'profile=x', contentType: 'application/x-www-form-urlencoded' })).status,
    ).toBe(415);
    expect(await snapshot(app.db, PEOPLE_TABLES)).toEqual(before);
  });

  it('sanitizes a hostile profile, and refuses an oversize one in the reader’s script with the text kept', async () => {
    const { client, member } = await newMember();
    const hostile =
      '<p>hi<img src=x onerror=alert(1)><iframe src="https://evil.example"></iframe><a href="javascript:alert(1)">x</a></p><style>*{}</style>';
    expect((await client.postForm('/settings/profile', { profile: hostile, format: 'html' })).status).toBe(303);
    const stored = (await app.db.selectFrom('users').select('profile').where('id', '=', member.id).executeTakeFirstOrThrow()).profile;
    expect(stored).toBe('<p>hix</p>');
    // The same as text (the default): shown exactly as typed, nothing of it markup.
    // (No address in it: a new member's profile may hold no link, written or bare.)
    const typed = '<p onclick="x()">hi<script>alert(1)</script></p> & a<b';
    expect((await client.request('PATCH', '/api/me/settings', { json: { profile: typed } })).status).toBe(200);
    const asText = (await app.db.selectFrom('users').select('profile').where('id', '=', member.id).executeTakeFirstOrThrow()).profile;
    expect(asText).toBe(`<p>${typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`);
    expect((await client.postForm('/settings/profile', { profile: hostile, format: 'html' })).status).toBe(303);

    const long = '長'.repeat(Math.ceil(PROFILE_MAX_BYTES / 3) + 10);
    const refused = await client.postForm('/zh-hans/settings/profile', { profile: long });
    expect(refused.status).toBe(413);
    expect(refused.text).toMatch(
      /<p class="error-message" role="alert" data-code="PayloadTooLarge">简介有 \d+ 字节，上限是 10000 字节：请删短一些。<\/p>/,
    );
    expect(refused.text).toContain(`>${long}</textarea>`);
    const api = await client.request('PATCH', '/api/me/settings?variant=zh-hans', { json: { profile: long } });
    expect(api.status).toBe(413);
    expect(api.json.error.code).toBe('PayloadTooLarge');
    expect((await app.db.selectFrom('users').select('profile').where('id', '=', member.id).executeTakeFirstOrThrow()).profile).toBe(stored);
  });

  it('downloads one’s own posts and messages as JSON, and nobody else’s', async () => {
    const { client, member } = await newMember('exporter');
    const { client: otherClient, member: other } = await newMember('other_party');
    const root = await postThread(client, board, '我的主題', '<p>正文</p>');
    const reply = await postReply(client, root.id, '我的跟帖');
    await postReply(otherClient, root.id, '別人的跟帖');
    const sent = await message(app.db, member, other, '我寄出的');
    const received = await message(app.db, other, member, '我收到的');
    await message(app.db, member, other, '我刪了的', { bySender: true });
    await message(app.db, other, member, '收到後刪了', { byRecipient: true });
    const theirs = await message(app.db, other, member, '對方刪了我還留著', { bySender: true });

    const res = await client.get('/settings/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="gentie-export-\d{4}-\d\d-\d\d\.json"; filename\*=UTF-8''gentie-exporter-/,
    );
    const data = JSON.parse(res.text);
    expect(data.member).toMatchObject({ name: 'exporter', role: 'member', profile: '', hideLastSeen: false });
    expect(data.posts.map((p: { id: string }) => p.id)).toEqual([root.id, reply.id]);
    expect(data.posts[0]).toMatchObject({ board: board.slug, title: '我的主題', body: '<p>正文</p>', parentId: null, deleted: false });
    expect(data.messages.map((m: { id: string }) => m.id)).toEqual([sent.id, received.id, theirs.id]);
    expect(data.messages[0]).toMatchObject({ from: 'exporter', to: 'other_party', title: '我寄出的', body: '<p>我寄出的的內容</p>' });
    // The other party's download holds their own side only.
    const otherData = JSON.parse((await otherClient.get('/api/me/export')).text);
    expect(otherData.messages.map((m: { title: string }) => m.title)).toEqual(['我寄出的', '我收到的', '我刪了的', '收到後刪了']);
    expect(otherData.posts).toHaveLength(1);
    expect((await app.client().get('/settings/export')).status).toBe(401);
  });
});

describe('deleting one’s account', () => {
  it('refuses a wrong password in the reader’s script, changing nothing', async () => {
    const { client } = await newMember();
    const before = await snapshot(app.db, PEOPLE_TABLES);
    const res = await client.postForm('/zh-hans/settings/delete', { password: 'not my password', confirm: 'yes' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('data-code="InvalidCredentials">当前密码错误。');
    const unticked = await client.postForm('/settings/delete', { password: PASSWORD });
    expect(unticked.status).toBe(400);
    expect(await snapshot(app.db, PEOPLE_TABLES)).toEqual(before);
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('ends every session, refuses log-in, keeps the name reserved and the posts attributed; the page says so', async () => {
    const { client, member } = await newMember('leaving_soon');
    const elsewhere = app.client();
    await elsewhere.post('/api/login', { username: member.name, password: member.password });
    const fan = await newMember();
    const post = await postThread(client, board, '我走了以後還在');
    await client.postForm('/settings/profile', { profile: '我的簡介' });
    await fan.client.post('/api/members/leaving_soon/follow');
    await client.post(`/api/members/${encodeURIComponent(fan.member.name)}/ignore`);

    const res = await client.postForm('/settings/delete', { password: member.password, confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/u/leaving_soon');
    expect(client.cookies.has('gentie_session')).toBe(false);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    const login = await app.client().post('/api/login', { username: member.name, password: member.password });
    expect(login.status).toBe(401);
    expect(login.json.error.code).toBe('InvalidCredentials');
    const again = await app.client().post('/api/register', { username: 'Leaving_Soon', password: 'another passphrase 42' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('NameTaken');

    const page = await app.client().get('/u/leaving_soon');
    expect(page.status).toBe(200);
    expect(page.text).toContain('此帳號已刪除。');
    expect(page.text).not.toContain('我的簡介');
    expect(page.text).toContain(`id="p${post.id}"`);
    expect((await app.client().get(`/api/posts/${post.id}`)).json.post.author.name).toBe('leaving_soon');
    expect((await app.client().get('/api/members/leaving_soon')).json.member).toMatchObject({
      deleted: true,
      profile: '',
      lastSeenOn: null,
    });
    // The fan's follow and the member's own ignores went with the account.
    expect(await app.db.selectFrom('follows').selectAll().where('followee_id', '=', member.id).execute()).toEqual([]);
    expect(await app.db.selectFrom('ignores').selectAll().where('member_id', '=', member.id).execute()).toEqual([]);
  });

  it('through the API as well, with the password', async () => {
    const member = await createMember(app.db);
    const client = app.client();
    await client.post('/api/login', { username: member.name, password: member.password });
    expect((await client.post('/api/me/delete', { password: 'wrong password' })).status).toBe(403);
    expect((await client.post('/api/me/delete', {})).status).toBe(400);
    expect((await client.post('/api/me/delete', { password: member.password })).json).toEqual({ ok: true });
    expect((await client.get('/api/me')).status).toBe(401);
    expect(
      (await app.db.selectFrom('users').select('deleted_at').where('id', '=', member.id).executeTakeFirstOrThrow()).deleted_at,
    ).not.toBeNull();
  });
});
