import type { HttpClient, TestApp } from '../helpers/app';
import { countRows, snapshot } from '../helpers/rows';
import { type TestMember, createMember, createReply, createThread, logInClient, memberClient, startBoardApp } from '../factories';

// 悄悄話 through HTTP as members use them: the JSON API and the pages and forms, and what the
// database holds afterwards.

let app: TestApp;
let alice: TestMember;
let aliceClient: HttpClient;

beforeAll(async () => {
  ({ app, writer: aliceClient, member: alice } = await startBoardApp());
});
afterAll(() => app.close());

const MESSAGE_TABLES = ['conversations', 'messages', 'message_reports', 'message_report_reads', 'notifications'] as const;

/** A new member with a logged-in client. */
async function someone(): Promise<{ member: TestMember; client: HttpClient }> {
  const client = app.client();
  const member = await memberClient(app.db, client);
  return { member, client };
}

async function send(client: HttpClient, body: Record<string, unknown>) {
  return client.post('/api/messages', body);
}

/** The header's unread 悄悄話 count on a page (hidden at zero). */
function headerCount(html: string): string | null {
  const m = /<span class="unread" data-unread="messages"[^>]*?(hidden)?[^>]*>([^<]*)<\/span>/.exec(html);
  if (!m) throw new Error('no unread badge in the header');
  return m[1] ? null : m[2]!;
}

