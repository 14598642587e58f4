import type { HttpClient, TestApp } from '../helpers/app';
import { startTestApp } from '../helpers/app';
import { type TestMember, createModerator, createTestBoard, logInClient, memberClient } from '../factories';
import { kindsFor, noticesOf } from '../notifications/helpers';

// 引用 (issue 16): a quote renders as a block naming the quoted post's author with a link back, in
// text as in markdown; "引用" on a post opens the reply form holding a quote of it (without
// JavaScript, the reply page prefilled); the quoted member is told ('quote'), unless it is their
// own post, they ignore the author, they muted the thread, the quoted post is deleted or the
// quoting post is held for review.
jest.setTimeout(60_000);

let app: TestApp;
let board: { id: string; slug: string };
let quoter: HttpClient;
let quoterMember: TestMember;
let author: HttpClient;
let authorMember: TestMember;
beforeAll(async () => {
  app = await startTestApp();
  board = await createTestBoard(app.db);
  quoter = app.client();
  quoterMember = await memberClient(app.db, quoter, { name: `quoter_${Date.now() % 100000}` });
  author = app.client();
  authorMember = await memberClient(app.db, author, { name: `quoted_${Date.now() % 100000}` });
});
afterAll(() => app.close());

const quoteOf = (name: string, postId: string, text: string) => `> [${name}](/t/${postId}) 寫道：\n> ${text}\n\n`;

async function write(client: HttpClient, path: string, title: string, body?: string, format = 'text') {
  const res = await client.post(path, { title, body, format });
  if (res.status !== 201 && res.status !== 202) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.json as { post: { id: string; threadId: string; body: string; bytes: number }; heldPost?: { id: string } };
}

/** A thread by the quoted member, with a follow-up of theirs (the post to quote) and one by the quoter to reply under. */
async function scene() {
  const root = (await write(author, `/api/boards/${board.slug}/threads`, '被引用的主題', '主題的第一段\n\n第二段')).post;
  const quoted = (await write(author, `/api/posts/${root.id}/replies`, '被引用的跟帖', '這是原話 a<b\n第二行\n\n別的段落')).post;
  const mine = (await write(quoter, `/api/posts/${root.id}/replies`, '引用者的跟帖')).post;
  return { root, quoted, mine };
}

describe('a quote in a post', () => {
  it('renders as a block with the author linked back, in text and in markdown alike', async () => {
    const { quoted, mine } = await scene();
    for (const format of ['text', 'markdown']) {
      const post = (
        await write(
          quoter,
          `/api/posts/${mine.id}/replies`,
          `引用 ${format}`,
          `${quoteOf(authorMember.name, quoted.id, '這是原話')}我同意`,
          format,
        )
      ).post;
      expect(post.body).toMatch(
        new RegExp(
          `^<blockquote>\\s*<p><a href="/t/${quoted.id}"[^>]*>${authorMember.name}</a> 寫道：<br />\\s*這是原話</p>\\s*</blockquote>\\s*<p>我同意</p>$`,
        ),
      );
      const page = await app.client().get(`/zh-hans/t/${post.id}`);
      // Links back under the reader's prefix, as every link to a page of the site.
      expect(page.text).toContain(`<a href="/zh-hans/t/${quoted.id}"`);
    }
  });
});

