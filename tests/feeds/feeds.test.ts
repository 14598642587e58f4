/**
 * Atom feeds (issue 15): a board's new threads, a thread's new follow-ups, a member's new threads
 * and every board's new threads, each under every variant prefix, through HTTP. Every feed is read
 * by two real XML parsers: fast-xml-parser for its structure, and Chromium's DOMParser, which is a
 * strict XML 1.0 parser (a character XML forbids, or "]]>" in text, is a parser error there).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { createMember, createTestBoard, createThread, logInClient, memberClient, postReply, postThread } from '../factories';
import { FEED_ENTRIES, hotFeed } from '../../server/feeds/feeds.service';

jest.setTimeout(60_000);

const ORIGIN = 'https://bbs.example.org';
const ATOM = 'http://www.w3.org/2005/Atom';
const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

/** The parts of an Atom document these tests read. */
interface AtomText {
  '#text'?: string;
  '@_type'?: string;
}
interface AtomLink {
  '@_rel': string;
  '@_href': string;
  '@_type'?: string;
}
interface AtomPerson {
  name: string;
  uri?: string;
}
interface AtomEntryXml {
  id: string;
  title: AtomText;
  link: AtomLink[];
  published: string;
  updated: string;
  author: AtomPerson[];
  summary: AtomText;
  category?: { '@_term': string; '@_label': string };
}
interface AtomFeedXml {
  '@_xmlns': string;
  '@_xml:lang'?: string;
  id: string;
  title: AtomText;
  subtitle?: AtomText;
  updated: string;
  link: AtomLink[];
  author: AtomPerson[];
  entry?: AtomEntryXml[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => name === 'entry' || name === 'link' || name === 'author',
});

const text = (t: AtomText | undefined) => t?.['#text'] ?? '';
const linkOf = (links: AtomLink[], rel: string) => links.find((l) => l['@_rel'] === rel)?.['@_href'];
const entriesOf = (feed: AtomFeedXml) => feed.entry ?? [];
const ids = (feed: AtomFeedXml) => entriesOf(feed).map((e) => e.id);
const postId = (id: string) => `${ORIGIN}/t/${id}`;

let app: TestApp;
let browser: Browser;
let page: Page;
let author: HttpClient;
let authorName: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp({ env: { PUBLIC_URL: ORIGIN } }), launchChromium()]);
  page = await browser.newPage();
  author = app.client();
  authorName = (await memberClient(app.db, author, { name: '跟帖作者' })).name;
  await app.db.updateTable('users').set({ trust: 'trusted' }).where('name', '=', authorName).execute();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The browser's DOMParser, as the page's function uses it (this file is compiled without the DOM's types). */
declare const DOMParser: new () => {
  parseFromString(
    source: string,
    type: string,
  ): { getElementsByTagName(name: string): { length: number }; documentElement: { namespaceURI: string | null } };
};

/** Whether Chromium's XML parser reads the document without an error, and its root's namespace. */
async function strictlyParsed(xml: string): Promise<{ ok: boolean; namespace: string | null }> {
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'application/xml');
    return { ok: doc.getElementsByTagName('parsererror').length === 0, namespace: doc.documentElement.namespaceURI };
  }, xml);
}

/**
 * A feed fetched and checked as every feed must be: 200, Atom's media type, well-formed for both
 * parsers, and the elements RFC 4287 requires, every URL absolute under PUBLIC_URL.
 */
async function fetchFeed(path: string, headers: Record<string, string> = {}, client = app.client()): Promise<AtomFeedXml> {
  const res = await client.get(path, headers);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(ATOM_CONTENT_TYPE);
  expect(XMLValidator.validate(res.text)).toBe(true);
  expect(await strictlyParsed(res.text)).toEqual({ ok: true, namespace: ATOM });
  const feed = (parser.parse(res.text) as { feed: AtomFeedXml }).feed;
  expect(feed['@_xmlns']).toBe(ATOM);
  expect(feed.id.startsWith(`${ORIGIN}/`)).toBe(true);
  expect(linkOf(feed.link, 'self')).toBe(feed.id);
  expect(linkOf(feed.link, 'alternate')?.startsWith(`${ORIGIN}/`)).toBe(true);
  expect(text(feed.title)).not.toBe('');
  expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
  for (const e of entriesOf(feed)) {
    expect(e.id.startsWith(`${ORIGIN}/t/`)).toBe(true);
    expect(e.title['@_type']).toBe('text');
    expect(linkOf(e.link, 'alternate')?.startsWith(`${ORIGIN}/`)).toBe(true);
    expect(Number.isNaN(Date.parse(e.published))).toBe(false);
    expect(Date.parse(e.updated)).toBeGreaterThanOrEqual(Date.parse(e.published));
    expect(Date.parse(feed.updated)).toBeGreaterThanOrEqual(Date.parse(e.updated));
    expect(e.author[0]!.name).not.toBe('');
    expect(e.author[0]!.uri?.startsWith(`${ORIGIN}/`)).toBe(true);
    expect(e.summary['@_type']).toBe('text');
    expect(text(e.summary)).not.toBe('');
  }
  return feed;
}