describe('sending', () => {
  it('sends a 悄悄話 with a title and a sanitized body, one conversation per pair, both ways', async () => {
    const { member: bob, client: bobClient } = await someone();
    const res = await send(aliceClient, {
      to: bob.name,
      title: '  你好   呀 ',
      body: '<p>第一句<script>alert(1)</script><b>粗</b></p>',
      format: 'html',
    });
    expect(res.status).toBe(201);
    const m = res.json.message;
    expect(m).toMatchObject({
      from: { name: alice.name, role: 'member' },
      to: { name: bob.name, role: 'member' },
      title: '你好 呀',
      body: '<p>第一句<b>粗</b></p>',
      // Counted on the source as written, as a post's "(N bytes)" is.
      bytes: Buffer.byteLength('<p>第一句<script>alert(1)</script><b>粗</b></p>'),
      quotedPost: null,
      readAt: null,
    });
    expect(res.headers.get('location')).toBe(`/messages/${m.id}`);
    expect(new Date(m.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // Bob answers: the same conversation, newest first in the conversation page.
    const back = await send(bobClient, { to: alice.name, title: '回覆：你好' });
    expect(back.status).toBe(201);
    expect(back.json.message.conversationId).toBe(m.conversationId);
    expect(back.json.message.body).toBe('');
    expect(back.json.message.bytes).toBe(0);
    const page = await bobClient.get(`/messages/with/${encodeURIComponent(alice.name)}`);
    expect(page.status).toBe(200);
    expect(page.text.indexOf('回覆：你好')).toBeLessThan(page.text.indexOf('你好 呀'));
    expect(page.text).not.toContain('<script>');
  });

  it('quotes the post it was written from, as a link back to it', async () => {
    const { member: bob } = await someone();
    const root = await createThread(app.db, { author: bob, title: '被引用的主題' });
    const reply = await createReply(app.db, root.id, { author: bob, title: '被引用的跟帖' });
    const res = await send(aliceClient, { to: bob.name, title: '看了你的帖子', postId: reply.id });
    expect(res.status).toBe(201);
    expect(res.json.message.quotedPost).toEqual({ id: reply.id, title: '被引用的跟帖' });
    const page = await aliceClient.get(`/messages/${res.json.message.id}`);
    expect(page.text).toContain(`href="/t/${reply.id}"`);
  });

  it('opens the composer from a follow-up line, addressed to its author and quoting it', async () => {
    const { member: bob } = await someone();
    const root = await createThread(app.db, { author: bob, title: '主題' });
    const reply = await createReply(app.db, root.id, { author: bob, title: '一條跟帖' });
    const thread = await aliceClient.get(`/t/${root.id}`);
    const link = new RegExp(`href="(/messages\\?to=${encodeURIComponent(bob.name)}&amp;post=${reply.id})" class="pm"`).exec(thread.text);
    expect(link).not.toBeNull();
    const composer = await aliceClient.get(link![1]!.replace(/&amp;/g, '&'));
    expect(composer.status).toBe(200);
    expect(composer.text).toContain(`name="to" required maxlength="64" value="${bob.name}"`);
    expect(composer.text).toContain(`name="postId" value="${reply.id}"`);
    expect(composer.text).toContain(`href="/t/${reply.id}"`);
    // The old link without a post, and /messages/new, open it too.
    for (const path of [`/messages?to=${encodeURIComponent(bob.name)}`, `/messages/new?to=${encodeURIComponent(bob.name)}`]) {
      const page = await aliceClient.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`value="${bob.name}"`);
    }
    // Sent from the form: to the message's page.
    const sent = await aliceClient.postForm('/messages', { to: bob.name, title: '從跟帖來的', body: '你好', postId: reply.id });
    expect(sent.status).toBe(303);
    const id = /\/messages\/(\d+)$/.exec(sent.headers.get('location')!)![1]!;
    const row = await app.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      title: '從跟帖來的',
      body: '<p>你好</p>',
      quoted_post_id: reply.id,
      sender_id: alice.id,
      recipient_id: bob.id,
    });
  });

  it('keeps a refused form’s text and says why in the reader’s script', async () => {
    const { member: bob } = await someone();
    const before = await snapshot(app.db, MESSAGE_TABLES);
    const res = await aliceClient.postForm('/zh-hans/messages', { to: bob.name, title: '   ', body: '我寫的內容' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-code="ValidationFailed"');
    expect(res.text).toContain('标题：必须填写。');
    expect(res.text).toContain('我寫的內容');
    expect(await snapshot(app.db, MESSAGE_TABLES)).toEqual(before);
  });
});

describe('reading', () => {
  it('counts unread messages in the header and the API; opening one marks it read and the count drops', async () => {
    const { member: carol, client: carolClient } = await someone();
    const first = (await send(aliceClient, { to: carol.name, title: '第一條' })).json.message;
    await send(aliceClient, { to: carol.name, title: '第二條' });
    expect(headerCount((await carolClient.get('/')).text)).toBe('2');
    const inbox = await carolClient.get('/api/messages');
    expect(inbox.json.unread.messages).toBe(2);
    expect(inbox.json.messages.map((m: { title: string }) => m.title)).toEqual(['第二條', '第一條']);
    expect((await carolClient.get('/messages')).text.match(/class="message-line unread"/g)).toHaveLength(2);

    // Opening the message: read, and the page's own header already says so.
    const page = await carolClient.get(`/messages/${first.id}`);
    expect(page.status).toBe(200);
    expect(headerCount(page.text)).toBe('1');
    expect((await carolClient.get(`/api/messages/${first.id}`)).json.message.readAt).not.toBeNull();
    // The sender sees that it was read, and reading it changes nothing for them.
    expect((await aliceClient.get(`/api/messages/${first.id}`)).json.message.readAt).not.toBeNull();

    // Marked unread again (API), then read (form).
    const unread = await carolClient.post(`/api/messages/${first.id}/read`, { read: false });
    expect(unread.json.message.readAt).toBeNull();
    expect((await carolClient.get('/api/messages')).json.unread.messages).toBe(2);
    const form = await carolClient.postForm(`/messages/${first.id}/read`, { read: '1' });
    expect(form.status).toBe(303);
    expect((await carolClient.get('/api/messages')).json.unread.messages).toBe(1);
    // A read mark is the recipient's: the sender's request changes nothing.
    const bySender = await aliceClient.post(`/api/messages/${first.id}/read`, { read: false });
    expect(bySender.status).toBe(200);
    expect(bySender.json.message.readAt).not.toBeNull();
  });

  it('pages boxes by keyset, newest first, with nothing repeated or skipped', async () => {
    const { member: dan, client: danClient } = await someone();
    const ids: string[] = [];
    for (let i = 0; i < 33; i++) ids.push((await send(aliceClient, { to: dan.name, title: `第 ${i} 條` })).json.message.id);
    const first = await danClient.get('/api/messages?box=inbox');
    expect(first.json.messages).toHaveLength(30);
    expect(first.json.nextCursor).toBe(ids[3]);
    const second = await danClient.get(`/api/messages?box=inbox&cursor=${first.json.nextCursor}`);
    expect(second.json.nextCursor).toBeNull();
    const all = [...first.json.messages, ...second.json.messages].map((m: { id: string }) => m.id);
    expect(all).toEqual([...ids].reverse());
    const sent = await aliceClient.get('/api/messages?box=sent');
    expect(sent.json.messages[0].id).toBe(ids[32]);
    const older = await danClient.get(`/messages?cursor=${first.json.nextCursor}`);
    expect(older.text).toContain('第 0 條');
    expect(older.text).not.toContain('第 32 條');
  });

  it('shows a message in the reader’s script, names as written', async () => {
    const { member: erin, client: erinClient } = await someone();
    const m = (await send(aliceClient, { to: erin.name, title: '軟體與記憶體', body: '<p>這個軟體很好</p>', format: 'html' })).json.message;
    const hans = await erinClient.get(`/api/messages/${m.id}?variant=zh-hans`);
    expect(hans.json.message.title).toBe('软件与内存');
    expect(hans.json.message.body).toBe('<p>这个软件很好</p>');
    const page = await erinClient.get(`/zh-hans/messages/${m.id}`);
    expect(page.text).toContain('软件与内存');
    expect(page.text).toContain(alice.name);
  });
});

describe('deleting', () => {
  it('deletes on one side only; the row goes once both sides deleted it', async () => {
    const { member: fay, client: fayClient } = await someone();
    const m = (await send(aliceClient, { to: fay.name, title: '要刪的' })).json.message;
    expect((await fayClient.request('DELETE', `/api/messages/${m.id}`)).json).toEqual({ ok: true });
    expect((await fayClient.get(`/api/messages/${m.id}`)).status).toBe(404);
    expect((await fayClient.get('/api/messages')).json.messages).toEqual([]);
    expect((await fayClient.get('/api/messages')).json.unread.messages).toBe(0);
    // The sender keeps theirs.
    expect((await aliceClient.get(`/api/messages/${m.id}`)).status).toBe(200);
    // A second delete is a 404, like any message no longer there for them.
    expect((await fayClient.request('DELETE', `/api/messages/${m.id}`)).status).toBe(404);
    const form = await aliceClient.postForm(`/messages/${m.id}/delete`, {});
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/messages?box=sent');
    expect(await app.db.selectFrom('messages').select('id').where('id', '=', m.id).executeTakeFirst()).toBeUndefined();
  });

  it('keeps a reported message for the admins even when both sides deleted it', async () => {
    const { member: gus, client: gusClient } = await someone();
    const m = (await send(aliceClient, { to: gus.name, title: '騷擾' })).json.message;
    expect((await gusClient.post(`/api/messages/${m.id}/report`, { reason: '騷擾我' })).status).toBe(201);
    await gusClient.request('DELETE', `/api/messages/${m.id}`);
    await aliceClient.request('DELETE', `/api/messages/${m.id}`);
    expect(await app.db.selectFrom('messages').select('id').where('id', '=', m.id).executeTakeFirst()).toBeDefined();
  });
});

describe('reports', () => {
  it('lets the recipient report; an admin reads it through the report (logged), dismisses it, and the reporter is told', async () => {
    const { member: hal, client: halClient } = await someone();
    const admin = await createMember(app.db, { role: 'admin' });
    const adminClient = app.client();
    await logInClient(adminClient, admin);
    const m = (await send(aliceClient, { to: hal.name, title: '不好的話', body: '<p>難聽的內容</p>', format: 'html' })).json.message;

    // The sender cannot report their own; the reason is required.
    expect((await aliceClient.post(`/api/messages/${m.id}/report`, { reason: 'x' })).json.error.code).toBe('NotAllowed');
    expect((await halClient.post(`/api/messages/${m.id}/report`, { reason: '  ' })).status).toBe(400);
    const form = await halClient.postForm(`/messages/${m.id}/report`, { reason: '罵人' });
    expect(form.status).toBe(303);
    expect((await halClient.post(`/api/messages/${m.id}/report`, { reason: '再一次' })).json.error.code).toBe('AlreadyReported');

    // The list shows the report but not the message; the admin's message URLs are still 404.
    const list = await adminClient.get('/admin/message-reports');
    expect(list.status).toBe(200);
    expect(list.text).toContain('罵人');
    expect(list.text).not.toContain('難聽的內容');
    expect((await adminClient.get(`/messages/${m.id}`)).status).toBe(404);
    const reportId = (await adminClient.get('/api/admin/message-reports')).json.reports.find(
      (r: { messageId: string }) => r.messageId === m.id,
    ).id;
    const reads = async () =>
      (await app.db.selectFrom('message_report_reads').select('admin_id').where('report_id', '=', reportId).execute()).length;
    expect(await reads()).toBe(0);
    const read = await adminClient.get(`/admin/message-reports/${reportId}`);
    expect(read.status).toBe(200);
    expect(read.text).toContain('難聽的內容');
    expect(await reads()).toBe(1);

    const dismissed = await adminClient.postForm(`/admin/message-reports/${reportId}/resolve`, { resolution: 'dismissed' });
    expect(dismissed.status).toBe(303);
    const notice = await app.db.selectFrom('notifications').selectAll().where('member_id', '=', hal.id).executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ kind: 'report-handled', actor_id: admin.id, data: { message: true, resolution: 'dismissed' } });
    // Closed: a second resolution is refused.
    expect((await adminClient.post(`/api/admin/message-reports/${reportId}/resolve`, { resolution: 'dismissed' })).status).toBe(404);
  });

  it('bans the sender site-wide through the moderation’s ban, and a banned member sends no 悄悄話', async () => {
    const { member: ivy, client: ivyClient } = await someone();
    const { member: spammer, client: spammerClient } = await someone();
    const admin = await createMember(app.db, { role: 'admin' });
    const adminClient = app.client();
    await logInClient(adminClient, admin);
    const m = (await send(spammerClient, { to: ivy.name, title: '廣告' })).json.message;
    const report = (await ivyClient.post(`/api/messages/${m.id}/report`, { reason: '廣告' })).json.report;
    const res = await adminClient.post(`/api/admin/message-reports/${report.id}/resolve`, {
      resolution: 'banned',
      days: 7,
      reason: '發廣告',
    });
    expect(res.status).toBe(200);
    expect(res.json.report).toMatchObject({ resolution: 'banned', resolvedBy: admin.name });
    const ban = await app.db.selectFrom('bans').selectAll().where('user_id', '=', spammer.id).executeTakeFirstOrThrow();
    expect(ban).toMatchObject({ board_id: null, reason: '發廣告' });
    expect(await countRows(app.db, 'moderation_log')).toBeGreaterThan(0);
    const again = await send(spammerClient, { to: ivy.name, title: '又來' });
    expect(again.status).toBe(403);
    expect(again.json.error.code).toBe('Banned');
  });

  it('is 404 to everyone but admins', async () => {
    const { client } = await someone();
    for (const path of ['/admin/message-reports', '/admin/message-reports/1', '/api/admin/message-reports']) {
      expect((await client.get(path)).status).toBe(404);
      expect((await app.client().get(path)).status).toBe(404);
    }
  });
});