describe("a quote's attribution", () => {
  const attribution = (postId: string, name: string) => `<a href="/t/${postId}" class="quote-author">${name}</a>`;

  it("names the quoted post's author, whatever name the quote was written with, in every format", async () => {
    const { quoted, mine } = await scene();
    const bodies = {
      text: `${quoteOf('管理員', quoted.id, '我從沒說過的話')}我同意`,
      markdown: `${quoteOf('管理員', quoted.id, '我從沒說過的話')}我同意`,
      html: `<blockquote><p><a href="/t/${quoted.id}">管理員</a> 寫道：<br />我從沒說過的話</p></blockquote><p>我同意</p>`,
    };
    for (const [format, body] of Object.entries(bodies)) {
      const post = (await write(quoter, `/api/posts/${mine.id}/replies`, `冒名 ${format}`, body, format)).post;
      expect({ format, body: post.body }).toEqual({
        format,
        body: expect.stringContaining(`${attribution(quoted.id, authorMember.name)} 寫道：`),
      });
      expect(post.body).not.toContain('管理員');
      // The preview says the same before it is sent, and the page under a prefix links back under it.
      const preview = await quoter.post('/api/preview', { body, format });
      expect(preview.json.html).toBe(post.body);
      const page = await app.client().get(`/zh-hant/t/${post.id}`);
      expect(page.text).toContain(`<a href="/zh-hant/t/${quoted.id}" class="quote-author">${authorMember.name}</a>`);
    }
  });

  it('keeps a quote of no post as plain words, and no forged attribution class anywhere', async () => {
    const { quoted, mine } = await scene();
    const none = (await write(quoter, `/api/posts/${mine.id}/replies`, '沒有的帖子', quoteOf('管理員', '999999999', '假話'))).post;
    expect(none.body).toMatch(/^<blockquote>\s*<p>管理員 寫道：<br \/>\s*假話<\/p>\s*<\/blockquote>$/);
    const forged = `<p><a class="quote-author" href="/t/${quoted.id}">管理員</a> 說過</p>`;
    const html = (await write(quoter, `/api/posts/${mine.id}/replies`, '偽造的類', forged, 'html')).post;
    expect(html.body).not.toContain('quote-author');
    expect(html.body).toContain('>管理員</a> 說過');
  });

  it('is written again when the post is edited, and from the author as named now', async () => {
    const { quoted, mine } = await scene();
    const post = (await write(quoter, `/api/posts/${mine.id}/replies`, '會改的', quoteOf(authorMember.name, quoted.id, '原話'))).post;
    const edited = await quoter.request('PATCH', `/api/posts/${post.id}`, {
      json: { title: '改過的', body: quoteOf('別人', quoted.id, '原話'), format: 'text' },
    });
    expect(edited.status).toBe(200);
    expect(edited.json.post.body).toContain(attribution(quoted.id, authorMember.name));
    expect(edited.json.post.body).not.toContain('別人');
  });

  it('notifies the quoted member once for two of their posts quoted in one follow-up', async () => {
    const { root, quoted, mine } = await scene();
    const body = `${quoteOf('甲', root.id, '主題的第一段')}${quoteOf('乙', quoted.id, '這是原話')}兩段都引用`;
    const post = (await write(quoter, `/api/posts/${mine.id}/replies`, '引兩段', body)).post;
    expect(await kindsFor(app.db, authorMember.id, post.id)).toEqual(['quote']);
    expect(post.body.match(/class="quote-author">([^<]*)</g)).toEqual([
      `class="quote-author">${authorMember.name}<`,
      `class="quote-author">${authorMember.name}<`,
    ]);
  });
});