describe("a board's feed", () => {
  it('is valid Atom: its newest threads first, with an excerpt, its author and every URL absolute', async () => {
    const board = await createTestBoard(app.db, { name: '資訊版' });
    const long = `<p>${'長文的開頭。'.repeat(200)}</p>`;
    const first = await postThread(author, board, '第一個主題', '<p>第一個主題的<b>內容</b>。</p>');
    const second = await postThread(author, board, '第二個主題', long);
    const third = await postThread(author, board, '只有標題的主題');

    const feed = await fetchFeed(`/b/${board.slug}/feed.xml`);
    expect(feed.id).toBe(`${ORIGIN}/b/${board.slug}/feed.xml`);
    expect(linkOf(feed.link, 'alternate')).toBe(`${ORIGIN}/b/${board.slug}`);
    expect(text(feed.title)).toContain('資訊版');
    expect(ids(feed)).toEqual([third.id, second.id, first.id].map(postId));
    const [t3, t2, t1] = entriesOf(feed);
    expect(linkOf(t1!.link, 'alternate')).toBe(`${ORIGIN}/t/${first.id}`);
    expect(text(t1!.title)).toBe('第一個主題');
    expect(text(t1!.summary)).toBe('第一個主題的內容。');
    expect(t1!.author[0]).toEqual({ name: '跟帖作者', uri: `${ORIGIN}/u/${encodeURIComponent('跟帖作者')}` });
    expect(t1!.category).toEqual({ '@_term': board.slug, '@_label': '資訊版' });
    // A long body: its opening, bounded, marked as cut.
    const excerpt = [...text(t2!.summary)];
    expect(excerpt.length).toBeLessThanOrEqual(280);
    expect(excerpt.length).toBeGreaterThan(200);
    expect(text(t2!.summary).startsWith('長文的開頭。長文的開頭。')).toBe(true);
    expect(text(t2!.summary).endsWith('…')).toBe(true);
    // A title-only thread: its title is its whole message.
    expect(text(t3!.summary)).toBe('只有標題的主題');
    expect(feed.updated).toBe(t3!.updated);
  });

  it('holds the newest 30 threads, whatever the board holds', async () => {
    const board = await createTestBoard(app.db);
    const member = await createMember(app.db);
    const made: string[] = [];
    for (let i = 0; i < 33; i++) made.push((await createThread(app.db, { board, author: member, title: `主題 ${i}` })).id);
    const feed = await fetchFeed(`/b/${board.slug}/feed.xml`);
    expect(ids(feed)).toEqual(made.slice(-30).reverse().map(postId));
  });

  it('is an empty feed, still valid, for a board without threads', async () => {
    const board = await createTestBoard(app.db);
    const feed = await fetchFeed(`/b/${board.slug}/feed.xml`);
    expect(entriesOf(feed)).toEqual([]);
  });
});

