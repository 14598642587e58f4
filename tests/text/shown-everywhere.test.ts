import pino from 'pino';
import type { Board } from '../../server/boards/boards.service';
import { loadConfig } from '../../server/config';
import { sendDigests } from '../../server/email/email.digest';
import { type Mailer, createMailer } from '../../server/mail/mail.transport';
import type { HttpClient } from '../helpers/app';
import { type TestMember, createMember, createModerator, createTestBoard, logInClient, postReply, postThread } from '../factories';
import { type MailApp, PUBLIC_URL, startMailApp } from '../email/setup';
import { recipient } from '../email/smtp';
import { Reader } from '../helpers/live';
import { clockPast } from '../helpers/wait';

// Pins and glossaries everywhere text is shown (issue 18): one post holds a pin and a board
// glossary term, and every surface that shows its text shows it resolved and by the board's
// glossary, in two variants (Taiwan's, and as written). A surface that converted by the code's
// rules alone would show 軟體 (the dictionaries') instead of the board's 軟件; one that did not
// resolve pins would show the syntax. Then: glossary flags in the admin inbox, titles there
// resolved, feeds' If-Modified-Since after a glossary change, and a 悄悄話's bytes.
jest.setTimeout(90_000);

const PIN = '-{zh-hans:芯片;zh-tw:晶片}-';
/** What each reader reads: Taiwan's by the board's glossary (軟件, not the dictionaries' 軟體) and the pin's form. */
const TW = '軟件晶片';
const WRITTEN = '软件芯片';

let mail: MailApp;
let mailer: Mailer;
let board: Board;
let writer: HttpClient;
let writerMember: TestMember;
let other: HttpClient;
let otherMember: TestMember;
let moderator: HttpClient;
let admin: HttpClient;
let newcomer: HttpClient;
let threadId: string;

/** Holds the reading in Taiwan's variant, and no pin syntax. */
function readsTw(text: string): void {
  expect(text).toContain(TW);
  expect(text).not.toContain('-{');
  expect(text).not.toContain('軟體晶片');
}
function readsWritten(text: string): void {
  expect(text).toContain(WRITTEN);
  expect(text).not.toContain('-{');
}

beforeAll(async () => {
  mail = await startMailApp();
  mailer = createMailer(loadConfig({ SMTP_URL: mail.smtp.url, PUBLIC_URL }).mail!, pino({ level: 'silent' }));
  const { app } = mail;
  board = await createTestBoard(app.db);
  // The cast, made and logged in side by side (one after the other, it was most of this set-up on a loaded machine).
  let moderatorMember: TestMember, adminMember: TestMember, newcomerMember: TestMember;
  [writerMember, otherMember, moderatorMember, adminMember, newcomerMember] = await Promise.all([
    createMember(app.db),
    createMember(app.db),
    createModerator(app.db, board),
    createMember(app.db, { role: 'admin' }),
    createMember(app.db),
  ]);
  await app.db.updateTable('users').set({ trust: 'trusted' }).where('id', 'in', [writerMember.id, otherMember.id]).execute();
  [writer, other, moderator, admin, newcomer] = [app.client(), app.client(), app.client(), app.client(), app.client()];
  await Promise.all([
    logInClient(writer, writerMember),
    logInClient(other, otherMember),
    logInClient(moderator, moderatorMember),
    logInClient(admin, adminMember),
    logInClient(newcomer, newcomerMember),
  ]);

  expect((await moderator.post(`/api/boards/${board.slug}/glossary/terms`, { text: '软件', forms: { 'zh-tw': '軟件' } })).status).toBe(201);
  threadId = (await postThread(writer, board, `软件${PIN}`, `<p>软件${PIN}</p>`)).id;
  // A follow-up with the same title: the writer is notified with it.
  await postReply(other, threadId, `软件${PIN}`, '<p>好</p>');
  // A newcomer's follow-up on a board with review on waits in the queue.
  await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', board.id).execute();
  const held = await newcomer.post(`/api/posts/${threadId}/replies`, { title: `软件${PIN}`, body: `<p>软件${PIN}</p>` });
  expect(held.status).toBe(202);
});
afterAll(async () => {
  mailer?.close();
  await mail?.close();
});