describe('引用 on a post', () => {
  it('is offered to members who may reply, and opens the reply page with a quote of the first paragraph', async () => {
    const { quoted } = await scene();
    expect((await app.client().get(`/t/${quoted.id}`)).text).not.toContain('class="quote-post"');
    const page = await quoter.get(`/t/${quoted.id}`);
    expect(page.text).toContain(`href="/t/${quoted.id}/quote#reply" class="quote-post"`);

    const form = await quoter.get(`/t/${quoted.id}/quote`);
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toBe('private, no-store');
    // The first paragraph as written, escaped in the textarea; the second paragraph left out.
    expect(form.text).toContain(
      `<textarea name="body" rows="8">&gt; [${authorMember.name}](/t/${quoted.id}) 寫道：\n&gt; 這是原話 a&lt;b\n&gt; 第二行\n\n</textarea>`,
    );
    expect(form.text).not.toContain('別的段落</textarea>');
    // In the reader's script: the words of the attribution are the page's.
    const hans = await quoter.get(`/zh-hans/t/${quoted.id}/quote`);
    expect(hans.text).toContain(`(/t/${quoted.id}) 写道：\n`);
  });

  it('works as a plain form: the prefilled reply posts, and the toolbar waits hidden for the browser module', async () => {
    const { quoted } = await scene();
    const form = await quoter.get(`/zh-hans/t/${quoted.id}/quote`);
    expect(form.text).toContain('<div class="toolbar" role="toolbar" aria-label="格式工具" hidden>');
    // The browser module's words come with the form, in the page's script.
    expect(form.text).toContain('&quot;replyHere&quot;:&quot;回复&quot;');
    expect(form.text).toContain('&quot;bytes&quot;:&quot;(%d bytes)&quot;');
    const body = form.text
      .match(/<textarea name="body" rows="8">([^<]*)<\/textarea>/)![1]!
      .replace(/&gt;/g, '>')
      .replace(/&lt;/g, '<');
    const sent = await quoter.postForm(`/t/${quoted.id}/reply`, { title: '表單引用', body: `${body}好的`, format: 'text' });
    expect(sent.status).toBe(303);
    const postId = sent.headers.get('location')!.match(/#p(\d+)$/)![1]!;
    expect(await kindsFor(app.db, authorMember.id, postId)).toEqual(['reply']);
    // Quoted as the page showed it: in simplified characters.
    const page = await app.client().get(`/t/${postId}`);
    expect(page.text).toMatch(
      new RegExp(
        `<blockquote><p><a href="/t/${quoted.id}"[^>]*>${authorMember.name}</a> 写道：<br />这是原话 a&lt;b<br />第二行</p></blockquote><p>好的</p>`,
      ),
    );
  });

  it('quotes a title-only post by its title, and a deleted one not at all', async () => {
    const { root } = await scene();
    const titleOnly = (await write(author, `/api/posts/${root.id}/replies`, '只有標題')).post;
    expect((await quoter.get(`/t/${titleOnly.id}/quote`)).text).toContain(`(/t/${titleOnly.id}) 寫道：\n&gt; 只有標題\n\n</textarea>`);
    await author.request('DELETE', `/api/posts/${titleOnly.id}`);
    const deleted = await quoter.get(`/t/${titleOnly.id}/quote`);
    expect(deleted.status).toBe(200);
    expect(deleted.text).not.toContain('<textarea name="body" rows="8">&gt;');
  });

  it('asks a reader who is not logged in to log in', async () => {
    const { quoted } = await scene();
    const res = await app.client().get(`/t/${quoted.id}/quote`);
    expect(res.status).toBe(401);
    expect((await app.client().get('/t/99999999/quote')).status).toBe(401);
    expect((await quoter.get('/t/99999999/quote')).status).toBe(404);
  });
});

describe('the quoted member', () => {
  it('is told, once, with the quoting post; the notice reads "引用了您的帖子"', async () => {
    const { quoted, mine } = await scene();
    const post = (await write(quoter, `/api/posts/${mine.id}/replies`, '我引用了', quoteOf(authorMember.name, quoted.id, '這是原話'))).post;
    expect(await kindsFor(app.db, authorMember.id, post.id)).toEqual(['quote']);
    const list = await author.get('/api/notifications');
    const notice = list.json.notifications.find((n: { postId: string }) => n.postId === post.id);
    expect(notice).toMatchObject({
      kind: 'quote',
      text: `${quoterMember.name} 引用了您的帖子：我引用了`,
      actor: { name: quoterMember.name },
    });
  });

  it('is told of a quote in a new thread, and in markdown', async () => {
    const { quoted } = await scene();
    const thread = (
      await write(quoter, `/api/boards/${board.slug}/threads`, '新主題引用', quoteOf(authorMember.name, quoted.id, '原話'), 'markdown')
    ).post;
    expect(await kindsFor(app.db, authorMember.id, thread.id)).toEqual(['quote']);
  });

  it('gets a reply notice, not two, when the quote answers their own post', async () => {
    const { quoted } = await scene();
    const post = (await write(quoter, `/api/posts/${quoted.id}/replies`, '回覆並引用', quoteOf(authorMember.name, quoted.id, '這是原話')))
      .post;
    expect(await kindsFor(app.db, authorMember.id, post.id)).toEqual(['reply']);
  });

  it('is not told of a quote of their own post, nor of a deleted post', async () => {
    const { quoted, mine } = await scene();
    const self = (await write(author, `/api/posts/${mine.id}/replies`, '自己引用自己', quoteOf(authorMember.name, quoted.id, '這是原話')))
      .post;
    expect(await kindsFor(app.db, authorMember.id, self.id)).toEqual([]);
    const gone = (await write(author, `/api/posts/${mine.id}/replies`, '將被刪除', '內容')).post;
    expect((await author.request('DELETE', `/api/posts/${gone.id}`)).status).toBe(200);
    const post = (await write(quoter, `/api/posts/${mine.id}/replies`, '引用已刪除的帖', quoteOf(authorMember.name, gone.id, '內容'))).post;
    // Told as the thread's starter, as of any follow-up; not of the quote.
    expect(await kindsFor(app.db, authorMember.id, post.id)).toEqual(['thread-reply']);
  });

  it('is not told when they ignore the quoter, nor in a thread they muted', async () => {
    const ignorer = app.client();
    const ignorerMember = await memberClient(app.db, ignorer);
    const root = (await write(ignorer, `/api/boards/${board.slug}/threads`, '忽略者的主題')).post;
    const quoted = (await write(ignorer, `/api/posts/${root.id}/replies`, '忽略者的跟帖', '原話')).post;
    const mine = (await write(quoter, `/api/posts/${root.id}/replies`, '引用者')).post;
    expect((await ignorer.post(`/api/members/${encodeURIComponent(quoterMember.name)}/ignore`)).status).toBe(200);
    const ignored = (await write(quoter, `/api/posts/${mine.id}/replies`, '被忽略的引用', quoteOf(ignorerMember.name, quoted.id, '原話')))
      .post;
    expect(await kindsFor(app.db, ignorerMember.id, ignored.id)).toEqual([]);

    const { root: other, quoted: q2, mine: m2 } = await scene();
    expect((await author.post(`/api/threads/${other.id}/mute`)).status).toBeLessThan(300);
    const muted = (await write(quoter, `/api/posts/${m2.id}/replies`, '靜音的主題', quoteOf(authorMember.name, q2.id, '原話'))).post;
    expect(await kindsFor(app.db, authorMember.id, muted.id)).toEqual([]);
    // Muting one thread does not silence a quote from another.
    const elsewhere = (await write(quoter, `/api/boards/${board.slug}/threads`, '別處引用', quoteOf(authorMember.name, q2.id, '原話')))
      .post;
    expect(await kindsFor(app.db, authorMember.id, elsewhere.id)).toEqual(['quote']);
  });

  it('is not told while the quoting post is held for review, and is once it is approved; the queue shows the real author', async () => {
    const reviewed = await createTestBoard(app.db);
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', reviewed.id).execute();
    const moderator = await createModerator(app.db, reviewed);
    const mod = app.client();
    await logInClient(mod, moderator);
    const { quoted } = await scene();
    const before = (await noticesOf(app.db, authorMember.id)).length;
    const newcomer = app.client();
    await memberClient(app.db, newcomer);
    const res = await newcomer.post(`/api/boards/${reviewed.slug}/threads`, {
      title: '新人的引用',
      // A name typed over the real one: attributed from the post id while held, as when published.
      body: quoteOf('冒名頂替者', quoted.id, '這是原話'),
      format: 'text',
    });
    expect(res.status).toBe(202);
    const attribution = `<a href="/t/${quoted.id}"`;
    const inQueue = await mod.get(`/api/held/${res.json.heldPost.id}`);
    expect(inQueue.json.heldPost.body).toContain(attribution);
    expect(inQueue.json.heldPost.body).toContain(`>${authorMember.name}</a> 寫道`);
    expect(inQueue.json.heldPost.body).not.toContain('冒名頂替者');
    const page = await mod.get(`/b/${reviewed.slug}/queue`);
    // The queue shows a held post as text: the attribution's name and its link back.
    expect(page.text).toContain(`${authorMember.name} &lt;/t/${quoted.id}&gt; 寫道`);
    expect(page.text).not.toContain('冒名頂替者');
    expect((await noticesOf(app.db, authorMember.id)).length).toBe(before);
    const approved = await mod.post(`/api/held/${res.json.heldPost.id}/approve`);
    expect(approved.status).toBe(200);
    const postId = String(approved.json.heldPost.postId);
    expect(await kindsFor(app.db, authorMember.id, postId)).toEqual(['quote']);
  });
});