describe("a thread's feed", () => {
  it('lists its follow-ups newest first, follows edits, and never shows deleted or held posts', async () => {
    const board = await createTestBoard(app.db);
    const root = await postThread(author, board, '跟帖的主題', '<p>主題的內容</p>');
    const a = await postReply(author, root.id, '第一條跟帖', '<p>原來的內容</p>');
    const b = await postReply(author, root.id, '將被刪除的跟帖');
    const c = await postReply(author, a.id, '第一條下面的跟帖');

    const before = await fetchFeed(`/t/${root.id}/feed.xml`);
    expect(before.id).toBe(`${ORIGIN}/t/${root.id}/feed.xml`);
    expect(linkOf(before.link, 'alternate')).toBe(`${ORIGIN}/t/${root.id}`);
    expect(text(before.title)).toContain('跟帖的主題');
    expect(ids(before)).toEqual([c.id, b.id, a.id].map(postId));
    const shownA = entriesOf(before)[2]!;
    expect(linkOf(shownA.link, 'alternate')).toBe(`${ORIGIN}/t/${root.id}?at=${a.id}#p${a.id}`);
    expect(shownA.updated).toBe(shownA.published);

    // An edit: the entry's title, excerpt and updated time follow it.
    const edited = await author.request('PATCH', `/api/posts/${a.id}`, { json: { title: '改過的第一條', body: '<p>改過的內容</p>' } });
    expect(edited.status).toBe(200);
    expect((await author.request('DELETE', `/api/posts/${b.id}`, { json: {} })).status).toBe(200);
    // Held for review: a new member's follow-up and thread on a board that holds them.
    await app.db.updateTable('boards').set({ review: 'new' }).where('id', '=', board.id).execute();
    const newcomer = app.client();
    await logInClient(newcomer, await createMember(app.db));
    expect((await newcomer.post(`/api/posts/${root.id}/replies`, { title: '等待審核的跟帖' })).status).toBe(202);
    expect((await newcomer.post(`/api/boards/${board.slug}/threads`, { title: '等待審核的主題' })).status).toBe(202);

    const after = await fetchFeed(`/t/${root.id}/feed.xml`);
    expect(ids(after)).toEqual([c.id, a.id].map(postId));
    const editedA = entriesOf(after)[1]!;
    expect(text(editedA.title)).toBe('改過的第一條');
    expect(text(editedA.summary)).toBe('改過的內容');
    expect(editedA.published).toBe(shownA.published);
    expect(Date.parse(editedA.updated)).toBeGreaterThan(Date.parse(editedA.published));
    const boardFeed = await app.client().get(`/b/${board.slug}/feed.xml`);
    expect(boardFeed.text).toContain('跟帖的主題');
    for (const feedText of [JSON.stringify(after), boardFeed.text]) {
      expect(feedText).not.toContain('等待審核');
      expect(feedText).not.toContain('將被刪除');
    }

    // A deleted thread leaves its board's feed and has none of its own.
    expect((await author.request('DELETE', `/api/posts/${root.id}`, { json: {} })).status).toBe(200);
    expect(ids(await fetchFeed(`/b/${board.slug}/feed.xml`))).not.toContain(postId(root.id));
    expect((await app.client().get(`/t/${root.id}/feed.xml`)).status).toBe(404);
  });
});

describe("a member's feed and every board's feed", () => {
  it("a member's feed lists the threads they started, not their follow-ups, deleted threads or anyone else's", async () => {
    const board = await createTestBoard(app.db);
    const other = app.client();
    await memberClient(app.db, other, { name: '別的作者' });
    const mine = await postThread(author, board, '我的主題');
    const theirs = await postThread(other, board, '別人的主題');
    const reply = await postReply(author, theirs.id, '我的跟帖');
    const gone = await postThread(author, board, '我刪掉的主題');
    expect((await author.request('DELETE', `/api/posts/${gone.id}`, { json: {} })).status).toBe(200);

    const path = `/u/${encodeURIComponent('跟帖作者')}/feed.xml`;
    const feed = await fetchFeed(path);
    expect(feed.id).toBe(`${ORIGIN}${path}`);
    expect(linkOf(feed.link, 'alternate')).toBe(`${ORIGIN}/u/${encodeURIComponent('跟帖作者')}`);
    expect(text(feed.title)).toContain('跟帖作者');
    expect(ids(feed)[0]).toBe(postId(mine.id));
    for (const absent of [theirs.id, reply.id, gone.id]) expect(ids(feed)).not.toContain(postId(absent));
    expect(entriesOf(feed).every((e) => e.author[0]!.name === '跟帖作者')).toBe(true);
    // Nothing of the member's own beyond their name and public threads.
    expect(JSON.stringify(feed)).not.toMatch(/email|last_seen|profile/i);
  });

  it("/feed.xml holds every board's newest threads, each naming its board", async () => {
    const one = await createTestBoard(app.db, { name: '一版' });
    const two = await createTestBoard(app.db, { name: '二版' });
    const a = await postThread(author, one, '一版的主題');
    const b = await postThread(author, two, '二版的主題');
    const feed = await fetchFeed('/feed.xml');
    expect(feed.id).toBe(`${ORIGIN}/feed.xml`);
    expect(ids(feed).slice(0, 2)).toEqual([b.id, a.id].map(postId));
    expect(entriesOf(feed)[0]!.category).toEqual({ '@_term': two.slug, '@_label': '二版' });
  });
});