describe('one post with a pin and a board glossary term', () => {
  it('reads resolved and by its board’s glossary on the page, the JSON, the feed and the hot list', async () => {
    const { app } = mail;
    readsTw((await app.client().get(`/zh-tw/t/${threadId}`)).text);
    readsWritten((await app.client().get(`/t/${threadId}`)).text);
    const api = await app.client().get(`/api/posts/${threadId}?variant=zh-tw`);
    readsTw(api.json.post.title);
    readsTw(api.json.post.body);
    readsWritten((await app.client().get(`/api/posts/${threadId}`)).json.post.title);
    const feed = await app.client().get(`/zh-tw/b/${board.slug}/feed.xml`);
    readsTw(feed.text);
    readsWritten((await app.client().get(`/b/${board.slug}/feed.xml`)).text);
    readsTw((await app.client().get(`/zh-tw/t/${threadId}/feed.xml`)).text);
    readsTw((await app.client().get(`/zh-tw/b/${board.slug}`)).text);
  });

  it('reads so in the revisions page and its API', async () => {
    const { app } = mail;
    readsTw((await app.client().get(`/zh-tw/t/${threadId}/revisions`)).text);
    const api = await app.client().get(`/api/posts/${threadId}/revisions?variant=zh-tw`);
    expect(api.status).toBe(200);
    readsTw(api.json.revisions[0].title);
  });

  it('reads so in the notification list and the email digest', async () => {
    const { app } = mail;
    readsTw((await writer.get('/zh-tw/notifications')).text);
    const email = `shown.${Date.now()}@example.net`;
    await app.db
      .updateTable('users')
      .set({ email, email_verified_at: new Date(), digest: true, mail_variant: 'zh-tw', digest_sent_at: null })
      .where('id', '=', writerMember.id)
      .execute();
    await sendDigests({
      db: app.db,
      mailer,
      log: pino({ level: 'silent' }),
      timeZone: 'Asia/Shanghai',
      conversions: app.caches.conversions,
    });
    const digest = await mail.smtp.waitFor((m) => recipient(m) === email);
    readsTw(digest.text ?? '');
  });

  it('reads so in the review queue (page and API) and in the author’s own waiting posts', async () => {
    readsTw((await moderator.get(`/zh-tw/b/${board.slug}/queue`)).text);
    const queue = await moderator.get(`/api/boards/${board.slug}/queue?variant=zh-tw`);
    readsTw(queue.json.held[0].title);
    readsTw(queue.json.held[0].body);
    readsWritten((await moderator.get(`/api/boards/${board.slug}/queue`)).json.held[0].title);
    const own = await newcomer.get('/api/me/held?variant=zh-tw');
    readsTw(own.json.held[0].title);
    // On the thread's page, where the author sees it waiting.
    readsTw((await newcomer.get(`/zh-tw/t/${threadId}`)).text);
  });

  it('reads so in the composer’s preview, a board’s glossary when the post would go to a board', async () => {
    const body = { body: `软件${PIN}`, format: 'text', variant: 'zh-tw' };
    readsTw((await writer.post('/api/preview', { ...body, board: board.slug })).json.html);
    readsTw((await writer.post('/api/preview', { ...body, post: threadId })).json.html);
    // Nowhere in particular: the site's glossary only (the dictionaries' 軟體).
    expect((await writer.post('/api/preview', body)).json.html).toContain('軟體晶片');
    readsWritten((await writer.post('/api/preview', { body: `软件${PIN}`, format: 'text', board: board.slug })).json.html);
    // The form's preview button on the thread page.
    const form = await writer.postForm(`/zh-tw/t/${threadId}/reply`, { title: 't', body: `软件${PIN}`, preview: '1' });
    expect(form.status).toBe(200);
    expect(form.text).toContain(`<p>${TW}</p>`);
  });

  it('reads so in a 悄悄話’s quoted title, and its preview resolves pins as written', async () => {
    const composer = await writer.get(`/zh-tw/messages?to=${encodeURIComponent(otherMember.name)}&post=${threadId}`);
    expect(composer.status).toBe(200);
    readsTw(composer.text);
    const preview = await writer.post('/api/messages/preview', { body: `软件${PIN}`, format: 'text' });
    readsWritten(preview.json.html);
  });
});