describe('refusals', () => {
  it('refuses a member the recipient ignores, neutrally, and writes nothing', async () => {
    const { member: jo, client: joClient } = await someone();
    await app.db.insertInto('ignores').values({ member_id: jo.id, ignored_id: alice.id }).execute();
    const before = await snapshot(app.db, MESSAGE_TABLES);
    const res = await aliceClient.post('/api/messages', { to: jo.name, title: '你好' }, { 'accept-language': 'zh-CN' });
    expect(res.status).toBe(403);
    expect(res.json.error).toEqual({
      code: 'MessageRefused',
      message: 'This member does not take private messages from you.',
      localized: '无法给这位用户发送悄悄话。',
    });
    expect(JSON.stringify(res.json)).not.toMatch(/ignor|忽略/i);
    expect(await snapshot(app.db, MESSAGE_TABLES)).toEqual(before);
    // The other way round is fine: ignoring is one-way.
    expect((await send(joClient, { to: alice.name, title: '我可以' })).status).toBe(201);
  });

  it('refuses bad input clearly and writes nothing', async () => {
    const { member: kim } = await someone();
    const deleted = await createMember(app.db);
    await app.db.updateTable('users').set({ deleted_at: new Date() }).where('id', '=', deleted.id).execute();
    const root = await createThread(app.db, { title: '已刪' });
    await app.db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', root.id).execute();
    const before = await snapshot(app.db, MESSAGE_TABLES);
    const cases: [Record<string, unknown>, number, string][] = [
      [{ to: kim.name, title: '' }, 400, 'ValidationFailed'],
      [{ to: kim.name, title: '題'.repeat(101) }, 400, 'ValidationFailed'],
      [{ to: kim.name, title: 'a\u202eb' }, 400, 'ValidationFailed'],
      [{ to: kim.name }, 400, 'ValidationFailed'],
      [{ to: kim.name, title: 42 }, 400, 'ValidationFailed'],
      [{ to: kim.name, title: 't', body: { html: 1 } }, 400, 'ValidationFailed'],
      [{ to: ['x'], title: 't' }, 400, 'ValidationFailed'],
      [{ to: '', title: 't' }, 400, 'ValidationFailed'],
      [{ title: 't' }, 400, 'ValidationFailed'],
      [{ to: kim.name, title: 't', body: '帖'.repeat(7000) }, 413, 'PayloadTooLarge'],
      [{ to: 'nobody_here_at_all', title: 't' }, 404, 'MemberNotFound'],
      [{ to: alice.name, title: 't' }, 400, 'CannotMessage'],
      [{ to: alice.name.toUpperCase(), title: 't' }, 400, 'CannotMessage'],
      [{ to: deleted.name, title: 't' }, 410, 'CannotMessage'],
      [{ to: kim.name, title: 't', postId: 'abc' }, 400, 'ValidationFailed'],
      [{ to: kim.name, title: 't', postId: '999999999999' }, 404, 'PostNotFound'],
      [{ to: kim.name, title: 't', postId: root.id }, 404, 'PostNotFound'],
      [{ to: kim.name, title: 't', postId: { id: 1 } }, 400, 'ValidationFailed'],
      [{ to: kim.name, title: 't', postId: -3 }, 400, 'ValidationFailed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await send(aliceClient, body);
      expect([JSON.stringify(body).slice(0, 80), res.status, res.json?.error?.code]).toEqual([
        JSON.stringify(body).slice(0, 80),
        status,
        code,
      ]);
      expect(res.json.error.localized).toMatch(/\p{Script=Han}/u);
    }
    // The recipient's refusal names the recipient, not the script switch.
    const noName = await aliceClient.post('/api/messages', { to: '', title: 't' }, { 'accept-language': 'zh-TW' });
    expect(noName.json.error.localized).toMatch(/^收件人：/);
    for (const q of ['?box=trash', '?cursor=abc', '?cursor=1&cursor=2'])
      expect((await aliceClient.get(`/api/messages${q}`)).status).toBe(400);
    expect((await aliceClient.post('/api/messages/999999999/read', { read: 'yes' })).status).toBe(404);
    expect(await snapshot(app.db, MESSAGE_TABLES)).toEqual(before);
  });

  it('keeps hostile HTML out of bodies, titles and pages', async () => {
    const { member: lee, client: leeClient } = await someone();
    const res = await send(aliceClient, {
      to: lee.name,
      title: '<img src=x onerror=alert(1)>',
      body: '<a href="javascript:alert(1)">點我</a><img src="data:x" onerror="alert(1)"><iframe src="https://evil"></iframe><a href="https://ok.example/">好</a>',
      format: 'html',
    });
    expect(res.status).toBe(201);
    const body: string = res.json.message.body;
    expect(body).not.toMatch(/javascript:|onerror|iframe|data:/);
    expect(body).toContain('rel="nofollow ugc noopener"');
    const page = await leeClient.get(`/messages/${res.json.message.id}`);
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).not.toContain('<img src=x');
  });

  it('asks anonymous readers to log in for the boxes and the composer', async () => {
    const anon = app.client();
    for (const path of ['/messages', '/messages/new', '/messages?box=sent']) {
      const res = await anon.get(path);
      expect(res.status).toBe(401);
      expect(res.text).toContain('/login?next=');
    }
    expect((await anon.get('/api/messages')).status).toBe(401);
    expect((await anon.post('/api/messages', { to: alice.name, title: 'x' })).status).toBe(401);
  });
});
