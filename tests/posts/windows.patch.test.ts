import { type HttpClient, type TestApp, startTestApp } from '../helpers/app';
import { createMember, createModerator, createReply, createTestBoard, createThread, logInClient, type TestMember } from '../factories';
import { changeThread, deletePost, editPost, restorePost } from '../../server/moderation/moderation.service';
import { unpaced } from '../../server/limits/paced';
import { NO_RULES } from '../../server/policy/policy';
import { seededRandom } from '../../bench/shape';

// A rendered window is patched from the thread's events rather than rendered again
// (posts.windows.patch.ts). Two processes on one database: `patched` keeps its caches and so
// patches its windows version after version; `fresh` forgets its windows before every look, so
// renders each anew. After every random change (follow-ups anywhere in the tree, edits,
// deletions, restorations, locks), every window asked for is the same on both: the anonymous
// pages byte for byte in every script, and each kept window (markup, lines, offsets: what the
// new marks, collapsed lines and the reader's held posts are laid over) as a moderator sees it too.

const ENV = { THREAD_WINDOW_LINES: '20', THREAD_DEPTH_CAP: '3' };
let patched: TestApp;
let fresh: TestApp;
let board: { slug: string };
let moderator: TestMember;
beforeAll(async () => {
  patched = await startTestApp({ env: ENV });
  fresh = await startTestApp({ env: ENV, databaseOf: patched });
  board = await createTestBoard(patched.db);
  moderator = await createModerator(patched.db, board);
});
afterAll(async () => {
  await fresh.close();
  await patched.close();
});

/** Every script a reader may ask in: as written, by Accept-Language, and under each prefix. */
const READERS: [prefix: string, headers: Record<string, string>][] = [
  ['', {}],
  ['', { 'accept-language': 'zh-CN,zh;q=0.9' }],
  ['/zh-hans', {}],
  ['/zh-hant', {}],
  ['/zh-tw', {}],
  ['/zh-hk', {}],
];

// Titles that each script writes differently (軟體/软件, 頭髮/头发, 裡/里, 臺/台…).
const TITLES = ['軟體發展', '頭髮裡面', '臺灣資訊', '後來乾燥', '電腦程式', '网络软件', '下載檔案', '著名記憶體'];

const moreLink = (html: string) => /<p class="more-lines"><a href="([^"]+)" rel="next" data-more>/.exec(html)?.[1]?.replace(/&amp;/g, '&');
const unprefixed = (url: string) => url.replace(/^\/zh-[a-z]+/, '');

async function moderatorClients(): Promise<[HttpClient, HttpClient]> {
  const a = patched.client();
  const b = fresh.client();
  await logInClient(a, moderator);
  await logInClient(b, moderator);
  return [a, b];
}

describe('a patched window', () => {
  it('is the window rendered anew, in every script, through random replies, edits and deletions', async () => {
    const seed = Number(process.env.PATCH_SEED ?? 20261203);
    const random = seededRandom(seed); // so a failure replays
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const root = await createThread(patched.db, { board, title: '軟體討論' });
    const posts = [root.id];
    const deleted = new Set<string>();
    // The windows asked for at every step: the thread's, a follow-up's, and later windows as found.
    const urls = new Set([`/t/${root.id}`]);
    const [modA, modB] = await moderatorClients();
    for (let step = 0; step < 40; step++) {
      const r = random();
      const alive = posts.filter((id) => id !== root.id && !deleted.has(id));
      if (r < 0.7 || alive.length < 3) {
        // Recent posts more often, so the tree grows deep as well as wide.
        const open = posts.filter((id) => !deleted.has(id));
        const parent = random() < 0.5 ? open[open.length - 1 - Math.floor(random() * Math.min(4, open.length))]! : pick(open);
        const written = await createReply(patched.db, parent, { title: `${pick(TITLES)}${step}`, body: random() < 0.5 ? '' : '內容' });
        posts.push(written.id);
        if (posts.length === 4 || posts.length === 12) urls.add(`/t/${written.id}`);
      } else if (r < 0.82) {
        await editPost(
          patched.db,
          NO_RULES,
          moderator,
          pick(alive),
          { title: `${pick(TITLES)}改${step}`, body: '改過', reason: '整理' },
          unpaced,
        );
      } else if (r < 0.9) {
        const id = pick(alive);
        await deletePost(patched.db, NO_RULES, moderator, id, { reason: '整理' });
        deleted.add(id);
      } else if (r < 0.95 && deleted.size > 0) {
        const id = pick([...deleted]);
        await restorePost(patched.db, NO_RULES, moderator, id);
        deleted.delete(id);
      } else {
        // Locked and unlocked: two events that change no line.
        await changeThread(patched.db, NO_RULES, moderator, root.id, 'lock');
        await changeThread(patched.db, NO_RULES, moderator, root.id, 'unlock');
      }
      if (step % 5 === 4) urls.add(`/t/${root.id}?at=${pick(alive.length ? alive : posts)}`);

      // The fresh process renders every window anew.
      fresh.caches.lines.clear();
      fresh.caches.pages.clear();
      for (const url of [...urls]) {
        // Two scripts a step in turn (so a window is often patched over several steps' changes), all every sixth.
        const readers = step % 6 === 5 ? READERS : [READERS[step % READERS.length]!, READERS[(step + 3) % READERS.length]!];
        for (const [prefix, headers] of readers) {
          const [a, b] = [await patched.client().get(prefix + url, headers), await fresh.client().get(prefix + url, headers)];
          expect({ step, url: prefix + url, status: a.status }).toEqual({ step, url: prefix + url, status: b.status });
          if (a.text !== b.text) expect({ step, url: prefix + url, html: a.text }).toEqual({ step, url: prefix + url, html: b.text });
          const more = moreLink(b.text);
          if (more && urls.size < 6) urls.add(unprefixed(more));
        }
        // A moderator's windows show what was deleted: kept apart, patched the same way.
        await modA.get(url);
        await modB.get(url);
      }
      for (const [key, entry] of fresh.caches.lines.entries()) {
        expect({ step, key, entry: patched.caches.lines.peek(key) }).toEqual({ step, key, entry });
      }
    }
    // Most versions were patched, not rendered (deletions and full windows are rendered anew).
    expect(patched.caches.lines.patched).toBeGreaterThan(60);
  }, 600_000);
});

describe("a member's thread page", () => {
  it("reads the member's role, ban and mute on the thread once, for its version and its window alike", async () => {
    const root = await createThread(patched.db, { board, title: '查詢' });
    await createReply(patched.db, root.id, { title: '跟帖' });
    const reader = patched.client();
    await logInClient(reader, await createMember(patched.db));
    expect((await reader.get(`/t/${root.id}`)).status).toBe(200);
    await createReply(patched.db, root.id, { title: '又一條' });
    const before = patched.queries();
    const page = await reader.get(`/t/${root.id}`);
    const queries = patched.queries() - before;
    expect(page.status).toBe(200);
    expect(page.text).toContain('又一條');
    // Its session, header counts, ignores, version, seen position, the window's snapshot (with the
    // patch's two) and the visit: 16 when the window read the role, ban and mute again.
    expect(queries).toBeLessThanOrEqual(13);
  });
});