describe('the other surfaces a reader walks through, in two scripts', () => {
  const stripped = (html: string) => html.replace(/<[^>]+>/g, '');

  it('reads so in the live line: the socket event’s title and body, per reader’s variant', async () => {
    const { app } = mail;
    const tw = new Reader(app.baseUrl);
    const asWritten = new Reader(app.baseUrl);
    try {
      await tw.join(threadId, 'zh-tw');
      await asWritten.join(threadId);
      expect((await postReply(other, threadId, `软件${PIN}`, `<p>软件${PIN}</p>`)).id).toBeTruthy();
      const [event] = (await tw.waitFor(1)).filter((e) => e.name === 'post:new');
      readsTw(event!.post!.title);
      readsTw(event!.html!);
      const [written] = (await asWritten.waitFor(1)).filter((e) => e.name === 'post:new');
      readsWritten(written!.post!.title);
      readsWritten(written!.html!);
    } finally {
      tw.close();
      asWritten.close();
    }
  });

  it('reads so in search snippets and titles (API and page)', async () => {
    const { app } = mail;
    const query = (variant?: string) => new URLSearchParams({ q: '芯片', board: board.slug, ...(variant ? { variant } : {}) });
    const api = await app.client().get(`/api/search?${query('zh-tw')}`);
    const hit = api.json.results.find((r: { post: { id: string } }) => r.post.id === threadId);
    readsTw(stripped(hit.snippet));
    readsTw(hit.threadTitle);
    const written = (await app.client().get(`/api/search?${query()}`)).json.results.find(
      (r: { post: { id: string } }) => r.post.id === threadId,
    );
    readsWritten(stripped(written.snippet));
    readsTw(stripped((await app.client().get(`/zh-tw/search?${query()}`)).text));
  });

  it('reads so in the hot list (the home page’s and the API’s) and in the board list’s descriptions', async () => {
    const { app } = mail;
    await app.db
      .updateTable('boards')
      .set({ description: `软件${PIN}` })
      .where('id', '=', board.id)
      .execute();
    const hot = await app.client().get('/api/hot?variant=zh-tw&hot=week');
    readsTw(hot.json.threads.find((t: { threadId: string }) => t.threadId === threadId).title);
    readsWritten(
      (await app.client().get('/api/hot?hot=week')).json.threads.find((t: { threadId: string }) => t.threadId === threadId).title,
    );
    const home = (await app.client().get('/zh-tw/?hot=week')).text;
    readsTw(home);
    // The board's description, by its board's glossary: the list shows it after the board's name.
    expect(home).toContain(`<span class="board-description"> — ${TW}</span>`);
    expect((await app.client().get('/')).text).toContain(`<span class="board-description"> — ${WRITTEN}</span>`);
    // And in the JSON list of boards, by the same glossary (issue 18: it once came unconverted).
    const api = (await app.client().get('/api/boards?variant=zh-tw')).json.boards.find((b: { slug: string }) => b.slug === board.slug);
    readsTw(api.description);
    readsWritten((await app.client().get('/api/boards')).json.boards.find((b: { slug: string }) => b.slug === board.slug).description);
  });

  it('reads a 悄悄話’s own page by the site’s rules alone (it is on no board), pins resolved', async () => {
    const sent = await writer.post('/api/messages', { to: otherMember.name, title: `软件${PIN}`, body: `软件${PIN}`, format: 'text' });
    expect(sent.status).toBe(201);
    const id = sent.json.message.id as string;
    const tw = (await other.get(`/zh-tw/messages/${id}`)).text;
    // The board's 軟件 does not apply off the board: the dictionaries' 軟體, and the pin's 晶片.
    expect(tw).toContain('軟體晶片');
    expect(tw).not.toContain('-{');
    readsWritten((await other.get(`/messages/${id}`)).text);
  });
});