describe('the hot feed', () => {
  it('lists the hot list’s threads in its order, at most 30, leaving out deleted threads, follow-ups and unknown ids', async () => {
    const board = await createTestBoard(app.db);
    const a = await postThread(author, board, '熱門一');
    const b = await postThread(author, board, '熱門二');
    const reply = await postReply(author, a.id, '熱門的跟帖');
    const gone = await postThread(author, board, '刪掉的熱門');
    expect((await author.request('DELETE', `/api/posts/${gone.id}`, { json: {} })).status).toBe(200);
    const content = await hotFeed(app.db, () => Promise.resolve([b.id, gone.id, a.id, reply.id, '999999999']));
    expect(content.path).toBe('/hot/feed.xml');
    expect(content.posts.map((p) => p.id)).toEqual([b.id, a.id]);
    const many = await hotFeed(app.db, () => Promise.resolve(Array.from({ length: 40 }, () => a.id)));
    expect(many.posts).toHaveLength(FEED_ENTRIES);
  });
});

describe('variants', () => {
  it('a prefixed feed is in its variant: titles and excerpts converted (code as written), links under the prefix', async () => {
    const board = await createTestBoard(app.db, { name: '科技版' });
    const simplified = await postThread(
      author,
      board,
      '软件出口管制',
      '<p>这是关于<b>软件</b>出口管制的讨论。</p><pre><code>软件 = 1</code></pre>',
    );
    const traditional = await postThread(author, board, '軟體更新', '<p>這是關於軟體更新的說明。</p>');

    const tw = await fetchFeed(`/zh-tw/b/${board.slug}/feed.xml`);
    expect(tw['@_xml:lang']).toBe('zh-Hant-TW');
    expect(tw.id).toBe(`${ORIGIN}/zh-tw/b/${board.slug}/feed.xml`);
    expect(linkOf(tw.link, 'alternate')).toBe(`${ORIGIN}/zh-tw/b/${board.slug}`);
    expect(text(tw.title)).toContain('新主題');
    const twEntry = entriesOf(tw).find((e) => e.id === postId(simplified.id))!;
    expect(text(twEntry.title)).toBe('軟體出口管制');
    expect(text(twEntry.summary)).toBe('這是關於軟體出口管制的討論。 软件 = 1');
    expect(linkOf(twEntry.link, 'alternate')).toBe(`${ORIGIN}/zh-tw/t/${simplified.id}`);
    expect(twEntry.author[0]!.uri).toBe(`${ORIGIN}/zh-tw/u/${encodeURIComponent('跟帖作者')}`);

    const hans = await fetchFeed(`/zh-hans/b/${board.slug}/feed.xml`);
    expect(hans['@_xml:lang']).toBe('zh-Hans');
    expect(text(hans.title)).toContain('新主题');
    const hansEntry = entriesOf(hans).find((e) => e.id === postId(traditional.id))!;
    expect(text(hansEntry.title)).toBe('软件更新');
    expect(text(hansEntry.summary)).toBe('这是关于软件更新的说明。');

    // The thread's feed names its thread in the variant too.
    await postReply(author, simplified.id, '软件的跟帖');
    const thread = await fetchFeed(`/zh-tw/t/${simplified.id}/feed.xml`);
    expect(text(thread.title)).toContain('軟體出口管制');
    expect(text(entriesOf(thread)[0]!.title)).toBe('軟體的跟帖');

    // Unprefixed: as written, whatever a cookie or Accept-Language asks for, and not varying by them.
    const res = await app.client().get(`/b/${board.slug}/feed.xml`, { cookie: 'gentie_variant=zh-hans', 'accept-language': 'zh-TW' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('軟體更新');
    expect(res.text).toContain('软件出口管制');
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
  });
});

describe('hostile text', () => {
  it('escapes markup and "]]>" in titles and bodies, and takes out the characters XML 1.0 forbids', async () => {
    const board = await createTestBoard(app.db);
    const title = `<script>alert("x")</script> ]]> & 'q' <![CDATA[`;
    const hostile = await postThread(author, board, title, '<p>a ]]&gt; b &amp; <b>c</b> &lt;img src=x onerror=alert(1)&gt;</p>');
    // Control characters cannot come in through the API (it refuses them); older or imported rows may hold them.
    const member = await createMember(app.db);
    const controls = await createThread(app.db, { board, author: member, title: '控制' });
    await app.db
      .updateTable('posts')
      .set({ title: 'a\u0001b\u0008c\u000Bd\u001Fe\u007Ff\uFFFFg 😀𠀀', body: '<p>x\u0002y\u000Cz</p>' })
      .where('id', '=', controls.id)
      .execute();

    const res = await app.client().get(`/b/${board.slug}/feed.xml`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>');
    expect(res.text).not.toContain(']]>');
    expect(res.text).not.toContain('<![CDATA[');
    expect(res.text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    const feed = await fetchFeed(`/b/${board.slug}/feed.xml`);
    const byId = new Map(entriesOf(feed).map((e) => [e.id, e]));
    expect(text(byId.get(postId(hostile.id))!.title)).toBe(title);
    expect(text(byId.get(postId(hostile.id))!.summary)).toBe('a ]]> b & c <img src=x onerror=alert(1)>');
    expect(text(byId.get(postId(controls.id))!.title)).toBe('abcdefg 😀𠀀');
    // (Form feed is white space: it became a space with the rest.)
    expect(text(byId.get(postId(controls.id))!.summary)).toBe('xy z');
  });
});

describe('not there', () => {
  it('answers 404 in the reader’s script for a board, thread or member that is not there, or a follow-up', async () => {
    const missingBoard = await app.client().get('/zh-hans/b/no-such-board/feed.xml');
    expect(missingBoard.status).toBe(404);
    expect(missingBoard.text).toContain('没有“no-such-board”这个版面。');
    const missingMember = await app.client().get(`/zh-tw/u/${encodeURIComponent('沒有這個人')}/feed.xml`);
    expect(missingMember.status).toBe(404);
    expect(missingMember.text).toContain('沒有「沒有這個人」這個用戶。');
    for (const id of ['999999999', 'abc', '0']) {
      const res = await app.client().get(`/zh-hans/t/${id}/feed.xml`);
      expect(res.status).toBe(404);
      expect(res.text).toContain('lang="zh-Hans"');
    }
    const board = await createTestBoard(app.db);
    const root = await postThread(author, board, '有跟帖的主題');
    const reply = await postReply(author, root.id, '一條跟帖');
    const notThread = await app.client().get(`/t/${reply.id}/feed.xml`);
    expect(notThread.status).toBe(404);
    expect(notThread.text).toContain('data-code="PostNotFound"');
  });
});

describe('caching', () => {
  it('answers 304 to its ETag or Last-Modified, is public, and any change a reader could see changes its tag', async () => {
    const board = await createTestBoard(app.db);
    const first = await postThread(author, board, '快取');
    // Written a few seconds ago: the next thread is in a later second (Last-Modified counts whole
    // seconds) without waiting for the clock.
    await app.db
      .updateTable('posts')
      .set({ created_at: sql<Date>`created_at - interval '5 seconds'` })
      .where('id', '=', first.id)
      .execute();
    const path = `/b/${board.slug}/feed.xml`;
    const one = await app.client().get(path);
    const etag = one.headers.get('etag')!;
    const modified = one.headers.get('last-modified')!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(new Date(modified).getTime()).toBe(Math.floor(Date.parse((await fetchFeed(path)).updated) / 1000) * 1000);
    expect(one.headers.get('cache-control')).toBe('public, max-age=60');

    const byTag = await app.client().get(path, { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.text).toBe('');
    expect(byTag.headers.get('etag')).toBe(etag);
    expect((await app.client().get(path, { 'if-modified-since': modified })).status).toBe(304);
    // A logged-in member gets the very same feed, as publicly cacheable.
    const member = await author.get(path, { 'if-none-match': etag });
    expect(member.status).toBe(304);
    const asMember = await author.get(path);
    expect(asMember.headers.get('etag')).toBe(etag);
    expect(asMember.headers.get('cache-control')).toBe('public, max-age=60');

    // A new thread: a new tag and a later Last-Modified.
    await postThread(author, board, '快取之後');
    const two = await app.client().get(path, { 'if-none-match': etag });
    expect(two.status).toBe(200);
    expect(two.headers.get('etag')).not.toBe(etag);
    expect((await app.client().get(path, { 'if-modified-since': modified })).status).toBe(200);
    // A deletion changes the tag too (not Last-Modified: no entry is newer).
    expect((await author.request('DELETE', `/api/posts/${first.id}`, { json: {} })).status).toBe(200);
    const three = await app.client().get(path, { 'if-none-match': two.headers.get('etag')! });
    expect(three.status).toBe(200);
    expect(three.text).not.toContain('>快取<');
  });
});

describe('autodiscovery', () => {
  /** The Atom feeds a page links to: [title, href]. */
  const feedLinks = (html: string) =>
    [...html.matchAll(/<link rel="alternate" type="application\/atom\+xml" title="([^"]*)" href="([^"]*)">/g)].map(
      (m): [string, string] => [m[1]!, m[2]!],
    );

  /**
   * A thread page as a new anonymous reader gets it rendered, then kept whole (answered without a
   * query: posts/posts.pages.ts). The page is kept once this process knows the thread's version
   * (its LISTEN link up), so a few tries are allowed for the warm answer.
   */
  async function coldAndWarm(path: string, headers: Record<string, string> = {}): Promise<[string, string]> {
    const cold = (await app.client().get(path, headers)).text;
    for (let i = 0; i < 20; i++) {
      const queries = app.queries();
      const res = await app.client().get(path, headers);
      if (app.queries() === queries) return [cold, res.text];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${path} was never served warm`);
  }

  it('board, thread (cold and warm), member and home pages link to their feeds in the page’s variant', async () => {
    const board = await createTestBoard(app.db, { name: '發現版' });
    const root = await postThread(author, board, '软件主題');
    const boardFeed = `/b/${board.slug}/feed.xml`;

    const boardPage = (await app.client().get(`/zh-tw/b/${board.slug}`)).text;
    expect(feedLinks(boardPage)).toEqual([['發現版：新主題', `${ORIGIN}/zh-tw${boardFeed}`]]);

    // A thread page, rendered and then kept whole for anonymous readers: both carry the links.
    for (const html of await coldAndWarm(`/zh-hans/t/${root.id}`)) {
      expect(feedLinks(html)).toEqual([
        ['软件主题：新跟帖', `${ORIGIN}/zh-hans/t/${root.id}/feed.xml`],
        // The board's name in the page's script too (issue 18: it once came as written).
        ['发现版：新主题', `${ORIGIN}/zh-hans${boardFeed}`],
      ]);
    }
    // Unprefixed, in the variant Accept-Language chose: the feed is named by that variant's prefix.
    for (const html of await coldAndWarm(`/t/${root.id}`, { 'accept-language': 'zh-TW' })) {
      expect(feedLinks(html)[0]).toEqual(['軟體主題：新跟帖', `${ORIGIN}/zh-tw/t/${root.id}/feed.xml`]);
    }
    // A follow-up's page links to its thread's feed.
    const reply = await postReply(author, root.id, '跟帖');
    expect(feedLinks((await app.client().get(`/t/${reply.id}`)).text)[0]![1]).toBe(`${ORIGIN}/t/${root.id}/feed.xml`);

    const memberPage = (await app.client().get(`/u/${encodeURIComponent('跟帖作者')}`)).text;
    expect(feedLinks(memberPage)).toEqual([['跟帖作者 的新主題', `${ORIGIN}/u/${encodeURIComponent('跟帖作者')}/feed.xml`]]);
    const home = (await app.client().get('/zh-hans')).text;
    expect(feedLinks(home)).toEqual([
      ['各版新主题', `${ORIGIN}/zh-hans/feed.xml`],
      ['十大热门主题', `${ORIGIN}/zh-hans/hot/feed.xml`],
    ]);

    // Every link found leads to a feed.
    for (const html of [boardPage, memberPage, home]) {
      for (const [, href] of feedLinks(html)) await fetchFeed(href.slice(ORIGIN.length));
    }
  });
});