describe('the admin inbox', () => {
  it('counts and lists glossary flags, and shows reported titles resolved in the reader’s variant', async () => {
    expect((await other.post(`/api/posts/${threadId}/conversion-flag`, { wrong: '晶片', fixed: '芯片', variant: 'zh-tw' })).status).toBe(
      201,
    );
    expect((await other.post(`/api/posts/${threadId}/report`, { reason: '測試' })).status).toBe(201);
    const api = await admin.get('/api/admin/inbox');
    expect(api.json.counts.glossaryFlags).toBe(1);
    expect(api.json.glossaryFlags).toEqual([expect.objectContaining({ board: board.slug, count: 1 })]);
    readsWritten(api.json.reports[0].title);
    expect(api.json.reports[0].post).toBeUndefined();
    const page = await admin.get('/zh-tw/admin/inbox');
    expect(page.text).toContain(`/b/${board.slug}/glossary#flags`);
    readsTw(page.text);
    expect((await admin.get('/admin')).text).toContain('1 條未處理的轉換有誤報告');
    // Not for a moderator.
    expect((await moderator.get('/api/admin/inbox')).status).toBe(403);
    // The board's glossary queue shows the post's title resolved too.
    readsTw((await moderator.get(`/zh-tw/b/${board.slug}/glossary`)).text);
  });
});

describe('a feed asked with If-Modified-Since alone', () => {
  it('is 304 until a glossary changes, then 200 with the new text', async () => {
    const { app } = mail;
    const path = `/zh-tw/b/${board.slug}/feed.xml`;
    const first = await app.client().get(path);
    const modified = first.headers.get('last-modified')!;
    expect((await app.client().get(path, { 'if-modified-since': modified })).status).toBe(304);
    // A change after that second (Last-Modified counts whole seconds, a glossary change rounded up).
    await clockPast(modified);
    expect((await moderator.post(`/api/boards/${board.slug}/glossary/terms`, { text: '软件', forms: { 'zh-tw': '軟件兒' } })).status).toBe(
      201,
    );
    const after = await app.client().get(path, { 'if-modified-since': modified });
    expect(after.status).toBe(200);
    expect(after.text).toContain('軟件兒晶片');
    expect(Date.parse(after.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(modified));
    // As written, nothing is converted: the glossary changes nothing there.
    const written = await app.client().get(`/b/${board.slug}/feed.xml`);
    expect(
      (await app.client().get(`/b/${board.slug}/feed.xml`, { 'if-modified-since': written.headers.get('last-modified')! })).status,
    ).toBe(304);
  });
});

describe('a 悄悄話’s bytes', () => {
  it('count a pin as its first alternative, as a post’s do', async () => {
    const preview = await writer.post('/api/messages/preview', { body: PIN, format: 'text' });
    expect(preview.json.bytes).toBe(Buffer.byteLength('芯片'));
    const post = await writer.post('/api/preview', { body: PIN, format: 'text' });
    expect(post.json.bytes).toBe(preview.json.bytes);
    const sent = await writer.post('/api/messages', { to: otherMember.name, title: '你好', body: PIN, format: 'text' });
    expect(sent.status).toBe(201);
    expect(sent.json.message.bytes).toBe(Buffer.byteLength('芯片'));
  });
});
